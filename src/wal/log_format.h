// The physical layout of a WAL segment file. docs/wal-format.md is the full description (with a
// worked example); this header holds the constants the writer and reader share.
//
// A segment is a sequence of 32 KiB blocks. Each block holds physical records:
//
//   +---------------------+---------------+-------------+-------------------+
//   | masked crc32c (4 B) | length (2 B)  | type (1 B)  | payload (length)  |
//   +---------------------+---------------+-------------+-------------------+
//
// Integers are little-endian. The crc is crc32c::Mask(CRC32C(type byte, payload)); the length
// is not covered by the crc, but a wrong length moves the payload and so fails the crc anyway.
// A physical record never crosses a block boundary; a logical record (one call to
// LogWriter::AddRecord) that does not fit the rest of a block is split into a kFirst fragment,
// kMiddle fragments and a kLast fragment. When fewer than kHeaderSize bytes remain in a block,
// the writer fills them with zeros (the block trailer) and continues in the next block.
#ifndef MEMDB_SRC_WAL_LOG_FORMAT_H_
#define MEMDB_SRC_WAL_LOG_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace memdb::wal {

inline constexpr size_t kBlockSize = 32768;
// crc (4) + length (2) + type (1).
inline constexpr size_t kHeaderSize = 4 + 2 + 1;
// The largest payload of one physical record: a whole block minus its header.
inline constexpr size_t kMaxFragmentLength = kBlockSize - kHeaderSize;

enum class RecordType : uint8_t {
  // Reserved, never written as a record: zero-filled space (a block trailer, preallocated or
  // zeroed-out file space) reads as type 0.
  kZero = 0,
  kFull = 1,    // a whole logical record
  kFirst = 2,   // the first fragment of a logical record
  kMiddle = 3,  // an interior fragment
  kLast = 4,    // the final fragment
};

inline constexpr uint8_t kMaxRecordType = static_cast<uint8_t>(RecordType::kLast);

}  // namespace memdb::wal

#endif  // MEMDB_SRC_WAL_LOG_FORMAT_H_
