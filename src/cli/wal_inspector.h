// The log as `memdb wal dump` and `memdb wal check` see it: the segment files a path names,
// scanned by db::LogScanner -- the scanner recovery replays through, so the tool reports the
// damage, offsets and torn tails Db::Open finds (db/log_scanner.h has the rules). The tool
// inspects rather than replays: after a corruption it reads on to the next intact record and
// reports every record and every damage, in file order.
//
// Memory: one block and one record at a time (records are passed to the callback, not kept).
#ifndef MEMDB_SRC_CLI_WAL_INSPECTOR_H_
#define MEMDB_SRC_CLI_WAL_INSPECTOR_H_

#include <string>
#include <vector>

#include "db/log_scanner.h"
#include "memdb/io/file_system.h"
#include "memdb/util/result.h"

namespace memdb::cli {

using WalRecordInfo = db::LogRecord;
using WalDamage = db::LogDamage;
using WalVerdict = db::LogVerdict;
using WalSegmentSummary = db::LogSegment;
using WalCallbacks = db::LogVisitor;
using db::OverallVerdict;

// "intact", "torn-tail", "corrupt".
const char* WalVerdictName(WalVerdict verdict);

// The segment files `path` names: itself when it is a file, else the wal-*.log files of the
// directory in ascending order. NotFound / IOError naming the path; InvalidArgument for a
// directory without segments.
Result<std::vector<std::string>> WalFilesAt(FileSystem& fs, const std::string& path);

// Reads `files` in order (the last one is the tail of the log). Returns one summary per file;
// a Status only when a file cannot be read (damage is never an error here).
Result<std::vector<WalSegmentSummary>> InspectWal(FileSystem& fs,
                                                  const std::vector<std::string>& files,
                                                  const WalCallbacks& callbacks);

}  // namespace memdb::cli

#endif  // MEMDB_SRC_CLI_WAL_INSPECTOR_H_
