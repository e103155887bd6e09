// WriteBuffer: a transaction's pending writes -- the newest value or tombstone per key.
//
// Most transactions write a handful of keys, so the buffer is built for them: the key and value
// bytes are appended to chunks it owns (the first one inline), and up to kSmallWrites entries
// sit unsorted in an inline array found by linear search. A transaction that writes more moves
// its entries into an ordered map of views. A one-put transaction therefore allocates nothing
// here; a std::map<std::string, std::string> would allocate three times per write.
//
// Thread safety: none; it belongs to one transaction.
#ifndef MEMDB_SRC_MVCC_WRITE_BUFFER_H_
#define MEMDB_SRC_MVCC_WRITE_BUFFER_H_

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include "memdb/mvcc/scan_range.h"

namespace memdb::mvcc {

class WriteBuffer {
 public:
  struct Entry {
    std::string_view key;
    std::string_view value;  // empty for a tombstone
    bool tombstone = false;
  };

  WriteBuffer() = default;
  WriteBuffer(const WriteBuffer&) = delete;
  WriteBuffer& operator=(const WriteBuffer&) = delete;

  // Records the newest write of `key`: a value, or a tombstone when `tombstone` is true.
  void Write(std::string_view key, std::string_view value, bool tombstone);
  // The pending write of `key`, or nullptr. Valid until the next Write or Clear.
  const Entry* Find(std::string_view key) const;
  // Calls fn(const Entry&) for every entry, in an order that is stable until the next Write.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (map_.empty()) {
      for (size_t i = 0; i < small_count_; ++i) fn(small_[i]);
    } else {
      for (const auto& [key, entry] : map_) fn(entry);
    }
  }
  // The entries whose keys lie in `range`, in key order (ignoring range.reverse).
  std::vector<Entry> InRange(const ScanRange& range) const;

  size_t size() const { return map_.empty() ? small_count_ : map_.size(); }
  bool empty() const { return size() == 0; }
  void Clear();

 private:
  static constexpr size_t kSmallWrites = 8;
  static constexpr size_t kInlineBytes = 256;

  Entry* FindMutable(std::string_view key);
  // Copies `bytes` into storage that lives as long as the buffer (until Clear).
  std::string_view Keep(std::string_view bytes);

  std::array<Entry, kSmallWrites> small_;
  size_t small_count_ = 0;
  std::map<std::string_view, Entry> map_;  // in use once there are more than kSmallWrites

  char inline_bytes_[kInlineBytes];
  char* free_ = inline_bytes_;
  size_t free_bytes_ = kInlineBytes;
  size_t next_chunk_bytes_ = 4096;
  std::vector<std::unique_ptr<char[]>> chunks_;
};

}  // namespace memdb::mvcc

#endif  // MEMDB_SRC_MVCC_WRITE_BUFFER_H_
