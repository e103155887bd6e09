// WalInspector: walks WAL segments for `memdb wal dump` and `memdb wal check`, reporting every
// logical record (decoded as a transaction) and every damage, in file order.
//
// It adds no framing logic of its own: records and damage come from wal::LogReader (which
// classifies torn tails and corruption, docs/wal-format.md), transactions from
// db::DecodeCommitRecord. On top of them it checks what recovery checks across records: each
// payload decodes, and each commit timestamp is the previous one plus one (also across the
// segments of a directory). A torn tail in a segment that is not the last one is corruption,
// as recovery sees it.
//
// Memory: one block and one record at a time (records are passed to the callback, not kept).
#ifndef MEMDB_SRC_CLI_WAL_INSPECTOR_H_
#define MEMDB_SRC_CLI_WAL_INSPECTOR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/commit_record.h"
#include "memdb/io/file_system.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"
#include "mvcc/write_buffer.h"

namespace memdb::cli {

struct WalRecordInfo {
  std::string file;
  uint64_t offset = 0;     // of its first fragment
  uint64_t end = 0;        // just past its last fragment
  uint64_t length = 0;     // logical payload bytes
  uint32_t fragments = 1;  // physical records: 1 is FULL, more are FIRST, MIDDLE..., LAST
  Status payload;          // whether the payload decodes as a transaction
  db::CommitRecordHeader header;
  std::vector<mvcc::WriteBuffer::Entry> writes;  // views valid during the callback only
};

struct WalDamage {
  enum class Kind { kTornTail, kCorruption };
  Kind kind = Kind::kCorruption;
  std::string file;
  uint64_t offset = 0;         // of the damaged record (its first fragment when it had begun)
  std::string what;            // with exact positions, from the reader or the payload decoder
  uint64_t torn_bytes = 0;     // kTornTail: bytes from the valid end to the end of the file
  uint64_t partial_bytes = 0;  // payload of a fragmented record read before the damage
  // kCorruption in the last segment: no intact record after it says these bytes had been
  // synced (its "synced before" is not past them), so recovery discards it as a torn tail
  // (docs/wal-format.md, "Holes in unsynced bytes").
  bool in_unsynced_bytes = false;
};

enum class WalVerdict { kIntact, kTornTail, kCorrupt };
// "intact", "torn-tail", "corrupt".
const char* WalVerdictName(WalVerdict verdict);

struct WalSegmentSummary {
  std::string file;
  uint64_t size = 0;
  uint64_t records = 0;
  uint64_t valid_end = 0;  // just past the last intact record
  std::optional<uint64_t> first_timestamp;
  std::optional<uint64_t> last_timestamp;
  std::vector<WalDamage> damages;
  WalVerdict verdict = WalVerdict::kIntact;
};

struct WalCallbacks {
  std::function<void(const WalSegmentSummary& segment)> segment_begin;  // file and size set
  std::function<void(const WalRecordInfo& record)> record;
  std::function<void(const WalDamage& damage)> damage;
  std::function<void(const WalSegmentSummary& segment)> segment_end;  // complete
};

// The segment files `path` names: itself when it is a file, else the wal-*.log files of the
// directory in ascending order. NotFound / IOError naming the path; InvalidArgument for a
// directory without segments.
Result<std::vector<std::string>> WalFilesAt(FileSystem& fs, const std::string& path);

// Reads `files` in order (the last one is the tail of the log). Returns one summary per file;
// a Status only when a file cannot be read (damage is never an error here).
Result<std::vector<WalSegmentSummary>> InspectWal(FileSystem& fs,
                                                  const std::vector<std::string>& files,
                                                  const WalCallbacks& callbacks);

// The worst verdict of `segments`.
WalVerdict OverallVerdict(const std::vector<WalSegmentSummary>& segments);

}  // namespace memdb::cli

#endif  // MEMDB_SRC_CLI_WAL_INSPECTOR_H_
