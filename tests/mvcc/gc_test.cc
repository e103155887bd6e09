// Version garbage collection: versions an open snapshot may read are kept, and everything else
// is reclaimed -- as commits proceed, when the oldest snapshot ends, and on CollectGarbage.
// Memory is observed through Db::GetStats(): after the last old snapshot is released the
// counters must return exactly to what they were before it was taken.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/mvcc/iterator.h"
#include "memdb/mvcc/txn.h"
#include "memdb/testing/status_matchers.h"
#include "memdb/util/status.h"

namespace memdb {
namespace {

using ::memdb::testing::IsOk;

using Rows = std::vector<std::pair<std::string, std::string>>;

std::string KeyOf(int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "key:%06d", i);
  return buf;
}

// Values of one fixed length, so that a key's footprint does not depend on its round.
std::string ValueOf(int i, int round) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "r%04d-v%06d", round, i);
  return buf;
}

// The bytes one version occupies: its 20-byte header, key and value (mvcc/version.h).
uint64_t Footprint(std::string_view key, std::string_view value) {
  return 20 + key.size() + value.size();
}

Rows ScanAll(Txn& txn, const ScanRange& range = ScanRange::Prefix("key:")) {
  Rows rows;
  EXPECT_THAT(txn.Scan(range,
                       [&](std::string_view k, std::string_view v) {
                         rows.emplace_back(k, v);
                         return true;
                       }),
              IsOk());
  return rows;
}

Rows Expected(int keys, int round) {
  Rows rows;
  for (int i = 0; i < keys; ++i) rows.emplace_back(KeyOf(i), ValueOf(i, round));
  return rows;
}

std::string StatsString(const DbStats& s) {
  return "versions=" + std::to_string(s.versions) + " live_keys=" + std::to_string(s.live_keys) +
         " memory_bytes=" + std::to_string(s.memory_bytes) +
         " pending_garbage=" + std::to_string(s.pending_garbage) +
         " active_snapshots=" + std::to_string(s.active_snapshots);
}

class GcTest : public ::testing::Test {
 protected:
  static constexpr int kKeys = 600;  // several leaves of the index

  void SetUp() override {
    Txn load = db_.Begin();
    for (int i = 0; i < kKeys; ++i) ASSERT_THAT(load.Put(KeyOf(i), ValueOf(i, 0)), IsOk());
    ASSERT_THAT(load.Commit(), IsOk());
    db_.CollectGarbage();
    baseline_ = db_.GetStats();
    ASSERT_EQ(baseline_.versions, static_cast<uint64_t>(kKeys)) << StatsString(baseline_);
    ASSERT_EQ(baseline_.live_keys, static_cast<uint64_t>(kKeys));
    ASSERT_EQ(baseline_.pending_garbage, 0u);
  }

  // Overwrites every key `rounds` times (values of the same length), deleting every third key
  // and re-creating it in between, and ends with every key present at round `last_round`.
  void Churn(int first_round, int last_round) {
    for (int round = first_round; round <= last_round; ++round) {
      Txn w = db_.Begin();
      for (int i = 0; i < kKeys; ++i) {
        if (i % 3 == round % 3 && round != last_round) {
          ASSERT_THAT(w.Delete(KeyOf(i)), IsOk());
        } else {
          ASSERT_THAT(w.Put(KeyOf(i), ValueOf(i, round)), IsOk());
        }
      }
      ASSERT_THAT(w.Commit(), IsOk());
    }
  }

  void ExpectBaseline(const char* when) {
    const DbStats now = db_.GetStats();
    SCOPED_TRACE(std::string(when) + ": " + StatsString(now) + " vs baseline " +
                 StatsString(baseline_));
    EXPECT_EQ(now.versions, baseline_.versions);
    EXPECT_EQ(now.memory_bytes, baseline_.memory_bytes);
    EXPECT_EQ(now.live_keys, baseline_.live_keys);
    EXPECT_EQ(now.pending_garbage, 0u);
  }

  Db db_ = Db::Open(Options{}).value();
  DbStats baseline_;
};

TEST_F(GcTest, OverwritesWithoutSnapshotsKeepOneVersionPerKey) {
  for (int round = 1; round <= 10; ++round) {
    ASSERT_NO_FATAL_FAILURE(Churn(round, round));
    const DbStats s = db_.GetStats();
    EXPECT_EQ(s.versions, static_cast<uint64_t>(kKeys)) << "round " << round;
    EXPECT_EQ(s.memory_bytes, baseline_.memory_bytes) << "round " << round;
    EXPECT_EQ(s.pending_garbage, 0u);
  }
}

// The brief's scenario, for each way a snapshot can end.
TEST_F(GcTest, MemoryReturnsToBaselineWhenTheOldSnapshotIsReleased) {
  for (const char* release : {"Rollback", "Commit", "destructor", "move-assignment"}) {
    SCOPED_TRACE(std::string("released by ") + release);
    Txn old = db_.Begin();
    ASSERT_EQ(ScanAll(old), Expected(kKeys, 0));
    ASSERT_NO_FATAL_FAILURE(Churn(1, 12));
    const DbStats grown = db_.GetStats();
    // The old snapshot holds one version per key; of the 12 rounds since, only the newest
    // survives: versions in between are read by no snapshot and are dropped at once.
    EXPECT_EQ(grown.versions, 2 * baseline_.versions) << StatsString(grown);
    EXPECT_GT(grown.memory_bytes, baseline_.memory_bytes) << StatsString(grown);
    EXPECT_LT(grown.memory_bytes, 2 * baseline_.memory_bytes) << StatsString(grown);
    EXPECT_GT(grown.pending_garbage, 0u);
    EXPECT_EQ(grown.live_keys, static_cast<uint64_t>(kKeys));
    db_.CollectGarbage();  // must not free anything the old snapshot reads
    EXPECT_EQ(db_.GetStats().versions, grown.versions) << "GC freed versions a snapshot reads";
    // The old snapshot reads its values right up to its release.
    EXPECT_EQ(ScanAll(old), Expected(kKeys, 0));
    EXPECT_EQ(ScanAll(old, ScanRange::Prefix("key:").Reversed()).front(),
              std::make_pair(KeyOf(kKeys - 1), ValueOf(kKeys - 1, 0)));
    for (int i = 0; i < kKeys; i += 7) {
      EXPECT_EQ(old.Get(KeyOf(i)).value_or("<absent>"), ValueOf(i, 0));
    }
    if (std::string_view(release) == "Rollback") {
      ASSERT_THAT(old.Rollback(), IsOk());
    } else if (std::string_view(release) == "Commit") {
      ASSERT_THAT(old.Commit(), IsOk());
    } else if (std::string_view(release) == "destructor") {
      Txn gone = std::move(old);
    } else {
      old = Txn();
    }
    EXPECT_EQ(db_.GetStats().active_snapshots, 0u);
    // Releasing the oldest snapshot reclaims what it held back, without further commits.
    ExpectBaseline("right after the release");
    db_.CollectGarbage();
    ExpectBaseline("after CollectGarbage");
    // Bring the values back to round 0 for the next variant (no snapshot open: no garbage).
    ASSERT_NO_FATAL_FAILURE(Churn(0, 0));
    ExpectBaseline("after restoring round 0");
  }
}

// DESIGN.md: "Versions no snapshot can see are reclaimed" -- including versions committed
// between two open snapshots, not only those older than the oldest one.
TEST_F(GcTest, VersionsBetweenOpenSnapshotsThatNobodyReadsAreDropped) {
  Txn oldest = db_.Begin();  // reads round 0
  ASSERT_NO_FATAL_FAILURE(Churn(1, 5));
  Txn middle = db_.Begin();  // reads round 5
  ASSERT_NO_FATAL_FAILURE(Churn(6, 10));
  // Per key: round 0 (oldest), round 5 (middle), round 10 (newest); rounds 1-4 and 6-9 are gone.
  EXPECT_EQ(db_.GetStats().versions, 3 * baseline_.versions) << StatsString(db_.GetStats());
  EXPECT_EQ(ScanAll(oldest), Expected(kKeys, 0));
  EXPECT_EQ(ScanAll(middle), Expected(kKeys, 5));
  // Once the middle snapshot ends, its round is unreachable too; the next write of each key
  // drops it.
  ASSERT_THAT(middle.Rollback(), IsOk());
  ASSERT_NO_FATAL_FAILURE(Churn(11, 11));
  EXPECT_EQ(db_.GetStats().versions, 2 * baseline_.versions) << StatsString(db_.GetStats());
  EXPECT_EQ(ScanAll(oldest), Expected(kKeys, 0));
  ASSERT_THAT(oldest.Rollback(), IsOk());
  ASSERT_NO_FATAL_FAILURE(Churn(0, 0));
  ExpectBaseline("after both snapshots ended");
}

TEST_F(GcTest, TombstonedKeysLeaveTheIndexAfterGc) {
  constexpr int kTemp = 3000;
  Txn old = db_.Begin();
  // Create, overwrite and delete many keys that sort after every baseline key; delete every
  // tenth baseline key too.
  for (int round = 0; round < 3; ++round) {
    Txn w = db_.Begin();
    for (int i = 0; i < kTemp; ++i)
      ASSERT_THAT(w.Put("tmp:" + KeyOf(i), ValueOf(i, round)), IsOk());
    ASSERT_THAT(w.Commit(), IsOk());
  }
  uint64_t deleted_bytes = 0;
  int deleted = 0;
  {
    Txn w = db_.Begin();
    for (int i = 0; i < kTemp; ++i) ASSERT_THAT(w.Delete("tmp:" + KeyOf(i)), IsOk());
    for (int i = 0; i < kKeys; i += 10) {
      ASSERT_THAT(w.Delete(KeyOf(i)), IsOk());
      deleted_bytes += Footprint(KeyOf(i), ValueOf(i, 0));
      ++deleted;
    }
    ASSERT_THAT(w.Commit(), IsOk());
  }
  const DbStats held = db_.GetStats();
  EXPECT_EQ(held.live_keys, static_cast<uint64_t>(kKeys - deleted)) << StatsString(held);
  // Baseline keys: their versions (the old snapshot reads them) plus the new tombstones.
  // Temporary keys: the old snapshot predates them, so only their newest version, a tombstone,
  // is kept; the three values in between were read by no snapshot.
  EXPECT_EQ(held.versions, static_cast<uint64_t>(kKeys + deleted + kTemp)) << StatsString(held);
  // The old snapshot still sees every baseline key and none of the temporary ones.
  EXPECT_EQ(ScanAll(old), Expected(kKeys, 0));
  EXPECT_EQ(ScanAll(old, ScanRange::Prefix("tmp:")), Rows{});
  ASSERT_THAT(old.Rollback(), IsOk());
  db_.CollectGarbage();

  const DbStats after = db_.GetStats();
  SCOPED_TRACE("after GC: " + StatsString(after) + "; baseline " + StatsString(baseline_));
  EXPECT_EQ(after.live_keys, static_cast<uint64_t>(kKeys - deleted));
  EXPECT_EQ(after.versions, static_cast<uint64_t>(kKeys - deleted))
      << "tombstones or their chains were kept";
  EXPECT_EQ(after.pending_garbage, 0u);
  // Each deleted key's last version is gone, and the temporary keys' leaves were freed.
  EXPECT_EQ(after.memory_bytes, baseline_.memory_bytes - deleted_bytes);
  Txn now = db_.Begin();
  EXPECT_EQ(ScanAll(now).size(), static_cast<size_t>(kKeys - deleted));
  EXPECT_EQ(ScanAll(now, ScanRange::Prefix("tmp:")), Rows{});
}

TEST_F(GcTest, DeletesWithoutSnapshotsAreReclaimedAtOnce) {
  {
    Txn w = db_.Begin();
    for (int i = 0; i < kKeys; i += 2) ASSERT_THAT(w.Delete(KeyOf(i)), IsOk());
    ASSERT_THAT(w.Commit(), IsOk());
  }
  const DbStats s = db_.GetStats();
  EXPECT_EQ(s.versions, static_cast<uint64_t>(kKeys / 2)) << StatsString(s);
  EXPECT_EQ(s.live_keys, static_cast<uint64_t>(kKeys / 2));
  EXPECT_EQ(s.pending_garbage, 0u);
  EXPECT_LT(s.memory_bytes, baseline_.memory_bytes);
  // Re-creating them restores the baseline exactly.
  {
    Txn w = db_.Begin();
    for (int i = 0; i < kKeys; i += 2) ASSERT_THAT(w.Put(KeyOf(i), ValueOf(i, 0)), IsOk());
    ASSERT_THAT(w.Commit(), IsOk());
  }
  ExpectBaseline("after re-creating the deleted keys");
}

// Several snapshots at different timestamps, released out of order: each keeps reading its own
// values until it goes, and the garbage goes when the last one that needs it does.
TEST_F(GcTest, StaggeredSnapshotsReleasedOutOfOrderEachKeepTheirValues) {
  std::vector<Txn> snaps;
  std::vector<Iterator> iters;
  snaps.push_back(db_.Begin());  // round 0
  for (int round = 1; round <= 3; ++round) {
    ASSERT_NO_FATAL_FAILURE(Churn(round, round));
    snaps.push_back(db_.Begin());  // sees `round`
  }
  iters.push_back(db_.NewIterator(ScanRange::Prefix("key:")));  // sees round 3, via the Db
  ASSERT_NO_FATAL_FAILURE(Churn(4, 6));
  const uint64_t peak = db_.GetStats().versions;

  auto check = [&](const char* when) {
    SCOPED_TRACE(when);
    for (size_t r = 0; r < snaps.size(); ++r) {
      if (!snaps[r].active()) continue;
      EXPECT_EQ(ScanAll(snaps[r]), Expected(kKeys, static_cast<int>(r))) << "snapshot " << r;
    }
  };
  check("all open");
  ASSERT_THAT(snaps[2].Rollback(), IsOk());  // a middle one
  db_.CollectGarbage();
  check("after releasing round 2");
  // (GC works from the oldest snapshot -- the horizon -- so a middle release need not free
  // anything; it must not free what the others read, which `check` verifies.)
  EXPECT_LE(db_.GetStats().versions, peak);
  ASSERT_THAT(snaps[0].Commit(), IsOk());  // the oldest
  db_.CollectGarbage();
  check("after releasing round 0");
  EXPECT_LT(db_.GetStats().versions, peak) << "releasing the oldest snapshot freed nothing";
  ASSERT_THAT(snaps[3].Rollback(), IsOk());
  db_.CollectGarbage();
  check("after releasing round 3's Txn, its Db iterator still open");
  // The Db iterator still pins round 3.
  Rows via_iter;
  for (Iterator& it = iters[0]; it.Valid(); it.Next()) via_iter.emplace_back(it.key(), it.value());
  EXPECT_EQ(via_iter, Expected(kKeys, 3));
  ASSERT_THAT(snaps[1].Rollback(), IsOk());
  db_.CollectGarbage();
  EXPECT_GT(db_.GetStats().versions, static_cast<uint64_t>(kKeys)) << "the iterator's versions";
  iters.clear();
  db_.CollectGarbage();
  const DbStats end = db_.GetStats();
  EXPECT_EQ(end.versions, static_cast<uint64_t>(kKeys)) << StatsString(end);
  EXPECT_EQ(end.memory_bytes, baseline_.memory_bytes) << StatsString(end);
  EXPECT_EQ(end.active_snapshots, 0u);
}

// An iterator that outlives its transaction pins the transaction's snapshot.
TEST_F(GcTest, IteratorOutlivingItsTxnHoldsBackGarbage) {
  Iterator it;
  {
    Txn t = db_.Begin();
    it = t.NewIterator(ScanRange::Prefix("key:"));
  }
  ASSERT_NO_FATAL_FAILURE(Churn(1, 4));
  db_.CollectGarbage();
  EXPECT_GT(db_.GetStats().versions, static_cast<uint64_t>(kKeys));
  Rows rows;
  for (; it.Valid(); it.Next()) rows.emplace_back(it.key(), it.value());
  EXPECT_EQ(rows, Expected(kKeys, 0));
  it = Iterator();
  db_.CollectGarbage();
  EXPECT_EQ(db_.GetStats().versions, static_cast<uint64_t>(kKeys));
}

// A snapshot taken after all the churn holds nothing back: its release has nothing to free.
TEST_F(GcTest, YoungSnapshotDoesNotPinOlderGarbage) {
  Txn old = db_.Begin();
  ASSERT_NO_FATAL_FAILURE(Churn(1, 5));
  Txn young = db_.Begin();
  ASSERT_THAT(old.Rollback(), IsOk());
  db_.CollectGarbage();
  const DbStats s = db_.GetStats();
  EXPECT_EQ(s.versions, static_cast<uint64_t>(kKeys)) << StatsString(s);
  EXPECT_EQ(s.memory_bytes, baseline_.memory_bytes) << StatsString(s);
  EXPECT_EQ(ScanAll(young), Expected(kKeys, 5));
}

// When the old snapshot ends by committing a write, its garbage is reclaimed by the commits
// that follow, without CollectGarbage ("as commits proceed", db.h).
TEST_F(GcTest, LaterCommitsReclaimGarbageWithoutCollectGarbage) {
  Txn old = db_.Begin();
  ASSERT_NO_FATAL_FAILURE(Churn(1, 3));
  ASSERT_THAT(old.Put("marker", "0"), IsOk());
  ASSERT_THAT(old.Commit(), IsOk());  // releases the oldest snapshot inside a commit
  for (int i = 1; i <= 2000 && db_.GetStats().pending_garbage > 0; ++i) {
    ASSERT_THAT(db_.Put("marker", std::to_string(i % 10)), IsOk());
  }
  const DbStats s = db_.GetStats();
  EXPECT_EQ(s.pending_garbage, 0u) << StatsString(s);
  EXPECT_EQ(s.versions, static_cast<uint64_t>(kKeys + 1)) << StatsString(s);
  EXPECT_EQ(s.memory_bytes, baseline_.memory_bytes + Footprint("marker", "0")) << StatsString(s);
}

// A fresh database, filled and emptied again, reports the memory it reported when fresh.
TEST(GcEmptyDatabaseTest, MemoryReturnsToTheFreshValueAfterEverythingIsDeleted) {
  Db db = Db::Open(Options{}).value();
  const DbStats fresh = db.GetStats();
  {
    Txn old = db.Begin();  // keeps every version alive until it ends
    Txn w = db.Begin();
    for (int i = 0; i < 3000; ++i) ASSERT_THAT(w.Put(KeyOf(i), ValueOf(i, 1)), IsOk());
    ASSERT_THAT(w.Commit(), IsOk());
    Txn d = db.Begin();
    for (int i = 0; i < 3000; ++i) ASSERT_THAT(d.Delete(KeyOf(i)), IsOk());
    ASSERT_THAT(d.Commit(), IsOk());
    EXPECT_GT(db.GetStats().memory_bytes, fresh.memory_bytes);
    EXPECT_EQ(ScanAll(old), Rows{});
  }
  db.CollectGarbage();
  const DbStats end = db.GetStats();
  SCOPED_TRACE("fresh: " + StatsString(fresh) + "; end: " + StatsString(end));
  EXPECT_EQ(end.versions, 0u);
  EXPECT_EQ(end.live_keys, 0u);
  EXPECT_EQ(end.pending_garbage, 0u);
  EXPECT_EQ(end.memory_bytes, fresh.memory_bytes)
      << "an emptied database does not report the memory of a fresh one";
}

// Values too large for the small-block classes, and values of many sizes, are reclaimed and
// accounted exactly too.
TEST_F(GcTest, LargeAndMixedSizeValuesAreReclaimedExactly) {
  Txn old = db_.Begin();
  for (int round = 1; round <= 4; ++round) {
    Txn w = db_.Begin();
    for (int i = 0; i < kKeys; ++i) {
      const size_t size = (i % 5 == 0) ? 5000 + i : static_cast<size_t>(i * round % 1500);
      ASSERT_THAT(w.Put(KeyOf(i), std::string(size, static_cast<char>('a' + round))), IsOk());
    }
    ASSERT_THAT(w.Commit(), IsOk());
  }
  // The old snapshot's versions plus the newest round; rounds 1-3 were read by nobody.
  EXPECT_GT(db_.GetStats().memory_bytes, baseline_.memory_bytes + (kKeys / 5) * 5000);
  EXPECT_EQ(db_.GetStats().versions, 2 * baseline_.versions);
  EXPECT_EQ(old.Get(KeyOf(5)).value_or("<absent>"), ValueOf(5, 0));
  // Back to the baseline values, then let the snapshot go.
  ASSERT_NO_FATAL_FAILURE(Churn(0, 0));
  ASSERT_THAT(old.Rollback(), IsOk());
  db_.CollectGarbage();
  ExpectBaseline("after large values were overwritten and the snapshot released");
}

}  // namespace
}  // namespace memdb
