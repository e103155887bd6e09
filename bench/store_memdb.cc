// memdb through its public API only: Db, Txn, Iterator.
#include <memory>
#include <string>
#include <string_view>

#include "bench_common.h"
#include "memdb/memdb.h"

namespace memdb_bench {
namespace {

class MemdbStore {
 public:
  static constexpr const char* kName = "memdb";
  static constexpr bool kOrdered = true;
  static constexpr bool kMultiThreaded = true;

  MemdbStore() : db_(memdb::Db::Open(memdb::Options{}).value()) {}

  bool Load(uint64_t n) {
    KeyBuf key;
    for (uint64_t begin = 0; begin < n; begin += kLoadBatch) {
      memdb::Txn txn = db_.Begin();
      const uint64_t end = begin + kLoadBatch < n ? begin + kLoadBatch : n;
      for (uint64_t i = begin; i < end; ++i) {
        if (!txn.Put(key.Set(i), ValueFor(i)).ok()) return false;
      }
      if (!txn.Commit().ok()) return false;
    }
    return true;
  }
  void Settle() {}
  double NonHeapBytes() { return 0; }
  double SelfReportedBytes() { return static_cast<double>(db_.GetStats().memory_bytes); }

  // Begin, Put, Commit; retried on Conflict (two threads writing one key at once).
  bool Put1(std::string_view key, std::string_view value) {
    for (;;) {
      memdb::Txn txn = db_.Begin();
      if (!txn.Put(key, value).ok()) return false;
      const memdb::Status s = txn.Commit();
      if (s.ok()) return true;
      if (!s.IsConflict()) return false;
    }
  }

  // open_close: Db::Put, i.e. one Update (one commit) per put.
  bool AutoCommitPut(std::string_view key, std::string_view value) {
    return db_.Put(key, value).ok();
  }

  bool ReadModifyWrite(const std::string_view* keys, int n, std::string* scratch) {
    for (;;) {
      memdb::Txn txn = db_.Begin();
      for (int i = 0; i < n; ++i) {
        if (!txn.Get(keys[i], scratch).ok()) return false;
        ModifyValue(scratch);
        if (!txn.Put(keys[i], *scratch).ok()) return false;
      }
      const memdb::Status s = txn.Commit();
      if (s.ok()) return true;
      if (!s.IsConflict()) return false;
    }
  }

  class Reader {
   public:
    explicit Reader(MemdbStore& store) : txn_(store.db_.Begin(ReadOnly())) {}

    bool Get(std::string_view key, std::string* value) { return txn_.Get(key, value).ok(); }

    uint64_t Scan(std::string_view start, int n, int* count) {
      uint64_t sum = 0;
      int c = 0;
      for (memdb::Iterator it = txn_.NewIterator(memdb::ScanRange::From(start)); it.Valid();
           it.Next()) {
        sum += Touch(it.key(), it.value());
        if (++c == n) break;  // no step past the last pair wanted
      }
      *count = c;
      return sum;
    }

   private:
    static memdb::TxnOptions ReadOnly() {
      memdb::TxnOptions options;
      options.read_only = true;
      return options;
    }
    memdb::Txn txn_;
  };

 private:
  memdb::Db db_;
};

}  // namespace

StoreSuite MemdbSuite() { return MakeSuite<MemdbStore>(); }

}  // namespace memdb_bench
