// The crash invariant on the simulated disk: after a crash at any storage operation and a
// recovery, the state is the result of a prefix of the committed transactions that includes
// every commit that returned OK under SyncMode::kAlways, and no transaction is partly applied.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "db/durable_support.h"
#include "memdb/db/db.h"
#include "memdb/fault/faulty_file_system.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/testing/status_matchers.h"
#include "support/db_options.h"
#include "support/test_support.h"

namespace memdb::test {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;

// The largest index of a state in `prefixes` that `state` equals (transactions that change
// nothing make neighbours equal), or -1.
int PrefixIndex(const std::vector<State>& prefixes, const State& state) {
  for (size_t i = prefixes.size(); i-- > 0;) {
    if (prefixes[i] == state) return static_cast<int>(i);
  }
  return -1;
}

std::string Describe(const State& state) {
  std::string out = "{";
  for (const auto& [k, v] : state) out += Show(k) + ":" + std::to_string(v.size()) + "B ";
  return out + "}";
}

// One seed: a random workload (commits, checkpoints, segment rolls) on a disk that crashes at
// a random storage operation -- losing all unsynced data, or keeping a random subset of its
// sectors -- then recovery and the invariant.
void CheckCrashInvariant(uint64_t seed) {
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  auto fs = std::make_shared<FaultyFileSystem>();
  Options options = DurableOptions(fs);
  options.wal_segment_bytes = 1 + rng.Uniform(4096);
  options.checkpoint_log_bytes = rng.Bernoulli(0.5) ? 1 + rng.Uniform(8192) : 0;
  // kAlways mostly; kNone and kInterval leave many unsynced records for the crash to tear.
  const uint64_t mode = rng.Uniform(5);
  options.sync_mode = mode < 3    ? SyncMode::kAlways
                      : mode == 3 ? SyncMode::kNone
                                  : SyncMode::kInterval;
  options.sync_interval_ms = 1000000;
  fs->SetPlan(FaultPlan().CrashAtOp(StorageOp::kAny, 1 + rng.Uniform(120)));
  // What the crash keeps of unsynced data: nothing, or a random subset of its sectors.
  CrashModel model;
  if (rng.Bernoulli(0.5)) {
    model.kind = CrashModel::Kind::kIndependentSectors;
    model.seed = rng.Next();
  }

  std::vector<State> prefixes{State{}};  // prefixes[k]: the first k transactions applied
  size_t acknowledged = 0;
  {
    Result<Db> opened = Db::Open(options);
    if (opened.ok()) {  // else the crash hit Open itself
      Db db = std::move(opened).value();
      for (int i = 0; i < 40 && !fs->crashed(); ++i) {
        if (rng.Bernoulli(0.1)) {
          db.Checkpoint().IgnoreError();  // may fail when the crash hits it
          continue;
        }
        TxnWrites txn = RandomTxn(rng, 12, 64, 0);
        State next = prefixes.back();
        ApplyTo(txn, &next);
        prefixes.push_back(std::move(next));
        Status s = Commit(db, txn);
        if (s.ok()) {
          if (options.sync_mode == SyncMode::kAlways) acknowledged = prefixes.size() - 1;
        } else {
          ASSERT_TRUE(s.IsIOError()) << s;
          break;  // the machine is down
        }
      }
    }
  }
  fs->Restart(model);  // the crash already happened, or the power is cut now

  Result<Db> recovered = Db::Open(DurableOptions(fs));
  ASSERT_THAT(recovered.status(), IsOk());
  const State state = Dump(*recovered);
  const int k = PrefixIndex(prefixes, state);
  ASSERT_GE(k, 0) << "recovered state is not a prefix of the committed transactions: "
                  << Describe(state) << "\n"
                  << recovered->recovery_report().ToString();
  EXPECT_GE(static_cast<size_t>(k), acknowledged)
      << "a commit that returned OK under kAlways was lost: recovered " << k << " transactions, "
      << acknowledged << " were acknowledged\n"
      << recovered->recovery_report().ToString();
  // And recovery leaves a database that recovers the same state again.
  recovered = Result<Db>(Status::Busy("closing"));
  Result<Db> again = Db::Open(DurableOptions(fs));
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_TRUE(Dump(*again) == state) << "a second recovery found a different state";
}

TEST(CrashInvariant, HoldsOverOneThousandRandomCrashes) {
  const uint64_t base = TestSeed();
  // MEMDB_SEED replays exactly one seed; otherwise 1,000 consecutive ones.
  const int seeds = std::getenv("MEMDB_SEED") != nullptr ? 1 : 1000;
  for (int i = 0; i < seeds; ++i) {
    CheckCrashInvariant(base + static_cast<uint64_t>(i));
    if (::testing::Test::HasFatalFailure() || ::testing::Test::HasNonfatalFailure()) return;
  }
}

TEST(DamagedFiles, RecoveryReportsOrRecoversAPrefixNeverCrashes) {
  // Random damage at rest -- bit flips, truncation, garbage, zeros -- in a random log segment
  // or checkpoint: Open either fails with Corruption naming a file, or recovers a prefix.
  const uint64_t base = TestSeed();
  const int seeds = std::getenv("MEMDB_SEED") != nullptr ? 1 : 300;
  for (int i = 0; i < seeds && !::testing::Test::HasFailure(); ++i) {
    const uint64_t seed = base + static_cast<uint64_t>(i);
    SCOPED_TRACE(SeedTrace(seed));
    Random rng(seed);
    auto sim = std::make_shared<SimFileSystem>();
    Options options = DurableOptions(sim);
    options.wal_segment_bytes = 512 + rng.Uniform(2048);
    std::vector<State> prefixes{State{}};
    {
      Db db = Db::Open(options).value();
      for (int t = 0; t < 30; ++t) {
        if (t == 15 && rng.Bernoulli(0.5)) {
          ASSERT_THAT(db.Checkpoint(), IsOk());
        }
        TxnWrites txn = RandomTxn(rng, 10, 80, 0);
        ASSERT_THAT(Commit(db, txn), IsOk());
        State next = prefixes.back();
        ApplyTo(txn, &next);
        prefixes.push_back(std::move(next));
      }
    }
    std::vector<std::string> files;
    for (const std::string& path : sim->AllFiles()) {
      if (path.ends_with(".log") || path.ends_with(".ckpt")) files.push_back(path);
    }
    const std::string victim = files[rng.Uniform(files.size())];
    const uint64_t size = sim->FileSize(victim).value();
    SCOPED_TRACE("damaged " + victim + " (" + std::to_string(size) + " bytes)");
    if (size == 0) continue;
    switch (rng.Uniform(4)) {
      case 0:
        for (int f = 0; f < 3; ++f) {
          ASSERT_THAT(sim->FlipBit(victim, rng.Uniform(size * 8)), IsOk());
        }
        break;
      case 1:
        ASSERT_THAT(sim->TruncateFile(victim, rng.Uniform(size)), IsOk());
        break;
      default: {
        const uint64_t at = rng.Uniform(size);
        std::string bytes(std::min<uint64_t>(size - at, 1 + rng.Uniform(64)), '\0');
        if (rng.Bernoulli(0.5)) {
          for (char& c : bytes) c = static_cast<char>(rng.Next());
        }
        ASSERT_THAT(sim->WriteAt(victim, at, bytes), IsOk());
      }
    }
    options.recovery_mode = static_cast<RecoveryMode>(rng.Uniform(3));
    Result<Db> db = Db::Open(options);
    if (!db.ok()) {
      EXPECT_TRUE(db.status().IsCorruption()) << db.status();
      EXPECT_NE(db.status().message().find("db/"), std::string_view::npos) << db.status();
      continue;
    }
    EXPECT_GE(PrefixIndex(prefixes, Dump(*db)), 0)
        << "recovered a state that no prefix of the commits produces\n"
        << db->recovery_report().ToString();
  }
}

TEST(CrashInvariant, UnsyncedCommitsUnderSyncNoneLeaveAPrefix) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  auto sim = std::make_shared<SimFileSystem>();
  Options options = DurableOptions(sim);
  options.sync_mode = SyncMode::kNone;
  options.wal_segment_bytes = 2048;
  std::vector<State> prefixes{State{}};
  {
    Db db = Db::Open(options).value();
    for (int i = 0; i < 50; ++i) {
      TxnWrites txn = RandomTxn(rng, 10, 50, 0);
      ASSERT_THAT(Commit(db, txn), IsOk());
      State next = prefixes.back();
      ApplyTo(txn, &next);
      prefixes.push_back(std::move(next));
      if (i == 20) {
        ASSERT_THAT(db.SyncLog(), IsOk());
      }
    }
    sim->Crash();
  }
  Db db = Db::Open(DurableOptions(sim)).value();
  const int k = PrefixIndex(prefixes, Dump(db));
  EXPECT_GE(k, 21) << "SyncLog made the first 21 transactions durable";
  EXPECT_LT(k, 51);
}

TEST(CrashInvariant, CheckpointWhoseDirectorySyncDidNotHappenIsLostOnCrash) {
  auto fs = std::make_shared<FaultyFileSystem>();
  SimFileSystem* sim = &fs->disk();
  State model;
  {
    Db db = Db::Open(DurableOptions(fs)).value();
    ASSERT_THAT(db.Put("a", "1"), IsOk());
    ASSERT_THAT(db.Checkpoint(), IsOk());  // the previous checkpoint, complete
    ASSERT_THAT(db.Put("b", "2"), IsOk());
    ASSERT_THAT(db.Delete("a"), IsOk());
    model = {{"b", "2"}};
    // Power fails before the directory sync that would make the new checkpoint's rename durable.
    fs->SetPlan(FaultPlan().CrashAtPoint("checkpoint.dirsync.before"));
    EXPECT_THAT(db.Checkpoint(),
                StatusIs(Status::Code::kIOError, HasSubstr("checkpoint.dirsync.before")));
    ASSERT_TRUE(fs->crashed());
  }
  fs->Restart();
  std::vector<std::string> checkpoints;
  const std::vector<std::string> names = sim->ListDir("db").value();
  for (const std::string& name : names) {
    if (name.find("checkpoint-") == 0) checkpoints.push_back(name);
  }
  ASSERT_EQ(checkpoints.size(), 1u) << "only the previous checkpoint survives";
  Db db = Db::Open(DurableOptions(fs)).value();
  EXPECT_EQ(db.recovery_report().checkpoint, checkpoints[0]);
  EXPECT_EQ(db.recovery_report().checkpoint_timestamp, 1u);
  EXPECT_EQ(db.recovery_report().records_replayed, 2u) << db.recovery_report().ToString();
  EXPECT_TRUE(Dump(db) == model);
}

TEST(SyncFailure, TurnsTheDatabaseReadOnlyWithAStickyError) {
  auto fs = std::make_shared<FaultyFileSystem>();
  SimFileSystem* sim = &fs->disk();
  Db db = Db::Open(DurableOptions(fs)).value();
  ASSERT_THAT(db.Put("a", "1"), IsOk());
  fs->SetPlan(FaultPlan().FailOp(StorageOp::kSync, 1, FaultAction::kIoError));
  EXPECT_THAT(db.Put("b", "2"), StatusIs(Status::Code::kIOError, HasSubstr("Input/output error")));
  // Sticky: later writes fail without touching the disk, reads still work.
  const uint64_t syncs = sim->stats().syncs;
  EXPECT_THAT(db.Put("c", "3"), StatusIs(Status::Code::kIOError, HasSubstr("read-only")));
  EXPECT_THAT(db.WriteStatus(), StatusIs(Status::Code::kIOError, HasSubstr("read-only")));
  EXPECT_THAT(db.Checkpoint(), StatusIs(Status::Code::kIOError, HasSubstr("read-only")));
  EXPECT_EQ(sim->stats().syncs, syncs);
  EXPECT_EQ(db.Get("a").value(), "1");
  EXPECT_TRUE(db.Get("b").status().IsNotFound()) << "a commit whose sync failed is not published";
  db = Db::Open({}).value();  // close
  fs->Restart();
  Db reopened = Db::Open(DurableOptions(fs)).value();
  EXPECT_THAT(reopened.WriteStatus(), IsOk());
  EXPECT_EQ(reopened.Get("a").value(), "1");
  EXPECT_TRUE(reopened.Get("b").status().IsNotFound());
}

TEST(DurableConcurrency, GroupCommitUnderFourThreadsLosesNothing) {
  auto sim = std::make_shared<SimFileSystem>();
  constexpr int kThreads = 4;
  constexpr int kCommits = 200;
  {
    Db db = Db::Open(DurableOptions(sim)).value();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&db, t] {
        for (int i = 0; i < kCommits; ++i) {
          const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
          ASSERT_THAT(db.Put(key, key), IsOk());
        }
      });
    }
    for (std::thread& t : threads) t.join();
    const DbStats stats = db.GetStats();
    EXPECT_EQ(stats.commits, uint64_t{kThreads * kCommits});
    EXPECT_LE(stats.commit_groups, stats.commits);
    EXPECT_EQ(stats.log_syncs, stats.commit_groups);
    sim->Crash();
  }
  Db db = Db::Open(DurableOptions(sim)).value();
  const State state = Dump(db);
  EXPECT_EQ(state.size(), size_t{kThreads * kCommits});
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kCommits; ++i) {
      const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
      EXPECT_EQ(state.count(key), 1u) << key << " was acknowledged and lost";
    }
  }
}

TEST(DurableConcurrency, ConflictsWithinOneCommitGroupAreDetected) {
  // Many threads increment one counter through Update: group commit must still let exactly
  // one writer of a key win per snapshot, so no increment is lost.
  auto sim = std::make_shared<SimFileSystem>();
  Options options = DurableOptions(sim);
  options.max_update_attempts = 1000000;
  Db db = Db::Open(options).value();
  ASSERT_THAT(db.Put("counter", "0"), IsOk());
  constexpr int kThreads = 4;
  constexpr int kIncrements = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&db] {
      for (int i = 0; i < kIncrements; ++i) {
        ASSERT_THAT(db.Update([](KvTransaction& txn) {
          Result<std::string> v = txn.Get("counter");
          if (!v.ok()) return v.status();
          return txn.Put("counter", std::to_string(std::stoi(*v) + 1));
        }),
                    IsOk());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(db.Get("counter").value(), std::to_string(kThreads * kIncrements));
  db = Db::Open({}).value();  // closes the durable one
  Db reopened = Db::Open(DurableOptions(sim)).value();
  EXPECT_EQ(reopened.Get("counter").value(), std::to_string(kThreads * kIncrements));
}

}  // namespace
}  // namespace memdb::test
