#include "cli/snapshot_loader.h"

#include "snapshot/checkpoint_file.h"

namespace memdb::cli {
namespace {

constexpr std::string_view kCheckpointMagic = "MEMDBCKP";

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

}  // namespace

Result<LoadedSnapshot> LoadSnapshotOrCheckpoint(const std::string& path) {
  std::shared_ptr<FileSystem> fs = PosixFileSystem();
  Result<uint64_t> size = fs->FileSize(path);
  if (!size.ok()) return size.status();
  if (*size > SnapshotLimits{}.max_bytes) {
    return Status::InvalidArgument(path + ": " + std::to_string(*size) +
                                   " bytes is larger than a snapshot may be");
  }
  std::string bytes;
  if (Status s = fs->ReadFile(path, &bytes); !s.ok()) return s;
  if (bytes.starts_with(kCheckpointMagic)) return LoadCheckpoint(*fs, path, *size);
  Result<SnapshotFormat> format = DetectSnapshotFormat(bytes, path);
  if (!format.ok()) return format.status();
  Result<Snapshot> snap = ParseSnapshot(bytes, path);
  if (!snap.ok()) return snap.status();
  LoadedSnapshot loaded;
  loaded.file_bytes = *size;
  loaded.format = std::string(SnapshotFormatName(*format));
  loaded.snapshot = std::move(*snap);
  return loaded;
}

}  // namespace memdb::cli
