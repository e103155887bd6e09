#include "db/log_scanner.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "wal/log_format.h"
#include "wal/log_reader.h"
#include "wal/segment.h"

namespace memdb::db {
namespace {

// Physical records a logical record of `length` bytes starting at `offset` takes: the writer
// fills the rest of the block with a FIRST fragment and whole blocks with MIDDLE ones
// (docs/wal-format.md, "Fragmentation").
uint32_t FragmentCount(uint64_t offset, uint64_t length) {
  const uint64_t room = wal::kBlockSize - offset % wal::kBlockSize - wal::kHeaderSize;
  if (length <= room) return 1;
  const uint64_t rest = length - room;
  return static_cast<uint32_t>(1 + (rest + wal::kMaxFragmentLength - 1) / wal::kMaxFragmentLength);
}

// Whether intact transaction `header`, read after damage whose last intact byte before it ends
// at `cut`, was appended once bytes past `cut` had been synced -- so the damage is in durable
// data, not in a tail that a crash tore, lost or reordered.
bool VouchesForSyncedBytes(const Status& payload, const CommitRecordHeader& header, uint64_t cut) {
  return payload.ok() && header.synced_before > cut;
}

// Reads on from a corruption to the end of the segment: true when some record vouches that the
// bytes at `cut` had been synced. A read error cannot tell, so it counts as synced (nothing is
// discarded on a guess).
bool SyncedPast(wal::LogReader& reader, uint64_t cut) {
  std::string payload;
  std::vector<mvcc::WriteBuffer::Entry> writes;
  for (;;) {
    switch (reader.ReadRecord(&payload)) {
      case wal::LogReader::Outcome::kRecord: {
        CommitRecordHeader header;
        if (VouchesForSyncedBytes(DecodeCommitRecord(payload, &header, &writes), header, cut)) {
          return true;
        }
        break;
      }
      case wal::LogReader::Outcome::kCorruption:
        if (!reader.status().ok()) return true;
        break;
      case wal::LogReader::Outcome::kEnd:
      case wal::LogReader::Outcome::kTornTail:
        return false;
    }
  }
}

LogVerdict VerdictOf(const LogDamage& damage) {
  return damage.kind == LogDamage::Kind::kTornTail ? LogVerdict::kTornTail : LogVerdict::kCorrupt;
}

}  // namespace

LogScanner::LogScanner(FileSystem& fs, LogScanOptions options)
    : fs_(fs), options_(std::move(options)) {}

void LogScanner::ExpectTimestamp(uint64_t next) {
  expected_known_ = true;
  expected_ = next;
}

void LogScanner::CheckLinksFrom(uint64_t first) {
  check_first_link_ = true;
  first_linked_ = first;
}

std::string LogScanner::CheckLink(const SegmentLink& link) const {
  if (link.previous_segment < first_linked_) return {};
  const std::string previous = wal::SegmentFileName(link.previous_segment);
  const std::string held = " held " + std::to_string(link.previous_size) + " synced bytes";
  if (!has_previous_) {
    if (!check_first_link_) return {};
    return "this segment was started after " + previous + held + ", but " + previous +
           " is missing";
  }
  uint64_t number = 0;
  if (!wal::ParseSegmentFileName(previous_name_, &number)) return {};  // not a database's log
  if (number < link.previous_segment) {
    return "this segment was started after " + previous + held + ", but " + previous +
           " is missing";
  }
  if (number > link.previous_segment) {
    return "this segment was started after " + previous + held + ", but " + previous_name_ +
           " comes between them";
  }
  if (previous_size_ != link.previous_size) {
    return "this segment was started after " + previous + held + ", but " + previous + " has " +
           std::to_string(previous_size_) +
           (previous_size_ < link.previous_size ? " (shortened)" : " (grown)");
  }
  return {};
}

Status LogScanner::ScanSegment(const std::string& path, bool last, const LogVisitor& visitor,
                               LogSegment* out) {
  out->file = path;
  Result<uint64_t> size = fs_.FileSize(path);
  if (!size.ok()) return size.status();
  out->size = *size;
  Result<std::unique_ptr<SequentialFile>> file = fs_.NewSequentialFile(path);
  if (!file.ok()) return file.status();
  if (visitor.segment_begin) visitor.segment_begin(*out);

  wal::LogReader reader(file->get(), *size, {.verify_checksums = options_.verify_checksums});
  auto report = [&](LogDamage damage) {
    damage.file = path;
    if (visitor.damage) visitor.damage(damage);
    damage.partial_record = {};  // the reader's buffer does not outlive this call
    out->damages.push_back(std::move(damage));
  };
  // The damage the reader found at its position.
  auto reader_damage = [&](LogDamage::Kind kind, LogDamage::Cause cause) {
    LogDamage d;
    d.kind = kind;
    d.cause = cause;
    d.offset = reader.damage_offset();
    d.detail = reader.damage();
    d.what = d.detail;
    d.valid_end = reader.valid_end();
    d.partial_record = reader.partial_record();
    d.partial_bytes = d.partial_record.size();
    return d;
  };
  std::string payload;
  LogRecord record;
  record.file = path;
  bool looked_past = false;
  for (;;) {
    const wal::LogReader::Outcome outcome = reader.ReadRecord(&payload);
    if (!reader.status().ok()) {
      if (options_.read_error_context.empty()) return reader.status();
      return reader.status().Annotate(options_.read_error_context + " " + path);
    }
    if (outcome == wal::LogReader::Outcome::kEnd) break;
    if (outcome == wal::LogReader::Outcome::kTornTail) {
      LogDamage d = last ? reader_damage(LogDamage::Kind::kTornTail, LogDamage::Cause::kTornTail)
                         : reader_damage(LogDamage::Kind::kCorruption,
                                         LogDamage::Cause::kTornBeforeLastSegment);
      d.torn_bytes = reader.torn_bytes();
      if (!last) {
        d.what += " (a torn tail in a segment that is not the last: bytes once written are lost)";
      }
      report(std::move(d));
      break;
    }
    if (outcome == wal::LogReader::Outcome::kCorruption) {
      LogDamage d = reader_damage(LogDamage::Kind::kCorruption, LogDamage::Cause::kFraming);
      d.in_unsynced_bytes = last;  // until a later record vouches for the bytes
      const uint64_t cut = d.valid_end;
      report(std::move(d));
      // The damaged records took their timestamps with them: a gap right after the damage is
      // explained, so continuity restarts at the next intact record.
      expected_known_ = false;
      if (!options_.stop_at_damage) continue;
      // Reading on moves the reader: the segment's valid end is where the replay stopped.
      out->valid_end = cut;
      out->damages.back().in_unsynced_bytes =
          last && options_.classify_unsynced && !SyncedPast(reader, cut);
      looked_past = true;
      break;
    }

    if (SegmentLink link; out->records == 0 && !out->link && DecodeSegmentLink(payload, &link)) {
      out->link = link;
      if (visitor.link) visitor.link(link);
      if (std::string broken = CheckLink(link); !broken.empty()) {
        LogDamage d;
        d.cause = LogDamage::Cause::kBrokenLink;
        d.offset = reader.last_record_offset();
        d.detail = std::move(broken);
        d.what = "the segment link at offset " + std::to_string(d.offset) + ": " + d.detail;
        d.valid_end = d.offset;
        report(std::move(d));
        // Records were lost with the previous segment's end: continuity restarts.
        expected_known_ = false;
        if (options_.stop_at_damage) break;
      }
      continue;
    }
    ++out->records;
    record.offset = reader.last_record_offset();
    record.end = reader.valid_end();
    record.length = payload.size();
    record.fragments = FragmentCount(record.offset, record.length);
    record.header = {};
    record.payload = DecodeCommitRecord(payload, &record.header, &record.writes);
    for (LogDamage& d : out->damages) {
      if (VouchesForSyncedBytes(record.payload, record.header, d.valid_end)) {
        d.in_unsynced_bytes = false;
      }
    }
    std::optional<LogDamage> damage;
    const uint64_t ts = record.header.timestamp;
    if (!record.payload.ok()) {
      damage.emplace();
      damage->cause = LogDamage::Cause::kNotATransaction;
      damage->detail = std::string(record.payload.message());
      damage->what = "the record at offset " + std::to_string(record.offset) +
                     " is intact but is not a transaction: " + damage->detail;
    } else if (expected_known_ && ts != expected_) {
      damage.emplace();
      damage->cause = LogDamage::Cause::kOutOfSequence;
      damage->expected_timestamp = expected_;
      damage->timestamp = ts;
      damage->what =
          "the record at offset " + std::to_string(record.offset) + " has commit timestamp " +
          std::to_string(ts) + ", expected " + std::to_string(expected_) +
          (ts > expected_ ? " (transactions are missing)" : " (a transaction was logged twice)");
    }
    record.replayable = !damage.has_value();
    if (visitor.record) visitor.record(record);
    if (damage) {
      damage->offset = record.offset;
      damage->valid_end = reader.valid_end();
      report(std::move(*damage));
      if (options_.stop_at_damage) break;
      if (!record.payload.ok()) continue;
    }
    if (!out->first_timestamp) out->first_timestamp = ts;
    out->last_timestamp = ts;
    ExpectTimestamp(ts + 1);
  }
  if (!looked_past) out->valid_end = reader.valid_end();
  has_previous_ = true;
  previous_name_ = path.substr(path.find_last_of('/') + 1);
  previous_size_ = out->size;
  for (const LogDamage& d : out->damages) out->verdict = std::max(out->verdict, VerdictOf(d));
  if (visitor.segment_end) visitor.segment_end(*out);
  return Status::OK();
}

Result<std::vector<LogSegment>> LogScanner::Scan(const std::vector<std::string>& paths,
                                                 const LogVisitor& visitor) {
  std::vector<LogSegment> segments;
  for (size_t i = 0; i < paths.size(); ++i) {
    LogSegment segment;
    if (Status s = ScanSegment(paths[i], i + 1 == paths.size(), visitor, &segment); !s.ok()) {
      return s;
    }
    segments.push_back(std::move(segment));
  }
  return segments;
}

LogVerdict OverallVerdict(const std::vector<LogSegment>& segments) {
  LogVerdict v = LogVerdict::kIntact;
  for (const LogSegment& s : segments) v = std::max(v, s.verdict);
  return v;
}

}  // namespace memdb::db
