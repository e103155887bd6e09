// The payload of a write-ahead log record: one committed transaction.
//
//   fixed64 commit timestamp | varint64 synced before | varint32 write count | write*
//   write := u8 kind (1 put, 2 delete) | length-prefixed key | (put only) length-prefixed value
//
// Layout and rules are documented in docs/wal-format.md ("Transaction record payload").
#ifndef MEMDB_SRC_DB_COMMIT_RECORD_H_
#define MEMDB_SRC_DB_COMMIT_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/util/status.h"
#include "mvcc/write_buffer.h"

namespace memdb::db {

struct CommitRecordHeader {
  uint64_t timestamp = 0;  // the transaction's commit timestamp
  // How many bytes of the record's segment were durable (synced) when it was appended.
  // Recovery uses it to tell damage in bytes that were never synced -- a crash may lose or
  // reorder those, leaving holes before intact records -- from damage to synced bytes.
  uint64_t synced_before = 0;
};

// Replaces `*out` with the record of `writes` under `header`.
void EncodeCommitRecord(const CommitRecordHeader& header, const mvcc::WriteBuffer& writes,
                        std::string* out);

// Parses `payload`; the entries' views point into it. Corruption (naming what is wrong and at
// which payload offset) for a malformed payload, including a key that appears twice.
Status DecodeCommitRecord(std::string_view payload, CommitRecordHeader* header,
                          std::vector<mvcc::WriteBuffer::Entry>* writes);

// The first record of every segment after the first one a database creates: which segment
// came before it and how long that segment was (synced) when this one was started. Recovery
// compares it with the previous segment on disk to detect a missing or shortened segment
// (docs/wal-format.md, "Segment link record"). Its payload starts with commit timestamp 0,
// which no transaction carries:
//
//   fixed64 0 | u8 1 (kind: segment link) | varint64 previous segment | varint64 previous size
struct SegmentLink {
  uint64_t previous_segment = 0;
  uint64_t previous_size = 0;
};
void EncodeSegmentLink(const SegmentLink& link, std::string* out);
// True, with *link set, when `payload` is exactly a segment link record.
bool DecodeSegmentLink(std::string_view payload, SegmentLink* link);

// The writes that parse completely from the start of a cut-off payload. Recovery never applies
// them; only the deliberate bug "replay a partial transaction" does (util/engine_hooks.h).
void DecodeCommitRecordPrefix(std::string_view payload,
                              std::vector<mvcc::WriteBuffer::Entry>* writes);

}  // namespace memdb::db

#endif  // MEMDB_SRC_DB_COMMIT_RECORD_H_
