// The wrappers' constructors and destructors live here so their vtables are emitted once.
#include "memdb/io/file_system_wrapper.h"

#include <utility>

namespace memdb {

FileSystemWrapper::FileSystemWrapper(std::shared_ptr<FileSystem> target)
    : target_(std::move(target)) {}
FileSystemWrapper::~FileSystemWrapper() = default;

WritableFileWrapper::WritableFileWrapper(std::unique_ptr<WritableFile> target)
    : target_(std::move(target)) {}
WritableFileWrapper::~WritableFileWrapper() = default;

SequentialFileWrapper::SequentialFileWrapper(std::unique_ptr<SequentialFile> target)
    : target_(std::move(target)) {}
SequentialFileWrapper::~SequentialFileWrapper() = default;

}  // namespace memdb
