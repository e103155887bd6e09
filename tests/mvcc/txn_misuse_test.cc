// Misuse of transactions and iterators gets a clear InvalidArgument, never undefined behaviour
// (include/memdb/mvcc/txn.h, "Misuse"): calls after Commit or Rollback, on a moved-from Txn,
// writes in a read-only transaction, oversized keys, and Txns and Iterators outliving the Db.
// Run under ASan: outliving the Db must also be memory-safe and leak-free.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "memdb/db/db.h"
#include "memdb/mvcc/iterator.h"
#include "memdb/mvcc/txn.h"
#include "memdb/util/status.h"
#include "test_support.h"

namespace memdb {
namespace {

using ::memdb::test::HasCode;
using ::memdb::test::IsOk;

using Code = Status::Code;

::testing::AssertionResult IsMisuse(const Status& s, std::string_view substr) {
  return HasCode(s, Code::kInvalidArgument, substr);
}

// Every operation of `txn` must report InvalidArgument containing `why`. `finished`: the
// transaction had already ended, so it must also look inactive and empty.
void ExpectEveryCallFails(Txn& txn, std::string_view why, bool finished = true) {
  EXPECT_TRUE(IsMisuse(txn.Get("k").status(), why));
  std::string value = "unchanged";
  EXPECT_TRUE(IsMisuse(txn.Get("k", &value), why));
  EXPECT_EQ(value, "unchanged");
  EXPECT_TRUE(IsMisuse(txn.Put("k", "v"), why));
  EXPECT_TRUE(IsMisuse(txn.Delete("k"), why));
  int visited = 0;
  EXPECT_TRUE(IsMisuse(txn.Scan(ScanRange::All(),
                                [&](std::string_view, std::string_view) {
                                  ++visited;
                                  return true;
                                }),
                       why));
  EXPECT_EQ(visited, 0);
  Iterator it = txn.NewIterator();
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(IsMisuse(it.status(), why));
  EXPECT_TRUE(IsMisuse(txn.Commit(), why));
  if (finished) {
    EXPECT_FALSE(txn.active());
    EXPECT_EQ(txn.write_count(), 0u);
  }
}

class TxnMisuseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(IsOk(db_.Put("k", "original")));
    ASSERT_TRUE(IsOk(db_.Put("other", "x")));
  }
  std::string Latest(std::string_view key) { return db_.Get(key).value_or("<absent>"); }

  Db db_ = Db::Open(Options{}).value();
};

TEST_F(TxnMisuseTest, PutAfterCommitIsRejectedAndWritesNothing) {
  Txn txn = db_.Begin();
  ASSERT_TRUE(IsOk(txn.Put("k", "committed")));
  ASSERT_TRUE(IsOk(txn.Commit()));
  EXPECT_FALSE(txn.active());
  EXPECT_TRUE(IsMisuse(txn.Put("k", "late"), "Txn::Put after Commit"));
  EXPECT_TRUE(IsMisuse(txn.Put("new", "late"), "the transaction is no longer active"));
  EXPECT_TRUE(IsMisuse(txn.Delete("k"), "Txn::Delete after Commit"));
  EXPECT_EQ(Latest("k"), "committed");
  EXPECT_EQ(Latest("new"), "<absent>");
}

TEST_F(TxnMisuseTest, GetAfterCommitIsRejected) {
  Txn txn = db_.Begin();
  ASSERT_TRUE(IsOk(txn.Commit()));
  EXPECT_TRUE(IsMisuse(txn.Get("k").status(), "Txn::Get after Commit"));
  Iterator it = txn.NewIterator();
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(IsMisuse(it.status(), "Txn::NewIterator after Commit"));
}

TEST_F(TxnMisuseTest, EveryCallAfterCommitIsRejected) {
  Txn txn = db_.Begin();
  ASSERT_TRUE(IsOk(txn.Put("k", "committed")));
  ASSERT_TRUE(IsOk(txn.Commit()));
  ExpectEveryCallFails(txn, "after Commit");
  EXPECT_EQ(Latest("k"), "committed");
}

TEST_F(TxnMisuseTest, CommitTwiceIsRejectedAndCommitsOnce) {
  Txn txn = db_.Begin();
  ASSERT_TRUE(IsOk(txn.Put("k", "once")));
  ASSERT_TRUE(IsOk(txn.Commit()));
  const uint64_t commits = db_.GetStats().commits;
  EXPECT_TRUE(IsMisuse(txn.Commit(), "Txn::Commit after Commit"));
  EXPECT_EQ(db_.GetStats().commits, commits);
}

TEST_F(TxnMisuseTest, RollbackAfterCommitIsRejectedAndKeepsTheCommit) {
  Txn txn = db_.Begin();
  ASSERT_TRUE(IsOk(txn.Put("k", "kept")));
  ASSERT_TRUE(IsOk(txn.Commit()));
  EXPECT_TRUE(IsMisuse(txn.Rollback(), "Txn::Rollback after Commit"));
  EXPECT_EQ(Latest("k"), "kept");
}

TEST_F(TxnMisuseTest, EveryCallAfterRollbackIsRejected) {
  Txn txn = db_.Begin();
  ASSERT_TRUE(IsOk(txn.Put("k", "discarded")));
  ASSERT_TRUE(IsOk(txn.Rollback()));
  EXPECT_TRUE(IsMisuse(txn.Rollback(), "Txn::Rollback after Rollback"));
  ExpectEveryCallFails(txn, "after Rollback");
  EXPECT_EQ(Latest("k"), "original");
}

TEST_F(TxnMisuseTest, EveryCallAfterAFailedCommitIsRejected) {
  Txn loser = db_.Begin();
  ASSERT_TRUE(IsOk(loser.Put("k", "loser")));
  ASSERT_TRUE(IsOk(db_.Put("k", "winner")));
  EXPECT_TRUE(HasCode(loser.Commit(), Code::kConflict, "write-write conflict"));
  EXPECT_FALSE(loser.active());
  EXPECT_TRUE(IsMisuse(loser.Rollback(), "after its Commit failed"));
  ExpectEveryCallFails(loser, "after its Commit failed");
  EXPECT_EQ(Latest("k"), "winner");
}

TEST_F(TxnMisuseTest, MovedFromTxnRejectsEveryCall) {
  Txn source = db_.Begin();
  ASSERT_TRUE(IsOk(source.Put("k", "moved")));
  Txn target = std::move(source);
  EXPECT_FALSE(source.active());  // NOLINT(bugprone-use-after-move): the point of the test
  EXPECT_TRUE(IsMisuse(source.Rollback(), "Txn::Rollback on a moved-from"));
  EXPECT_TRUE(IsMisuse(source.Get("k").status(), "Txn::Get on a moved-from"));
  ExpectEveryCallFails(source, "moved-from");
  EXPECT_EQ(source.snapshot_timestamp(), 0u);
  // The target owns the transaction, writes included.
  EXPECT_TRUE(target.active());
  EXPECT_EQ(target.write_count(), 1u);
  ASSERT_TRUE(IsOk(target.Commit()));
  EXPECT_EQ(Latest("k"), "moved");
}

TEST_F(TxnMisuseTest, DefaultConstructedTxnRejectsEveryCall) {
  Txn txn;
  EXPECT_FALSE(txn.active());
  EXPECT_TRUE(IsMisuse(txn.Rollback(), "default-constructed"));
  ExpectEveryCallFails(txn, "moved-from or default-constructed Txn");
}

TEST_F(TxnMisuseTest, MoveAssignmentRollsBackTheReplacedTxn) {
  const uint64_t snapshots = db_.GetStats().active_snapshots;
  Txn a = db_.Begin();
  ASSERT_TRUE(IsOk(a.Put("k", "from a")));
  Txn b = db_.Begin();
  ASSERT_TRUE(IsOk(b.Put("other", "from b")));
  EXPECT_EQ(db_.GetStats().active_snapshots, snapshots + 2);
  a = std::move(b);  // a's transaction is rolled back
  EXPECT_EQ(db_.GetStats().active_snapshots, snapshots + 1);
  ASSERT_TRUE(IsOk(a.Commit()));
  EXPECT_EQ(Latest("k"), "original");
  EXPECT_EQ(Latest("other"), "from b");
  EXPECT_EQ(db_.GetStats().active_snapshots, snapshots);
}

TEST_F(TxnMisuseTest, WritesInAReadOnlyTxnAreRejected) {
  Txn ro = db_.Begin(TxnOptions{IsolationLevel::kSerializable, /*read_only=*/true});
  EXPECT_TRUE(IsMisuse(ro.Put("k", "v"), "Txn::Put in a read-only transaction"));
  EXPECT_TRUE(IsMisuse(ro.Delete("k"), "Txn::Delete in a read-only transaction"));
  EXPECT_EQ(ro.write_count(), 0u);
  // Reads still work, and the transaction stays usable after a rejected write.
  EXPECT_TRUE(ro.active());
  EXPECT_EQ(ro.Get("k").value_or("<absent>"), "original");
  int n = 0;
  EXPECT_TRUE(IsOk(ro.Scan(ScanRange::All(), [&](std::string_view, std::string_view) {
    ++n;
    return true;
  })));
  EXPECT_EQ(n, 2);
  EXPECT_TRUE(IsOk(ro.Commit()));
  EXPECT_EQ(Latest("k"), "original");
}

TEST_F(TxnMisuseTest, KeyOverMaxSizeIsRejected) {
  Txn txn = db_.Begin();
  const std::string too_long(kMaxKeySize + 1, 'k');
  EXPECT_TRUE(
      IsMisuse(txn.Put(too_long, "v"), "key of 65536 bytes is longer than the maximum of 65535"));
  EXPECT_TRUE(IsMisuse(txn.Delete(too_long), "longer than the maximum of 65535"));
  EXPECT_TRUE(IsMisuse(db_.Put(too_long, "v"), "longer than the maximum"));
  EXPECT_EQ(txn.write_count(), 0u);
  EXPECT_TRUE(txn.active()) << "a rejected write does not end the transaction";
  EXPECT_TRUE(IsOk(txn.Commit()));
  EXPECT_EQ(db_.GetStats().live_keys, 2u);
}

TEST_F(TxnMisuseTest, KeyOfExactlyMaxSizeRoundTrips) {
  std::string key(kMaxKeySize, '\xff');
  key[0] = 'm';
  key[kMaxKeySize - 1] = '\0';
  Txn txn = db_.Begin();
  ASSERT_TRUE(IsOk(txn.Put(key, "big key")));
  ASSERT_TRUE(IsOk(txn.Commit()));
  EXPECT_EQ(db_.Get(key).value_or("<absent>"), "big key");
  std::string seen;
  ASSERT_TRUE(IsOk(db_.Scan(ScanRange::Prefix("m"), [&](std::string_view k, std::string_view) {
    seen = std::string(k);
    return true;
  })));
  EXPECT_EQ(seen.size(), kMaxKeySize);
  EXPECT_EQ(seen, key);
  ASSERT_TRUE(IsOk(db_.Delete(key)));
  EXPECT_EQ(db_.Get(key).value_or("<absent>"), "<absent>");
}

TEST(TxnOutlivesDbTest, EveryCallReportsTheDatabaseIsClosed) {
  std::optional<Db> db(Db::Open(Options{}).value());
  ASSERT_TRUE(IsOk(db->Put("k", "v")));
  Txn txn = db->Begin();
  ASSERT_TRUE(IsOk(txn.Put("k", "pending")));
  Txn reader = db->Begin(TxnOptions{IsolationLevel::kSnapshot, /*read_only=*/true});
  db.reset();
  ExpectEveryCallFails(txn, "database is closed", /*finished=*/false);
  EXPECT_TRUE(IsMisuse(reader.Get("k").status(), "database is closed"));
  EXPECT_TRUE(IsMisuse(reader.Commit(), "database is closed"));
}

// txn.h, Commit: "OK, or Conflict ..., or InvalidArgument on misuse. Either way the Txn is
// finished."
TEST(TxnOutlivesDbTest, CommitAfterCloseReportsClosedAndFinishesTheTxn) {
  std::optional<Db> db(Db::Open(Options{}).value());
  Txn txn = db->Begin(TxnOptions{IsolationLevel::kSerializable, false});
  ASSERT_TRUE(IsOk(txn.Put("k", "v")));
  db.reset();
  EXPECT_TRUE(IsMisuse(txn.Commit(), "database is closed"));
  EXPECT_FALSE(txn.active()) << "Commit returned, yet the transaction still claims to be active";
}

// txn.h: "any call after the Db is closed -- returns InvalidArgument".
TEST(TxnOutlivesDbTest, RollbackAfterCloseReportsTheDatabaseIsClosed) {
  std::optional<Db> db(Db::Open(Options{}).value());
  Txn txn = db->Begin();
  ASSERT_TRUE(IsOk(txn.Put("k", "v")));
  db.reset();
  EXPECT_TRUE(IsMisuse(txn.Rollback(), "database is closed"));
}

TEST(TxnOutlivesDbTest, MoveAssignedDbClosesTheOldDatabase) {
  Db db = Db::Open(Options{}).value();
  Txn old_txn = db.Begin();
  db = Db::Open(Options{}).value();
  EXPECT_TRUE(IsMisuse(old_txn.Get("k").status(), "database is closed"));
  // The new database works.
  EXPECT_TRUE(IsOk(db.Put("k", "v")));
  EXPECT_EQ(db.Get("k").value_or("<absent>"), "v");
}

// An iterator positioned on a key when the Db closes must stop: the next step makes it invalid
// and its status says the database is closed (include/memdb/mvcc/iterator.h).
TEST(IteratorOutlivesDbTest, NextAfterCloseReportsTheDatabaseIsClosed) {
  std::optional<Db> db(Db::Open(Options{}).value());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(IsOk(db->Put("k" + std::to_string(i), "v")));
  Iterator it = db->NewIterator();
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), "k0");
  db.reset();
  it.Next();
  EXPECT_FALSE(it.Valid()) << "still iterating a closed database, at " << it.key();
  EXPECT_TRUE(IsMisuse(it.status(), "database is closed"));
}

TEST(IteratorOutlivesDbTest, LargeScanStopsWithClosedStatusAndStaysMemorySafe) {
  std::optional<Db> db(Db::Open(Options{}).value());
  {
    Txn load = db->Begin();
    for (int i = 0; i < 2000; ++i) ASSERT_TRUE(IsOk(load.Put("key:" + std::to_string(i), "v")));
    ASSERT_TRUE(IsOk(load.Commit()));
  }
  Txn txn = db->Begin();
  ASSERT_TRUE(IsOk(txn.Put("key:own", "mine")));
  Iterator from_db = db->NewIterator(ScanRange::Prefix("key:"));
  Iterator from_txn = txn.NewIterator(ScanRange::Prefix("key:").Reversed());
  ASSERT_TRUE(from_db.Valid());
  ASSERT_TRUE(from_txn.Valid());
  db.reset();
  int steps = 0;
  for (Iterator* it : {&from_db, &from_txn}) {
    // Every key a closed iterator still returns must be readable (ASan checks this), and it
    // must stop with the closed status rather than finish the scan.
    size_t bytes = 0;
    while (it->Valid() && steps < 5000) {
      bytes += it->key().size() + it->value().size();
      it->Next();
      ++steps;
    }
    EXPECT_GT(bytes + 1, 0u);
    EXPECT_FALSE(it->Valid());
    EXPECT_TRUE(IsMisuse(it->status(), "database is closed"));
  }
  EXPECT_LT(steps, 4002) << "the iterators walked the whole closed database";
}

TEST(IteratorOutlivesDbTest, NewIteratorOfATxnAfterCloseIsInvalid) {
  std::optional<Db> db(Db::Open(Options{}).value());
  ASSERT_TRUE(IsOk(db->Put("a", "1")));
  Txn txn = db->Begin();
  db.reset();
  Iterator it = txn.NewIterator();
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(IsMisuse(it.status(), "database is closed"));
}

TEST(MovedFromDbTest, OperationsReportMisuse) {
  Db db = Db::Open(Options{}).value();
  Db other = std::move(db);
  // NOLINTBEGIN(bugprone-use-after-move): the point of the test
  EXPECT_TRUE(IsMisuse(db.Get("k").status(), "moved-from Db"));
  EXPECT_TRUE(IsMisuse(db.Put("k", "v"), "moved-from Db"));
  EXPECT_TRUE(IsMisuse(db.Delete("k"), "moved-from Db"));
  EXPECT_TRUE(
      IsMisuse(db.Scan(ScanRange::All(), [](std::string_view, std::string_view) { return true; }),
               "moved-from Db"));
  EXPECT_TRUE(IsMisuse(db.Update([](KvTransaction&) { return Status::OK(); }), "moved-from Db"));
  EXPECT_TRUE(IsMisuse(db.View([](KvTransaction&) { return Status::OK(); }), "moved-from Db"));
  Iterator it = db.NewIterator();
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(IsMisuse(it.status(), "moved-from Db"));
  Txn txn = db.Begin();
  EXPECT_FALSE(txn.active());
  EXPECT_TRUE(IsMisuse(txn.Put("k", "v"), "moved-from"));
  db.CollectGarbage();  // a no-op, not a crash
  EXPECT_EQ(db.GetStats().commits, 0u);
  // NOLINTEND(bugprone-use-after-move)
  EXPECT_TRUE(IsOk(other.Put("k", "v")));
}

}  // namespace
}  // namespace memdb
