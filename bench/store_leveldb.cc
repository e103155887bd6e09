// LevelDB: on an in-memory Env (leveldb::NewMemEnv from leveldb/helpers/memenv.h) where the
// library provides one, else in a fresh directory on /dev/shm. Options: defaults plus no
// compression and a 10-bit bloom filter. LevelDB has no transactions: txn_put1 is DB::Put, and
// txn_rmw10 reads from a snapshot and writes one WriteBatch (atomic, but with no conflict
// check: the closest it offers). Its log is written (it cannot be disabled), never synced.
#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/filter_policy.h>
#include <leveldb/options.h>
#include <leveldb/write_batch.h>
#ifdef MEMDB_BENCH_LEVELDB_MEMENV
#include <leveldb/helpers/memenv.h>
#endif
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "bench_common.h"
#include "snapshot_reader.h"

namespace memdb_bench {
namespace {

leveldb::Slice ToSlice(std::string_view s) { return leveldb::Slice(s.data(), s.size()); }

class LevelDbStore {
 public:
  static constexpr const char* kName = "leveldb";
  static constexpr bool kOrdered = true;
  static constexpr bool kMultiThreaded = true;

  LevelDbStore() : filter_(leveldb::NewBloomFilterPolicy(10)) {
    leveldb::Options options;
    options.create_if_missing = true;
    options.compression = leveldb::kNoCompression;
    options.filter_policy = filter_.get();
#ifdef MEMDB_BENCH_LEVELDB_MEMENV
    env_.reset(leveldb::NewMemEnv(leveldb::Env::Default()));
    options.env = env_.get();
    path_ = "/memdb_bench_leveldb";
#else
    char dir[] = "/dev/shm/memdb_bench_leveldb_XXXXXX";
    if (mkdtemp(dir) == nullptr) {
      std::perror("memdb_bench: mkdtemp on /dev/shm");
      std::abort();
    }
    path_ = dir;
#endif
    leveldb::DB* db = nullptr;
    const leveldb::Status s = leveldb::DB::Open(options, path_, &db);
    if (!s.ok()) {
      std::fprintf(stderr, "memdb_bench: leveldb open: %s\n", s.ToString().c_str());
      std::abort();
    }
    db_.reset(db);
  }

  ~LevelDbStore() {
    db_.reset();
#ifndef MEMDB_BENCH_LEVELDB_MEMENV
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
#endif
  }

  LevelDbStore(const LevelDbStore&) = delete;
  LevelDbStore& operator=(const LevelDbStore&) = delete;

  bool Load(uint64_t n) {
    KeyBuf key;
    leveldb::WriteBatch batch;
    for (uint64_t begin = 0; begin < n; begin += kLoadBatch) {
      batch.Clear();
      const uint64_t end = begin + kLoadBatch < n ? begin + kLoadBatch : n;
      for (uint64_t i = begin; i < end; ++i) batch.Put(ToSlice(key.Set(i)), ToSlice(ValueFor(i)));
      if (!db_->Write(leveldb::WriteOptions(), &batch).ok()) return false;
    }
    return true;
  }
  // Compact everything into sorted tables: a steady state.
  void Settle() { db_->CompactRange(nullptr, nullptr); }
  double NonHeapBytes() {
#ifdef MEMDB_BENCH_LEVELDB_MEMENV
    return 0;  // MemEnv files are heap memory
#else
    double bytes = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(path_, ec)) {
      if (entry.is_regular_file(ec)) bytes += static_cast<double>(entry.file_size(ec));
    }
    return bytes;
#endif
  }
  double SelfReportedBytes() { return -1; }

  bool Put1(std::string_view key, std::string_view value) {
    return db_->Put(leveldb::WriteOptions(), ToSlice(key), ToSlice(value)).ok();
  }

  bool ReadModifyWrite(const std::string_view* keys, int n, std::string* scratch) {
    const leveldb::Snapshot* snapshot = db_->GetSnapshot();
    leveldb::ReadOptions read_options;
    read_options.snapshot = snapshot;
    leveldb::WriteBatch batch;
    bool ok = true;
    for (int i = 0; i < n && ok; ++i) {
      ok = db_->Get(read_options, ToSlice(keys[i]), scratch).ok();
      if (ok) {
        ModifyValue(scratch);
        batch.Put(ToSlice(keys[i]), *scratch);
      }
    }
    db_->ReleaseSnapshot(snapshot);
    return ok && db_->Write(leveldb::WriteOptions(), &batch).ok();
  }

  class Reader : public SnapshotReader<leveldb::DB, leveldb::Slice, leveldb::ReadOptions> {
   public:
    explicit Reader(LevelDbStore& store) : SnapshotReader(store.db_.get()) {}
  };

 private:
  std::unique_ptr<const leveldb::FilterPolicy> filter_;
  std::unique_ptr<leveldb::Env> env_;  // declared before db_: destroyed after it
  std::string path_;
  std::unique_ptr<leveldb::DB> db_;
};

}  // namespace

StoreSuite LevelDbSuite() { return MakeSuite<LevelDbStore>(); }

}  // namespace memdb_bench
