// Misuse of transactions and iterators gets a clear InvalidArgument, never undefined behaviour
// (include/memdb/mvcc/txn.h, "Misuse"): calls after Commit or Rollback, on a moved-from Txn,
// writes in a read-only transaction, oversized keys, and Txns and Iterators outliving the Db.
// Run under ASan: outliving the Db must also be memory-safe and leak-free.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "memdb/db/db.h"
#include "memdb/mvcc/iterator.h"
#include "memdb/mvcc/txn.h"
#include "memdb/testing/status_matchers.h"
#include "memdb/util/status.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;

using Code = Status::Code;

// A misuse is reported as InvalidArgument whose message contains `why`.
::testing::Matcher<const Status&> IsMisuse(std::string_view why) {
  return StatusIs(Code::kInvalidArgument, HasSubstr(std::string(why)));
}

// Every operation of `txn` must report InvalidArgument containing `why`. `finished`: the
// transaction had already ended, so it must also look inactive and empty.
void ExpectEveryCallFails(Txn& txn, std::string_view why, bool finished = true) {
  EXPECT_THAT(txn.Get("k").status(), IsMisuse(why));
  std::string value = "unchanged";
  EXPECT_THAT(txn.Get("k", &value), IsMisuse(why));
  EXPECT_EQ(value, "unchanged");
  EXPECT_THAT(txn.Put("k", "v"), IsMisuse(why));
  EXPECT_THAT(txn.Delete("k"), IsMisuse(why));
  int visited = 0;
  EXPECT_THAT(txn.Scan(ScanRange::All(),
                       [&](std::string_view, std::string_view) {
                         ++visited;
                         return true;
                       }),
              IsMisuse(why));
  EXPECT_EQ(visited, 0);
  Iterator it = txn.NewIterator();
  EXPECT_FALSE(it.Valid());
  EXPECT_THAT(it.status(), IsMisuse(why));
  EXPECT_THAT(txn.Commit(), IsMisuse(why));
  if (finished) {
    EXPECT_FALSE(txn.active());
    EXPECT_EQ(txn.write_count(), 0u);
  }
}

class TxnMisuseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(db_.Put("k", "original"), IsOk());
    ASSERT_THAT(db_.Put("other", "x"), IsOk());
  }
  std::string Latest(std::string_view key) { return db_.Get(key).value_or("<absent>"); }

  Db db_ = Db::Open(Options{}).value();
};

TEST_F(TxnMisuseTest, PutAfterCommitIsRejectedAndWritesNothing) {
  Txn txn = db_.Begin();
  ASSERT_THAT(txn.Put("k", "committed"), IsOk());
  ASSERT_THAT(txn.Commit(), IsOk());
  EXPECT_FALSE(txn.active());
  EXPECT_THAT(txn.Put("k", "late"), IsMisuse("Txn::Put after Commit"));
  EXPECT_THAT(txn.Put("new", "late"), IsMisuse("the transaction is no longer active"));
  EXPECT_THAT(txn.Delete("k"), IsMisuse("Txn::Delete after Commit"));
  EXPECT_EQ(Latest("k"), "committed");
  EXPECT_EQ(Latest("new"), "<absent>");
}

TEST_F(TxnMisuseTest, GetAfterCommitIsRejected) {
  Txn txn = db_.Begin();
  ASSERT_THAT(txn.Commit(), IsOk());
  EXPECT_THAT(txn.Get("k").status(), IsMisuse("Txn::Get after Commit"));
  Iterator it = txn.NewIterator();
  EXPECT_FALSE(it.Valid());
  EXPECT_THAT(it.status(), IsMisuse("Txn::NewIterator after Commit"));
}

TEST_F(TxnMisuseTest, EveryCallAfterCommitIsRejected) {
  Txn txn = db_.Begin();
  ASSERT_THAT(txn.Put("k", "committed"), IsOk());
  ASSERT_THAT(txn.Commit(), IsOk());
  ExpectEveryCallFails(txn, "after Commit");
  EXPECT_EQ(Latest("k"), "committed");
}

TEST_F(TxnMisuseTest, CommitTwiceIsRejectedAndCommitsOnce) {
  Txn txn = db_.Begin();
  ASSERT_THAT(txn.Put("k", "once"), IsOk());
  ASSERT_THAT(txn.Commit(), IsOk());
  const uint64_t commits = db_.GetStats().commits;
  EXPECT_THAT(txn.Commit(), IsMisuse("Txn::Commit after Commit"));
  EXPECT_EQ(db_.GetStats().commits, commits);
}

TEST_F(TxnMisuseTest, RollbackAfterCommitIsRejectedAndKeepsTheCommit) {
  Txn txn = db_.Begin();
  ASSERT_THAT(txn.Put("k", "kept"), IsOk());
  ASSERT_THAT(txn.Commit(), IsOk());
  EXPECT_THAT(txn.Rollback(), IsMisuse("Txn::Rollback after Commit"));
  EXPECT_EQ(Latest("k"), "kept");
}

TEST_F(TxnMisuseTest, EveryCallAfterRollbackIsRejected) {
  Txn txn = db_.Begin();
  ASSERT_THAT(txn.Put("k", "discarded"), IsOk());
  ASSERT_THAT(txn.Rollback(), IsOk());
  EXPECT_THAT(txn.Rollback(), IsMisuse("Txn::Rollback after Rollback"));
  ExpectEveryCallFails(txn, "after Rollback");
  EXPECT_EQ(Latest("k"), "original");
}

TEST_F(TxnMisuseTest, EveryCallAfterAFailedCommitIsRejected) {
  Txn loser = db_.Begin();
  ASSERT_THAT(loser.Put("k", "loser"), IsOk());
  ASSERT_THAT(db_.Put("k", "winner"), IsOk());
  EXPECT_THAT(loser.Commit(), StatusIs(Code::kConflict, HasSubstr("write-write conflict")));
  EXPECT_FALSE(loser.active());
  EXPECT_THAT(loser.Rollback(), IsMisuse("after its Commit failed"));
  ExpectEveryCallFails(loser, "after its Commit failed");
  EXPECT_EQ(Latest("k"), "winner");
}

TEST_F(TxnMisuseTest, MovedFromTxnRejectsEveryCall) {
  Txn source = db_.Begin();
  ASSERT_THAT(source.Put("k", "moved"), IsOk());
  Txn target = std::move(source);
  EXPECT_FALSE(source.active());  // NOLINT(bugprone-use-after-move): the point of the test
  EXPECT_THAT(source.Rollback(), IsMisuse("Txn::Rollback on a moved-from"));
  EXPECT_THAT(source.Get("k").status(), IsMisuse("Txn::Get on a moved-from"));
  ExpectEveryCallFails(source, "moved-from");
  EXPECT_EQ(source.snapshot_timestamp(), 0u);
  // The target owns the transaction, writes included.
  EXPECT_TRUE(target.active());
  EXPECT_EQ(target.write_count(), 1u);
  ASSERT_THAT(target.Commit(), IsOk());
  EXPECT_EQ(Latest("k"), "moved");
}

TEST_F(TxnMisuseTest, DefaultConstructedTxnRejectsEveryCall) {
  Txn txn;
  EXPECT_FALSE(txn.active());
  EXPECT_THAT(txn.Rollback(), IsMisuse("default-constructed"));
  ExpectEveryCallFails(txn, "moved-from or default-constructed Txn");
}

TEST_F(TxnMisuseTest, MoveAssignmentRollsBackTheReplacedTxn) {
  const uint64_t snapshots = db_.GetStats().active_snapshots;
  Txn a = db_.Begin();
  ASSERT_THAT(a.Put("k", "from a"), IsOk());
  Txn b = db_.Begin();
  ASSERT_THAT(b.Put("other", "from b"), IsOk());
  EXPECT_EQ(db_.GetStats().active_snapshots, snapshots + 2);
  a = std::move(b);  // a's transaction is rolled back
  EXPECT_EQ(db_.GetStats().active_snapshots, snapshots + 1);
  ASSERT_THAT(a.Commit(), IsOk());
  EXPECT_EQ(Latest("k"), "original");
  EXPECT_EQ(Latest("other"), "from b");
  EXPECT_EQ(db_.GetStats().active_snapshots, snapshots);
}

TEST_F(TxnMisuseTest, WritesInAReadOnlyTxnAreRejected) {
  Txn ro = db_.Begin(TxnOptions{IsolationLevel::kSerializable, /*read_only=*/true});
  EXPECT_THAT(ro.Put("k", "v"), IsMisuse("Txn::Put in a read-only transaction"));
  EXPECT_THAT(ro.Delete("k"), IsMisuse("Txn::Delete in a read-only transaction"));
  EXPECT_EQ(ro.write_count(), 0u);
  // Reads still work, and the transaction stays usable after a rejected write.
  EXPECT_TRUE(ro.active());
  EXPECT_EQ(ro.Get("k").value_or("<absent>"), "original");
  int n = 0;
  EXPECT_THAT(ro.Scan(ScanRange::All(),
                      [&](std::string_view, std::string_view) {
                        ++n;
                        return true;
                      }),
              IsOk());
  EXPECT_EQ(n, 2);
  EXPECT_THAT(ro.Commit(), IsOk());
  EXPECT_EQ(Latest("k"), "original");
}

TEST_F(TxnMisuseTest, KeyOverMaxSizeIsRejected) {
  Txn txn = db_.Begin();
  const std::string too_long(kMaxKeySize + 1, 'k');
  EXPECT_THAT(txn.Put(too_long, "v"),
              IsMisuse("key of 65536 bytes is longer than the maximum of 65535"));
  EXPECT_THAT(txn.Delete(too_long), IsMisuse("longer than the maximum of 65535"));
  EXPECT_THAT(db_.Put(too_long, "v"), IsMisuse("longer than the maximum"));
  EXPECT_EQ(txn.write_count(), 0u);
  EXPECT_TRUE(txn.active()) << "a rejected write does not end the transaction";
  EXPECT_THAT(txn.Commit(), IsOk());
  EXPECT_EQ(db_.GetStats().live_keys, 2u);
}

TEST_F(TxnMisuseTest, KeyOfExactlyMaxSizeRoundTrips) {
  std::string key(kMaxKeySize, '\xff');
  key[0] = 'm';
  key[kMaxKeySize - 1] = '\0';
  Txn txn = db_.Begin();
  ASSERT_THAT(txn.Put(key, "big key"), IsOk());
  ASSERT_THAT(txn.Commit(), IsOk());
  EXPECT_EQ(db_.Get(key).value_or("<absent>"), "big key");
  std::string seen;
  ASSERT_THAT(db_.Scan(ScanRange::Prefix("m"),
                       [&](std::string_view k, std::string_view) {
                         seen = std::string(k);
                         return true;
                       }),
              IsOk());
  EXPECT_EQ(seen.size(), kMaxKeySize);
  EXPECT_EQ(seen, key);
  ASSERT_THAT(db_.Delete(key), IsOk());
  EXPECT_EQ(db_.Get(key).value_or("<absent>"), "<absent>");
}

TEST(TxnOutlivesDbTest, EveryCallReportsTheDatabaseIsClosed) {
  std::optional<Db> db(Db::Open(Options{}).value());
  ASSERT_THAT(db->Put("k", "v"), IsOk());
  Txn txn = db->Begin();
  ASSERT_THAT(txn.Put("k", "pending"), IsOk());
  Txn reader = db->Begin(TxnOptions{IsolationLevel::kSnapshot, /*read_only=*/true});
  db.reset();
  ExpectEveryCallFails(txn, "database is closed", /*finished=*/false);
  EXPECT_THAT(reader.Get("k").status(), IsMisuse("database is closed"));
  EXPECT_THAT(reader.Commit(), IsMisuse("database is closed"));
}

// txn.h, Commit: "OK, or Conflict ..., or InvalidArgument on misuse. Either way the Txn is
// finished."
TEST(TxnOutlivesDbTest, CommitAfterCloseReportsClosedAndFinishesTheTxn) {
  std::optional<Db> db(Db::Open(Options{}).value());
  Txn txn = db->Begin(TxnOptions{IsolationLevel::kSerializable, false});
  ASSERT_THAT(txn.Put("k", "v"), IsOk());
  db.reset();
  EXPECT_THAT(txn.Commit(), IsMisuse("database is closed"));
  EXPECT_FALSE(txn.active()) << "Commit returned, yet the transaction still claims to be active";
}

// txn.h: "any call after the Db is closed -- returns InvalidArgument".
TEST(TxnOutlivesDbTest, RollbackAfterCloseReportsTheDatabaseIsClosed) {
  std::optional<Db> db(Db::Open(Options{}).value());
  Txn txn = db->Begin();
  ASSERT_THAT(txn.Put("k", "v"), IsOk());
  db.reset();
  EXPECT_THAT(txn.Rollback(), IsMisuse("database is closed"));
}

TEST(TxnOutlivesDbTest, MoveAssignedDbClosesTheOldDatabase) {
  Db db = Db::Open(Options{}).value();
  Txn old_txn = db.Begin();
  db = Db::Open(Options{}).value();
  EXPECT_THAT(old_txn.Get("k").status(), IsMisuse("database is closed"));
  // The new database works.
  EXPECT_THAT(db.Put("k", "v"), IsOk());
  EXPECT_EQ(db.Get("k").value_or("<absent>"), "v");
}

// An iterator positioned on a key when the Db closes must stop: the next step makes it invalid
// and its status says the database is closed (include/memdb/mvcc/iterator.h).
TEST(IteratorOutlivesDbTest, NextAfterCloseReportsTheDatabaseIsClosed) {
  std::optional<Db> db(Db::Open(Options{}).value());
  for (int i = 0; i < 5; ++i) ASSERT_THAT(db->Put("k" + std::to_string(i), "v"), IsOk());
  Iterator it = db->NewIterator();
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), "k0");
  db.reset();
  it.Next();
  EXPECT_FALSE(it.Valid()) << "still iterating a closed database, at " << it.key();
  EXPECT_THAT(it.status(), IsMisuse("database is closed"));
}

// Issue 14: an iterator positioned before its Db is destroyed reported Valid() once more.
// After the Db is gone, it is invalid at once and says why, without a Next().
TEST(IteratorOutlivesDbTest, PositionedIteratorIsInvalidAsSoonAsTheDbIsGone) {
  std::optional<Db> db(Db::Open(Options{}).value());
  ASSERT_THAT(db->Put("k0", "v"), IsOk());
  Txn txn = db->Begin();
  ASSERT_THAT(txn.Put("k1", "mine"), IsOk());
  Iterator from_db = db->NewIterator();
  Iterator from_txn = txn.NewIterator();
  ASSERT_TRUE(from_db.Valid());
  ASSERT_TRUE(from_txn.Valid());
  ASSERT_THAT(from_db.status(), IsOk());
  db.reset();
  for (Iterator* it : {&from_db, &from_txn}) {
    EXPECT_FALSE(it->Valid()) << "still positioned on a closed database, at " << it->key();
    EXPECT_EQ(it->key(), "");
    EXPECT_EQ(it->value(), "");
    EXPECT_THAT(it->status(), IsMisuse("database is closed"));
    it->Next();  // a no-op on an invalid iterator, never undefined behaviour
    EXPECT_FALSE(it->Valid());
  }
}

// status() alone, without Valid() first, already reports the closed database.
TEST(IteratorOutlivesDbTest, StatusOfAPositionedIteratorSaysTheDbIsClosed) {
  std::optional<Db> db(Db::Open(Options{}).value());
  ASSERT_THAT(db->Put("k0", "v"), IsOk());
  Iterator it = db->NewIterator();
  ASSERT_TRUE(it.Valid());
  db.reset();
  EXPECT_THAT(it.status(), IsMisuse("database is closed"));
  EXPECT_FALSE(it.Valid());
}

// An iterator that finished its walk before the Db closed keeps its OK status: it never
// missed anything.
TEST(IteratorOutlivesDbTest, ExhaustedIteratorKeepsItsStatusAfterClose) {
  std::optional<Db> db(Db::Open(Options{}).value());
  ASSERT_THAT(db->Put("k0", "v"), IsOk());
  Iterator it = db->NewIterator();
  it.Next();
  ASSERT_FALSE(it.Valid());
  db.reset();
  EXPECT_FALSE(it.Valid());
  EXPECT_THAT(it.status(), IsOk());
}

TEST(IteratorOutlivesDbTest, LargeScanStopsWithClosedStatusAndStaysMemorySafe) {
  std::optional<Db> db(Db::Open(Options{}).value());
  {
    Txn load = db->Begin();
    for (int i = 0; i < 2000; ++i) ASSERT_THAT(load.Put("key:" + std::to_string(i), "v"), IsOk());
    ASSERT_THAT(load.Commit(), IsOk());
  }
  Txn txn = db->Begin();
  ASSERT_THAT(txn.Put("key:own", "mine"), IsOk());
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
    EXPECT_THAT(it->status(), IsMisuse("database is closed"));
  }
  EXPECT_LT(steps, 4002) << "the iterators walked the whole closed database";
}

TEST(IteratorOutlivesDbTest, NewIteratorOfATxnAfterCloseIsInvalid) {
  std::optional<Db> db(Db::Open(Options{}).value());
  ASSERT_THAT(db->Put("a", "1"), IsOk());
  Txn txn = db->Begin();
  db.reset();
  Iterator it = txn.NewIterator();
  EXPECT_FALSE(it.Valid());
  EXPECT_THAT(it.status(), IsMisuse("database is closed"));
}

TEST(MovedFromDbTest, OperationsReportMisuse) {
  Db db = Db::Open(Options{}).value();
  Db other = std::move(db);
  // NOLINTBEGIN(bugprone-use-after-move): the point of the test
  EXPECT_THAT(db.Get("k").status(), IsMisuse("moved-from Db"));
  EXPECT_THAT(db.Put("k", "v"), IsMisuse("moved-from Db"));
  EXPECT_THAT(db.Delete("k"), IsMisuse("moved-from Db"));
  EXPECT_THAT(db.Scan(ScanRange::All(), [](std::string_view, std::string_view) { return true; }),
              IsMisuse("moved-from Db"));
  EXPECT_THAT(db.Update([](KvTransaction&) { return Status::OK(); }), IsMisuse("moved-from Db"));
  EXPECT_THAT(db.View([](KvTransaction&) { return Status::OK(); }), IsMisuse("moved-from Db"));
  Iterator it = db.NewIterator();
  EXPECT_FALSE(it.Valid());
  EXPECT_THAT(it.status(), IsMisuse("moved-from Db"));
  Txn txn = db.Begin();
  EXPECT_FALSE(txn.active());
  EXPECT_THAT(txn.Put("k", "v"), IsMisuse("moved-from"));
  db.CollectGarbage();  // a no-op, not a crash
  EXPECT_EQ(db.GetStats().commits, 0u);
  // NOLINTEND(bugprone-use-after-move)
  EXPECT_THAT(other.Put("k", "v"), IsOk());
}

}  // namespace
}  // namespace memdb
