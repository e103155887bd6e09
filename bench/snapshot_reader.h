// SnapshotReader: the benchmarks' long-lived read snapshot for LevelDB and for RocksDB, whose
// read APIs (GetSnapshot, ReadOptions::snapshot, Get, NewIterator, Slice) are the same shape.
#ifndef MEMDB_BENCH_SNAPSHOT_READER_H_
#define MEMDB_BENCH_SNAPSHOT_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "bench_common.h"

namespace memdb_bench {

template <typename DB, typename Slice, typename ReadOptions>
class SnapshotReader {
 public:
  explicit SnapshotReader(DB* db) : db_(db), snapshot_(db->GetSnapshot()) {
    read_options_.snapshot = snapshot_;
  }
  ~SnapshotReader() { db_->ReleaseSnapshot(snapshot_); }
  SnapshotReader(const SnapshotReader&) = delete;
  SnapshotReader& operator=(const SnapshotReader&) = delete;

  bool Get(std::string_view key, std::string* value) {
    return db_->Get(read_options_, Slice(key.data(), key.size()), value).ok();
  }

  uint64_t Scan(std::string_view start, int n, int* count) {
    auto it = std::unique_ptr<std::remove_pointer_t<decltype(db_->NewIterator(read_options_))>>(
        db_->NewIterator(read_options_));
    uint64_t sum = 0;
    int c = 0;
    for (it->Seek(Slice(start.data(), start.size())); it->Valid(); it->Next()) {
      sum += Touch(std::string_view(it->key().data(), it->key().size()),
                   std::string_view(it->value().data(), it->value().size()));
      if (++c == n) break;
    }
    *count = c;
    return sum;
  }

 private:
  DB* db_;
  decltype(std::declval<DB&>().GetSnapshot()) snapshot_;
  ReadOptions read_options_;
};

}  // namespace memdb_bench

#endif  // MEMDB_BENCH_SNAPSHOT_READER_H_
