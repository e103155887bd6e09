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

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override;
  Status ReadFile(const std::string& path, std::string* contents) override;
  bool FileExists(const std::string& path) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Status CreateDir(const std::string& dir) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status SyncDir(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;
  PointObserver* point_observer() override;

 private:
  std::shared_ptr<FileSystem> target_;
};

class WritableFileWrapper : public WritableFile {
 public:
  // `target` must not be null.
  explicit WritableFileWrapper(std::unique_ptr<WritableFile> target);
  ~WritableFileWrapper() override;

  WritableFile& target() const { return *target_; }

  Status Append(std::string_view data) override;
  Status Sync() override;
  Status Close() override;
  uint64_t Size() const override;
  const std::string& path() const override;

 private:
  std::unique_ptr<WritableFile> target_;
};

class SequentialFileWrapper : public SequentialFile {
 public:
  // `target` must not be null.
  explicit SequentialFileWrapper(std::unique_ptr<SequentialFile> target);
  ~SequentialFileWrapper() override;

  SequentialFile& target() const { return *target_; }

  Status Read(size_t n, std::string* out) override;
  Status Skip(uint64_t n) override;
  const std::string& path() const override;

 private:
  std::unique_ptr<SequentialFile> target_;
};

}  // namespace memdb

#endif  // MEMDB_IO_FILE_SYSTEM_WRAPPER_H_
