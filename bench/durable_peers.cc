// The embedded peers of memdb_durable_bench, each in its own directory on the benchmark disk
// (DurableBaseDir()), configured so that a commit returns only once it is durable. Each section
// is compiled only when CMake found the peer's package (MEMDB_BENCH_HAVE_<PEER>).
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "durable_common.h"

#ifdef MEMDB_BENCH_HAVE_ROCKSDB
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#endif
#ifdef MEMDB_BENCH_HAVE_LEVELDB
#include <leveldb/db.h>
#include <leveldb/options.h>
#endif
#ifdef MEMDB_BENCH_HAVE_LMDB
#include <lmdb.h>
#endif
#ifdef MEMDB_BENCH_HAVE_SQLITE
#include <sqlite3.h>
#endif

namespace memdb_bench {
namespace {

[[noreturn]] void Die(const char* store, const char* what, const std::string& detail) {
  std::fprintf(stderr, "memdb_durable_bench: %s %s: %s\n", store, what, detail.c_str());
  std::abort();
}

}  // namespace

#ifdef MEMDB_BENCH_HAVE_ROCKSDB
namespace {

// A plain rocksdb::DB (a single Put is an atomic one-write batch: no transaction layer
// needed), default options but no compression; fdatasync (use_fsync = false, the default).
// RocksDB groups concurrent writers behind one leader: one WAL write and one sync per group.
class DurableRocksDb final : public DurableStore {
 public:
  explicit DurableRocksDb(const std::string& dir) {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.compression = rocksdb::kNoCompression;
    rocksdb::DB* db = nullptr;
    const rocksdb::Status s = rocksdb::DB::Open(options, dir, &db);
    if (!s.ok()) Die("rocksdb", "open", s.ToString());
    db_.reset(db);
    write_options_.sync = true;
    write_options_.disableWAL = false;
  }

  bool Commit(int, std::string_view key, std::string_view value) override {
    return db_
        ->Put(write_options_, rocksdb::Slice(key.data(), key.size()),
              rocksdb::Slice(value.data(), value.size()))
        .ok();
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;
};

}  // namespace

std::unique_ptr<DurableStore> NewDurableRocksDb(const std::string& dir) {
  return std::make_unique<DurableRocksDb>(dir);
}
#endif  // MEMDB_BENCH_HAVE_ROCKSDB

#ifdef MEMDB_BENCH_HAVE_LEVELDB
namespace {

// The default Env on the benchmark disk, no compression; LevelDB also groups concurrent
// writers (one log append + one sync for the group).
class DurableLevelDb final : public DurableStore {
 public:
  explicit DurableLevelDb(const std::string& dir) {
    leveldb::Options options;
    options.create_if_missing = true;
    options.compression = leveldb::kNoCompression;
    leveldb::DB* db = nullptr;
    const leveldb::Status s = leveldb::DB::Open(options, dir, &db);
    if (!s.ok()) Die("leveldb", "open", s.ToString());
    db_.reset(db);
    write_options_.sync = true;
  }

  bool Commit(int, std::string_view key, std::string_view value) override {
    return db_
        ->Put(write_options_, leveldb::Slice(key.data(), key.size()),
              leveldb::Slice(value.data(), value.size()))
        .ok();
  }

 private:
  std::unique_ptr<leveldb::DB> db_;
  leveldb::WriteOptions write_options_;
};

}  // namespace

std::unique_ptr<DurableStore> NewDurableLevelDb(const std::string& dir) {
  return std::make_unique<DurableLevelDb>(dir);
}
#endif  // MEMDB_BENCH_HAVE_LEVELDB

#ifdef MEMDB_BENCH_HAVE_LMDB
namespace {

// Flags 0: LMDB's durable default. A commit pwrites the dirty pages and fdatasyncs the data
// file, then writes the meta page and fdatasyncs again. Write transactions are serialized by
// LMDB's writer lock (no group commit).
class DurableLmdb final : public DurableStore {
 public:
  explicit DurableLmdb(const std::string& dir) {
    int rc = mdb_env_create(&env_);
    if (rc != 0) Die("lmdb", "mdb_env_create", mdb_strerror(rc));
    if ((rc = mdb_env_set_mapsize(env_, size_t{4} << 30)) != 0) {
      Die("lmdb", "mdb_env_set_mapsize", mdb_strerror(rc));
    }
    if ((rc = mdb_env_open(env_, dir.c_str(), 0, 0644)) != 0) {
      Die("lmdb", "mdb_env_open", mdb_strerror(rc));
    }
    MDB_txn* txn = nullptr;
    if ((rc = mdb_txn_begin(env_, nullptr, 0, &txn)) != 0) {
      Die("lmdb", "mdb_txn_begin", mdb_strerror(rc));
    }
    if ((rc = mdb_dbi_open(txn, nullptr, 0, &dbi_)) != 0) {
      Die("lmdb", "mdb_dbi_open", mdb_strerror(rc));
    }
    if ((rc = mdb_txn_commit(txn)) != 0) Die("lmdb", "mdb_txn_commit", mdb_strerror(rc));
  }
  ~DurableLmdb() override { mdb_env_close(env_); }
  DurableLmdb(const DurableLmdb&) = delete;
  DurableLmdb& operator=(const DurableLmdb&) = delete;

  bool Commit(int, std::string_view key, std::string_view value) override {
    MDB_txn* txn = nullptr;
    if (mdb_txn_begin(env_, nullptr, 0, &txn) != 0) return false;
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    MDB_val v{value.size(), const_cast<char*>(value.data())};
    if (mdb_put(txn, dbi_, &k, &v, 0) != 0) {
      mdb_txn_abort(txn);
      return false;
    }
    return mdb_txn_commit(txn) == 0;
  }

 private:
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
};

}  // namespace

std::unique_ptr<DurableStore> NewDurableLmdb(const std::string& dir) {
  return std::make_unique<DurableLmdb>(dir);
}
#endif  // MEMDB_BENCH_HAVE_LMDB

#ifdef MEMDB_BENCH_HAVE_SQLITE
namespace {

// One connection, journal_mode=WAL + synchronous=FULL (the WAL is synced at every commit;
// SQLite's automatic checkpoints, every 1000 WAL pages, run inside the commit that crosses the
// threshold, as they would in an application). SQLite has no group commit and one writer at a
// time; the threads share the connection under a mutex rather than each having its own, which
// would only add busy-handler sleeps (SQLITE_BUSY on the WAL write lock).
class DurableSqlite final : public DurableStore {
 public:
  explicit DurableSqlite(const std::string& dir) {
    const std::string path = dir + "/kv.sqlite";
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        nullptr) != SQLITE_OK) {
      Die("sqlite", "open", db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory");
    }
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=FULL");
    Exec("CREATE TABLE kv (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID");
    if (sqlite3_prepare_v3(db_, "INSERT OR REPLACE INTO kv (k, v) VALUES (?1, ?2)", -1,
                           SQLITE_PREPARE_PERSISTENT, &put_, nullptr) != SQLITE_OK) {
      Die("sqlite", "prepare", sqlite3_errmsg(db_));
    }
  }
  ~DurableSqlite() override {
    sqlite3_finalize(put_);
    sqlite3_close(db_);
  }
  DurableSqlite(const DurableSqlite&) = delete;
  DurableSqlite& operator=(const DurableSqlite&) = delete;

  bool Commit(int, std::string_view key, std::string_view value) override {
    std::lock_guard<std::mutex> lock(mu_);
    sqlite3_bind_blob(put_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_blob(put_, 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    const int rc = sqlite3_step(put_);
    sqlite3_reset(put_);
    return rc == SQLITE_DONE;
  }

 private:
  void Exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      const std::string text = error != nullptr ? error : "?";
      sqlite3_free(error);
      Die("sqlite", sql, text);
    }
  }

  std::mutex mu_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* put_ = nullptr;
};

}  // namespace

std::unique_ptr<DurableStore> NewDurableSqlite(const std::string& dir) {
  return std::make_unique<DurableSqlite>(dir);
}
#endif  // MEMDB_BENCH_HAVE_SQLITE

}  // namespace memdb_bench
