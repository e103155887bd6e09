#include "db/recovery.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "db/checkpoint.h"
#include "db/commit_record.h"
#include "db/log_scanner.h"
#include "snapshot/checkpoint_file.h"
#include "wal/segment.h"

namespace memdb::db {
namespace {

// Loads checkpoint `name` into `engine` in batches (Restore installs one batch per call).
Status LoadCheckpoint(FileSystem& fs, const std::string& dir, const std::string& name,
                      mvcc::Engine* engine, snapshot::CheckpointInfo* info) {
  const std::string path = JoinPath(dir, name);
  auto size = fs.FileSize(path);
  if (!size.ok()) return size.status();
  auto file = fs.NewSequentialFile(path);
  if (!file.ok()) return file.status();
  constexpr size_t kBatchEntries = 1024;
  constexpr size_t kBatchBytes = size_t{4} << 20;
  std::string bytes;
  std::vector<std::pair<size_t, size_t>> sizes;  // key and value sizes, in `bytes` order
  std::vector<mvcc::WriteBuffer::Entry> batch;
  uint64_t timestamp = 0;
  auto flush = [&] {
    batch.clear();
    size_t pos = 0;
    for (const auto& [key_size, value_size] : sizes) {
      const std::string_view key(bytes.data() + pos, key_size);
      const std::string_view value(bytes.data() + pos + key_size, value_size);
      batch.push_back({key, value, false});
      pos += key_size + value_size;
    }
    engine->Restore(timestamp, batch);
    bytes.clear();
    sizes.clear();
  };
  bool header_seen = false;
  Status s = snapshot::ReadCheckpoint(
      file->get(), *size, info, [&](std::string_view key, std::string_view value) {
        if (!header_seen) {
          timestamp = info->commit_timestamp;
          header_seen = true;
        }
        bytes.append(key);
        bytes.append(value);
        sizes.emplace_back(key.size(), value.size());
        if (sizes.size() >= kBatchEntries || bytes.size() >= kBatchBytes) flush();
        return Status::OK();
      });
  if (!s.ok()) return s;
  timestamp = info->commit_timestamp;
  if (!sizes.empty()) flush();
  engine->Restore(info->commit_timestamp, {});  // the latest timestamp, even with no keys
  return Status::OK();
}

// What replaying one segment found.
struct SegmentReplay {
  uint64_t records = 0;
  uint64_t valid_bytes = 0;  // up to the end of the last record applied
  uint64_t torn_bytes = 0;   // discarded as a torn tail after valid_bytes
  std::string damage;        // non-empty: damage that is not a torn tail
  uint64_t damage_offset = 0;
};

// Applies the records of segment `path` to `engine` through `scanner` (which checks that each
// carries timestamp *last + 1). Damage in the last segment is a torn tail (discarded) when it
// lies in bytes never synced (kTolerateTornTail and kPointInTime); anything else is reported
// in `replay`.
Status ReplaySegment(LogScanner& scanner, const std::string& path, bool last_segment,
                     const Options& options, mvcc::Engine* engine, uint64_t* last,
                     SegmentReplay* replay) {
  const bool tolerate_tail =
      last_segment && options.recovery_mode != RecoveryMode::kAbsoluteConsistency;
  std::vector<mvcc::WriteBuffer::Entry> writes;
  LogVisitor visitor;
  visitor.record = [&](const LogRecord& record) {
    if (!record.replayable) return;
    engine->Restore(record.header.timestamp, record.writes);
    *last = record.header.timestamp;
    ++replay->records;
  };
  // The deliberate bug: apply what parses of a record cut off by the damage.
  visitor.damage = [&](const LogDamage& damage) {
    if (damage.cause == LogDamage::Cause::kNotATransaction ||
        damage.cause == LogDamage::Cause::kOutOfSequence) {
      return;
    }
    if (!engine->hooks().bugs.replay_partial_transaction) return;
    DecodeCommitRecordPrefix(damage.partial_record, &writes);
    if (!writes.empty()) engine->Restore(*last + 1, writes);
  };
  LogSegment segment;
  if (Status s = scanner.ScanSegment(path, last_segment, visitor, &segment); !s.ok()) return s;
  replay->valid_bytes = segment.valid_end;
  if (segment.damages.empty()) return Status::OK();
  const LogDamage& damage = segment.damages.front();
  switch (damage.cause) {
    case LogDamage::Cause::kTornTail:
      if (tolerate_tail) {
        replay->torn_bytes = damage.torn_bytes;
        return Status::OK();
      }
      replay->damage = "torn tail: " + damage.detail;
      break;
    case LogDamage::Cause::kTornBeforeLastSegment:
      replay->damage = "torn record before the last segment: " + damage.detail;
      break;
    case LogDamage::Cause::kFraming:
      if (tolerate_tail && damage.in_unsynced_bytes) {
        // Intact records follow, but none was appended after the damaged bytes were synced:
        // a crash lost or reordered unsynced writes. Everything from there is the torn tail.
        replay->torn_bytes = segment.size - damage.valid_end;
        return Status::OK();
      }
      replay->damage = damage.detail;
      break;
    case LogDamage::Cause::kNotATransaction:
      replay->damage = damage.detail;
      break;
    case LogDamage::Cause::kOutOfSequence: {
      const uint64_t before = damage.expected_timestamp - 1;
      replay->damage = damage.timestamp <= before
                           ? "transaction " + std::to_string(damage.timestamp) +
                                 " logged again after " + std::to_string(before)
                           : "transactions " + std::to_string(damage.expected_timestamp) + " to " +
                                 std::to_string(damage.timestamp - 1) + " are missing from the log";
      break;
    }
  }
  replay->damage_offset = damage.offset;
  return Status::OK();
}

}  // namespace

Status Recover(FileSystem& fs, const Options& options, const EngineHooks& hooks,
               RecoveredState* out, RecoveryReport* report) {
  const std::string& dir = options.path;
  const RecoveryMode mode = options.recovery_mode;
  const auto started = std::chrono::steady_clock::now();
  auto names = fs.ListDir(dir);
  if (!names.ok()) return names.status();
  std::vector<std::pair<uint64_t, std::string>> checkpoints;
  for (const std::string& name : *names) {
    uint64_t number = 0;
    if (ParseCheckpointFileName(name, &number)) checkpoints.emplace_back(number, name);
  }
  std::sort(checkpoints.rbegin(), checkpoints.rend());  // newest first
  const std::vector<uint64_t> segments = wal::SegmentNumbers(*names);
  report->existing = !checkpoints.empty() || !segments.empty();
  out->next_segment = segments.empty() ? 1 : segments.back() + 1;
  out->engine = std::make_shared<mvcc::Engine>(hooks);

  // The newest checkpoint that loads completely.
  uint64_t replay_from = 0;
  for (const auto& [timestamp, name] : checkpoints) {
    auto candidate = std::make_shared<mvcc::Engine>(hooks);
    snapshot::CheckpointInfo info{};
    Status s = LoadCheckpoint(fs, dir, name, candidate.get(), &info);
    if (s.ok()) {
      out->engine = std::move(candidate);
      replay_from = info.replay_from_segment;
      report->checkpoint = name;
      report->checkpoint_timestamp = info.commit_timestamp;
      report->checkpoint_keys = info.key_count;
      break;
    }
    if (!s.IsCorruption() || mode == RecoveryMode::kAbsoluteConsistency) {
      return s.Annotate("recovery of " + dir + " failed loading checkpoint " + name);
    }
    report->damage.push_back(std::string(s.message()) + " (checkpoint " + name +
                             " skipped; an older one and the log are tried)");
    out->needs_checkpoint = true;
  }

  uint64_t last = out->engine->LatestTimestamp();
  LogScanOptions scan;
  scan.stop_at_damage = true;
  scan.classify_unsynced = mode != RecoveryMode::kAbsoluteConsistency;
  scan.verify_checksums = !hooks.bugs.replay_ignores_checksums;
  scan.read_error_context = "recovery reading";
  LogScanner scanner(fs, scan);
  // kFirstCommitTimestamp without a checkpoint (LatestTimestamp() is 0).
  scanner.ExpectTimestamp(last + 1);
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i] < replay_from) continue;
    const std::string name = wal::SegmentFileName(segments[i]);
    const bool last_segment = i + 1 == segments.size();
    SegmentReplay replay;
    if (Status s = ReplaySegment(scanner, JoinPath(dir, name), last_segment, options,
                                 out->engine.get(), &last, &replay);
        !s.ok()) {
      return s;
    }
    ++report->segments_replayed;
    report->records_replayed += replay.records;
    report->log_bytes_replayed += replay.valid_bytes;
    if (replay.torn_bytes > 0) {
      report->torn_tail_file = name;
      report->torn_tail_offset = replay.valid_bytes;
      report->torn_tail_bytes = replay.torn_bytes;
      out->needs_checkpoint = true;
    }
    const std::string& damage = replay.damage;
    const uint64_t damage_offset = replay.damage_offset;
    if (damage.empty()) continue;
    const std::string where = JoinPath(dir, name) + " at offset " + std::to_string(damage_offset);
    if (mode != RecoveryMode::kPointInTime) {
      std::string earlier;
      for (const std::string& d : report->damage) earlier += "; found earlier: " + d;
      return Status::Corruption(
          where + ": " + damage + " -- the log is damaged before its tail, so committed data " +
          "may follow; nothing was changed. RecoveryMode::kPointInTime recovers the state " +
          "before the damage (transaction " + std::to_string(last) + ")" + earlier);
    }
    report->damage.push_back(where + ": " + damage +
                             " (point-in-time recovery stopped here at transaction " +
                             std::to_string(last) +
                             "; this and later segments are kept as "
                             "*.damaged)");
    for (size_t j = i; j < segments.size(); ++j) {
      out->set_aside.push_back(wal::SegmentFileName(segments[j]));
    }
    out->needs_checkpoint = true;
    break;
  }
  report->last_timestamp = last;
  report->micros = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                             std::chrono::steady_clock::now() - started)
                                             .count());
  return Status::OK();
}

}  // namespace memdb::db

namespace memdb {

std::string RecoveryReport::ToString() const {
  if (!existing) return "new database (nothing to recover)\n";
  std::string out;
  auto line = [&](const std::string& text) { out += text + "\n"; };
  line(checkpoint.empty()
           ? "checkpoint: none"
           : "checkpoint: " + checkpoint + " (timestamp " + std::to_string(checkpoint_timestamp) +
                 ", " + std::to_string(checkpoint_keys) + " keys)");
  line("log: " + std::to_string(records_replayed) + " transactions replayed from " +
       std::to_string(segments_replayed) + " segment(s), " + std::to_string(log_bytes_replayed) +
       " bytes");
  if (torn_tail_bytes > 0 || !torn_tail_file.empty()) {
    line("torn tail: " + std::to_string(torn_tail_bytes) + " bytes discarded from " +
         torn_tail_file + " at offset " + std::to_string(torn_tail_offset));
  }
  for (const std::string& d : damage) line("damage: " + d);
  line("recovered up to transaction " + std::to_string(last_timestamp) + " in " +
       std::to_string(micros) + " us" +
       (wrote_checkpoint ? "; wrote a checkpoint to re-base the log" : ""));
  return out;
}

}  // namespace memdb
