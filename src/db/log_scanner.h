// LogScanner: the one reader of a database's log as a sequence of transactions. Recovery
// (db/recovery.cc) replays through it and `memdb wal dump|check` (cli/wal_inspector.cc) reports
// through it, so the tool and Db::Open cannot disagree about where a log is damaged or how.
//
// The rules it applies, on top of wal::LogReader's framing (docs/wal-format.md):
//  - Segments are read in the order given (the caller lists them: wal::ListSegments); only the
//    last one is the tail of the log.
//  - Damage with nothing intact after it is a torn tail in the last segment, and corruption
//    ("a torn record before the last segment") in any other: bytes once written were lost.
//  - Damage with an intact record after it is corruption. In the last segment it lies in
//    unsynced bytes -- a hole a crash may leave, which recovery discards as a torn tail -- unless
//    some intact transaction after it in the segment has a "synced before" past the end of the
//    last intact record before it (docs/wal-format.md, "Holes in unsynced bytes").
//  - An intact record must decode as a transaction (db/commit_record.h) whose commit timestamp
//    is the previous one plus one, across segments too. A corruption restarts the count: the
//    records it destroyed took their timestamps with them.
//
// Two ways to scan: a replay stops at the first damage of a segment (what recovery applies is
// exactly the records before it); an inspection goes on after corruption to the next intact
// record, as a tolerant reader would, and reports everything.
//
// Memory: one block and one record at a time; records are passed to the visitor, not kept.
// Thread safety: none (one scanner per scan).
#ifndef MEMDB_SRC_DB_LOG_SCANNER_H_
#define MEMDB_SRC_DB_LOG_SCANNER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/commit_record.h"
#include "memdb/io/file_system.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"
#include "mvcc/write_buffer.h"

namespace memdb::db {

// The commit timestamp of a database's first transaction: where the log of a database without
// a checkpoint starts (after a checkpoint at T, it starts at T + 1).
inline constexpr uint64_t kFirstCommitTimestamp = 1;

// One intact logical record of a segment.
struct LogRecord {
  std::string file;
  uint64_t offset = 0;     // of its first fragment
  uint64_t end = 0;        // just past its last fragment
  uint64_t length = 0;     // logical payload bytes
  uint32_t fragments = 1;  // physical records: 1 is FULL, more are FIRST, MIDDLE..., LAST
  Status payload;          // whether the payload decodes as a transaction
  CommitRecordHeader header;
  std::vector<mvcc::WriteBuffer::Entry> writes;  // views valid during the visitor call only
  // A transaction carrying the expected timestamp: what recovery applies. A record that is
  // not is followed by its damage (kNotATransaction or kOutOfSequence).
  bool replayable = false;
};

struct LogDamage {
  enum class Kind { kTornTail, kCorruption };
  enum class Cause {
    kTornTail,               // the last segment ends in damage: kind kTornTail
    kTornBeforeLastSegment,  // another segment does: kind kCorruption
    kFraming,                // damage with an intact record after it
    kNotATransaction,        // an intact record whose payload does not decode
    kOutOfSequence,          // a transaction whose timestamp is not the expected one
    // The segment's link record names a previous segment that is missing, is not the one
    // read before it, or is not as long as it was (synced) when this segment was started.
    kBrokenLink,
  };
  Kind kind = Kind::kCorruption;
  Cause cause = Cause::kFraming;
  std::string file;
  uint64_t offset = 0;  // of the damaged record (its first fragment when it had begun)
  // The full description, with exact positions (what `memdb wal` prints) ...
  std::string what;
  // ... and its core: the reader's description of the damage or the decoder's error (empty for
  // kOutOfSequence, whose facts are `expected_timestamp` and `timestamp`).
  std::string detail;
  uint64_t valid_end = 0;           // the reader's valid end when the damage was found
  uint64_t torn_bytes = 0;          // kTornTail, kTornBeforeLastSegment: to the end of the file
  uint64_t partial_bytes = 0;       // payload of a fragmented record read before the damage
  std::string_view partial_record;  // those bytes, during the visitor call only
  uint64_t expected_timestamp = 0;  // kOutOfSequence
  uint64_t timestamp = 0;           // kOutOfSequence
  // kFraming in the last segment: no intact transaction after it says bytes past valid_end had
  // been synced, so recovery discards it as a torn tail. Final in the LogSegment; in the
  // visitor's damage call it is provisional (later records may still clear it).
  bool in_unsynced_bytes = false;
};

enum class LogVerdict { kIntact, kTornTail, kCorrupt };

// What scanning one segment found.
struct LogSegment {
  std::string file;
  uint64_t size = 0;
  uint64_t records = 0;    // intact records (transactions or not)
  uint64_t valid_end = 0;  // just past the last intact record read (before a replay stopped)
  // The segment link record (db/commit_record.h) the segment starts with, if any: not a
  // transaction, not passed to the record visitor, not counted in `records`.
  std::optional<SegmentLink> link;
  std::optional<uint64_t> first_timestamp;
  std::optional<uint64_t> last_timestamp;
  std::vector<LogDamage> damages;  // in file order; at most one when the scan stops at damage
  LogVerdict verdict = LogVerdict::kIntact;  // the worst of `damages`
};

struct LogVisitor {
  std::function<void(const LogSegment& segment)> segment_begin;  // file and size set
  std::function<void(const LogRecord& record)> record;
  // The segment's link record, before any record of the segment.
  std::function<void(const SegmentLink& link)> link;
  std::function<void(const LogDamage& damage)> damage;
  std::function<void(const LogSegment& segment)> segment_end;  // complete
};

struct LogScanOptions {
  // Stop each segment at its first damage (replay) instead of reading on (inspection).
  bool stop_at_damage = false;
  // When stopping at a corruption in the last segment: read the rest of the segment to decide
  // `in_unsynced_bytes` (a recovery that treats all damage as fatal need not).
  bool classify_unsynced = true;
  // Passed to wal::LogReaderOptions (off only for the deliberate bug replay_ignores_checksums).
  bool verify_checksums = true;
  // Errors reading a segment are annotated "<context> <path>" when this is set.
  std::string read_error_context;
};

class LogScanner {
 public:
  explicit LogScanner(FileSystem& fs, LogScanOptions options = {});

  // The commit timestamp the next record must carry (recovery: the checkpoint's plus one).
  // Unset, the first record sets the count.
  void ExpectTimestamp(uint64_t next);

  // Segment links (db/commit_record.h) are checked against the segment scanned before; those
  // naming a segment below `first` are not checked (a checkpoint covers it). After this call
  // the first segment scanned is checked too: a link naming a segment at or after `first`
  // then means that segment is missing. Without it, the first segment's link is not checked.
  void CheckLinksFrom(uint64_t first);

  // Scans segment `path`, the tail of the log when `last`. Damage is never an error here: it is
  // reported to `visitor` and in *out. Errors: those of FileSize, NewSequentialFile and reads.
  Status ScanSegment(const std::string& path, bool last, const LogVisitor& visitor,
                     LogSegment* out);

  // Scans `paths` in order (the last one is the tail); one LogSegment per path.
  Result<std::vector<LogSegment>> Scan(const std::vector<std::string>& paths,
                                       const LogVisitor& visitor);

 private:
  FileSystem& fs_;
  const LogScanOptions options_;
  // The timestamp the next record must carry, when known. (Not std::optional: GCC 12 reports a
  // false -Wmaybe-uninitialized on it here.)
  bool expected_known_ = false;
  uint64_t expected_ = 0;
  bool check_first_link_ = false;
  uint64_t first_linked_ = 0;
  // The segment scanned before (file name and size), for the next one's link.
  bool has_previous_ = false;
  std::string previous_name_;
  uint64_t previous_size_ = 0;

  // Empty when `link` agrees with the segment scanned before, else what is wrong.
  std::string CheckLink(const SegmentLink& link) const;
};

// The worst verdict of `segments`.
LogVerdict OverallVerdict(const std::vector<LogSegment>& segments);

}  // namespace memdb::db

#endif  // MEMDB_SRC_DB_LOG_SCANNER_H_
