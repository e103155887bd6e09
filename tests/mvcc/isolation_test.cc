// The isolation contract (docs/isolation.md, DESIGN.md "Data model and isolation"): the anomalies
// snapshot isolation prevents, each run in both kSnapshot and kSerializable, following the
// Hermitage test cases (github.com/ept/hermitage, postgres.md) translated to memdb: the table
// `test (id, value)` with rows (1, 10) and (2, 20) becomes keys "test:1" = "10", "test:2" = "20".
// Hermitage's blocking writes become buffered writes whose Commit loses (first committer wins).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/mvcc/iterator.h"
#include "memdb/mvcc/scan_range.h"
#include "memdb/mvcc/txn.h"
#include "memdb/testing/status_matchers.h"
#include "memdb/util/random.h"
#include "memdb/util/status.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using ::memdb::test::TestSeed;
using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;

using Rows = std::vector<std::pair<std::string, std::string>>;
using Code = Status::Code;

// The value of `key` in `txn`, or "<absent>"; any status other than OK or NotFound fails.
std::string Read(Txn& txn, std::string_view key) {
  Result<std::string> r = txn.Get(key);
  if (r.ok()) return *r;
  EXPECT_THAT(r.status(), StatusIs(Code::kNotFound, HasSubstr("not found")))
      << "Get(" << key << ")";
  return "<absent>";
}

std::string ReadLatest(Db& db, std::string_view key) {
  Result<std::string> r = db.Get(key);
  if (r.ok()) return *r;
  EXPECT_THAT(r.status(), StatusIs(Code::kNotFound)) << "Db::Get(" << key << ")";
  return "<absent>";
}

Rows ScanRows(Txn& txn, const ScanRange& range) {
  Rows rows;
  Status s = txn.Scan(range, [&](std::string_view k, std::string_view v) {
    rows.emplace_back(k, v);
    return true;
  });
  EXPECT_THAT(s, IsOk()) << "Scan";
  return rows;
}

Rows IterRows(Iterator& it) {
  Rows rows;
  for (; it.Valid(); it.Next()) rows.emplace_back(it.key(), it.value());
  EXPECT_THAT(it.status(), IsOk());
  return rows;
}

std::string Key(int id) { return "test:" + std::to_string(id); }

class IsolationTest : public ::testing::TestWithParam<IsolationLevel> {
 protected:
  void SetUp() override {
    Options options;
    options.default_isolation = GetParam();
    db_ = Db::Open(options).value();
    // Hermitage's setup: insert into test (id, value) values (1, 10), (2, 20).
    ASSERT_THAT(db_.Put(Key(1), "10"), IsOk());
    ASSERT_THAT(db_.Put(Key(2), "20"), IsOk());
  }

  bool serializable() const { return GetParam() == IsolationLevel::kSerializable; }
  Txn Begin() { return db_.Begin(TxnOptions{GetParam(), false}); }
  Txn BeginReadOnly() { return db_.Begin(TxnOptions{GetParam(), true}); }

  // Rows of the table whose value satisfies `pred`, read through `txn` (a predicate read: the
  // scan covers the whole table, as "select * from test where <pred>" does).
  template <typename Pred>
  Rows Where(Txn& txn, Pred pred) {
    Rows out;
    for (auto& [k, v] : ScanRows(txn, ScanRange::Prefix("test:"))) {
      if (pred(std::stoi(v))) out.emplace_back(k, v);
    }
    return out;
  }

  Db db_ = Db::Open(Options{}).value();
};

// G0, write cycles: T1 and T2 both write rows 1 and 2; the final state must come from one of
// them entirely.
TEST_P(IsolationTest, DirtyWriteG0SecondWriterAborts) {
  Txn t1 = Begin();
  Txn t2 = Begin();
  ASSERT_THAT(t1.Put(Key(1), "11"), IsOk());
  ASSERT_THAT(t2.Put(Key(1), "12"), IsOk());
  ASSERT_THAT(t1.Put(Key(2), "21"), IsOk());
  ASSERT_THAT(t1.Commit(), IsOk());
  ASSERT_THAT(t2.Put(Key(2), "22"), IsOk());
  EXPECT_THAT(t2.Commit(),
              StatusIs(Code::kConflict, HasSubstr("write-write conflict on key \"test:1\"")));
  EXPECT_EQ(ReadLatest(db_, Key(1)), "11");
  EXPECT_EQ(ReadLatest(db_, Key(2)), "21");
}

// G1a, aborted reads: T2 never sees a value T1 wrote and rolled back.
// A delete is a write even when the key does not exist: two transactions that both write a
// key that was absent at their snapshots cannot both commit (first committer wins).
TEST_P(IsolationTest, DeleteOfAbsentKeyConflictsWithConcurrentInsert) {
  for (bool delete_first : {true, false}) {
    SCOPED_TRACE(delete_first ? "delete commits first" : "insert commits first");
    const std::string key = delete_first ? "ghost:1" : "ghost:2";
    Txn deleter = Begin();
    Txn inserter = Begin();
    ASSERT_THAT(deleter.Delete(key), IsOk());
    ASSERT_THAT(inserter.Put(key, "boo"), IsOk());
    Txn& first = delete_first ? deleter : inserter;
    Txn& second = delete_first ? inserter : deleter;
    EXPECT_THAT(first.Commit(), IsOk());
    EXPECT_THAT(second.Commit(), StatusIs(Code::kConflict, HasSubstr("write-write conflict")));
  }
  // The tombstones left no trace once no snapshot predates them.
  db_.CollectGarbage();
  const DbStats stats = db_.GetStats();
  EXPECT_EQ(stats.versions, stats.live_keys) << "a tombstone outlived every snapshot";
}

TEST_P(IsolationTest, AbortedReadG1aIsNeverVisible) {
  Txn t1 = Begin();
  Txn t2 = Begin();
  ASSERT_THAT(t1.Put(Key(1), "101"), IsOk());
  EXPECT_EQ(Read(t2, Key(1)), "10");
  EXPECT_EQ(Where(t2, [](int) { return true; }), (Rows{{Key(1), "10"}, {Key(2), "20"}}));
  ASSERT_THAT(t1.Rollback(), IsOk());
  EXPECT_EQ(Read(t2, Key(1)), "10");
  EXPECT_EQ(Where(t2, [](int) { return true; }), (Rows{{Key(1), "10"}, {Key(2), "20"}}));
  EXPECT_THAT(t2.Commit(), IsOk());
  EXPECT_EQ(ReadLatest(db_, Key(1)), "10");
}

// G1a through a destroyed (never committed) transaction.
TEST_P(IsolationTest, DirtyReadG1aOfDestroyedTxnIsNeverVisible) {
  {
    Txn t1 = Begin();
    ASSERT_THAT(t1.Put(Key(1), "101"), IsOk());
    ASSERT_THAT(t1.Put(Key(3), "30"), IsOk());
    EXPECT_EQ(ReadLatest(db_, Key(1)), "10") << "an uncommitted write is visible to Db::Get";
    Txn t2 = Begin();
    EXPECT_EQ(Read(t2, Key(3)), "<absent>");
  }  // t1 rolls back here
  Txn t3 = Begin();
  EXPECT_EQ(Read(t3, Key(1)), "10");
  EXPECT_EQ(Read(t3, Key(3)), "<absent>");
}

// G1b, intermediate reads: T2 never sees T1's intermediate value 101, nor its final 11 (which
// committed after T2's snapshot).
TEST_P(IsolationTest, IntermediateReadG1bIsNeverVisible) {
  Txn t1 = Begin();
  Txn t2 = Begin();
  ASSERT_THAT(t1.Put(Key(1), "101"), IsOk());
  EXPECT_EQ(Where(t2, [](int v) { return v % 5 == 0; }), (Rows{{Key(1), "10"}, {Key(2), "20"}}));
  ASSERT_THAT(t1.Put(Key(1), "11"), IsOk());
  ASSERT_THAT(t1.Commit(), IsOk());
  EXPECT_EQ(Where(t2, [](int v) { return v % 3 == 0; }), Rows{})
      << "T2 sees the intermediate value 101 or a later snapshot";
  EXPECT_EQ(Read(t2, Key(1)), "10");
  EXPECT_THAT(t2.Commit(), IsOk());
  Txn t3 = Begin();
  EXPECT_EQ(Read(t3, Key(1)), "11");
}

// G1c, circular information flow: each transaction reads what the other overwrites; neither
// may see the other's write.
TEST_P(IsolationTest, CircularInformationFlowG1cIsPrevented) {
  Txn t1 = Begin();
  Txn t2 = Begin();
  ASSERT_THAT(t1.Put(Key(1), "11"), IsOk());
  ASSERT_THAT(t2.Put(Key(2), "22"), IsOk());
  EXPECT_EQ(Read(t1, Key(2)), "20");
  EXPECT_EQ(Read(t2, Key(1)), "10");
  ASSERT_THAT(t1.Commit(), IsOk());
  const Status s2 = t2.Commit();
  if (serializable()) {
    // T2 read row 1, which T1 changed after T2's snapshot.
    EXPECT_THAT(s2, StatusIs(Code::kConflict, HasSubstr("read-write conflict on key \"test:1\"")));
    EXPECT_EQ(ReadLatest(db_, Key(2)), "20");
  } else {
    EXPECT_THAT(s2, IsOk());  // disjoint writes: SI lets both commit, neither saw the other
    EXPECT_EQ(ReadLatest(db_, Key(2)), "22");
  }
  EXPECT_EQ(ReadLatest(db_, Key(1)), "11");
}

// OTV, observed transaction vanishes: T3 sees T1's writes and must keep seeing them, never a
// mix with T2's (which loses).
TEST_P(IsolationTest, ObservedTransactionVanishesOTVIsPrevented) {
  Txn t1 = Begin();
  Txn t2 = Begin();
  ASSERT_THAT(t1.Put(Key(1), "11"), IsOk());
  ASSERT_THAT(t1.Put(Key(2), "19"), IsOk());
  ASSERT_THAT(t2.Put(Key(1), "12"), IsOk());
  ASSERT_THAT(t1.Commit(), IsOk());
  Txn t3 = Begin();
  EXPECT_EQ(Read(t3, Key(1)), "11");
  ASSERT_THAT(t2.Put(Key(2), "18"), IsOk());
  EXPECT_EQ(Read(t3, Key(2)), "19");
  EXPECT_THAT(t2.Commit(), StatusIs(Code::kConflict, HasSubstr("write-write conflict")));
  EXPECT_EQ(Read(t3, Key(2)), "19");
  EXPECT_EQ(Read(t3, Key(1)), "11");
  EXPECT_THAT(t3.Commit(), IsOk());
  EXPECT_EQ(ReadLatest(db_, Key(1)), "11");
  EXPECT_EQ(ReadLatest(db_, Key(2)), "19");
}

// PMP, predicate-many-preceders, read predicates: a predicate read repeated after a concurrent
// insert returns the same (snapshot) result.
TEST_P(IsolationTest, PredicateManyPrecedersPMPReadsOneSnapshot) {
  Txn t1 = Begin();
  EXPECT_EQ(Where(t1, [](int v) { return v == 30; }), Rows{});
  Txn t2 = Begin();
  ASSERT_THAT(t2.Put(Key(3), "30"), IsOk());
  ASSERT_THAT(t2.Commit(), IsOk());
  EXPECT_EQ(Where(t1, [](int v) { return v % 3 == 0; }), Rows{});
  EXPECT_THAT(t1.Commit(), IsOk()) << "a read-only transaction never aborts";
}

// PMP with write predicates: T1 adds 10 to every row; T2 deletes the row whose value is 20.
TEST_P(IsolationTest, PredicateManyPrecedersPMPWriteLosesToFirstCommitter) {
  Txn t1 = Begin();
  Txn t2 = Begin();
  for (auto& [k, v] : Where(t1, [](int) { return true; })) {
    ASSERT_THAT(t1.Put(k, std::to_string(std::stoi(v) + 10)), IsOk());
  }
  for (auto& [k, v] : Where(t2, [](int v) { return v == 20; })) ASSERT_THAT(t2.Delete(k), IsOk());
  ASSERT_THAT(t1.Commit(), IsOk());
  EXPECT_THAT(t2.Commit(), StatusIs(Code::kConflict, HasSubstr("test:2")));
  EXPECT_EQ(ReadLatest(db_, Key(1)), "20");
  EXPECT_EQ(ReadLatest(db_, Key(2)), "30");
}

// P4, lost update: both read 10 and write 11; the second must abort.
TEST_P(IsolationTest, LostUpdateP4SecondWriterAborts) {
  Txn t1 = Begin();
  Txn t2 = Begin();
  EXPECT_EQ(Read(t1, Key(1)), "10");
  EXPECT_EQ(Read(t2, Key(1)), "10");
  ASSERT_THAT(t1.Put(Key(1), "11"), IsOk());
  ASSERT_THAT(t2.Put(Key(1), "11"), IsOk());
  ASSERT_THAT(t1.Commit(), IsOk());
  const Status s = t2.Commit();
  EXPECT_THAT(s, StatusIs(Code::kConflict, HasSubstr("write-write conflict on key \"test:1\"")));
  EXPECT_THAT(s, StatusIs(Code::kConflict, HasSubstr("first committer wins")));
  EXPECT_EQ(db_.GetStats().conflicts, 1u);
}

// P4 through increments, the classic counter: only one increment may survive per round.
TEST_P(IsolationTest, LostUpdateP4CounterIncrementsAreNeverLost) {
  ASSERT_THAT(db_.Put("counter", "0"), IsOk());
  int committed = 0;
  for (int round = 0; round < 20; ++round) {
    Txn a = Begin();
    Txn b = Begin();
    const int va = std::stoi(Read(a, "counter"));
    const int vb = std::stoi(Read(b, "counter"));
    ASSERT_THAT(a.Put("counter", std::to_string(va + 1)), IsOk());
    ASSERT_THAT(b.Put("counter", std::to_string(vb + 1)), IsOk());
    const Status sb = b.Commit();
    const Status sa = a.Commit();
    EXPECT_THAT(sb, IsOk());
    EXPECT_THAT(sa, StatusIs(Code::kConflict));
    committed += sa.ok() + sb.ok();
  }
  EXPECT_EQ(ReadLatest(db_, "counter"), std::to_string(committed));
}

// G-single, read skew: T1 reads row 1 before and row 2 after T2 moves 2 units between them;
// T1 must see the old values of both.
TEST_P(IsolationTest, ReadSkewGSingleIsPrevented) {
  Txn t1 = Begin();
  Txn t2 = Begin();
  EXPECT_EQ(Read(t1, Key(1)), "10");
  EXPECT_EQ(Read(t2, Key(1)), "10");
  EXPECT_EQ(Read(t2, Key(2)), "20");
  ASSERT_THAT(t2.Put(Key(1), "12"), IsOk());
  ASSERT_THAT(t2.Put(Key(2), "18"), IsOk());
  ASSERT_THAT(t2.Commit(), IsOk());
  EXPECT_EQ(Read(t1, Key(2)), "20") << "read skew: T1 sees half of T2";
  EXPECT_THAT(t1.Commit(), IsOk());
}

// G-single with predicate dependencies.
TEST_P(IsolationTest, ReadSkewGSingleWithPredicateIsPrevented) {
  Txn t1 = Begin();
  Txn t2 = Begin();
  EXPECT_EQ(Where(t1, [](int v) { return v % 5 == 0; }), (Rows{{Key(1), "10"}, {Key(2), "20"}}));
  ASSERT_THAT(t2.Put(Key(1), "12"), IsOk());
  ASSERT_THAT(t2.Commit(), IsOk());
  EXPECT_EQ(Where(t1, [](int v) { return v % 3 == 0; }), Rows{});
  EXPECT_THAT(t1.Commit(), IsOk());
}

// G-single with a write predicate: T1 deletes the row it saw as 20, which T2 changed to 18.
TEST_P(IsolationTest, ReadSkewGSingleWithWritePredicateAborts) {
  Txn t1 = Begin();
  Txn t2 = Begin();
  EXPECT_EQ(Read(t1, Key(1)), "10");
  EXPECT_EQ(Where(t2, [](int) { return true; }).size(), 2u);
  ASSERT_THAT(t2.Put(Key(1), "12"), IsOk());
  ASSERT_THAT(t2.Put(Key(2), "18"), IsOk());
  ASSERT_THAT(t2.Commit(), IsOk());
  for (auto& [k, v] : Where(t1, [](int v) { return v == 20; })) ASSERT_THAT(t1.Delete(k), IsOk());
  EXPECT_THAT(t1.Commit(), StatusIs(Code::kConflict, HasSubstr("test:")));
  EXPECT_EQ(ReadLatest(db_, Key(2)), "18");
}

// G2-item, write skew: both read rows 1 and 2, each writes a different one. SI lets both
// commit; serializable aborts the second.
TEST_P(IsolationTest, WriteSkewG2ItemCommitsOnlyUnderSnapshot) {
  Txn t1 = Begin();
  Txn t2 = Begin();
  EXPECT_EQ(Read(t1, Key(1)), "10");
  EXPECT_EQ(Read(t1, Key(2)), "20");
  EXPECT_EQ(Read(t2, Key(1)), "10");
  EXPECT_EQ(Read(t2, Key(2)), "20");
  ASSERT_THAT(t2.Put(Key(1), "11"), IsOk());
  ASSERT_THAT(t1.Put(Key(2), "21"), IsOk());
  ASSERT_THAT(t1.Commit(), IsOk());
  const Status s2 = t2.Commit();
  if (serializable()) {
    EXPECT_THAT(s2, StatusIs(Code::kConflict, HasSubstr("read-write conflict on key \"test:2\"")));
    EXPECT_EQ(ReadLatest(db_, Key(1)), "10");
  } else {
    EXPECT_THAT(s2, IsOk()) << "write skew is allowed under snapshot isolation";
    EXPECT_EQ(ReadLatest(db_, Key(1)), "11");
  }
  EXPECT_EQ(ReadLatest(db_, Key(2)), "21");
}

// The on-call doctors write skew: each checks that at least two are on call and takes one off.
TEST_P(IsolationTest, WriteSkewOnCallInvariantHoldsOnlyWhenSerializable) {
  ASSERT_THAT(db_.Put("oncall:alice", "1"), IsOk());
  ASSERT_THAT(db_.Put("oncall:bob", "1"), IsOk());
  auto go_off_call = [&](Txn& txn, std::string_view me) {
    int on_call = 0;
    for (auto& [k, v] : ScanRows(txn, ScanRange::Prefix("oncall:"))) on_call += v == "1";
    if (on_call >= 2) {
      ASSERT_THAT(txn.Put(me, "0"), IsOk());
    }
  };
  Txn alice = Begin();
  Txn bob = Begin();
  go_off_call(alice, "oncall:alice");
  go_off_call(bob, "oncall:bob");
  ASSERT_THAT(alice.Commit(), IsOk());
  const Status s = bob.Commit();
  const bool nobody_on_call =
      ReadLatest(db_, "oncall:alice") == "0" && ReadLatest(db_, "oncall:bob") == "0";
  if (serializable()) {
    EXPECT_THAT(s, StatusIs(Code::kConflict, HasSubstr("phantom conflict")));
    EXPECT_FALSE(nobody_on_call);
  } else {
    EXPECT_THAT(s, IsOk());
    EXPECT_TRUE(nobody_on_call) << "SI allows the write skew";
  }
}

// G2, anti-dependency cycles over a predicate (phantoms): each scans the range, finds nothing
// matching, and inserts a new row into it.
TEST_P(IsolationTest, PhantomG2InsertIntoScannedRangeAbortsOnlyWhenSerializable) {
  Txn t1 = Begin();
  Txn t2 = Begin();
  EXPECT_EQ(Where(t1, [](int v) { return v % 3 == 0; }), Rows{});
  EXPECT_EQ(Where(t2, [](int v) { return v % 3 == 0; }), Rows{});
  ASSERT_THAT(t1.Put(Key(3), "30"), IsOk());
  ASSERT_THAT(t2.Put(Key(4), "42"), IsOk());
  ASSERT_THAT(t1.Commit(), IsOk());
  const Status s2 = t2.Commit();
  if (serializable()) {
    EXPECT_THAT(s2, StatusIs(Code::kConflict, HasSubstr("phantom conflict: key \"test:3\"")));
    EXPECT_EQ(ReadLatest(db_, Key(4)), "<absent>");
  } else {
    EXPECT_THAT(s2, IsOk());
    EXPECT_EQ(ReadLatest(db_, Key(4)), "42");
  }
}

// The brief's phantom: two transactions count a prefix and each inserts one more key into it.
TEST_P(IsolationTest, PhantomCountThenInsertAbortsOnlyWhenSerializable) {
  for (int i = 0; i < 3; ++i) ASSERT_THAT(db_.Put("job:" + std::to_string(i), "x"), IsOk());
  ASSERT_THAT(db_.Put("jobz", "outside the prefix"), IsOk());
  auto count_and_insert = [&](Txn& txn, const std::string& who) {
    const size_t n = ScanRows(txn, ScanRange::Prefix("job:")).size();
    EXPECT_EQ(n, 3u);
    ASSERT_THAT(txn.Put("job:" + std::to_string(n) + "-" + who, "new"), IsOk());
  };
  Txn t1 = Begin();
  Txn t2 = Begin();
  count_and_insert(t1, "t1");
  count_and_insert(t2, "t2");
  ASSERT_THAT(t1.Commit(), IsOk());
  const Status s2 = t2.Commit();
  Txn check = Begin();
  const size_t final_count = ScanRows(check, ScanRange::Prefix("job:")).size();
  if (serializable()) {
    EXPECT_THAT(s2, StatusIs(Code::kConflict, HasSubstr("phantom conflict")));
    EXPECT_THAT(s2, StatusIs(Code::kConflict, HasSubstr("[\"job:\", \"job;\")")));
    EXPECT_EQ(final_count, 4u);
  } else {
    EXPECT_THAT(s2, IsOk());
    EXPECT_EQ(final_count, 5u);
  }
}

// A commit outside the scanned range is no phantom.
TEST_P(IsolationTest, InsertOutsideTheScannedRangeIsNoConflict) {
  Txn t1 = Begin();
  Txn t2 = Begin();
  EXPECT_EQ(ScanRows(t1, ScanRange::Between("test:", "test:2")).size(), 1u);
  ASSERT_THAT(t1.Put("other", "1"), IsOk());
  ASSERT_THAT(t2.Put(Key(2), "21"), IsOk());  // the range's end is exclusive
  ASSERT_THAT(t2.Put(Key(3), "31"), IsOk());
  ASSERT_THAT(t2.Commit(), IsOk());
  EXPECT_THAT(t1.Commit(), IsOk());
}

// The whole requested range counts as read, even when the visitor stopped after one key, and a
// delete inside it is a change too.
TEST_P(IsolationTest, DeleteAnywhereInAnEarlyStoppedScanAbortsOnlyWhenSerializable) {
  for (int i = 3; i < 10; ++i) ASSERT_THAT(db_.Put(Key(i), std::to_string(i * 10)), IsOk());
  Txn t1 = Begin();
  int seen = 0;
  ASSERT_THAT(t1.Scan(ScanRange::Prefix("test:"),
                      [&](std::string_view, std::string_view) {
                        ++seen;
                        return false;
                      }),
              IsOk());
  EXPECT_EQ(seen, 1);
  ASSERT_THAT(t1.Put("summary", "first"), IsOk());
  ASSERT_THAT(db_.Delete(Key(9)), IsOk());
  const Status s = t1.Commit();
  if (serializable()) {
    EXPECT_THAT(s, StatusIs(Code::kConflict, HasSubstr("phantom conflict: key \"test:9\"")));
  } else {
    EXPECT_THAT(s, IsOk());
  }
}

// A key read as absent is part of the read set: inserting it afterwards is a conflict.
TEST_P(IsolationTest, InsertOfAKeyReadAsAbsentAbortsOnlyWhenSerializable) {
  Txn t1 = Begin();
  EXPECT_EQ(Read(t1, Key(7)), "<absent>");
  ASSERT_THAT(t1.Put(Key(8), "80"), IsOk());
  ASSERT_THAT(db_.Put(Key(7), "70"), IsOk());
  const Status s = t1.Commit();
  if (serializable()) {
    EXPECT_THAT(s, StatusIs(Code::kConflict, HasSubstr("read-write conflict on key \"test:7\"")));
    EXPECT_EQ(ReadLatest(db_, Key(8)), "<absent>");
  } else {
    EXPECT_THAT(s, IsOk());
    EXPECT_EQ(ReadLatest(db_, Key(8)), "80");
  }
}

// An iterator counts as a scan of its whole range (phantom protection), in serializable mode.
TEST_P(IsolationTest, IteratorRangeIsPartOfTheReadSet) {
  Txn t1 = Begin();
  {
    Iterator it = t1.NewIterator(ScanRange::Prefix("test:").Reversed());
    ASSERT_TRUE(it.Valid());
    EXPECT_EQ(it.key(), Key(2));
  }
  ASSERT_THAT(t1.Put("elsewhere", "1"), IsOk());
  ASSERT_THAT(db_.Put(Key(0), "0"), IsOk());
  const Status s = t1.Commit();
  if (serializable()) {
    EXPECT_THAT(s, StatusIs(Code::kConflict, HasSubstr("phantom conflict: key \"test:0\"")));
  } else {
    EXPECT_THAT(s, IsOk());
  }
}

// Reading only what did not change never aborts, even in serializable mode.
TEST_P(IsolationTest, UnchangedReadSetCommits) {
  Txn t1 = Begin();
  EXPECT_EQ(Read(t1, Key(1)), "10");
  EXPECT_EQ(ScanRows(t1, ScanRange::Prefix("test:")).size(), 2u);
  ASSERT_THAT(t1.Put(Key(1), "11"), IsOk());
  ASSERT_THAT(db_.Put("unrelated", "x"), IsOk());
  EXPECT_THAT(t1.Commit(), IsOk());
  EXPECT_EQ(ReadLatest(db_, Key(1)), "11");
}

// Read-only transactions never abort, whatever changed under them.
TEST_P(IsolationTest, ReadOnlyTransactionNeverAbortsEvenWhenItsReadsChanged) {
  Txn reader = Begin();      // read-write in principle, but it writes nothing
  Txn ro = BeginReadOnly();  // explicitly read-only
  for (Txn* t : {&reader, &ro}) {
    EXPECT_EQ(Read(*t, Key(1)), "10");
    EXPECT_EQ(Read(*t, Key(5)), "<absent>");
    EXPECT_EQ(ScanRows(*t, ScanRange::Prefix("test:")).size(), 2u);
  }
  ASSERT_THAT(db_.Put(Key(1), "11"), IsOk());
  ASSERT_THAT(db_.Put(Key(5), "50"), IsOk());
  ASSERT_THAT(db_.Delete(Key(2)), IsOk());
  for (Txn* t : {&reader, &ro}) {
    EXPECT_EQ(Read(*t, Key(2)), "20");
    EXPECT_THAT(t->Commit(), IsOk());
    EXPECT_FALSE(t->active());
  }
  const uint64_t conflicts = db_.GetStats().conflicts;
  EXPECT_EQ(conflicts, 0u);
}

// Db::View is read-only and never aborts either.
TEST_P(IsolationTest, ViewNeverAbortsAndSeesOneSnapshot) {
  int calls = 0;
  const Status s = db_.View([&](KvTransaction& txn) -> Status {
    ++calls;
    Result<std::string> before = txn.Get(Key(1));
    EXPECT_TRUE(before.ok());
    EXPECT_THAT(db_.Put(Key(1), "99"), IsOk());
    Result<std::string> after = txn.Get(Key(1));
    EXPECT_TRUE(after.ok());
    if (before.ok() && after.ok()) {
      EXPECT_EQ(*after, *before);
    }
    return Status::OK();
  });
  EXPECT_THAT(s, IsOk());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(ReadLatest(db_, Key(1)), "99");
}

// Read your own writes: Get, Delete, overwrite, and delete-then-put.
TEST_P(IsolationTest, GetSeesOwnPutsAndDeletes) {
  Txn t = Begin();
  ASSERT_THAT(t.Put(Key(1), "11"), IsOk());
  EXPECT_EQ(Read(t, Key(1)), "11");
  ASSERT_THAT(t.Put(Key(1), "12"), IsOk());
  EXPECT_EQ(Read(t, Key(1)), "12");
  ASSERT_THAT(t.Delete(Key(2)), IsOk());
  EXPECT_THAT(t.Get(Key(2)).status(), StatusIs(Code::kNotFound, HasSubstr("\"test:2\"")));
  ASSERT_THAT(t.Put(Key(2), "22"), IsOk());
  EXPECT_EQ(Read(t, Key(2)), "22");
  ASSERT_THAT(t.Put(Key(3), ""), IsOk());  // an empty value is a value, not a delete
  EXPECT_EQ(Read(t, Key(3)), "");
  ASSERT_THAT(t.Delete(Key(3)), IsOk());
  EXPECT_EQ(Read(t, Key(3)), "<absent>");
  ASSERT_THAT(t.Delete(Key(4)), IsOk());  // deleting an absent key is fine
  EXPECT_EQ(t.write_count(), 4u);
  // Others see nothing yet.
  EXPECT_EQ(ReadLatest(db_, Key(1)), "10");
  EXPECT_EQ(ReadLatest(db_, Key(2)), "20");
  ASSERT_THAT(t.Commit(), IsOk());
  EXPECT_EQ(ReadLatest(db_, Key(1)), "12");
  EXPECT_EQ(ReadLatest(db_, Key(2)), "22");
  EXPECT_EQ(ReadLatest(db_, Key(3)), "<absent>");
  EXPECT_EQ(ReadLatest(db_, Key(4)), "<absent>");
}

TEST_P(IsolationTest, GetIntoStringLeavesValueUnchangedOnNotFound) {
  Txn t = Begin();
  std::string value = "sentinel";
  EXPECT_THAT(t.Get("missing", &value), StatusIs(Code::kNotFound));
  EXPECT_EQ(value, "sentinel");
  ASSERT_THAT(t.Delete(Key(1)), IsOk());
  EXPECT_THAT(t.Get(Key(1), &value), StatusIs(Code::kNotFound));
  EXPECT_EQ(value, "sentinel");
  EXPECT_THAT(t.Get(Key(2), &value), IsOk());
  EXPECT_EQ(value, "20");
}

// Scans merge the write buffer with the snapshot, in both directions, over prefix and
// [begin, end) ranges; the expected rows are computed from a std::map.
TEST_P(IsolationTest, ScansMergeOwnWritesForwardAndReverse) {
  std::map<std::string, std::string> committed = {
      {"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}, {"p:1", "p1"}, {"p:3", "p3"}};
  for (auto& [k, v] : committed) ASSERT_THAT(db_.Put(k, v), IsOk());
  std::map<std::string, std::string> expected = committed;
  expected.emplace(Key(1), "10");
  expected.emplace(Key(2), "20");

  Txn t = Begin();
  auto put = [&](const std::string& k, const std::string& v) {
    ASSERT_THAT(t.Put(k, v), IsOk());
    expected[k] = v;
  };
  auto del = [&](const std::string& k) {
    ASSERT_THAT(t.Delete(k), IsOk());
    expected.erase(k);
  };
  put("b", "2'");     // overwrite
  del("c");           // delete committed
  put("bb", "new");   // insert between
  put("0", "first");  // insert before everything
  put("z", "last");   // insert after everything
  del("zz");          // delete absent
  put("p:2", "p2");   // insert inside a prefix
  del("p:3");         // delete the last key of the prefix
  put("q", "tmp");
  del("q");  // insert then delete: gone
  del("e");
  put("e", "5'");  // delete then insert: present

  auto expect_range = [&](const ScanRange& range) {
    Rows want;
    for (auto& [k, v] : expected) {
      if (range.Contains(k)) want.emplace_back(k, v);
    }
    if (range.reverse) std::reverse(want.begin(), want.end());
    SCOPED_TRACE("range [" + range.begin + ", " + (range.has_end ? range.end : "+inf") + ")" +
                 (range.reverse ? " reverse" : ""));
    EXPECT_EQ(ScanRows(t, range), want);
    Iterator it = t.NewIterator(range);
    EXPECT_EQ(IterRows(it), want);
  };
  for (bool reverse : {false, true}) {
    for (ScanRange r : {ScanRange::All(), ScanRange::Prefix("p:"), ScanRange::Prefix("b"),
                        ScanRange::Between("b", "e"), ScanRange::Between("bb", "e\x01"),
                        ScanRange::Between("0", "1"), ScanRange::From("d"), ScanRange::From("zz"),
                        ScanRange::Between("c", "c"), ScanRange::Between("c", "c\x01"),
                        ScanRange::Prefix("test:")}) {
      r.reverse = reverse;
      expect_range(r);
    }
  }
}

// An iterator merges the writes made before it was created, not those made after.
TEST_P(IsolationTest, IteratorSeesOwnWritesMadeBeforeItWasCreatedOnly) {
  Txn t = Begin();
  ASSERT_THAT(t.Put(Key(0), "0"), IsOk());
  Iterator it = t.NewIterator(ScanRange::Prefix("test:"));
  ASSERT_THAT(t.Put(Key(3), "30"), IsOk());
  ASSERT_THAT(t.Delete(Key(1)), IsOk());
  EXPECT_EQ(IterRows(it), (Rows{{Key(0), "0"}, {Key(1), "10"}, {Key(2), "20"}}));
  EXPECT_EQ(ScanRows(t, ScanRange::Prefix("test:")),
            (Rows{{Key(0), "0"}, {Key(2), "20"}, {Key(3), "30"}}));
}

std::string Padded(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "row:%05d", i);
  return buf;
}

// An iterator sees one snapshot although commits change, delete and insert keys ahead of it
// while it is open -- over many more keys than one internal batch.
TEST_P(IsolationTest, IteratorSeesOneSnapshotWhileCommitsHappen) {
  constexpr int kRows = 700;
  {
    Txn load = Begin();
    for (int i = 0; i < kRows; i += 2) ASSERT_THAT(load.Put(Padded(i), "v0"), IsOk());
    ASSERT_THAT(load.Commit(), IsOk());
  }
  Rows want;
  for (int i = 0; i < kRows; i += 2) want.emplace_back(Padded(i), "v0");

  for (int variant = 0; variant < 4; ++variant) {
    const bool reverse = variant % 2 == 1;
    const bool from_txn = variant >= 2;
    SCOPED_TRACE(std::string(reverse ? "reverse" : "forward") + (from_txn ? " Txn" : " Db") +
                 " iterator");
    Txn txn = Begin();
    ScanRange range = ScanRange::Prefix("row:");
    range.reverse = reverse;
    Iterator it = from_txn ? txn.NewIterator(range) : db_.NewIterator(range);
    Rows got;
    int step = 0;
    for (; it.Valid(); it.Next(), ++step) {
      got.emplace_back(it.key(), it.value());
      if (step % 50 == 10) {
        // Rewrite every value, delete some keys, insert keys between the existing ones.
        Txn w = Begin();
        for (int i = 0; i < kRows; ++i) {
          if (i % 2 == 0) {
            if (i % 6 == 0) {
              ASSERT_THAT(w.Delete(Padded(i)), IsOk());
            } else {
              ASSERT_THAT(w.Put(Padded(i), "v" + std::to_string(step)), IsOk());
            }
          } else {
            ASSERT_THAT(w.Put(Padded(i), "inserted"), IsOk());
          }
        }
        ASSERT_THAT(w.Commit(), IsOk());
        // And restore the original snapshot for the next variant at the end.
      }
    }
    EXPECT_THAT(it.status(), IsOk());
    Rows expect = want;
    if (reverse) std::reverse(expect.begin(), expect.end());
    EXPECT_EQ(got.size(), expect.size());
    EXPECT_EQ(got, expect);
    // Restore the original rows for the next variant.
    Txn restore = Begin();
    for (int i = 0; i < kRows; ++i) {
      if (i % 2 == 0) {
        ASSERT_THAT(restore.Put(Padded(i), "v0"), IsOk());
      } else {
        ASSERT_THAT(restore.Delete(Padded(i)), IsOk());
      }
    }
    ASSERT_THAT(restore.Commit(), IsOk());
  }
}

// An iterator outlives the transaction that created it and keeps its snapshot.
TEST_P(IsolationTest, IteratorOutlivesItsTxnAndKeepsItsSnapshot) {
  for (int i = 0; i < 400; ++i) ASSERT_THAT(db_.Put(Padded(i), "old"), IsOk());
  Iterator it;
  {
    Txn t = Begin();
    ASSERT_THAT(t.Put(Padded(1000), "own"), IsOk());
    it = t.NewIterator(ScanRange::Prefix("row:"));
    ASSERT_THAT(t.Commit(), IsOk());
  }
  for (int i = 0; i < 400; ++i) ASSERT_THAT(db_.Put(Padded(i), "new"), IsOk());
  db_.CollectGarbage();
  int n = 0;
  for (; it.Valid(); it.Next(), ++n) {
    EXPECT_EQ(it.value(), n < 400 ? "old" : "own") << it.key();
  }
  EXPECT_THAT(it.status(), IsOk());
  EXPECT_EQ(n, 401);
}

// A multi-key commit becomes visible all at once: before Commit returns, no reader sees any of
// it; afterwards new snapshots see all of it and old ones none.
TEST_P(IsolationTest, MultiKeyCommitIsVisibleAtomically) {
  Txn before = Begin();
  Iterator open_it = db_.NewIterator(ScanRange::Prefix("batch:"));
  Txn w = Begin();
  for (int i = 0; i < 500; ++i) ASSERT_THAT(w.Put("batch:" + Padded(i), "x"), IsOk());
  ASSERT_THAT(w.Delete(Key(1)), IsOk());
  EXPECT_EQ(ScanRows(before, ScanRange::Prefix("batch:")).size(), 0u);
  EXPECT_EQ(ReadLatest(db_, "batch:" + Padded(0)), "<absent>");
  ASSERT_THAT(w.Commit(), IsOk());
  Txn after = Begin();
  EXPECT_EQ(ScanRows(after, ScanRange::Prefix("batch:")).size(), 500u);
  EXPECT_EQ(Read(after, Key(1)), "<absent>");
  EXPECT_EQ(ScanRows(before, ScanRange::Prefix("batch:")).size(), 0u);
  EXPECT_EQ(Read(before, Key(1)), "10");
  EXPECT_EQ(IterRows(open_it).size(), 0u);
  EXPECT_EQ(after.snapshot_timestamp(), before.snapshot_timestamp() + 1);
}

// Snapshot timestamps: a transaction reads at the latest commit when it begins.
TEST_P(IsolationTest, BeginTakesTheLatestCommitAsSnapshot) {
  const uint64_t ts = db_.GetStats().last_commit_timestamp;
  EXPECT_EQ(ts, 2u);
  Txn t = Begin();
  EXPECT_EQ(t.snapshot_timestamp(), ts);
  EXPECT_EQ(t.isolation(), GetParam());
  ASSERT_THAT(db_.Put(Key(9), "90"), IsOk());
  EXPECT_EQ(t.snapshot_timestamp(), ts);
  EXPECT_EQ(Read(t, Key(9)), "<absent>");
}

// One transaction's own writes -- many keys (past any small-buffer optimisation), values from
// empty to several KiB, overwritten and deleted repeatedly -- read back through Get, scans and
// iterators against a std::map, and committed.
TEST_P(IsolationTest, RandomizedOwnWritesMatchAStdMap) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE("seed=" + std::to_string(seed) + " (replay with MEMDB_SEED=" + std::to_string(seed) +
               ")");
  Random rnd(seed);
  std::map<std::string, std::string> expected = {{Key(1), "10"}, {Key(2), "20"}};
  for (int i = 0; i < 20; ++i) {
    const std::string k = "base:" + std::to_string(i);
    ASSERT_THAT(db_.Put(k, std::string(i * 37, 'b')), IsOk());
    expected[k] = std::string(i * 37, 'b');
  }
  auto random_key = [&] {
    return rnd.Bernoulli(0.3) ? "base:" + std::to_string(rnd.Uniform(25))
                              : "own:" + std::to_string(rnd.Uniform(40));
  };
  auto random_value = [&] {
    static constexpr size_t kSizes[] = {0, 1, 17, 255, 256, 257, 1000, 4095, 5000, 70000};
    const size_t size = kSizes[rnd.Uniform(10)];
    std::string v = rnd.AlphaNumeric(std::min<size_t>(size, 8));
    v.resize(size, static_cast<char>('a' + rnd.Uniform(26)));
    return v;
  };
  Txn t = Begin();
  for (int op = 0; op < 400; ++op) {
    SCOPED_TRACE("op " + std::to_string(op));
    const uint64_t kind = rnd.Uniform(10);
    if (kind < 4) {
      const std::string k = random_key();
      const std::string v = random_value();
      ASSERT_THAT(t.Put(k, v), IsOk());
      expected[k] = v;
    } else if (kind < 6) {
      const std::string k = random_key();
      ASSERT_THAT(t.Delete(k), IsOk());
      expected.erase(k);
    } else if (kind < 8) {
      const std::string k = random_key();
      auto it = expected.find(k);
      ASSERT_EQ(Read(t, k), it == expected.end() ? "<absent>" : it->second) << k;
    } else {
      std::string a = random_key(), b = random_key();
      if (b < a) std::swap(a, b);
      ScanRange r = rnd.Bernoulli(0.3)   ? ScanRange::Prefix(a.substr(0, 4))
                    : rnd.Bernoulli(0.5) ? ScanRange::Between(a, b)
                                         : ScanRange::From(a);
      r.reverse = rnd.Bernoulli(0.5);
      Rows want;
      for (auto& [k, v] : expected) {
        if (r.Contains(k)) want.emplace_back(k, v);
      }
      if (r.reverse) std::reverse(want.begin(), want.end());
      if (rnd.Bernoulli(0.5)) {
        ASSERT_EQ(ScanRows(t, r), want);
      } else {
        Iterator it = t.NewIterator(r);
        ASSERT_EQ(IterRows(it), want);
      }
    }
  }
  ASSERT_THAT(t.Commit(), IsOk());
  Txn check = Begin();
  EXPECT_EQ(ScanRows(check, ScanRange::All()), Rows(expected.begin(), expected.end()));
}

std::string LevelName(const ::testing::TestParamInfo<IsolationLevel>& level) {
  return level.param == IsolationLevel::kSnapshot ? "Snapshot" : "Serializable";
}

INSTANTIATE_TEST_SUITE_P(Levels, IsolationTest,
                         ::testing::Values(IsolationLevel::kSnapshot,
                                           IsolationLevel::kSerializable),
                         LevelName);

// A scan whose begin lies after its end is empty -- also when the transaction has buffered
// writes. Run in a child process with an alarm, because a broken engine may loop forever here.
TEST(IsolationEdgeDeathTest, InvertedRangeWithOwnWritesScansNothing) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto body = [] {
    alarm(3);
    Db db = Db::Open(Options{}).value();
    if (!db.Put("a", "1").ok() || !db.Put("z", "2").ok()) std::_Exit(3);
    Txn t = db.Begin();
    if (!t.Put("b", "x").ok() || !t.Put("k", "y").ok() || !t.Put("y", "w").ok()) std::_Exit(3);
    int visited = 0;
    for (bool reverse : {false, true}) {
      ScanRange r = ScanRange::Between("m", "c");
      r.reverse = reverse;
      Status s = t.Scan(r, [&](std::string_view, std::string_view) { return ++visited < 100; });
      if (!s.ok()) std::_Exit(4);
    }
    std::_Exit(visited == 0 ? 0 : 5);
  };
  EXPECT_EXIT(body(), ::testing::ExitedWithCode(0), "")
      << "exit 5: rows visited; killed by SIGALRM: the scan never finished";
}

}  // namespace
}  // namespace memdb
