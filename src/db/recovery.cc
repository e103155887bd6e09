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
  // The damage is a transaction with an unexpected timestamp (damage_timestamp) at the start
  // of the segment: with nothing replayed before it, the log does not continue the base state.
  bool out_of_sequence_first = false;
  uint64_t damage_timestamp = 0;
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
        damage.cause == LogDamage::Cause::kOutOfSequence ||
        damage.cause == LogDamage::Cause::kBrokenLink) {
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
    case LogDamage::Cause::kBrokenLink:
      replay->damage = damage.detail;
      break;
    case LogDamage::Cause::kOutOfSequence: {
      replay->out_of_sequence_first = replay->records == 0;
      replay->damage_timestamp = damage.timestamp;
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

// The newest commit timestamp held by the segments numbered below `replay_from` -- those a
// checkpoint says it covers, still present when a crash came before its cleanup -- or 0. Reads
// from the newest such segment down to the first holding an intact transaction (timestamps
// grow with segment numbers). Damage is ignored: only what intact records claim counts.
Result<uint64_t> NewestTimestampBelow(FileSystem& fs, const std::string& dir,
                                      const std::vector<uint64_t>& segments, uint64_t replay_from) {
  for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
    if (*it >= replay_from) continue;
    LogScanner scanner(fs, LogScanOptions{.read_error_context = "recovery reading"});
    uint64_t newest = 0;
    LogVisitor visitor;
    visitor.record = [&](const LogRecord& record) {
      if (record.payload.ok()) newest = std::max(newest, record.header.timestamp);
    };
    LogSegment segment;
    if (Status s = scanner.ScanSegment(JoinPath(dir, wal::SegmentFileName(*it)),
                                       /*last=*/false, visitor, &segment);
        !s.ok()) {
      return s;
    }
    if (newest > 0) return newest;
  }
  return uint64_t{0};
}

// Cross-checks what checkpoint `path` (named for `name_timestamp`, loaded as `info`) claims
// against the directory and the log. Its checksums held, so a contradiction is not a torn or
// flipped byte that an older checkpoint could stand in for: it is Corruption in every mode.
Status CheckCheckpointClaims(FileSystem& fs, const std::string& dir, const std::string& path,
                             uint64_t name_timestamp, const snapshot::CheckpointInfo& info,
                             const std::vector<uint64_t>& segments) {
  auto contradiction = [&](std::string_view field, const std::string& what) {
    return Status::Corruption("checkpoint " + path + ": field " + std::string(field) + " " + what +
                              "; nothing was changed");
  };
  if (info.commit_timestamp != name_timestamp) {
    return contradiction("commit_timestamp", "is " + std::to_string(info.commit_timestamp) +
                                                 " but the file name says " +
                                                 std::to_string(name_timestamp));
  }
  const uint64_t replay_from = info.replay_from_segment;
  if (replay_from >= wal::kMaxSegmentNumber) {
    return contradiction("replay_from_segment",
                         "is " + std::to_string(replay_from) +
                             ", which leaves no segment number for the log to continue with "
                             "(the largest usable is " +
                             std::to_string(wal::kMaxSegmentNumber - 1) + ")");
  }
  // Everything up to the checkpoint's timestamp was logged before segment replay_from, and
  // nothing after it (durable_log.cc, CheckpointImpl): an older segment holding a later
  // transaction means the replay position skips committed data.
  auto newest = NewestTimestampBelow(fs, dir, segments, replay_from);
  if (!newest.ok()) return newest.status();
  if (*newest > info.commit_timestamp) {
    return contradiction(
        "replay_from_segment",
        "is " + std::to_string(replay_from) + " but an older segment holds transaction " +
            std::to_string(*newest) + ", after the checkpoint's commit_timestamp " +
            std::to_string(info.commit_timestamp) + ": replaying from there would skip it");
  }
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
    // A file shaped like a segment whose number we cannot read may hold part of the log:
    // ignoring it could drop acknowledged commits, guessing its place could reorder them.
    if (wal::LooksLikeSegmentFileName(name) && !wal::ParseSegmentFileName(name, &number)) {
      return Status::Corruption(
          JoinPath(dir, name) +
          ": not a log segment name memdb writes (\"wal-\", at least 6 decimal digits "
          "zero-padded to exactly 6, a number below 2^64, \".log\"), so its place in the log "
          "is unknown; nothing was changed. Rename or remove it, then open again");
    }
  }
  std::sort(checkpoints.rbegin(), checkpoints.rend());  // newest first
  const std::vector<uint64_t> segments = wal::SegmentNumbers(*names);
  report->existing = !checkpoints.empty() || !segments.empty();
  if (!segments.empty() && segments.back() >= wal::kMaxSegmentNumber - 1) {
    // The next segment would be numbered UINT64_MAX (or wrap to 0 and sort first).
    return Status::Corruption(
        JoinPath(dir, wal::SegmentFileName(segments.back())) + ": segment number " +
        std::to_string(segments.back()) +
        " leaves no number for the segments after it (a directory may hold segments up to " +
        std::to_string(wal::kMaxSegmentNumber - 2) +
        ", so that the next one has a successor): the log cannot continue; nothing was "
        "changed");
  }
  out->next_segment = segments.empty() ? 1 : segments.back() + 1;
  out->last_segment = segments.empty() ? 0 : segments.back();
  out->engine = std::make_shared<mvcc::Engine>(hooks);

  // The newest checkpoint that loads completely. Damaged ones are skipped (except under
  // kAbsoluteConsistency) and set aside once recovery has re-based the log.
  uint64_t replay_from = 0;
  std::string checkpoint_path;  // of the one loaded
  std::string newest_skipped;   // the newest damaged checkpoint skipped, and its timestamp
  uint64_t newest_skipped_timestamp = 0;
  for (const auto& [timestamp, name] : checkpoints) {
    auto candidate = std::make_shared<mvcc::Engine>(hooks);
    snapshot::CheckpointInfo info{};
    Status s = LoadCheckpoint(fs, dir, name, candidate.get(), &info);
    if (s.ok()) {
      const std::string path = JoinPath(dir, name);
      if (s = CheckCheckpointClaims(fs, dir, path, timestamp, info, segments); !s.ok()) return s;
      out->engine = std::move(candidate);
      replay_from = info.replay_from_segment;
      checkpoint_path = path;
      report->checkpoint = name;
      report->checkpoint_timestamp = info.commit_timestamp;
      report->checkpoint_keys = info.key_count;
      // The checkpoint may name a segment past every one present (it was written just before
      // the segment was created): new segments must not sort before its replay position.
      out->next_segment = std::max(out->next_segment, replay_from);
      break;
    }
    if (!s.IsCorruption() || mode == RecoveryMode::kAbsoluteConsistency) {
      return s.Annotate("recovery of " + dir + " failed loading checkpoint " + name);
    }
    report->damage.push_back(std::string(s.message()) + " (checkpoint " + name +
                             " skipped; an older one and the log are tried)");
    if (newest_skipped.empty()) {
      newest_skipped = name;
      newest_skipped_timestamp = timestamp;
    }
    out->set_aside.push_back(name);
    out->needs_checkpoint = true;
  }
  const uint64_t base = out->engine->LatestTimestamp();
  const std::string base_name = checkpoint_path.empty()
                                    ? std::string("the empty database (transaction 0)")
                                    : "checkpoint " + checkpoint_path;

  uint64_t last = base;
  LogScanOptions scan;
  scan.stop_at_damage = true;
  scan.classify_unsynced = mode != RecoveryMode::kAbsoluteConsistency;
  scan.verify_checksums = !hooks.bugs.replay_ignores_checksums;
  scan.read_error_context = "recovery reading";
  LogScanner scanner(fs, scan);
  // kFirstCommitTimestamp without a checkpoint (LatestTimestamp() is 0).
  scanner.ExpectTimestamp(last + 1);
  // A segment's link names the segment before it and that one's synced size when it was
  // started: a segment the replay needs that is gone or shorter lost synced commits, even
  // when no transaction follows to show a gap (docs/durability.md).
  scanner.CheckLinksFrom(replay_from);
  bool stopped_at_damage = false;
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
    const bool nothing_replayed_before = report->records_replayed == 0;
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
    const bool skipped_newer = !newest_skipped.empty() && newest_skipped_timestamp > base;
    if (nothing_replayed_before && replay.records == 0 &&
        (replay.out_of_sequence_first || skipped_newer)) {
      // The log does not continue the state it is replayed on, or a damaged checkpoint says
      // more was committed and the log is damaged before adding anything to an older state:
      // no prefix beyond that state can be built, so no recovery mode may open (point-in-time
      // would otherwise turn "cannot reconstruct" into the older, possibly empty, state).
      std::string skipped;
      if (skipped_newer) {
        skipped = "; checkpoint " + JoinPath(dir, newest_skipped) + " (transaction " +
                  std::to_string(newest_skipped_timestamp) +
                  ") is damaged and the log no longer reaches back to an older state";
      }
      const std::string claim = checkpoint_path.empty()
                                    ? base_name
                                    : base_name + " (field commit_timestamp " +
                                          std::to_string(base) + ", replay_from_segment " +
                                          std::to_string(replay_from) + ")";
      const std::string found =
          replay.out_of_sequence_first
              ? "the log begins with transaction " + std::to_string(replay.damage_timestamp) +
                    ", but recovery starts from " + claim + ", which it does not continue"
              : damage + " before any transaction after " + claim;
      return Status::Corruption(where + ": " + found + skipped +
                                ". No recovery mode can rebuild a prefix of the committed "
                                "transactions; nothing was changed");
    }
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
    stopped_at_damage = true;
    break;
  }
  if (!newest_skipped.empty() && newest_skipped_timestamp > last && !stopped_at_damage) {
    // A checkpoint is written only of committed state, so the damaged one's name says
    // transactions up to its timestamp were committed. Only a point-in-time stop at damage in
    // the log may end recovery before them; an intact log that simply ends short cannot.
    return Status::Corruption(
        "checkpoint " + JoinPath(dir, newest_skipped) + " (transaction " +
        std::to_string(newest_skipped_timestamp) + ") is damaged, and " + base_name +
        " and the log reach only transaction " + std::to_string(last) + ": transactions " +
        std::to_string(last + 1) + " to " + std::to_string(newest_skipped_timestamp) +
        " cannot be recovered" +
        (mode == RecoveryMode::kPointInTime
             ? std::string(" (the log is intact, so there is no damage to stop at)")
             : std::string()) +
        "; nothing was changed");
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
