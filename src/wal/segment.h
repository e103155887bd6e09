// WAL segment files: the log is a sequence of files "wal-<number>.log" in the database directory,
// read in ascending order of number (docs/wal-format.md, "Segments"). A new segment gets the next
// number; numbers are never reused.
#ifndef MEMDB_SRC_WAL_SEGMENT_H_
#define MEMDB_SRC_WAL_SEGMENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/io/file_system.h"
#include "memdb/util/result.h"

namespace memdb::wal {

// The largest number a segment may be created with. UINT64_MAX is never used, so every segment
// has a successor number and numbering never wraps (a wrap would put new segments before old
// ones in reading order). Recovery refuses a directory whose next segment would have no
// successor (docs/durability.md, "Segment numbers").
inline constexpr uint64_t kMaxSegmentNumber = UINT64_MAX - 1;

// True when `name` has the shape of a segment name ("wal-" ... ".log") whether or not it is
// canonical: recovery refuses such a name that ParseSegmentFileName rejects, rather than
// ignoring a file that may hold part of the log.
bool LooksLikeSegmentFileName(std::string_view name);

// "wal-000001.log": the number in decimal, zero-padded to at least 6 digits (more when needed,
// e.g. "wal-1234567.log").
std::string SegmentFileName(uint64_t number);

// True, with *number set, exactly when `name` is SegmentFileName(n) for some n: rejects other
// prefixes and suffixes ("wal-000001.log.tmp"), non-digits, fewer than 6 digits, padding beyond
// 6 digits ("wal-0000001.log") and numbers that overflow 64 bits.
bool ParseSegmentFileName(std::string_view name, uint64_t* number);

// The numbers of the segment files among directory entry `names`, ascending: the order in which
// the log is read. Other names are ignored.
std::vector<uint64_t> SegmentNumbers(const std::vector<std::string>& names);

// The numbers of the segment files in `dir`, ascending. Other entries are ignored. Errors are
// those of FileSystem::ListDir (NotFound when `dir` does not exist).
Result<std::vector<uint64_t>> ListSegments(FileSystem& fs, const std::string& dir);

}  // namespace memdb::wal

#endif  // MEMDB_SRC_WAL_SEGMENT_H_
