// The crash-state explorer: finds nothing wrong with the engine as built, and finds each
// deliberate bug (ExplorerOptions::injected_bugs) -- so its silence means something.
#include "memdb/fault/crash_explorer.h"

#include <gtest/gtest.h>

#include <string>

#include "memdb/fault/injected_bug.h"
#include "support/test_support.h"

namespace memdb::test {
namespace {

ExplorerOptions SmallOptions() {
  ExplorerOptions options;
  options.db.wal_segment_bytes = 16 << 10;  // a few segment switches
  options.db.checkpoint_log_bytes = 0;      // checkpoints only where the workload says
  return options;
}

// A workload with a transaction larger than a log block (so it is fragmented) in the middle.
Workload WorkloadWithLargeTransaction(uint64_t seed) {
  Workload workload = RandomWorkload(seed, 12);
  WorkloadStep big;
  for (int i = 0; i < 3; ++i) {
    big.writes.emplace_back("big" + std::to_string(i),
                            std::string(20000, static_cast<char>('A' + i)));
  }
  workload.insert(workload.begin() + 8, big);
  return workload;
}

TEST(CrashExplorerTest, FindsNothingWrongWithTheEngine) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  ExplorerOptions options = SmallOptions();
  options.invariant = [](Db& db) {
    // Every key the workload writes is named keyNN or bigN.
    Status bad;
    db.Scan(ScanRange::All(), [&](std::string_view key, std::string_view) {
        if (!key.starts_with("key") && !key.starts_with("big")) {
          bad = Status::Corruption("unexpected key " + std::string(key));
        }
        return bad.ok();
      }).IgnoreError();
    return bad;
  };
  const ExplorerReport report = ExploreCrashes(WorkloadWithLargeTransaction(seed), options);
  EXPECT_TRUE(report.ok()) << report.ToString();
  EXPECT_GT(report.states, 1000u) << report.ToString();
  EXPECT_GT(report.distinct_states, 5u) << report.ToString();
  // The conformance matrix: only kAbsoluteConsistency may refuse a crash state, and it does
  // refuse torn tails.
  uint64_t refused_absolute = 0;
  for (const ConformanceCell& c : report.matrix) {
    EXPECT_EQ(c.failures, 0u);
    if (c.mode == RecoveryMode::kAbsoluteConsistency) {
      refused_absolute += c.refused;
    } else {
      EXPECT_EQ(c.refused, 0u);
      EXPECT_EQ(c.recovered, c.states);
    }
  }
  EXPECT_GT(refused_absolute, 0u);
  std::printf("%s\n", report.ToString().c_str());
}

// The campaign: 100 transactions of mixed sizes, one checkpoint in the middle, every
// crash point x every crash model variant x every recovery mode, split into four shards (four
// test cases, so ctest runs them in parallel).
class ExhaustiveCampaignTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(ExhaustiveCampaignTest, HundredTransactionWorkloadPassesEveryModelAndMode) {
#ifdef MEMDB_SANITIZED
  GTEST_SKIP() << "runs in the optimized build (minutes under sanitizers); the explorer's other "
                  "tests run here";
#endif
  ExplorerOptions options;
  options.shard = GetParam();
  options.shards = 4;
  options.workload_name = "RandomWorkload(20261124, 100)";
  const ExplorerReport report = ExploreCrashes(RandomWorkload(20261124, 100), options);
  EXPECT_TRUE(report.ok()) << report.ToString();
  EXPECT_GT(report.states, 5000u);
  std::printf("shard %u/4: %s\n", GetParam(), report.ToString().c_str());
}

INSTANTIATE_TEST_SUITE_P(Shards, ExhaustiveCampaignTest, ::testing::Values(0u, 1u, 2u, 3u));

struct BugCase {
  InjectedBug bug;
  const char* name;
};

class CrashExplorerBugTest : public ::testing::TestWithParam<BugCase> {};

TEST_P(CrashExplorerBugTest, ReportsTheInjectedBug) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  ExplorerOptions options = SmallOptions();
  options.injected_bugs = static_cast<uint32_t>(GetParam().bug);
  if (GetParam().bug == InjectedBug::kRetryFailedSync) {
    // The 4th sync of a log segment fails the Linux way: its dirty pages are dropped.
    options.plan.FailOp(StorageOp::kSync, 4, FaultAction::kFsyncgate, "wal-");
  }
  const Workload workload = WorkloadWithLargeTransaction(seed);
  const ExplorerReport report = ExploreCrashes(workload, options);
  ASSERT_FALSE(report.ok()) << "the explorer missed " << GetParam().name << ": "
                            << report.ToString();
  std::printf("%s: %s\n", GetParam().name, report.failures.front().ToString().c_str());
  EXPECT_LE(report.failures.front().workload_steps, workload.size());
  // The reported state replays exactly.
  const CrashFailure& f = report.failures.front();
  const Workload shrunk(workload.begin(),
                        workload.begin() + static_cast<std::ptrdiff_t>(f.workload_steps));
  EXPECT_FALSE(
      CheckCrashState(shrunk, options, f.operation, CrashModel::Parse(f.model).value(), f.mode)
          .ok());
}

INSTANTIATE_TEST_SUITE_P(
    Bugs, CrashExplorerBugTest,
    ::testing::Values(BugCase{InjectedBug::kAckBeforeSync, "AckBeforeSync"},
                      BugCase{InjectedBug::kCheckpointWithoutDirSync, "CheckpointWithoutDirSync"},
                      BugCase{InjectedBug::kReplayIgnoresChecksums, "ReplayIgnoresChecksums"},
                      BugCase{InjectedBug::kReplayPartialTransaction, "ReplayPartialTransaction"},
                      BugCase{InjectedBug::kRetryFailedSync, "RetryFailedSync"}),
    [](const ::testing::TestParamInfo<BugCase>& p) { return std::string(p.param.name); });

TEST(CrashExplorerTest, RetryBugIsHarmlessWithoutTheSyncFailure) {
  // The same options as the RetryFailedSync case minus the injected failure: nothing to find,
  // so the case above fails because of the bug, not because of the plan.
  ExplorerOptions options = SmallOptions();
  options.injected_bugs = static_cast<uint32_t>(InjectedBug::kRetryFailedSync);
  const ExplorerReport report = ExploreCrashes(WorkloadWithLargeTransaction(7), options);
  EXPECT_TRUE(report.ok()) << report.ToString();
}

TEST(CrashExplorerTest, StatesWithAnAlreadyRecoveredDiskImageShareItsVerdict) {
  // Every failure the explorer reports -- including those judged from an earlier recovery of
  // the same disk image -- fails again when its state is recovered on its own.
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  ExplorerOptions options = SmallOptions();
  options.injected_bugs = static_cast<uint32_t>(InjectedBug::kAckBeforeSync);
  options.shrink = false;
  options.max_failures = 1000000;
  const Workload workload = RandomWorkload(seed, 6);
  const ExplorerReport report = ExploreCrashes(workload, options);
  ASSERT_FALSE(report.ok()) << report.ToString();
  EXPECT_LT(report.recoveries, report.states) << report.ToString();
  EXPECT_GE(report.recoveries, report.crash_points) << report.ToString();
  for (const CrashFailure& f : report.failures) {
    EXPECT_FALSE(
        CheckCrashState(workload, options, f.operation, CrashModel::Parse(f.model).value(), f.mode)
            .ok())
        << f.ToString();
  }
}

TEST(CrashExplorerTest, ShardsSplitTheCrashPoints) {
  ExplorerOptions options = SmallOptions();
  options.models = {CrashModel::Kind::kDropUnsynced};
  options.recovery_modes = {RecoveryMode::kTolerateTornTail};
  const Workload workload = RandomWorkload(3, 10);
  const ExplorerReport all = ExploreCrashes(workload, options);
  uint64_t points = 0;
  for (uint32_t shard = 0; shard < 3; ++shard) {
    options.shard = shard;
    options.shards = 3;
    points += ExploreCrashes(workload, options).crash_points;
  }
  EXPECT_EQ(points, all.crash_points);
}

}  // namespace
}  // namespace memdb::test
