#include "db/checkpoint.h"

#include <charconv>
#include <cstdio>
#include <memory>
#include <vector>

#include "memdb/io/replace_file.h"
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
  ReplaceFileOptions replace;
  // A fixed name, so RemoveObsoleteFiles sweeps what a crash left behind.
  replace.tmp_path = JoinPath(dir, name + std::string(kTmpSuffix));
  replace.dir = dir;
  // The named points the fault tests crash at, one before each step.
  replace.before_step = [points](ReplaceStep step) {
    switch (step) {
      case ReplaceStep::kWrite:
        return PassPoint(points, "checkpoint.write.before");
      case ReplaceStep::kSync:
        return PassPoint(points, "checkpoint.sync.before");
      case ReplaceStep::kRename:
        return PassPoint(points, "checkpoint.rename.before");
      case ReplaceStep::kDirSync:
        return PassPoint(points, "checkpoint.dirsync.before");
    }
    return Status::OK();
  };
  // Without the directory sync the rename may or may not survive a crash; either way recovery
  // finds a consistent state (this checkpoint, or the previous one and the log, which is not
  // yet removed).
  if (hooks.bugs.checkpoint_without_dir_sync) replace.sync_dir = false;
  auto write = [&](WritableFile& file) {
    snapshot::CheckpointWriter writer(&file, timestamp, replay_from);
    Status s;
    for (; s.ok() && state->Valid(); state->Next()) s = writer.Add(state->key(), state->value());
    if (s.ok()) s = state->status();
    if (s.ok()) s = writer.Finish();
    return s;
  };
  return ReplaceFileAtomically(fs, JoinPath(dir, name), write, replace)
      .Annotate("checkpoint " + name + " not written");
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
