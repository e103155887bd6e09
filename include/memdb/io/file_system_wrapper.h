// Forwarding base classes (LevelDB's EnvWrapper): each forwards every call to a target, so a
// file system that changes a few calls -- injects faults, counts, traces -- overrides only those,
// and a call added to FileSystem later reaches the target without touching it.
//
// Ownership: FileSystemWrapper shares its target; the file wrappers own theirs. Thread safety:
// that of the target.
#ifndef MEMDB_IO_FILE_SYSTEM_WRAPPER_H_
#define MEMDB_IO_FILE_SYSTEM_WRAPPER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/io/file_system.h"

namespace memdb {

class FileSystemWrapper : public FileSystem {
 public:
  // `target` must not be null.
  explicit FileSystemWrapper(std::shared_ptr<FileSystem> target);
  ~FileSystemWrapper() override;

  FileSystem& target() const { return *target_; }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p) override {
    return target_->NewWritableFile(p);
  }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& p) override {
    return target_->NewAppendableFile(p);
  }
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& p) override {
    return target_->NewSequentialFile(p);
  }
  Status ReadFile(const std::string& p, std::string* out) override {
    return target_->ReadFile(p, out);
  }
  bool FileExists(const std::string& p) override { return target_->FileExists(p); }
  Result<uint64_t> FileSize(const std::string& p) override { return target_->FileSize(p); }
  Result<std::vector<std::string>> ListDir(const std::string& d) override {
    return target_->ListDir(d);
  }
  Status CreateDir(const std::string& d) override { return target_->CreateDir(d); }
  Status Rename(const std::string& from, const std::string& to) override {
    return target_->Rename(from, to);
  }
  Status RemoveFile(const std::string& p) override { return target_->RemoveFile(p); }
  Status SyncDir(const std::string& d) override { return target_->SyncDir(d); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& p) override {
    return target_->LockFile(p);
  }
  PointObserver* point_observer() override { return target_->point_observer(); }

 private:
  std::shared_ptr<FileSystem> target_;
};

class WritableFileWrapper : public WritableFile {
 public:
  // `target` must not be null.
  explicit WritableFileWrapper(std::unique_ptr<WritableFile> target);
  ~WritableFileWrapper() override;

  WritableFile& target() const { return *target_; }

  Status Append(std::string_view data) override { return target_->Append(data); }
  Status Sync() override { return target_->Sync(); }
  Status Close() override { return target_->Close(); }
  uint64_t Size() const override { return target_->Size(); }
  const std::string& path() const override { return target_->path(); }

 private:
  std::unique_ptr<WritableFile> target_;
};

class SequentialFileWrapper : public SequentialFile {
 public:
  // `target` must not be null.
  explicit SequentialFileWrapper(std::unique_ptr<SequentialFile> target);
  ~SequentialFileWrapper() override;

  SequentialFile& target() const { return *target_; }

  Status Read(size_t n, std::string* out) override { return target_->Read(n, out); }
  Status Skip(uint64_t n) override { return target_->Skip(n); }
  const std::string& path() const override { return target_->path(); }

 private:
  std::unique_ptr<SequentialFile> target_;
};

}  // namespace memdb

#endif  // MEMDB_IO_FILE_SYSTEM_WRAPPER_H_
