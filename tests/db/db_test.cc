// The Db facade (include/memdb/db/db.h, kv_store.h): point operations and scans on the latest
// committed state, Update's retry loop, View's read-only transactions, Open's option checks, and
// use through the KvStore seam.
#include "memdb/db/db.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "memdb/db/kv_store.h"
#include "memdb/mvcc/kv_transaction.h"
#include "memdb/testing/status_matchers.h"
#include "memdb/util/status.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;

using Code = Status::Code;
using Rows = std::vector<std::pair<std::string, std::string>>;

Db OpenDb(Options options = {}) {
  Result<Db> db = Db::Open(options);
  EXPECT_THAT(db.status(), IsOk());
  return std::move(db).value();
}

Rows ScanRows(KvStore& store, const ScanRange& range) {
  Rows rows;
  EXPECT_THAT(store.Scan(range,
                         [&](std::string_view k, std::string_view v) {
                           rows.emplace_back(k, v);
                           return true;
                         }),
              IsOk());
  return rows;
}

std::string Latest(KvStore& store, std::string_view key) {
  Result<std::string> r = store.Get(key);
  if (r.ok()) return *r;
  EXPECT_THAT(r.status(), StatusIs(Code::kNotFound)) << key;
  return "<absent>";
}

TEST(DbOpenTest, RejectsMaxUpdateAttemptsBelowOne) {
  for (int attempts : {0, -1, -1000}) {
    Options options;
    options.max_update_attempts = attempts;
    Result<Db> db = Db::Open(options);
    ASSERT_FALSE(db.ok());
    EXPECT_THAT(db.status(),
                StatusIs(Code::kInvalidArgument,
                         HasSubstr("Options::max_update_attempts must be at least 1, got " +
                                   std::to_string(attempts))));
  }
}

TEST(DbOpenTest, AcceptsOneUpdateAttemptAndKeepsTheOptions) {
  Options options;
  options.max_update_attempts = 1;
  options.default_isolation = IsolationLevel::kSerializable;
  Db db = OpenDb(options);
  EXPECT_EQ(db.options().max_update_attempts, 1);
  EXPECT_EQ(db.options().default_isolation, IsolationLevel::kSerializable);
  EXPECT_EQ(db.Begin().isolation(), IsolationLevel::kSerializable);
}

TEST(DbOpenTest, NewDatabaseIsEmpty) {
  Db db = OpenDb();
  EXPECT_THAT(db.Get("anything").status(),
              StatusIs(Code::kNotFound, HasSubstr("\"anything\" not found")));
  EXPECT_EQ(ScanRows(db, ScanRange::All()), Rows{});
  const DbStats stats = db.GetStats();
  EXPECT_EQ(stats.last_commit_timestamp, 0u);
  EXPECT_EQ(stats.live_keys, 0u);
  EXPECT_EQ(stats.versions, 0u);
  EXPECT_EQ(stats.commits, 0u);
  EXPECT_EQ(stats.active_snapshots, 0u);
}

TEST(DbTest, PutGetDeleteRoundTrip) {
  Db db = OpenDb();
  ASSERT_THAT(db.Put("user:1", "alice"), IsOk());
  EXPECT_EQ(Latest(db, "user:1"), "alice");
  ASSERT_THAT(db.Put("user:1", "alice v2"), IsOk());
  EXPECT_EQ(Latest(db, "user:1"), "alice v2");
  ASSERT_THAT(db.Delete("user:1"), IsOk());
  EXPECT_THAT(db.Get("user:1").status(),
              StatusIs(Code::kNotFound, HasSubstr("key \"user:1\" not found")));
  EXPECT_THAT(db.Delete("user:1"), IsOk()) << "deleting an absent key is OK";
  EXPECT_THAT(db.Delete("never-existed"), IsOk());
  ASSERT_THAT(db.Put("user:1", "back"), IsOk());
  EXPECT_EQ(Latest(db, "user:1"), "back");
  const DbStats stats = db.GetStats();
  EXPECT_EQ(stats.live_keys, 1u);
  EXPECT_GE(stats.commits, 4u);
}

TEST(DbTest, GetIntoStringReusesStorageAndLeavesItOnNotFound) {
  Db db = OpenDb();
  ASSERT_THAT(db.Put("k", "value"), IsOk());
  std::string out = "previous contents";
  EXPECT_THAT(db.Get("k", &out), IsOk());
  EXPECT_EQ(out, "value");
  EXPECT_THAT(db.Get("missing", &out), StatusIs(Code::kNotFound));
  EXPECT_EQ(out, "value");
}

TEST(DbTest, BinaryKeysAndValuesRoundTrip) {
  Db db = OpenDb();
  const std::string key("\x00k\xff\x00", 4);
  const std::string value("\x00\x01\x02\xff", 4);
  ASSERT_THAT(db.Put(key, value), IsOk());
  ASSERT_THAT(db.Put("", "empty key"), IsOk());
  ASSERT_THAT(db.Put("empty value", ""), IsOk());
  EXPECT_EQ(Latest(db, key), value);
  EXPECT_EQ(Latest(db, ""), "empty key");
  EXPECT_EQ(Latest(db, "empty value"), "");
  EXPECT_EQ(Latest(db, std::string("\x00k\xff", 3)), "<absent>");
  EXPECT_EQ(ScanRows(db, ScanRange::All()),
            (Rows{{"", "empty key"}, {key, value}, {"empty value", ""}}));
}

TEST(DbTest, ScanVisitsRangesInOrderBothWays) {
  Db db = OpenDb();
  for (const char* k : {"a", "b:1", "b:2", "b:3", "c", "d", "\xff", "\xff\xff"}) {
    ASSERT_THAT(db.Put(k, std::string("v") + k), IsOk());
  }
  EXPECT_EQ(ScanRows(db, ScanRange::Prefix("b:")),
            (Rows{{"b:1", "vb:1"}, {"b:2", "vb:2"}, {"b:3", "vb:3"}}));
  EXPECT_EQ(ScanRows(db, ScanRange::Prefix("b:").Reversed()),
            (Rows{{"b:3", "vb:3"}, {"b:2", "vb:2"}, {"b:1", "vb:1"}}));
  EXPECT_EQ(ScanRows(db, ScanRange::Between("b:2", "d")),
            (Rows{{"b:2", "vb:2"}, {"b:3", "vb:3"}, {"c", "vc"}}));
  EXPECT_EQ(ScanRows(db, ScanRange::Between("b:2", "d").Reversed()),
            (Rows{{"c", "vc"}, {"b:3", "vb:3"}, {"b:2", "vb:2"}}));
  EXPECT_EQ(ScanRows(db, ScanRange::Prefix("\xff")),
            (Rows{{"\xff", "v\xff"}, {"\xff\xff", "v\xff\xff"}}));
  EXPECT_EQ(ScanRows(db, ScanRange::From("d").Reversed()),
            (Rows{{"\xff\xff", "v\xff\xff"}, {"\xff", "v\xff"}, {"d", "vd"}}));
  EXPECT_EQ(ScanRows(db, ScanRange::Between("b", "b")), Rows{});
  EXPECT_EQ(ScanRows(db, ScanRange::Prefix("e")), Rows{});
  EXPECT_EQ(ScanRows(db, ScanRange::All()).size(), 8u);
}

TEST(DbTest, ScanStopsWhenTheVisitorReturnsFalse) {
  Db db = OpenDb();
  for (int i = 0; i < 100; ++i) ASSERT_THAT(db.Put("k" + std::to_string(100 + i), "v"), IsOk());
  std::vector<std::string> seen;
  ASSERT_THAT(db.Scan(ScanRange::All().Reversed(),
                      [&](std::string_view k, std::string_view) {
                        seen.emplace_back(k);
                        return seen.size() < 3;
                      }),
              IsOk());
  EXPECT_EQ(seen, (std::vector<std::string>{"k199", "k198", "k197"}));
}

TEST(DbTest, NewIteratorReadsTheLatestSnapshotAtCreation) {
  Db db = OpenDb();
  ASSERT_THAT(db.Put("a", "1"), IsOk());
  ASSERT_THAT(db.Put("b", "2"), IsOk());
  Iterator it = db.NewIterator();
  EXPECT_EQ(db.GetStats().active_snapshots, 1u);
  ASSERT_THAT(db.Put("a", "changed"), IsOk());
  ASSERT_THAT(db.Put("c", "3"), IsOk());
  Rows rows;
  for (; it.Valid(); it.Next()) rows.emplace_back(it.key(), it.value());
  EXPECT_THAT(it.status(), IsOk());
  EXPECT_EQ(rows, (Rows{{"a", "1"}, {"b", "2"}}));
  it = Iterator();
  EXPECT_EQ(db.GetStats().active_snapshots, 0u) << "a destroyed iterator releases its snapshot";
}

TEST(DbUpdateTest, CommitsTheBodysWritesAndReadsItsOwnWrites) {
  Db db = OpenDb();
  ASSERT_THAT(db.Put("a", "1"), IsOk());
  int calls = 0;
  ASSERT_THAT(db.Update([&](KvTransaction& txn) -> Status {
    ++calls;
    if (Status s = txn.Put("b", "2"); !s.ok()) return s;
    if (Status s = txn.Delete("a"); !s.ok()) return s;
    EXPECT_EQ(txn.Get("b").value_or("<absent>"), "2");
    EXPECT_THAT(txn.Get("a").status(), StatusIs(Code::kNotFound));
    return Status::OK();
  }),
              IsOk());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Latest(db, "a"), "<absent>");
  EXPECT_EQ(Latest(db, "b"), "2");
}

// The body commits a conflicting write through a second transaction on the same Db during its
// first two attempts; Update must run it a third time, on a fresh snapshot, and commit that.
TEST(DbUpdateTest, RetriesOnConflictWithAFreshSnapshot) {
  Db db = OpenDb();
  ASSERT_THAT(db.Put("counter", "0"), IsOk());
  int attempts = 0;
  std::vector<std::string> seen;
  const Status s = db.Update([&](KvTransaction& txn) -> Status {
    ++attempts;
    Result<std::string> v = txn.Get("counter");
    if (!v.ok()) return v.status();
    seen.push_back(*v);
    if (attempts <= 2) {
      // A concurrent writer wins the race on "counter".
      EXPECT_THAT(db.Put("counter", "interloper-" + std::to_string(attempts)), IsOk());
    }
    return txn.Put("counter", *v + "+1");
  });
  EXPECT_THAT(s, IsOk());
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"0", "interloper-1", "interloper-2"}));
  EXPECT_EQ(Latest(db, "counter"), "interloper-2+1");
  EXPECT_EQ(db.GetStats().conflicts, 2u);
}

TEST(DbUpdateTest, GivesUpAfterMaxUpdateAttempts) {
  Options options;
  options.max_update_attempts = 3;
  Db db = OpenDb(options);
  ASSERT_THAT(db.Put("hot", "0"), IsOk());
  int attempts = 0;
  const Status s = db.Update([&](KvTransaction& txn) -> Status {
    ++attempts;
    if (Status put = txn.Put("hot", "from update"); !put.ok()) return put;
    if (Status put = txn.Put("side", "effect"); !put.ok()) return put;
    return db.Put("hot", "interloper " + std::to_string(attempts));  // always loses
  });
  EXPECT_THAT(s, StatusIs(Code::kConflict, HasSubstr("Db::Update gave up after 3 attempts")));
  EXPECT_THAT(s, StatusIs(Code::kConflict,
                          HasSubstr("last conflict: write-write conflict on key \"hot\"")));
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(Latest(db, "hot"), "interloper 3");
  EXPECT_EQ(Latest(db, "side"), "<absent>") << "a lost attempt leaked a write";
  EXPECT_EQ(db.GetStats().conflicts, 3u);
}

TEST(DbUpdateTest, OneAttemptMeansNoRetry) {
  Options options;
  options.max_update_attempts = 1;
  Db db = OpenDb(options);
  int attempts = 0;
  const Status s = db.Update([&](KvTransaction& txn) -> Status {
    ++attempts;
    if (Status put = txn.Put("k", "mine"); !put.ok()) return put;
    return db.Put("k", "theirs");
  });
  EXPECT_THAT(s, StatusIs(Code::kConflict, HasSubstr("gave up after 1 attempts")));
  EXPECT_EQ(attempts, 1);
}

TEST(DbUpdateTest, ReturnsTheBodysErrorAndDoesNotCommit) {
  Db db = OpenDb();
  ASSERT_THAT(db.Put("k", "before"), IsOk());
  const DbStats before = db.GetStats();
  int attempts = 0;
  const Status s = db.Update([&](KvTransaction& txn) -> Status {
    ++attempts;
    EXPECT_THAT(txn.Put("k", "after"), IsOk());
    EXPECT_THAT(txn.Put("new", "x"), IsOk());
    return Status::Busy("the body changed its mind");
  });
  EXPECT_EQ(s, Status::Busy("the body changed its mind"));
  EXPECT_EQ(attempts, 1) << "a body error is not retried";
  EXPECT_EQ(Latest(db, "k"), "before");
  EXPECT_EQ(Latest(db, "new"), "<absent>");
  const DbStats after = db.GetStats();
  EXPECT_EQ(after.commits, before.commits);
  EXPECT_EQ(after.last_commit_timestamp, before.last_commit_timestamp);
  EXPECT_EQ(after.active_snapshots, 0u) << "the failed attempt's snapshot is still held";
}

TEST(DbUpdateTest, ConflictReturnedByTheBodyIsReturnedNotRetried) {
  // kv_store.h: "Return OK to commit; any other status rolls back and is returned." Only a
  // Conflict from the commit is retried.
  Db db = OpenDb();
  int attempts = 0;
  const Status s = db.Update([&](KvTransaction& txn) -> Status {
    ++attempts;
    EXPECT_THAT(txn.Put("k", "v"), IsOk());
    return Status::Conflict("from the body");
  });
  EXPECT_THAT(s, StatusIs(Code::kConflict));
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(Latest(db, "k"), "<absent>");
}

TEST(DbUpdateTest, UsesTheDefaultIsolationLevel) {
  // The body reads "a" and writes "b"; a concurrent write of "a" is a conflict only when
  // serializable.
  for (IsolationLevel level : {IsolationLevel::kSnapshot, IsolationLevel::kSerializable}) {
    Options options;
    options.default_isolation = level;
    Db db = OpenDb(options);
    ASSERT_THAT(db.Put("a", "0"), IsOk());
    int attempts = 0;
    ASSERT_THAT(db.Update([&](KvTransaction& txn) -> Status {
      ++attempts;
      Result<std::string> a = txn.Get("a");
      if (!a.ok()) return a.status();
      if (attempts == 1) {
        EXPECT_THAT(db.Put("a", "changed"), IsOk());
      }
      return txn.Put("b", "saw " + *a);
    }),
                IsOk());
    if (level == IsolationLevel::kSerializable) {
      EXPECT_EQ(attempts, 2);
      EXPECT_EQ(Latest(db, "b"), "saw changed");
    } else {
      EXPECT_EQ(attempts, 1);
      EXPECT_EQ(Latest(db, "b"), "saw 0");
    }
  }
}

TEST(DbViewTest, IsReadOnlyAndReturnsTheBodysStatus) {
  Db db = OpenDb();
  ASSERT_THAT(db.Put("k", "v"), IsOk());
  int calls = 0;
  const Status s = db.View([&](KvTransaction& txn) -> Status {
    ++calls;
    EXPECT_EQ(txn.Get("k").value_or("<absent>"), "v");
    EXPECT_THAT(txn.Put("k", "w"),
                StatusIs(Code::kInvalidArgument, HasSubstr("read-only transaction")));
    EXPECT_THAT(txn.Delete("k"),
                StatusIs(Code::kInvalidArgument, HasSubstr("read-only transaction")));
    int n = 0;
    EXPECT_THAT(txn.Scan(ScanRange::All(),
                         [&](std::string_view, std::string_view) {
                           ++n;
                           return true;
                         }),
                IsOk());
    EXPECT_EQ(n, 1);
    return Status::OK();
  });
  EXPECT_THAT(s, IsOk());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Latest(db, "k"), "v");
  EXPECT_EQ(db.GetStats().commits, 1u);

  const Status err = db.View([](KvTransaction&) { return Status::NotFound("body says so"); });
  EXPECT_EQ(err, Status::NotFound("body says so"));
  EXPECT_EQ(db.GetStats().active_snapshots, 0u);
}

TEST(DbViewTest, ReadsOneSnapshotWhileOthersCommit) {
  Db db = OpenDb();
  ASSERT_THAT(db.Put("x", "1"), IsOk());
  ASSERT_THAT(db.Put("y", "1"), IsOk());
  ASSERT_THAT(db.View([&](KvTransaction& txn) -> Status {
    EXPECT_EQ(txn.Get("x").value_or("?"), "1");
    EXPECT_THAT(db.Update([](KvTransaction& w) -> Status {
      if (Status s = w.Put("x", "2"); !s.ok()) return s;
      return w.Put("y", "2");
    }),
                IsOk());
    EXPECT_EQ(txn.Get("y").value_or("?"), "1");
    return Status::OK();
  }),
              IsOk());
  EXPECT_EQ(Latest(db, "y"), "2");
}

// Code written against the KvStore seam works with a Db behind a base-class reference.
Status TransferThroughKvStore(KvStore& store, std::string_view from, std::string_view to, int n) {
  return store.Update([&](KvTransaction& txn) -> Status {
    Result<std::string> a = txn.Get(from);
    if (!a.ok()) return a.status();
    Result<std::string> b = txn.Get(to);
    if (!b.ok()) return b.status();
    if (Status s = txn.Put(from, std::to_string(std::stoi(*a) - n)); !s.ok()) return s;
    return txn.Put(to, std::to_string(std::stoi(*b) + n));
  });
}

TEST(DbKvStoreTest, UsableThroughABaseClassReference) {
  Db db = OpenDb();
  KvStore& store = db;
  ASSERT_THAT(store.Put("acct:a", "100"), IsOk());
  ASSERT_THAT(store.Put("acct:b", "0"), IsOk());
  ASSERT_THAT(store.Put("tmp", "x"), IsOk());
  ASSERT_THAT(store.Delete("tmp"), IsOk());
  ASSERT_THAT(TransferThroughKvStore(store, "acct:a", "acct:b", 30), IsOk());
  EXPECT_EQ(Latest(store, "acct:a"), "70");
  EXPECT_EQ(Latest(store, "acct:b"), "30");
  EXPECT_EQ(Latest(store, "tmp"), "<absent>");
  EXPECT_EQ(ScanRows(store, ScanRange::Prefix("acct:")),
            (Rows{{"acct:a", "70"}, {"acct:b", "30"}}));
  EXPECT_THAT(TransferThroughKvStore(store, "acct:a", "acct:nobody", 1),
              StatusIs(Code::kNotFound, HasSubstr("acct:nobody")));
  int total = 0;
  ASSERT_THAT(store.View([&](KvTransaction& txn) -> Status {
    return txn.Scan(ScanRange::Prefix("acct:"), [&](std::string_view, std::string_view v) {
      total += std::stoi(std::string(v));
      return true;
    });
  }),
              IsOk());
  EXPECT_EQ(total, 100);
  // Destroying through the base class is fine too.
  std::unique_ptr<KvStore> owned = std::make_unique<Db>(OpenDb());
  EXPECT_THAT(owned->Put("k", "v"), IsOk());
  EXPECT_EQ(Latest(*owned, "k"), "v");
}

TEST(DbTest, MoveConstructionKeepsTheData) {
  Db a = OpenDb();
  ASSERT_THAT(a.Put("k", "v"), IsOk());
  Txn open_txn = a.Begin();
  Db b = std::move(a);
  EXPECT_EQ(Latest(b, "k"), "v");
  EXPECT_EQ(open_txn.Get("k").value_or("<absent>"), "v") << "moving a Db must not close it";
  ASSERT_THAT(open_txn.Put("k2", "v2"), IsOk());
  EXPECT_THAT(open_txn.Commit(), IsOk());
  EXPECT_EQ(Latest(b, "k2"), "v2");
}

TEST(DbTest, StatsCountCommitsConflictsKeysAndSnapshots) {
  Db db = OpenDb();
  ASSERT_THAT(db.Put("a", "1"), IsOk());
  ASSERT_THAT(db.Put("b", "2"), IsOk());
  ASSERT_THAT(db.Put("a", "3"), IsOk());
  DbStats s = db.GetStats();
  EXPECT_EQ(s.commits, 3u);
  EXPECT_EQ(s.last_commit_timestamp, 3u);
  EXPECT_EQ(s.live_keys, 2u);
  EXPECT_EQ(s.versions, 2u) << "no snapshot is open, so the old version of a is reclaimed";
  EXPECT_GT(s.memory_bytes, 0u);
  Txn t1 = db.Begin();
  Txn t2 = db.Begin();
  EXPECT_EQ(db.GetStats().active_snapshots, 2u);
  ASSERT_THAT(t1.Put("a", "x"), IsOk());
  ASSERT_THAT(t2.Put("a", "y"), IsOk());
  ASSERT_THAT(t1.Commit(), IsOk());
  EXPECT_THAT(t2.Commit(), StatusIs(Code::kConflict));
  s = db.GetStats();
  EXPECT_EQ(s.commits, 4u);
  EXPECT_EQ(s.conflicts, 1u);
  EXPECT_EQ(s.active_snapshots, 0u);
  ASSERT_THAT(db.Delete("b"), IsOk());
  EXPECT_EQ(db.GetStats().live_keys, 1u);
}

}  // namespace
}  // namespace memdb
