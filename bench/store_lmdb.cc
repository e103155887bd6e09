// LMDB: one environment per store in a fresh directory on /dev/shm (tmpfs, so the data file
// lives in memory), MDB_NOSYNC | MDB_NOMETASYNC, one unnamed database. Pages reach the file
// through pwrite (no MDB_WRITEMAP) and are read through the read-only map.
#include <lmdb.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bench_common.h"

namespace memdb_bench {
namespace {

// Address space only: LMDB maps this much but touches only the pages it uses.
constexpr size_t kMapSize = size_t{16} << 30;

[[noreturn]] void Die(const char* what, int rc) {
  std::fprintf(stderr, "memdb_bench: lmdb %s: %s\n", what, mdb_strerror(rc));
  std::abort();
}

MDB_val Val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }

class LmdbStore {
 public:
  static constexpr const char* kName = "lmdb";
  static constexpr bool kOrdered = true;
  static constexpr bool kMultiThreaded = true;

  LmdbStore() {
    char dir[] = "/dev/shm/memdb_bench_lmdb_XXXXXX";
    if (mkdtemp(dir) == nullptr) {
      std::perror("memdb_bench: mkdtemp on /dev/shm");
      std::abort();
    }
    dir_ = dir;
    int rc = mdb_env_create(&env_);
    if (rc != 0) Die("mdb_env_create", rc);
    if ((rc = mdb_env_set_mapsize(env_, kMapSize)) != 0) Die("mdb_env_set_mapsize", rc);
    if ((rc = mdb_env_set_maxreaders(env_, 256)) != 0) Die("mdb_env_set_maxreaders", rc);
    if ((rc = mdb_env_open(env_, dir_.c_str(), MDB_NOSYNC | MDB_NOMETASYNC, 0644)) != 0) {
      Die("mdb_env_open", rc);
    }
    MDB_txn* txn = nullptr;
    if ((rc = mdb_txn_begin(env_, nullptr, 0, &txn)) != 0) Die("mdb_txn_begin", rc);
    if ((rc = mdb_dbi_open(txn, nullptr, 0, &dbi_)) != 0) Die("mdb_dbi_open", rc);
    if ((rc = mdb_txn_commit(txn)) != 0) Die("mdb_txn_commit", rc);
  }

  ~LmdbStore() {
    mdb_env_close(env_);
    unlink((dir_ + "/data.mdb").c_str());
    unlink((dir_ + "/lock.mdb").c_str());
    rmdir(dir_.c_str());
  }

  LmdbStore(const LmdbStore&) = delete;
  LmdbStore& operator=(const LmdbStore&) = delete;

  bool Load(uint64_t n) {
    KeyBuf key;
    for (uint64_t begin = 0; begin < n; begin += kLoadBatch) {
      MDB_txn* txn = nullptr;
      if (mdb_txn_begin(env_, nullptr, 0, &txn) != 0) return false;
      const uint64_t end = begin + kLoadBatch < n ? begin + kLoadBatch : n;
      for (uint64_t i = begin; i < end; ++i) {
        MDB_val k = Val(key.Set(i));
        MDB_val v = Val(ValueFor(i));
        if (mdb_put(txn, dbi_, &k, &v, 0) != 0) {
          mdb_txn_abort(txn);
          return false;
        }
      }
      if (mdb_txn_commit(txn) != 0) return false;
    }
    return true;
  }
  void Settle() {}
  // The pages in use in the data file (it sits in tmpfs, outside malloc).
  double NonHeapBytes() {
    MDB_envinfo info;
    MDB_stat stat;
    if (mdb_env_info(env_, &info) != 0 || mdb_env_stat(env_, &stat) != 0) return 0;
    return static_cast<double>(info.me_last_pgno + 1) * stat.ms_psize;
  }
  double SelfReportedBytes() { return -1; }

  bool Put1(std::string_view key, std::string_view value) {
    MDB_txn* txn = nullptr;
    if (mdb_txn_begin(env_, nullptr, 0, &txn) != 0) return false;
    MDB_val k = Val(key);
    MDB_val v = Val(value);
    if (mdb_put(txn, dbi_, &k, &v, 0) != 0) {
      mdb_txn_abort(txn);
      return false;
    }
    return mdb_txn_commit(txn) == 0;
  }

  bool ReadModifyWrite(const std::string_view* keys, int n, std::string* scratch) {
    MDB_txn* txn = nullptr;
    if (mdb_txn_begin(env_, nullptr, 0, &txn) != 0) return false;
    for (int i = 0; i < n; ++i) {
      MDB_val k = Val(keys[i]);
      MDB_val v;
      if (mdb_get(txn, dbi_, &k, &v) != 0) {
        mdb_txn_abort(txn);
        return false;
      }
      scratch->assign(static_cast<const char*>(v.mv_data), v.mv_size);
      ModifyValue(scratch);
      v = Val(*scratch);
      if (mdb_put(txn, dbi_, &k, &v, 0) != 0) {
        mdb_txn_abort(txn);
        return false;
      }
    }
    return mdb_txn_commit(txn) == 0;
  }

  class Reader {
   public:
    explicit Reader(LmdbStore& store) : dbi_(store.dbi_) {
      const int rc = mdb_txn_begin(store.env_, nullptr, MDB_RDONLY, &txn_);
      if (rc != 0) Die("mdb_txn_begin(MDB_RDONLY)", rc);
    }
    ~Reader() { mdb_txn_abort(txn_); }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    bool Get(std::string_view key, std::string* value) {
      MDB_val k = Val(key);
      MDB_val v;
      if (mdb_get(txn_, dbi_, &k, &v) != 0) return false;
      value->assign(static_cast<const char*>(v.mv_data), v.mv_size);
      return true;
    }

    uint64_t Scan(std::string_view start, int n, int* count) {
      MDB_cursor* cursor = nullptr;
      if (mdb_cursor_open(txn_, dbi_, &cursor) != 0) {
        *count = 0;
        return 0;
      }
      MDB_val k = Val(start);
      MDB_val v;
      uint64_t sum = 0;
      int c = 0;
      for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE); rc == 0 && c < n;
           rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
        sum += Touch(std::string_view(static_cast<const char*>(k.mv_data), k.mv_size),
                     std::string_view(static_cast<const char*>(v.mv_data), v.mv_size));
        if (++c == n) break;  // no step past the last pair wanted
      }
      mdb_cursor_close(cursor);
      *count = c;
      return sum;
    }

   private:
    MDB_txn* txn_ = nullptr;
    MDB_dbi dbi_;
  };

 private:
  std::string dir_;
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
};

}  // namespace

StoreSuite LmdbSuite() { return MakeSuite<LmdbStore>(); }

}  // namespace memdb_bench
