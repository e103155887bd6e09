// Concurrency: real threads against one Db. Every suite here has "Concurrency" in its name; the
// TSan CI run executes exactly these (ctest -R Concurrency). Iteration counts are scaled down
// under the sanitizers so each test stays around a second or two.
//
// Seeds: MEMDB_SEED sets the base seed; thread t uses seed + t. The seed is in every failure.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/mvcc/iterator.h"
#include "memdb/mvcc/txn.h"
#include "memdb/util/random.h"
#include "memdb/util/status.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using ::memdb::test::SeedTrace;
using ::memdb::test::TestSeed;

#if defined(__SANITIZE_THREAD__)
constexpr int kScale = 3;
#elif defined(__SANITIZE_ADDRESS__)
constexpr int kScale = 1;
#else
constexpr int kScale = 1;
#endif

// Lets a worker wait, midway, until a concurrent observer has made `n` observations, so that
// observations overlap the work even on a loaded machine. Gives up after 20 s or on a failure.
void WaitForObservations(const std::atomic<int64_t>& observations, int64_t n,
                         const std::atomic<int>& failures) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (observations.load() < n && failures.load() == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
}

std::string Level(IsolationLevel level) {
  return level == IsolationLevel::kSnapshot ? "Snapshot" : "Serializable";
}

std::string LevelName(const ::testing::TestParamInfo<IsolationLevel>& info_param) {
  return Level(info_param.param);
}

std::string Account(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "acct:%03d", i);
  return buf;
}

// ---- Bank transfers ----

class BankConcurrencyTest : public ::testing::TestWithParam<IsolationLevel> {
 protected:
  static constexpr int kAccounts = 20;
  static constexpr int64_t kInitial = 1000;
  static constexpr int64_t kTotal = kAccounts * kInitial;

  void SetUp() override {
    Options options;
    options.default_isolation = GetParam();
    options.max_update_attempts = 100000;  // contention must not make a transfer give up
    db_ = Db::Open(options).value();
    Txn load = db_.Begin();
    for (int i = 0; i < kAccounts; ++i) {
      ASSERT_TRUE(load.Put(Account(i), std::to_string(kInitial)).ok());
    }
    ASSERT_TRUE(load.Commit().ok());
  }

  // Moves `amount` from one account to another if the balance allows; body of a transaction.
  static Status Transfer(KvTransaction& txn, int from, int to, int64_t amount, bool* moved) {
    *moved = false;
    Result<std::string> a = txn.Get(Account(from));
    if (!a.ok()) return a.status();
    Result<std::string> b = txn.Get(Account(to));
    if (!b.ok()) return b.status();
    const int64_t balance = std::stoll(*a);
    if (balance < amount) return Status::OK();  // nothing to do
    if (Status s = txn.Put(Account(from), std::to_string(balance - amount)); !s.ok()) return s;
    if (Status s = txn.Put(Account(to), std::to_string(std::stoll(*b) + amount)); !s.ok()) {
      return s;
    }
    *moved = true;
    return Status::OK();
  }

  // Sums all balances through a scan and through point reads in one read-only transaction.
  void Audit(Random& rnd, std::atomic<int>* failures) {
    const int how = static_cast<int>(rnd.Uniform(3));
    int64_t sum = 0;
    int64_t min_balance = 0;
    int rows = 0;
    auto add = [&](std::string_view v) {
      const int64_t x = std::stoll(std::string(v));
      sum += x;
      min_balance = std::min(min_balance, x);
      ++rows;
    };
    if (how == 0) {  // a read-only transaction: a reverse scan, then point reads
      Txn t = db_.Begin(TxnOptions{GetParam(), /*read_only=*/true});
      Status s =
          t.Scan(ScanRange::Prefix("acct:").Reversed(), [&](std::string_view, std::string_view v) {
            add(v);
            return true;
          });
      EXPECT_TRUE(s.ok()) << s;
      int64_t sum_by_get = 0;
      for (int i = 0; i < kAccounts; ++i) {
        Result<std::string> v = t.Get(Account(i));
        EXPECT_TRUE(v.ok()) << v.status();
        if (v.ok()) sum_by_get += std::stoll(*v);
      }
      EXPECT_EQ(sum_by_get, kTotal) << "point reads in one snapshot disagree";
      if (sum_by_get != kTotal) failures->fetch_add(1);
      EXPECT_TRUE(t.Commit().ok()) << "a read-only transaction aborted";
    } else if (how == 1) {  // a read-write-capable transaction that writes nothing
      Status s = db_.View([&](KvTransaction& txn) {
        return txn.Scan(ScanRange::Prefix("acct:"), [&](std::string_view, std::string_view v) {
          add(v);
          return true;
        });
      });
      EXPECT_TRUE(s.ok()) << s;
    } else {  // the Db's own iterator over the latest snapshot
      for (Iterator it = db_.NewIterator(ScanRange::Prefix("acct:")); it.Valid(); it.Next()) {
        add(it.value());
      }
    }
    EXPECT_EQ(rows, kAccounts);
    EXPECT_EQ(sum, kTotal) << "an audit saw money appear or vanish (audit kind " << how << ")";
    EXPECT_GE(min_balance, 0) << "an account went negative";
    if (rows != kAccounts || sum != kTotal || min_balance < 0) failures->fetch_add(1);
  }

  Db db_ = Db::Open(Options{}).value();
};

TEST_P(BankConcurrencyTest, TransfersPreserveTheTotalUnderConcurrentAudits) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed) + " level=" + Level(GetParam()));
  constexpr int kThreads = 4;
  const int transfers_per_thread = 3000 / kScale;
  std::atomic<int> failures{0};
  std::atomic<bool> done{false};
  std::atomic<int64_t> moved_count{0};
  std::atomic<int64_t> manual_retries{0};
  std::atomic<int64_t> audits{0};

  auto worker = [&](int id) {
    Random rnd(seed + id);
    for (int n = 0; n < transfers_per_thread && failures.load() == 0; ++n) {
      if (n == transfers_per_thread / 2) WaitForObservations(audits, 2, failures);
      const int from = static_cast<int>(rnd.Uniform(kAccounts));
      int to = static_cast<int>(rnd.Uniform(kAccounts - 1));
      if (to >= from) ++to;
      const int64_t amount = rnd.Range(1, 300);
      bool moved = false;
      if (id % 2 == 0) {  // Db::Update retries for us
        Status s =
            db_.Update([&](KvTransaction& txn) { return Transfer(txn, from, to, amount, &moved); });
        EXPECT_TRUE(s.ok()) << s;
        if (!s.ok()) failures.fetch_add(1);
      } else {  // raw Begin/Commit with a manual retry loop
        for (;;) {
          Txn t = db_.Begin(TxnOptions{GetParam(), false});
          Status s = Transfer(t, from, to, amount, &moved);
          ASSERT_TRUE(s.ok()) << s;
          s = t.Commit();
          if (s.ok()) break;
          ASSERT_TRUE(s.IsConflict()) << s;
          EXPECT_FALSE(t.active());
          manual_retries.fetch_add(1);
          std::this_thread::yield();
        }
      }
      if (moved) moved_count.fetch_add(1);
    }
  };
  auto auditor = [&](int id) {
    Random rnd(seed + id);
    while (!done.load() && failures.load() == 0) {
      Audit(rnd, &failures);
      audits.fetch_add(1);
    }
    Audit(rnd, &failures);  // at least one audit after all transfers
  };

  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) threads.emplace_back(worker, i);
  std::thread audit_thread(auditor, 100);
  for (std::thread& t : threads) t.join();
  done.store(true);
  audit_thread.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(audits.load(), 0);
  EXPECT_GT(moved_count.load(), 0);
  int64_t total = 0;
  for (int i = 0; i < kAccounts; ++i) total += std::stoll(db_.Get(Account(i)).value());
  EXPECT_EQ(total, kTotal);
  const DbStats stats = db_.GetStats();
  // Every transfer that moved money committed exactly once (plus the initial load); the ones
  // that found too little money committed nothing.
  EXPECT_EQ(stats.commits, static_cast<uint64_t>(moved_count.load()) + 1);
  EXPECT_GE(stats.conflicts, static_cast<uint64_t>(manual_retries.load()));
  EXPECT_EQ(stats.active_snapshots, 0u);
  db_.CollectGarbage();
  EXPECT_EQ(db_.GetStats().versions, static_cast<uint64_t>(kAccounts));
}

INSTANTIATE_TEST_SUITE_P(Levels, BankConcurrencyTest,
                         ::testing::Values(IsolationLevel::kSnapshot,
                                           IsolationLevel::kSerializable),
                         LevelName);

// ---- Atomic visibility ----

std::string Filler(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "s:%05d", i);
  return buf;
}

// A writer commits the first and last of 1,000 keys (many scan batches apart) and a middle pair
// to equal values; readers must never see them differ -- in point reads inside one
// transaction, in scans of the whole range (whose batches release the latch between them), and
// in iterators. Values seen by one reader never go back in time.
TEST(AtomicVisibilityConcurrencyTest, ReadersNeverSeeHalfACommit) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  constexpr int kFiller = 1000;
  const std::string first = Filler(0);
  const std::string last = Filler(kFiller - 1);
  const std::string mid_a = Filler(400);
  const std::string mid_b = Filler(401);
  Db db = Db::Open(Options{}).value();
  {
    Txn load = db.Begin();
    for (int i = 0; i < kFiller; ++i) ASSERT_TRUE(load.Put(Filler(i), "0").ok());
    ASSERT_TRUE(load.Commit().ok());
  }
  const int commits = 4000 / kScale;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int64_t> reads{0};

  std::thread writer([&] {
    for (int i = 1; i <= commits && failures.load() == 0; ++i) {
      if (i == commits / 2) WaitForObservations(reads, 10, failures);
      const std::string v = std::to_string(i);
      Status s = db.Update([&](KvTransaction& txn) -> Status {
        for (const std::string* k : {&first, &mid_a, &mid_b, &last}) {
          if (Status put = txn.Put(*k, v); !put.ok()) return put;
        }
        return Status::OK();
      });
      EXPECT_TRUE(s.ok()) << s;
    }
    done.store(true);
  });

  auto reader = [&](int id) {
    Random rnd(seed + id);
    int64_t last_seen = 0;
    while (!done.load() && failures.load() == 0) {
      std::string a, b, c, d;
      switch (rnd.Uniform(3)) {
        case 0: {  // point reads in one transaction
          Txn t = db.Begin(TxnOptions{
              rnd.Bernoulli(0.5) ? IsolationLevel::kSnapshot : IsolationLevel::kSerializable,
              false});
          a = t.Get(first).value_or("?");
          b = t.Get(mid_a).value_or("?");
          c = t.Get(mid_b).value_or("?");
          d = t.Get(last).value_or("?");
          EXPECT_TRUE(t.Commit().ok());
          break;
        }
        case 1: {  // a full scan, forward or reverse
          ScanRange r = ScanRange::Prefix("s:");
          r.reverse = rnd.Bernoulli(0.5);
          int rows = 0;
          Status s = db.Scan(r, [&](std::string_view k, std::string_view v) {
            ++rows;
            if (k == first) a = v;
            if (k == mid_a) b = v;
            if (k == mid_b) c = v;
            if (k == last) d = v;
            return true;
          });
          EXPECT_TRUE(s.ok()) << s;
          EXPECT_EQ(rows, kFiller);
          break;
        }
        default: {  // an iterator of a transaction, stepped slowly
          Txn t = db.Begin();
          Iterator it = t.NewIterator(ScanRange::Prefix("s:"));
          for (int n = 0; it.Valid(); it.Next(), ++n) {
            if (it.key() == first) a = it.value();
            if (it.key() == mid_a) b = it.value();
            if (it.key() == mid_b) c = it.value();
            if (it.key() == last) d = it.value();
            if (n % 300 == 0) std::this_thread::yield();
          }
          EXPECT_TRUE(it.status().ok());
        }
      }
      if (a != b || b != c || c != d) {
        ADD_FAILURE() << "half a commit: " << a << " " << b << " " << c << " " << d;
        failures.fetch_add(1);
        break;
      }
      const int64_t seen = std::stoll(a);
      EXPECT_GE(seen, last_seen) << "a later snapshot saw an older commit";
      if (seen < last_seen) failures.fetch_add(1);
      last_seen = seen;
      reads.fetch_add(1);
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) readers.emplace_back(reader, i + 1);
  writer.join();
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(db.Get(first).value_or("?"), std::to_string(commits));
}

// ---- Serializable validation under real threads ----

// Doctors go off call only while at least two are on call, and come back; with serializable
// transactions no snapshot may ever show nobody on call (under SI write skew would allow it).
TEST(SerializableConcurrencyTest, WriteSkewNeverBreaksTheOnCallInvariant) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Options options;
  options.default_isolation = IsolationLevel::kSerializable;
  options.max_update_attempts = 100000;
  Db db = Db::Open(options).value();
  constexpr int kDoctors = 3;
  for (int i = 0; i < kDoctors; ++i) ASSERT_TRUE(db.Put("oncall:" + std::to_string(i), "1").ok());
  const int rounds = 1500 / kScale;
  std::atomic<bool> done{false};
  std::atomic<int> violations{0};

  auto doctor = [&](int me) {
    Random rnd(seed + me);
    const std::string key = "oncall:" + std::to_string(me);
    for (int n = 0; n < rounds; ++n) {
      Status s = db.Update([&](KvTransaction& txn) -> Status {
        int on_call = 0;
        Status scan =
            txn.Scan(ScanRange::Prefix("oncall:"), [&](std::string_view, std::string_view v) {
              on_call += v == "1";
              return true;
            });
        if (!scan.ok()) return scan;
        Result<std::string> mine = txn.Get(key);
        if (!mine.ok()) return mine.status();
        if (*mine == "0") return txn.Put(key, "1");  // back on call
        if (on_call >= 2) return txn.Put(key, "0");  // someone else covers
        return Status::OK();
      });
      EXPECT_TRUE(s.ok()) << s;
      if (rnd.Bernoulli(0.3)) std::this_thread::yield();
    }
  };
  std::thread checker([&] {
    while (!done.load()) {
      int on_call = 0;
      EXPECT_TRUE(db.Scan(ScanRange::Prefix("oncall:"), [&](std::string_view, std::string_view v) {
                      on_call += v == "1";
                      return true;
                    }).ok());
      if (on_call == 0) violations.fetch_add(1);
    }
  });
  std::vector<std::thread> doctors;
  for (int i = 0; i < kDoctors; ++i) doctors.emplace_back(doctor, i);
  for (std::thread& t : doctors) t.join();
  done.store(true);
  checker.join();
  EXPECT_EQ(violations.load(), 0) << "a snapshot showed nobody on call: write skew committed";
  EXPECT_GT(db.GetStats().commits, static_cast<uint64_t>(kDoctors));
}

// ---- Readers during heavy garbage collection ----

// A writer rewrites, deletes and re-creates a group of keys in every commit, a collector calls
// CollectGarbage in a loop, and readers hold snapshots across many commits: each reader's
// snapshot must stay internally consistent and unchanged until it ends (ASan: no version is
// freed under a reader; TSan: no race between readers and GC).
TEST(GcConcurrencyTest, ReadersKeepConsistentSnapshotsDuringHeavyGc) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  constexpr int kKeys = 150;
  Db db = Db::Open(Options{}).value();
  auto key = [](int i) { return Filler(i); };
  const int commits = 900 / kScale;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int64_t> checks{0};

  // Commit i writes value i to every key, except that on odd i the keys divisible by 3 are
  // deleted instead; so a consistent snapshot has one value everywhere and the matching holes.
  auto expected_rows = [&](int64_t i) {
    std::vector<std::pair<std::string, std::string>> rows;
    for (int k = 0; k < kKeys; ++k) {
      if (i % 2 == 1 && k % 3 == 0) continue;
      rows.emplace_back(key(k), std::to_string(i));
    }
    return rows;
  };
  {
    Txn load = db.Begin();
    for (int k = 0; k < kKeys; ++k) ASSERT_TRUE(load.Put(key(k), "0").ok());
    ASSERT_TRUE(load.Commit().ok());
  }

  std::thread writer([&] {
    for (int i = 1; i <= commits && failures.load() == 0; ++i) {
      if (i == commits / 2) WaitForObservations(checks, 5, failures);
      Txn t = db.Begin();
      for (int k = 0; k < kKeys; ++k) {
        Status s = (i % 2 == 1 && k % 3 == 0) ? t.Delete(key(k)) : t.Put(key(k), std::to_string(i));
        ASSERT_TRUE(s.ok()) << s;
      }
      Status s = t.Commit();
      ASSERT_TRUE(s.ok()) << s;  // the only writer: never a conflict
    }
    done.store(true);
  });
  std::thread collector([&] {
    while (!done.load()) {
      db.CollectGarbage();
      (void)db.GetStats();
      std::this_thread::yield();
    }
  });
  auto reader = [&](int id) {
    Random rnd(seed + id);
    while (!done.load() && failures.load() == 0) {
      Txn t = db.Begin();
      std::vector<std::pair<std::string, std::string>> rows;
      auto read_all = [&] {
        rows.clear();
        Status s = t.Scan(ScanRange::Prefix("s:"), [&](std::string_view k, std::string_view v) {
          rows.emplace_back(k, v);
          return true;
        });
        EXPECT_TRUE(s.ok()) << s;
      };
      read_all();
      if (rows.empty()) {
        ADD_FAILURE() << "a snapshot saw no keys";
        failures.fetch_add(1);
        return;
      }
      const int64_t version = std::stoll(rows.front().second);
      const auto want = expected_rows(version);
      if (rows != want) {
        ADD_FAILURE() << "inconsistent snapshot at version " << version;
        failures.fetch_add(1);
        return;
      }
      // Hold the snapshot while commits and GC go on, then read it again, partly by point reads.
      const int pauses = static_cast<int>(rnd.Range(1, 20));
      for (int p = 0; p < pauses; ++p) std::this_thread::yield();
      for (int k = static_cast<int>(rnd.Uniform(kKeys)); k < kKeys; k += 17) {
        Result<std::string> v = t.Get(key(k));
        const bool present = !(version % 2 == 1 && k % 3 == 0);
        if (present != v.ok() || (v.ok() && *v != std::to_string(version))) {
          ADD_FAILURE() << "snapshot changed under GC: key " << key(k) << " at version " << version
                        << " reads " << (v.ok() ? *v : v.status().ToString());
          failures.fetch_add(1);
          return;
        }
      }
      read_all();
      if (rows != want) {
        ADD_FAILURE() << "snapshot changed under GC at version " << version;
        failures.fetch_add(1);
        return;
      }
      checks.fetch_add(1);
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) readers.emplace_back(reader, i + 1);
  writer.join();
  collector.join();
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(checks.load(), 0);
  db.CollectGarbage();
  const DbStats stats = db.GetStats();
  EXPECT_EQ(stats.active_snapshots, 0u);
  EXPECT_EQ(stats.pending_garbage, 0u);
  EXPECT_EQ(stats.versions, stats.live_keys);
  EXPECT_EQ(stats.live_keys,
            static_cast<uint64_t>(commits % 2 == 1 ? kKeys - (kKeys + 2) / 3 : kKeys));
}

// Many threads beginning, committing disjoint keys and rolling back at once: every commit gets a
// distinct timestamp and the counters add up.
TEST(CommitConcurrencyTest, DisjointWritersAllCommitWithDistinctTimestamps) {
  Db db = Db::Open(Options{}).value();
  constexpr int kThreads = 4;
  const int per_thread = 2000 / kScale;
  std::atomic<int> failures{0};
  auto writer = [&](int id) {
    for (int n = 0; n < per_thread; ++n) {
      Txn t = db.Begin();
      const std::string k = "w" + std::to_string(id) + ":" + std::to_string(n);
      if (!t.Put(k, std::to_string(n)).ok()) failures.fetch_add(1);
      if (n % 10 == 9) {
        if (!t.Rollback().ok()) failures.fetch_add(1);
        continue;
      }
      Status s = t.Commit();
      if (!s.ok()) {
        ADD_FAILURE() << s;
        failures.fetch_add(1);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) threads.emplace_back(writer, i);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  const uint64_t committed = static_cast<uint64_t>(kThreads) * (per_thread - per_thread / 10);
  const DbStats stats = db.GetStats();
  EXPECT_EQ(stats.commits, committed);
  EXPECT_EQ(stats.last_commit_timestamp, committed);
  EXPECT_EQ(stats.live_keys, committed);
  EXPECT_EQ(stats.conflicts, 0u);
  EXPECT_EQ(stats.active_snapshots, 0u);
}

// ---- Closing the Db while other threads still use its transactions and iterators ----

// Threads own transactions and iterators created before the Db is destroyed under them. Every
// call must succeed or report "database is closed" -- never crash, race or half-commit -- and
// once a thread has seen the database closed it never sees it open again.
TEST(CloseConcurrencyTest, TxnsAndIteratorsInUseWhenTheDbIsDestroyed) {
  constexpr int kThreads = 3;
  const int txns_per_thread = 600 / kScale;
  std::optional<Db> db(Db::Open(Options{}).value());
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(db->Put(Filler(i), "seed").ok());
  std::vector<std::vector<Txn>> txns(kThreads);
  std::vector<std::vector<Iterator>> iters(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int n = 0; n < txns_per_thread; ++n) txns[t].push_back(db->Begin());
    for (int n = 0; n < 4; ++n) iters[t].push_back(db->NewIterator(ScanRange::Prefix("s:")));
  }
  std::atomic<int> progress{0};
  std::atomic<int> failures{0};
  std::atomic<int64_t> committed{0};
  std::atomic<bool> db_closed{false};
  auto is_closed = [](const Status& s) {
    return s.IsInvalidArgument() && s.message().find("database is closed") != std::string::npos;
  };
  auto worker = [&](int id) {
    bool seen_closed = false;
    auto check = [&](const Status& s, const char* what) {
      if (s.ok() && !seen_closed) return;
      if (is_closed(s)) {
        seen_closed = true;
        return;
      }
      ADD_FAILURE() << what << " returned " << s << (seen_closed ? " after the close" : "");
      failures.fetch_add(1);
    };
    for (int n = 0; n < txns_per_thread; ++n) {
      if (n == txns_per_thread / 2) {  // make sure some work happens after the close
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!db_closed.load() && std::chrono::steady_clock::now() < deadline) {
          std::this_thread::yield();
        }
      }
      Txn& txn = txns[id][n];
      const std::string key = "t" + std::to_string(id) + ":" + std::to_string(n);
      check(txn.Put(key, "v"), "Put");
      Result<std::string> got = txn.Get(key);
      check(got.ok() ? Status::OK() : got.status(), "Get");
      int rows = 0;
      check(txn.Scan(ScanRange::Prefix("s:"),
                     [&](std::string_view, std::string_view) { return ++rows < 50; }),
            "Scan");
      Iterator& it = iters[id][n % 4];
      for (int step = 0; step < 20 && it.Valid(); ++step) it.Next();
      if (!it.status().ok()) check(it.status(), "Iterator");
      const Status s = txn.Commit();
      check(s, "Commit");
      if (s.ok()) committed.fetch_add(1);
      progress.fetch_add(1);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker, t);
  // Close midway through the work.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (progress.load() < kThreads * txns_per_thread / 3 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  db.reset();
  db_closed.store(true);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(committed.load(), 0);
  EXPECT_LT(committed.load(), kThreads * txns_per_thread) << "nothing ran after the close";
  // Whatever the threads still hold reports the close and stays memory-safe.
  for (auto& per_thread : iters) {
    for (Iterator& it : per_thread) {
      while (it.Valid()) it.Next();
      EXPECT_TRUE(is_closed(it.status()) || it.status().ok()) << it.status();
    }
  }
}

}  // namespace
}  // namespace memdb
