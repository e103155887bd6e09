#include "db/checkpoint.h"

#include <charconv>
#include <cstdio>
#include <memory>
#include <vector>

#include "snapshot/checkpoint_file.h"
#include "wal/segment.h"

namespace memdb::db {
namespace {

constexpr std::string_view kPrefix = "checkpoint-";
constexpr std::string_view kSuffix = ".ckpt";
constexpr std::string_view kTmpSuffix = ".tmp";

}  // namespace

std::string CheckpointFileName(uint64_t timestamp) {
  char digits[24];
  std::snprintf(digits, sizeof(digits), "%020llu", static_cast<unsigned long long>(timestamp));
  return std::string(kPrefix) + digits + std::string(kSuffix);
}

bool ParseCheckpointFileName(std::string_view name, uint64_t* timestamp) {
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return false;
  name.remove_prefix(kPrefix.size());
  name.remove_suffix(kSuffix.size());
  if (name.size() != 20) return false;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), *timestamp);
  return ec == std::errc() && end == name.data() + name.size();
}

Status WriteCheckpoint(FileSystem& fs, const std::string& dir, mvcc::IteratorState* state,
                       uint64_t timestamp, uint64_t replay_from, const EngineHooks& hooks) {
  PointObserver* points = hooks.points;
  const std::string name = CheckpointFileName(timestamp);
  const std::string tmp_path = JoinPath(dir, name + std::string(kTmpSuffix));
  auto fail = [&](const Status& s) {
    fs.RemoveFile(tmp_path).IgnoreError();
    return s.Annotate("checkpoint " + name + " not written");
  };
  if (Status s = PassPoint(points, "checkpoint.write.before"); !s.ok()) return fail(s);
  auto file = fs.NewWritableFile(tmp_path);
  if (!file.ok()) return fail(file.status());
  snapshot::CheckpointWriter writer(file->get(), timestamp, replay_from);
  Status s;
  for (; s.ok() && state->Valid(); state->Next()) s = writer.Add(state->key(), state->value());
  if (s.ok()) s = state->status();
  if (s.ok()) s = writer.Finish();
  if (s.ok()) s = PassPoint(points, "checkpoint.sync.before");
  if (s.ok()) s = (*file)->Sync();
  const Status closed = (*file)->Close();
  if (s.ok()) s = closed;
  if (s.ok()) s = PassPoint(points, "checkpoint.rename.before");
  if (s.ok()) s = fs.Rename(tmp_path, JoinPath(dir, name));
  if (!s.ok()) return fail(s);
  if (s = PassPoint(points, "checkpoint.dirsync.before"); !s.ok()) return fail(s);
  if (hooks.bugs.checkpoint_without_dir_sync) return Status::OK();
  s = fs.SyncDir(dir);
  // The rename may or may not survive a crash now; either way recovery finds a consistent
  // state (this checkpoint, or the previous one and the log, which is not yet removed).
  if (!s.ok()) return fail(s);
  return Status::OK();
}

void RemoveObsoleteFiles(FileSystem& fs, const std::string& dir, uint64_t timestamp,
                         uint64_t replay_from, const EngineHooks& hooks) {
  // The deliberate bug truncates obsolete segments in place (a data operation, durable once
  // synced) instead of removing them, so it does not depend on the directory sync it skipped.
  const bool truncate_log = hooks.bugs.checkpoint_without_dir_sync;
  auto names = fs.ListDir(dir);
  if (!names.ok()) return;
  for (const std::string& name : *names) {
    uint64_t number = 0;
    const bool obsolete = (wal::ParseSegmentFileName(name, &number) && number < replay_from) ||
                          (ParseCheckpointFileName(name, &number) && number < timestamp) ||
                          (name.starts_with(kPrefix) && name.ends_with(kTmpSuffix));
    if (!obsolete) continue;
    if (truncate_log && wal::ParseSegmentFileName(name, &number)) {
      if (auto file = fs.NewWritableFile(JoinPath(dir, name)); file.ok()) {
        (*file)->Sync().IgnoreError();
      }
      continue;
    }
    fs.RemoveFile(JoinPath(dir, name)).IgnoreError();
  }
}

}  // namespace memdb::db
