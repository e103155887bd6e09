// LogReader: reads the logical records of one WAL segment back, in order, and says precisely
// where and how the segment stops being readable (format: log_format.h, docs/wal-format.md).
//
// Outcomes of ReadRecord:
//  - kRecord: *record holds the next logical record, its checksums verified.
//  - kEnd: the segment ended cleanly after the last record.
//  - kTornTail: the segment ends in damage with nothing intact after it: what an interrupted
//    append leaves (a record cut short, zero-filled or garbage bytes after the last record).
//    Everything from valid_end() to the end of the file (torn_bytes()) is to be discarded.
//  - kCorruption: damage with an intact record after it, so the damage is not explained by an
//    interrupted append. Calling ReadRecord again resumes at that intact record (the records
//    between damage_offset() and it are lost); a strict caller stops instead. kCorruption is also
//    returned, for good, when the file cannot be read: status() is then not OK. Check status()
//    first.
// kEnd and kTornTail are final: later calls return them again.
//
// Classification rule. At the first damage, whose physical position is P (a header whose crc,
// type or length is wrong, a zero-filled header, a header or payload cut off by the end of the
// file, a fragment out of sequence, or the end of the file inside a fragmented record), the
// reader looks for ANY intact physical record of type kFull or kFirst (a header with a valid
// type, a length that fits its block and the file, and a matching crc) that starts after P:
//  (1) at every byte position in the rest of P's block where a header fits, and
//  (2) in every later block, walking from the block's start along its chain of intact fragments
//      (so a block that starts with the tail of a large record is still searched), until a
//      fragment fails to parse.
// Found: kCorruption at damage_offset(). Not found: kTornTail. The work is bounded: at most one
// block's byte positions (each checksummed only when its header is plausible), then one pass
// over the rest of the file.
//
// Memory: the reader holds one block; a record grows only by fragment payloads already read and
// verified. A length field is never used to size an allocation, so a multi-GB garbage file costs
// one block of buffer.
//
// Thread safety: none.
#ifndef MEMDB_SRC_WAL_LOG_READER_H_
#define MEMDB_SRC_WAL_LOG_READER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "memdb/io/file_system.h"
#include "memdb/util/status.h"

namespace memdb::wal {

struct LogReaderOptions {
  // Reject fragments whose checksum does not match (damage). Only the deliberate bug "replay
  // ignores checksums" (util/engine_hooks.h), which the crash explorer must catch, clears it.
  bool verify_checksums = true;
};

class LogReader {
 public:
  enum class Outcome { kRecord, kEnd, kTornTail, kCorruption };

  // Reads `file` (which must outlive the reader) from its start; `file_size` is its length. A file
  // that turns out shorter is read to its real end.
  LogReader(SequentialFile* file, uint64_t file_size, const LogReaderOptions& options = {});

  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  // See the file comment. `*record` is replaced (empty unless the outcome is kRecord).
  Outcome ReadRecord(std::string* record);

  // The offset of the first fragment of the record just returned.
  uint64_t last_record_offset() const { return last_record_offset_; }
  // The offset just past the last intact record returned (0 before any): where a writer may
  // continue the segment after a torn tail.
  uint64_t valid_end() const { return valid_end_; }
  // For kTornTail and kCorruption: the offset of the damaged logical record (its first fragment
  // when it had begun, else the position of the damage) ...
  uint64_t damage_offset() const { return damage_offset_; }
  // ... and what is wrong, with exact positions, e.g. "checksum mismatch in the fragment at
  // offset 12345 (type 1 (full), length 100)".
  const std::string& damage() const { return damage_; }
  // For kTornTail: the bytes from valid_end() to the end of the file, discarded as torn.
  uint64_t torn_bytes() const { return torn_bytes_; }
  // I/O errors from the file (OK otherwise, damage included).
  Status status() const { return status_; }
  // For kTornTail / kCorruption inside a fragmented record: the payload of its fragments read
  // before the damage (diagnostics; never a record to apply).
  const std::string& partial_record() const { return partial_; }

 private:
  std::string partial_;
  const bool verify_checksums_;

  struct Fragment {
    uint64_t offset;  // of the header
    uint8_t type;
    const char* data;
    size_t length;
  };
  enum class Next { kFragment, kEndOfFile, kDamage, kReadError };

  // Reads the block after the current one into block_. False at the end of the file or on an
  // I/O error (status_ set).
  bool ReadNextBlock();
  // Parses the physical record at pos_ and advances past it (kFragment), or describes the
  // damage in damage_ (kDamage, pos_ at the damage), or reports the end of the file or a failed
  // read (status_ set).
  Next NextFragment(Fragment* fragment);
  // Whether an intact physical record (any non-zero type) starts at `pos` in block_.
  bool ParseIntact(size_t pos, Fragment* fragment) const;
  // The search of the classification rule, starting at `from` (an offset inside or just past
  // the current block). When found, leaves pos_ at the record and returns its offset.
  std::optional<uint64_t> FindIntactRecord(uint64_t from);
  // Classifies the damage described by damage_ (search from `search_from`).
  Outcome Damaged(uint64_t damage_offset, uint64_t search_from);
  Outcome ReadFailed();

  SequentialFile* const file_;
  uint64_t file_end_;
  std::string block_;         // the current block (shorter than kBlockSize only at the end)
  uint64_t block_start_ = 0;  // file offset of block_[0]
  size_t pos_ = 0;            // the next unread byte in block_
  bool started_ = false;      // whether block_ holds a block yet
  std::optional<Outcome> final_;
  uint32_t type_crc_[5];

  uint64_t last_record_offset_ = 0;
  uint64_t valid_end_ = 0;
  uint64_t damage_offset_ = 0;
  std::string damage_;
  uint64_t torn_bytes_ = 0;
  Status status_;
};

}  // namespace memdb::wal

#endif  // MEMDB_SRC_WAL_LOG_READER_H_
