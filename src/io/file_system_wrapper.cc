#include "memdb/io/file_system_wrapper.h"

#include <utility>

namespace memdb {

FileSystemWrapper::FileSystemWrapper(std::shared_ptr<FileSystem> target)
    : target_(std::move(target)) {}
FileSystemWrapper::~FileSystemWrapper() = default;

Result<std::unique_ptr<WritableFile>> FileSystemWrapper::NewWritableFile(const std::string& path) {
  return target_->NewWritableFile(path);
}
Result<std::unique_ptr<WritableFile>> FileSystemWrapper::NewAppendableFile(
    const std::string& path) {
  return target_->NewAppendableFile(path);
}
Result<std::unique_ptr<SequentialFile>> FileSystemWrapper::NewSequentialFile(
    const std::string& path) {
  return target_->NewSequentialFile(path);
}
Status FileSystemWrapper::ReadFile(const std::string& path, std::string* contents) {
  return target_->ReadFile(path, contents);
}
bool FileSystemWrapper::FileExists(const std::string& path) { return target_->FileExists(path); }
Result<uint64_t> FileSystemWrapper::FileSize(const std::string& path) {
  return target_->FileSize(path);
}
Result<std::vector<std::string>> FileSystemWrapper::ListDir(const std::string& dir) {
  return target_->ListDir(dir);
}
Status FileSystemWrapper::CreateDir(const std::string& dir) { return target_->CreateDir(dir); }
Status FileSystemWrapper::Rename(const std::string& from, const std::string& to) {
  return target_->Rename(from, to);
}
Status FileSystemWrapper::RemoveFile(const std::string& path) { return target_->RemoveFile(path); }
Status FileSystemWrapper::SyncDir(const std::string& dir) { return target_->SyncDir(dir); }
Result<std::unique_ptr<FileLock>> FileSystemWrapper::LockFile(const std::string& path) {
  return target_->LockFile(path);
}
PointObserver* FileSystemWrapper::point_observer() { return target_->point_observer(); }

WritableFileWrapper::WritableFileWrapper(std::unique_ptr<WritableFile> target)
    : target_(std::move(target)) {}
WritableFileWrapper::~WritableFileWrapper() = default;
Status WritableFileWrapper::Append(std::string_view data) { return target_->Append(data); }
Status WritableFileWrapper::Sync() { return target_->Sync(); }
Status WritableFileWrapper::Close() { return target_->Close(); }
uint64_t WritableFileWrapper::Size() const { return target_->Size(); }
const std::string& WritableFileWrapper::path() const { return target_->path(); }

SequentialFileWrapper::SequentialFileWrapper(std::unique_ptr<SequentialFile> target)
    : target_(std::move(target)) {}
SequentialFileWrapper::~SequentialFileWrapper() = default;
Status SequentialFileWrapper::Read(size_t n, std::string* out) { return target_->Read(n, out); }
Status SequentialFileWrapper::Skip(uint64_t n) { return target_->Skip(n); }
const std::string& SequentialFileWrapper::path() const { return target_->path(); }

}  // namespace memdb
