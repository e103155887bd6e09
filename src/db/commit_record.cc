#include "db/commit_record.h"

#include <algorithm>

#include "util/coding.h"

namespace memdb::db {
namespace {

constexpr uint8_t kPut = 1;
constexpr uint8_t kDelete = 2;
constexpr uint8_t kSegmentLinkKind = 1;

}  // namespace

void EncodeCommitRecord(const CommitRecordHeader& header, const mvcc::WriteBuffer& writes,
                        std::string* out) {
  out->clear();
  PutFixed64(out, header.timestamp);
  PutVarint64(out, header.synced_before);
  PutVarint32(out, static_cast<uint32_t>(writes.size()));
  writes.ForEach([&](const mvcc::WriteBuffer::Entry& write) {
    out->push_back(static_cast<char>(write.tombstone ? kDelete : kPut));
    PutLengthPrefixed(out, write.key);
    if (!write.tombstone) PutLengthPrefixed(out, write.value);
  });
}

void EncodeSegmentLink(const SegmentLink& link, std::string* out) {
  out->clear();
  PutFixed64(out, 0);
  out->push_back(static_cast<char>(kSegmentLinkKind));
  PutVarint64(out, link.previous_segment);
  PutVarint64(out, link.previous_size);
}

bool DecodeSegmentLink(std::string_view payload, SegmentLink* link) {
  if (payload.size() < 9 || DecodeFixed64(payload.data()) != 0 ||
      static_cast<uint8_t>(payload[8]) != kSegmentLinkKind) {
    return false;
  }
  payload.remove_prefix(9);
  SegmentLink decoded;
  if (!GetVarint64(&payload, &decoded.previous_segment) ||
      !GetVarint64(&payload, &decoded.previous_size) || !payload.empty()) {
    return false;
  }
  *link = decoded;
  return true;
}

Status DecodeCommitRecord(std::string_view payload, CommitRecordHeader* header,
                          std::vector<mvcc::WriteBuffer::Entry>* writes) {
  const std::string_view whole = payload;
  auto bad = [&](std::string_view what) {
    return Status::Corruption("transaction record: " + std::string(what) + " at payload offset " +
                              std::to_string(whole.size() - payload.size()) + " of " +
                              std::to_string(whole.size()));
  };
  writes->clear();
  if (payload.size() < 8) return bad("record shorter than its 8-byte commit timestamp");
  header->timestamp = DecodeFixed64(payload.data());
  payload.remove_prefix(8);
  if (!GetVarint64(&payload, &header->synced_before)) return bad("malformed synced offset");
  uint32_t count = 0;
  if (!GetVarint32(&payload, &count)) return bad("malformed write count");
  // Each write takes at least 2 bytes, so a count beyond that is a lie: check before reserving.
  if (count == 0 || count > payload.size() / 2) return bad("implausible write count");
  writes->reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    if (payload.empty()) return bad("record ends before write " + std::to_string(i));
    const auto kind = static_cast<uint8_t>(payload.front());
    if (kind != kPut && kind != kDelete) {
      return bad("unknown write kind " + std::to_string(kind) + " in write " + std::to_string(i));
    }
    payload.remove_prefix(1);
    mvcc::WriteBuffer::Entry entry;
    entry.tombstone = kind == kDelete;
    if (!GetLengthPrefixed(&payload, &entry.key)) return bad("malformed key");
    if (!entry.tombstone && !GetLengthPrefixed(&payload, &entry.value)) {
      return bad("malformed value");
    }
    writes->push_back(entry);
  }
  if (!payload.empty()) return bad(std::to_string(payload.size()) + " trailing bytes");
  // Recovery installs the writes as one batch, which needs distinct keys.
  if (writes->size() == 1) return Status::OK();
  std::vector<std::string_view> keys;
  keys.reserve(writes->size());
  for (const auto& w : *writes) keys.push_back(w.key);
  std::sort(keys.begin(), keys.end());
  if (auto dup = std::adjacent_find(keys.begin(), keys.end()); dup != keys.end()) {
    return Status::Corruption("transaction record: key written twice");
  }
  return Status::OK();
}

void DecodeCommitRecordPrefix(std::string_view payload,
                              std::vector<mvcc::WriteBuffer::Entry>* writes) {
  writes->clear();
  uint64_t synced = 0;
  uint32_t count = 0;
  if (payload.size() < 8) return;
  payload.remove_prefix(8);
  if (!GetVarint64(&payload, &synced) || !GetVarint32(&payload, &count)) return;
  for (uint32_t i = 0; i < count && !payload.empty(); ++i) {
    mvcc::WriteBuffer::Entry entry;
    entry.tombstone = payload.front() == static_cast<char>(kDelete);
    payload.remove_prefix(1);
    if (!GetLengthPrefixed(&payload, &entry.key)) return;
    if (!entry.tombstone && !GetLengthPrefixed(&payload, &entry.value)) return;
    writes->push_back(entry);
  }
}

}  // namespace memdb::db
