// SQLite: a private ":memory:" database, one table (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID,
// every statement prepared once. A ":memory:" database belongs to one connection, and a
// connection serves one thread at a time, so SQLite gets no 2-thread variants.
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bench_common.h"

namespace memdb_bench {
namespace {

class SqliteStore {
 public:
  static constexpr const char* kName = "sqlite";
  static constexpr bool kOrdered = true;
  static constexpr bool kMultiThreaded = false;

  SqliteStore() {
    Check(sqlite3_open_v2(":memory:", &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
          "open");
    Check(sqlite3_exec(db_, "CREATE TABLE kv (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID", nullptr,
                       nullptr, nullptr),
          "create table");
    begin_ = Prepare("BEGIN");
    commit_ = Prepare("COMMIT");
    get_ = Prepare("SELECT v FROM kv WHERE k = ?1");
    put_ = Prepare("INSERT OR REPLACE INTO kv (k, v) VALUES (?1, ?2)");
    scan_ = Prepare("SELECT k, v FROM kv WHERE k >= ?1 ORDER BY k LIMIT ?2");
  }

  ~SqliteStore() {
    for (sqlite3_stmt* s : {begin_, commit_, get_, put_, scan_}) sqlite3_finalize(s);
    sqlite3_close(db_);
  }

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  bool Load(uint64_t n) {
    KeyBuf key;
    for (uint64_t begin = 0; begin < n; begin += kLoadBatch) {
      if (!Exec(begin_)) return false;
      const uint64_t end = begin + kLoadBatch < n ? begin + kLoadBatch : n;
      for (uint64_t i = begin; i < end; ++i) {
        if (!PutRow(key.Set(i), ValueFor(i))) return false;
      }
      if (!Exec(commit_)) return false;
    }
    return true;
  }
  void Settle() {}
  double NonHeapBytes() { return 0; }  // pages of a :memory: database are malloc'd
  double SelfReportedBytes() { return -1; }

  // An autocommit statement is its own transaction.
  bool Put1(std::string_view key, std::string_view value) { return PutRow(key, value); }

  bool ReadModifyWrite(const std::string_view* keys, int n, std::string* scratch) {
    if (!Exec(begin_)) return false;
    for (int i = 0; i < n; ++i) {
      if (!GetRow(keys[i], scratch)) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return false;
      }
      ModifyValue(scratch);
      if (!PutRow(keys[i], *scratch)) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return false;
      }
    }
    return Exec(commit_);
  }

  // One transaction open for the Reader's life (BEGIN; reads; COMMIT).
  class Reader {
   public:
    explicit Reader(SqliteStore& store) : store_(store) { store_.Exec(store_.begin_); }
    ~Reader() { store_.Exec(store_.commit_); }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    bool Get(std::string_view key, std::string* value) { return store_.GetRow(key, value); }

    uint64_t Scan(std::string_view start, int n, int* count) {
      sqlite3_stmt* s = store_.scan_;
      sqlite3_bind_blob(s, 1, start.data(), static_cast<int>(start.size()), SQLITE_STATIC);
      sqlite3_bind_int(s, 2, n);
      uint64_t sum = 0;
      int c = 0;
      while (sqlite3_step(s) == SQLITE_ROW) {
        sum += Touch(Column(s, 0), Column(s, 1));
        ++c;
      }
      sqlite3_reset(s);
      *count = c;
      return sum;
    }

   private:
    SqliteStore& store_;
  };

 private:
  static std::string_view Column(sqlite3_stmt* s, int i) {
    const void* data = sqlite3_column_blob(s, i);
    const int size = sqlite3_column_bytes(s, i);
    return {static_cast<const char*>(data), static_cast<size_t>(size)};
  }

  void Check(int rc, const char* what) {
    if (rc == SQLITE_OK) return;
    std::fprintf(stderr, "memdb_bench: sqlite %s: %s\n", what,
                 db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    std::abort();
  }

  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    Check(sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr), sql);
    return s;
  }

  bool Exec(sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE;
  }

  bool GetRow(std::string_view key, std::string* value) {
    sqlite3_bind_blob(get_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    const bool found = sqlite3_step(get_) == SQLITE_ROW;
    if (found) {
      const std::string_view v = Column(get_, 0);
      value->assign(v.data(), v.size());
    }
    sqlite3_reset(get_);
    return found;
  }

  bool PutRow(std::string_view key, std::string_view value) {
    sqlite3_bind_blob(put_, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_blob(put_, 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    const int rc = sqlite3_step(put_);
    sqlite3_reset(put_);
    return rc == SQLITE_DONE;
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  sqlite3_stmt* get_ = nullptr;
  sqlite3_stmt* put_ = nullptr;
  sqlite3_stmt* scan_ = nullptr;
};

}  // namespace

StoreSuite SqliteSuite() { return MakeSuite<SqliteStore>(); }

}  // namespace memdb_bench
