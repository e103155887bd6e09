#include "mvcc/write_buffer.h"

#include <algorithm>
#include <cstring>

namespace memdb::mvcc {

std::string_view WriteBuffer::Keep(std::string_view bytes) {
  if (bytes.empty()) return {};
  if (bytes.size() > free_bytes_) {
    const size_t chunk = std::max(next_chunk_bytes_, bytes.size());
    chunks_.push_back(std::make_unique<char[]>(chunk));
    free_ = chunks_.back().get();
    free_bytes_ = chunk;
    next_chunk_bytes_ = std::min<size_t>(next_chunk_bytes_ * 2, size_t{1} << 20);
  }
  std::memcpy(free_, bytes.data(), bytes.size());
  const std::string_view kept(free_, bytes.size());
  free_ += bytes.size();
  free_bytes_ -= bytes.size();
  return kept;
}

WriteBuffer::Entry* WriteBuffer::FindMutable(std::string_view key) {
  if (map_.empty()) {
    for (size_t i = 0; i < small_count_; ++i) {
      if (small_[i].key == key) return &small_[i];
    }
    return nullptr;
  }
  auto it = map_.find(key);
  return it != map_.end() ? &it->second : nullptr;
}

const WriteBuffer::Entry* WriteBuffer::Find(std::string_view key) const {
  return const_cast<WriteBuffer*>(this)->FindMutable(key);
}

void WriteBuffer::Write(std::string_view key, std::string_view value, bool tombstone) {
  if (tombstone) value = {};
  if (Entry* existing = FindMutable(key)) {
    // Overwrites keep the key's bytes; the old value's bytes stay until Clear.
    existing->value = Keep(value);
    existing->tombstone = tombstone;
    return;
  }
  const std::string_view kept_key = Keep(key);
  const Entry entry{kept_key, Keep(value), tombstone};
  if (map_.empty() && small_count_ < kSmallWrites) {
    small_[small_count_++] = entry;
    return;
  }
  if (map_.empty()) {  // outgrew the inline entries: move them into the map
    for (size_t i = 0; i < small_count_; ++i) map_.emplace(small_[i].key, small_[i]);
    small_count_ = 0;
  }
  map_.emplace(kept_key, entry);
}

std::vector<WriteBuffer::Entry> WriteBuffer::InRange(const ScanRange& range) const {
  std::vector<Entry> out;
  if (range.has_end && range.end <= range.begin) return out;  // an inverted range holds nothing
  if (map_.empty()) {
    for (size_t i = 0; i < small_count_; ++i) {
      if (range.Contains(small_[i].key)) out.push_back(small_[i]);
    }
    std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
    return out;
  }
  auto first = map_.lower_bound(range.begin);
  auto last = range.has_end ? map_.lower_bound(range.end) : map_.end();
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  return out;
}

void WriteBuffer::Clear() {
  small_count_ = 0;
  map_.clear();
  chunks_.clear();
  free_ = inline_bytes_;
  free_bytes_ = kInlineBytes;
  next_chunk_bytes_ = 4096;
}

}  // namespace memdb::mvcc
