// A database's transactions under the deterministic scheduler: its steps are scheduling
// points, first-committer-wins holds in every explored schedule, and a deliberately broken
// validation (InjectedBug::kSkipWriteConflicts) is caught as a lost update by every strategy
// and replayed from its schedule string.
#include "memdb/sim/database.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/fault/injected_bug.h"
#include "memdb/sim/explore.h"
#include "memdb/sim/simulation.h"
#include "support/test_support.h"

namespace memdb::test {
namespace {

// Two fibers each add 1 to a counter in one transaction; the counter must equal the number of
// commits that succeeded.
void CounterBody(sim::Simulation& simulation, uint32_t bugs) {
  Db db = sim::OpenDatabase(Options{}, bugs).value();
  if (!db.Put("counter", "0").ok()) simulation.Fail("setup failed");
  sim::ScheduledDatabase scheduled(db);
  int committed = 0;
  for (const char* name : {"t1", "t2"}) {
    simulation.Spawn(name, [&db, &committed] {
      Txn txn = db.Begin();
      const int value = std::stoi(txn.Get("counter").value());
      txn.Put("counter", std::to_string(value + 1)).IgnoreError();
      if (txn.Commit().ok()) ++committed;
    });
  }
  simulation.Run();
  if (const std::vector<sim::Anomaly> anomalies = scheduled.CheckHistory(); !anomalies.empty()) {
    simulation.Fail(anomalies.front().ToString());
    return;
  }
  const int counter = std::stoi(db.Get("counter").value());
  if (counter != committed) {
    simulation.Fail("lost update: " + std::to_string(committed) +
                    " increments committed, counter is " + std::to_string(counter));
  }
}

TEST(ScheduledDatabaseTest, StepsAreNamedSchedulingPoints) {
  sim::Simulation simulation(sim::Options{.seed = 1});
  Db db = Db::Open({}).value();
  sim::ScheduledDatabase scheduled(db);
  simulation.Spawn("t1", [&db] {
    Txn txn = db.Begin();
    txn.Put("a", "1").IgnoreError();
    txn.Commit().IgnoreError();
  });
  const sim::RunResult result = simulation.Run();
  ASSERT_TRUE(result.ok()) << result.ToString();
  EXPECT_NE(result.trace.find("t1:put(a)"), std::string::npos) << result.trace;
  EXPECT_NE(result.trace.find("t1:commit"), std::string::npos) << result.trace;
}

TEST(ScheduledDatabaseTest, FirstCommitterWinsInEveryExploredSchedule) {
  sim::ExploreOptions options;
  options.strategy = sim::Strategy::Exhaustive();
  options.iterations = 100000;
  const sim::ExploreReport report =
      sim::Explore(options, [](sim::Simulation& s) { CounterBody(s, 0); });
  EXPECT_TRUE(report.ok()) << report.ToString();
  EXPECT_TRUE(report.exhausted) << report.ToString();
  EXPECT_GT(report.schedules_run, 10u);
}

class LostUpdateTest : public ::testing::TestWithParam<sim::Strategy> {};

TEST_P(LostUpdateTest, BrokenValidationIsFoundAndReplays) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  const uint32_t bug = static_cast<uint32_t>(InjectedBug::kSkipWriteConflicts);
  sim::ExploreOptions options;
  options.strategy = GetParam();
  options.seed = seed;
  options.iterations = 2000;
  const sim::ExploreReport report =
      sim::Explore(options, [bug](sim::Simulation& s) { CounterBody(s, bug); });
  ASSERT_FALSE(report.ok()) << "the lost update was not found: " << report.ToString();
  EXPECT_TRUE(report.failure->result.failure.message.starts_with("lost update between t"))
      << report.ToString();
  // Shrunk before it is reported.
  EXPECT_LE(report.failure->result.preemptions, 2u) << report.ToString();
  const std::string schedule = report.failure->schedule;
  // The schedule string replays the failure.
  sim::ExploreOptions replay;
  replay.strategy = sim::Strategy::Replay(schedule);
  replay.iterations = 1;
  const sim::ExploreReport again =
      sim::Explore(replay, [bug](sim::Simulation& s) { CounterBody(s, bug); });
  EXPECT_FALSE(again.ok()) << "replaying " << schedule << " did not fail";
}

INSTANTIATE_TEST_SUITE_P(Strategies, LostUpdateTest,
                         ::testing::Values(sim::Strategy::RandomWalk(), sim::Strategy::Pct(2),
                                           sim::Strategy::Exhaustive(2)),
                         [](const ::testing::TestParamInfo<sim::Strategy>& p) {
                           return std::string(p.index == 0   ? "RandomWalk"
                                              : p.index == 1 ? "Pct"
                                                             : "Exhaustive");
                         });

}  // namespace
}  // namespace memdb::test
