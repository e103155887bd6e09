// RocksDB: an OptimisticTransactionDB on an in-memory Env (rocksdb::NewMemEnv), so no byte
// touches a disk. Options: defaults plus no compression, a 10-bit bloom filter, and WAL
// disabled on writes (memdb keeps no log either; the Env is volatile anyway).
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/optimistic_transaction_db.h>
#include <rocksdb/utilities/transaction.h>
#include <rocksdb/write_batch.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "bench_common.h"
#include "snapshot_reader.h"

namespace memdb_bench {
namespace {

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

class RocksDbStore {
 public:
  static constexpr const char* kName = "rocksdb";
  static constexpr bool kOrdered = true;
  static constexpr bool kMultiThreaded = true;

  RocksDbStore() : env_(rocksdb::NewMemEnv(rocksdb::Env::Default())) {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.env = env_.get();
    options.compression = rocksdb::kNoCompression;
    rocksdb::BlockBasedTableOptions table;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    rocksdb::OptimisticTransactionDB* db = nullptr;
    const rocksdb::Status s =
        rocksdb::OptimisticTransactionDB::Open(options, "/memdb_bench_rocksdb", &db);
    if (!s.ok()) {
      std::fprintf(stderr, "memdb_bench: rocksdb open: %s\n", s.ToString().c_str());
      std::abort();
    }
    db_.reset(db);
    write_options_.disableWAL = true;
  }

  ~RocksDbStore() {
    db_.reset();  // before the Env it lives in
    env_.reset();
  }

  RocksDbStore(const RocksDbStore&) = delete;
  RocksDbStore& operator=(const RocksDbStore&) = delete;

  bool Load(uint64_t n) {
    KeyBuf key;
    rocksdb::WriteBatch batch;
    for (uint64_t begin = 0; begin < n; begin += kLoadBatch) {
      batch.Clear();
      const uint64_t end = begin + kLoadBatch < n ? begin + kLoadBatch : n;
      for (uint64_t i = begin; i < end; ++i) {
        if (!batch.Put(ToSlice(key.Set(i)), ToSlice(ValueFor(i))).ok()) return false;
      }
      if (!db_->Write(write_options_, &batch).ok()) return false;
    }
    return true;
  }
  // Flush the memtable and compact everything into one sorted run: a steady state.
  void Settle() {
    db_->Flush(rocksdb::FlushOptions()).PermitUncheckedError();
    db_->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr).PermitUncheckedError();
  }
  double NonHeapBytes() { return 0; }  // MemEnv files are heap memory
  double SelfReportedBytes() {
    uint64_t sst = 0;
    uint64_t mem = 0;
    db_->GetIntProperty("rocksdb.total-sst-files-size", &sst);
    db_->GetIntProperty("rocksdb.cur-size-all-mem-tables", &mem);
    return static_cast<double>(sst + mem);
  }

  bool Put1(std::string_view key, std::string_view value) {
    for (;;) {
      std::unique_ptr<rocksdb::Transaction> txn(db_->BeginTransaction(write_options_));
      if (!txn->Put(ToSlice(key), ToSlice(value)).ok()) return false;
      const rocksdb::Status s = txn->Commit();
      if (s.ok()) return true;
      if (!s.IsBusy() && !s.IsTryAgain()) return false;
    }
  }

  // Snapshot reads and first-committer-wins writes: the closest match to memdb's kSnapshot.
  bool ReadModifyWrite(const std::string_view* keys, int n, std::string* scratch) {
    rocksdb::OptimisticTransactionOptions txn_options;
    txn_options.set_snapshot = true;
    for (;;) {
      std::unique_ptr<rocksdb::Transaction> txn(db_->BeginTransaction(write_options_, txn_options));
      rocksdb::ReadOptions read_options;
      read_options.snapshot = txn->GetSnapshot();
      for (int i = 0; i < n; ++i) {
        if (!txn->Get(read_options, ToSlice(keys[i]), scratch).ok()) return false;
        ModifyValue(scratch);
        if (!txn->Put(ToSlice(keys[i]), *scratch).ok()) return false;
      }
      const rocksdb::Status s = txn->Commit();
      if (s.ok()) return true;
      if (!s.IsBusy() && !s.IsTryAgain()) return false;
    }
  }

  class Reader : public SnapshotReader<rocksdb::DB, rocksdb::Slice, rocksdb::ReadOptions> {
   public:
    explicit Reader(RocksDbStore& store) : SnapshotReader(store.db_.get()) {}
  };

 private:
  std::unique_ptr<rocksdb::Env> env_;
  std::unique_ptr<rocksdb::OptimisticTransactionDB> db_;
  rocksdb::WriteOptions write_options_;
};

}  // namespace

StoreSuite RocksDbSuite() { return MakeSuite<RocksDbStore>(); }

}  // namespace memdb_bench
