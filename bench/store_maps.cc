// The baselines: std::map and std::unordered_map of std::string to std::string behind one
// std::shared_mutex. Readers take the lock shared per operation; a "transaction" takes it
// exclusively for its whole body (trivially serializable). Lookups go through a reused
// per-thread std::string key, so the baseline pays no allocation per lookup.
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "bench_common.h"

namespace memdb_bench {
namespace {

template <typename Map, bool kIsOrdered>
class LockedMapStore {
 public:
  static constexpr bool kOrdered = kIsOrdered;
  static constexpr bool kMultiThreaded = true;

  bool Load(uint64_t n) {
    KeyBuf key;
    for (uint64_t begin = 0; begin < n; begin += kLoadBatch) {
      std::unique_lock<std::shared_mutex> lock(mu_);
      const uint64_t end = begin + kLoadBatch < n ? begin + kLoadBatch : n;
      for (uint64_t i = begin; i < end; ++i) {
        map_.insert_or_assign(std::string(key.Set(i)), std::string(ValueFor(i)));
      }
    }
    return true;
  }
  void Settle() {}
  double NonHeapBytes() { return 0; }
  double SelfReportedBytes() { return -1; }

  bool Put1(std::string_view key, std::string_view value) {
    thread_local std::string k;
    k.assign(key);
    std::unique_lock<std::shared_mutex> lock(mu_);
    PutLocked(k, value);
    return true;
  }

  bool ReadModifyWrite(const std::string_view* keys, int n, std::string* scratch) {
    thread_local std::string k;
    std::unique_lock<std::shared_mutex> lock(mu_);
    for (int i = 0; i < n; ++i) {
      k.assign(keys[i]);
      auto it = map_.find(k);
      if (it == map_.end()) return false;
      scratch->assign(it->second);
      ModifyValue(scratch);
      it->second.assign(*scratch);
    }
    return true;
  }

  class Reader {
   public:
    explicit Reader(LockedMapStore& store) : store_(store) {}

    bool Get(std::string_view key, std::string* value) {
      key_.assign(key);
      std::shared_lock<std::shared_mutex> lock(store_.mu_);
      auto it = store_.map_.find(key_);
      if (it == store_.map_.end()) return false;
      value->assign(it->second);
      return true;
    }

    uint64_t Scan(std::string_view start, int n, int* count) {
      key_.assign(start);
      std::shared_lock<std::shared_mutex> lock(store_.mu_);
      uint64_t sum = 0;
      int c = 0;
      for (auto it = store_.map_.lower_bound(key_); it != store_.map_.end(); ++it) {
        sum += Touch(it->first, it->second);
        if (++c == n) break;
      }
      *count = c;
      return sum;
    }

   private:
    LockedMapStore& store_;
    std::string key_;
  };

 private:
  void PutLocked(const std::string& key, std::string_view value) {
    auto it = map_.find(key);
    if (it != map_.end()) {
      it->second.assign(value);
    } else {
      map_.emplace(key, std::string(value));
    }
  }

  Map map_;
  std::shared_mutex mu_;
};

class MapStore : public LockedMapStore<std::map<std::string, std::string>, true> {
 public:
  static constexpr const char* kName = "map";
};

class UnorderedMapStore
    : public LockedMapStore<std::unordered_map<std::string, std::string>, false> {
 public:
  static constexpr const char* kName = "unordered_map";
};

}  // namespace

StoreSuite MapSuite() { return MakeSuite<MapStore>(); }
StoreSuite UnorderedMapSuite() { return MakeSuite<UnorderedMapStore>(); }

}  // namespace memdb_bench
