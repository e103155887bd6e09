#include "cli/snapshot_loader.h"

#include <algorithm>
#include <memory>

#include "snapshot/checkpoint_file.h"

namespace memdb::cli {
namespace {

constexpr std::string_view kCheckpointMagic = "MEMDBCKP";
// Enough of a file to tell its form (DetectSnapshotFormat reads a magic, a golden header, or
// the first non-blank byte of JSON or XML): a file that is no snapshot is rejected after
// reading this much, never read whole.
constexpr size_t kHeadBytes = 4096;
constexpr size_t kChunk = size_t{1} << 20;

Result<LoadedSnapshot> LoadCheckpoint(FileSystem& fs, const std::string& path, uint64_t size) {
  Result<std::unique_ptr<SequentialFile>> file = fs.NewSequentialFile(path);
  if (!file.ok()) return file.status();
  LoadedSnapshot loaded;
  loaded.format = "checkpoint";
  loaded.file_bytes = size;
  snapshot::CheckpointInfo info;
  Status s = snapshot::ReadCheckpoint(file->get(), size, &info,
                                      [&](std::string_view key, std::string_view value) {
                                        loaded.snapshot.entries.emplace(key, value);
                                        return Status::OK();
                                      });
  if (!s.ok()) return s;
  loaded.snapshot.metadata.format_version = info.format_version;
  loaded.snapshot.metadata.commit_timestamp = info.commit_timestamp;
  loaded.snapshot.metadata.key_count = info.key_count;
  loaded.replay_from_segment = info.replay_from_segment;
  return loaded;
}

// Appends the rest of `file` to `*bytes` (reserved for `size` bytes), never more than
// `max_bytes` in all: the file may have grown since its size was taken.
Status ReadRest(SequentialFile& file, const std::string& path, uint64_t max_bytes,
                std::string* bytes) {
  std::string chunk;
  for (;;) {
    const uint64_t left = max_bytes - bytes->size();
    if (Status s = file.Read(left >= kChunk ? kChunk : static_cast<size_t>(left) + 1, &chunk);
        !s.ok()) {
      return s;
    }
    if (chunk.empty()) return Status::OK();
    bytes->append(chunk);
    if (bytes->size() > max_bytes) {
      return Status::InvalidArgument(path + ": more than " + std::to_string(max_bytes) +
                                     " bytes is larger than a snapshot may be");
    }
  }
}

}  // namespace

Result<LoadedSnapshot> LoadSnapshotOrCheckpoint(const std::string& path) {
  std::shared_ptr<FileSystem> fs = PosixFileSystem();
  // Open first: a FIFO, device or directory is refused here, without blocking.
  Result<std::unique_ptr<SequentialFile>> file = fs->NewSequentialFile(path);
  if (!file.ok()) return file.status();
  Result<uint64_t> size = fs->FileSize(path);
  if (!size.ok()) return size.status();
  const uint64_t max_bytes = SnapshotLimits{}.max_bytes;
  if (*size > max_bytes) {
    return Status::InvalidArgument(path + ": " + std::to_string(*size) +
                                   " bytes is larger than a snapshot may be (at most " +
                                   std::to_string(max_bytes) + " bytes)");
  }
  std::string bytes;
  if (Status s = (*file)->Read(kHeadBytes, &bytes); !s.ok()) return s;
  // A checkpoint streams through its reader: nothing of it is held but the entries.
  if (bytes.starts_with(kCheckpointMagic)) {
    file->reset();
    return LoadCheckpoint(*fs, path, *size);
  }
  Result<SnapshotFormat> format = DetectSnapshotFormat(bytes, path);
  if (!format.ok()) return format.status();
  // One copy of the file: reserved once, the head kept, the rest appended in chunks.
  std::string head = std::move(bytes);
  bytes.clear();
  bytes.reserve(static_cast<size_t>(std::max<uint64_t>(*size, head.size())));
  bytes.append(head);
  head = std::string();
  if (Status s = ReadRest(**file, path, max_bytes, &bytes); !s.ok()) return s;
  file->reset();
  Result<Snapshot> snap = ParseSnapshot(bytes, path);
  if (!snap.ok()) return snap.status();
  LoadedSnapshot loaded;
  loaded.file_bytes = bytes.size();
  loaded.format = std::string(SnapshotFormatName(*format));
  loaded.snapshot = std::move(*snap);
  return loaded;
}

}  // namespace memdb::cli
