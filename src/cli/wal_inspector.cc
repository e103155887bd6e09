#include "cli/wal_inspector.h"

#include <algorithm>

#include "wal/log_format.h"
#include "wal/log_reader.h"
#include "wal/segment.h"

namespace memdb::cli {
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

// The commit timestamp the next record must carry, when known. (Not std::optional: GCC 12
// reports a false -Wmaybe-uninitialized on it here.)
struct NextTimestamp {
  bool known = false;
  uint64_t value = 0;
};

// Reads one segment; `expected_ts` carries the timestamp continuity across segments.
Status InspectSegment(FileSystem& fs, const std::string& path, bool last,
                      NextTimestamp* expected_ts, const WalCallbacks& callbacks,
                      WalSegmentSummary* summary) {
  summary->file = path;
  Result<uint64_t> size = fs.FileSize(path);
  if (!size.ok()) return size.status();
  summary->size = *size;
  Result<std::unique_ptr<SequentialFile>> file = fs.NewSequentialFile(path);
  if (!file.ok()) return file.status();
  if (callbacks.segment_begin) callbacks.segment_begin(*summary);

  auto report = [&](WalDamage damage) {
    damage.file = path;
    if (callbacks.damage) callbacks.damage(damage);
    summary->damages.push_back(std::move(damage));
  };
  wal::LogReader reader(file->get(), *size);
  std::string payload;
  WalRecordInfo info;
  info.file = path;
  for (;;) {
    const wal::LogReader::Outcome outcome = reader.ReadRecord(&payload);
    if (outcome == wal::LogReader::Outcome::kEnd) break;
    if (outcome == wal::LogReader::Outcome::kTornTail) {
      WalDamage d{WalDamage::Kind::kTornTail, "", reader.damage_offset(), reader.damage()};
      d.torn_bytes = reader.torn_bytes();
      d.partial_bytes = reader.partial_record().size();
      if (!last) {
        d.kind = WalDamage::Kind::kCorruption;
        d.what += " (a torn tail in a segment that is not the last: bytes once written are lost)";
      }
      report(std::move(d));
      break;
    }
    if (outcome == wal::LogReader::Outcome::kCorruption) {
      if (!reader.status().ok()) return reader.status();
      WalDamage d{WalDamage::Kind::kCorruption, "", reader.damage_offset(), reader.damage()};
      d.partial_bytes = reader.partial_record().size();
      d.in_unsynced_bytes = last;  // until a later record proves the bytes were synced
      report(std::move(d));
      // The damaged records took their timestamps with them: a gap right after the damage is
      // explained, so continuity restarts at the next intact record.
      expected_ts->known = false;
      continue;
    }
    ++summary->records;
    info.offset = reader.last_record_offset();
    info.end = reader.valid_end();
    info.length = payload.size();
    info.fragments = FragmentCount(info.offset, info.length);
    info.header = {};
    info.payload = db::DecodeCommitRecord(payload, &info.header, &info.writes);
    for (WalDamage& d : summary->damages) {
      if (info.payload.ok() && info.header.synced_before > d.offset) d.in_unsynced_bytes = false;
    }
    if (callbacks.record) callbacks.record(info);
    if (!info.payload.ok()) {
      report({WalDamage::Kind::kCorruption, "", info.offset,
              "the record at offset " + std::to_string(info.offset) +
                  " is intact but is not a transaction: " + std::string(info.payload.message())});
      continue;
    }
    const uint64_t ts = info.header.timestamp;
    if (expected_ts->known && ts != expected_ts->value) {
      report({WalDamage::Kind::kCorruption, "", info.offset,
              "the record at offset " + std::to_string(info.offset) + " has commit timestamp " +
                  std::to_string(ts) + ", expected " + std::to_string(expected_ts->value) +
                  (ts > expected_ts->value ? " (transactions are missing)"
                                           : " (a transaction was logged twice)")});
    }
    if (!summary->first_timestamp) summary->first_timestamp = ts;
    summary->last_timestamp = ts;
    *expected_ts = {true, ts + 1};
  }
  summary->valid_end = reader.valid_end();
  for (const WalDamage& d : summary->damages) {
    const WalVerdict v =
        d.kind == WalDamage::Kind::kTornTail ? WalVerdict::kTornTail : WalVerdict::kCorrupt;
    summary->verdict = std::max(summary->verdict, v);
  }
  if (callbacks.segment_end) callbacks.segment_end(*summary);
  return Status::OK();
}

}  // namespace

const char* WalVerdictName(WalVerdict verdict) {
  switch (verdict) {
    case WalVerdict::kIntact:
      return "intact";
    case WalVerdict::kTornTail:
      return "torn-tail";
    case WalVerdict::kCorrupt:
      return "corrupt";
  }
  return "?";
}

Result<std::vector<std::string>> WalFilesAt(FileSystem& fs, const std::string& path) {
  if (!fs.FileExists(path)) return Status::NotFound(path + ": no such file or directory");
  // A directory lists; a file does not (ENOTDIR).
  if (!fs.ListDir(path).ok()) return std::vector<std::string>{path};
  Result<std::vector<uint64_t>> numbers = wal::ListSegments(fs, path);
  if (!numbers.ok()) return numbers.status();
  if (numbers->empty()) {
    return Status::InvalidArgument(path + ": no WAL segment (wal-NNNNNN.log) in this directory");
  }
  std::vector<std::string> files;
  for (uint64_t n : *numbers) files.push_back(JoinPath(path, wal::SegmentFileName(n)));
  return files;
}

Result<std::vector<WalSegmentSummary>> InspectWal(FileSystem& fs,
                                                  const std::vector<std::string>& files,
                                                  const WalCallbacks& callbacks) {
  std::vector<WalSegmentSummary> out;
  NextTimestamp expected_ts;
  for (size_t i = 0; i < files.size(); ++i) {
    WalSegmentSummary summary;
    Status s =
        InspectSegment(fs, files[i], i + 1 == files.size(), &expected_ts, callbacks, &summary);
    if (!s.ok()) return s;
    out.push_back(std::move(summary));
  }
  return out;
}

WalVerdict OverallVerdict(const std::vector<WalSegmentSummary>& segments) {
  WalVerdict v = WalVerdict::kIntact;
  for (const WalSegmentSummary& s : segments) v = std::max(v, s.verdict);
  return v;
}

}  // namespace memdb::cli
