// SimulationTest: the seed (where it comes from, where it is printed), GoogleTest failures
// inside fibers (tagged with the fiber, fatal ones end the run), and exploration failures that
// name the seed and the schedule and replay.
#include "memdb/testing/simulation_test.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "memdb/db/db.h"
#include "memdb/sim/database.h"
#include "memdb/sim/simulation.h"
#include "memdb/sim/sync.h"
#include "spi_support.h"

namespace memdb::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class FiberFailureTest : public ::memdb::testing::SimulationTest {};

TEST_F(FiberFailureTest, NonFatalFailureInAFiberIsTaggedAndTheRunGoesOn) {
  bool t1_went_on = false;
  bool t2_ran = false;
  sim::RunResult result;
  const auto raised = CaptureResults([&] {
    Spawn("t1", [&] {
      sim::Point("check");
      EXPECT_EQ(1, 2) << "t1's expectation";
      sim::Point("after");
      t1_went_on = true;
    });
    Spawn("t2", [&] {
      sim::Point("work");
      t2_ran = true;
    });
    result = RunAll();
  });
  const auto failures = Failures(raised);
  ASSERT_THAT(failures, SizeIs(1));
  EXPECT_THAT(failures[0], HasSubstr("[fiber t1] "));
  EXPECT_THAT(failures[0], HasSubstr("t1's expectation"));
  EXPECT_THAT(failures[0], HasSubstr("memdb seed=" + std::to_string(seed())));
  EXPECT_TRUE(result.ok()) << result.ToString();
  EXPECT_TRUE(t1_went_on);
  EXPECT_TRUE(t2_ran);
}

void AssertInHelper(bool* reached_end) {
  ASSERT_TRUE(false) << "fatal in helper";
  *reached_end = true;
}

TEST_F(FiberFailureTest, FatalFailureInAFiberEndsTheRun) {
  bool caller_went_on = false;
  bool helper_went_on = false;
  sim::RunResult result;
  const auto raised = CaptureResults([&] {
    Spawn("worker", [&] {
      sim::Point("start");
      AssertInHelper(&helper_went_on);
      caller_went_on = true;  // ASSERT returns from the helper only; Fail ends the fiber
    });
    result = RunAll();
  });
  EXPECT_FALSE(helper_went_on);
  EXPECT_FALSE(caller_went_on);
  EXPECT_EQ(result.failure.kind, sim::FailureKind::kFailed);
  EXPECT_EQ(result.failure.fiber, "worker");
  EXPECT_THAT(result.failure.message, HasSubstr("fatal in helper"));
  const auto failures = Failures(raised);
  ASSERT_THAT(failures, SizeIs(2));
  EXPECT_THAT(failures[0], HasSubstr("[fiber worker] "));
  EXPECT_EQ(raised[0].type, ::testing::TestPartResult::kFatalFailure);
  EXPECT_THAT(failures[1], HasSubstr("the simulated run failed"));
  EXPECT_THAT(failures[1], HasSubstr("schedule (Strategy::Replay replays it): worker:start"));
}

TEST_F(FiberFailureTest, DeadlockIsATestFailureWithTheSchedule) {
  sim::Event never("never");
  const auto failures = Failures(CaptureResults([&] {
    Spawn("waiter", [&] { never.Wait(); });
    RunAll();
  }));
  ASSERT_THAT(failures, SizeIs(1));
  EXPECT_THAT(failures[0], HasSubstr("deadlock"));
  EXPECT_THAT(failures[0], HasSubstr("memdb seed="));
}

class SeedTest : public ::memdb::testing::SimulationTest {};

TEST_F(SeedTest, MemdbSeedOverridesEverything) {
  ScopedEnv env("MEMDB_SEED", "12345");
  SetUp();
  EXPECT_EQ(seed(), 12345u);
  EXPECT_EQ(seed_source(), "MEMDB_SEED");
}

TEST_F(SeedTest, MalformedMemdbSeedIsAFatalFailure) {
  ScopedEnv env("MEMDB_SEED", "12x");
  const auto raised = CaptureResults([&] { SetUp(); });
  ASSERT_THAT(raised, SizeIs(1));
  EXPECT_EQ(raised[0].type, ::testing::TestPartResult::kFatalFailure);
  EXPECT_THAT(raised[0].message, HasSubstr("MEMDB_SEED=\"12x\" is not a number"));
}

TEST_F(SeedTest, GtestRandomSeedIsUsedWithoutMemdbSeed) {
  if (std::getenv("MEMDB_SEED") != nullptr) GTEST_SKIP() << "MEMDB_SEED is set";
  const int32_t saved = GTEST_FLAG_GET(random_seed);
  GTEST_FLAG_SET(random_seed, 777);
  SetUp();
  GTEST_FLAG_SET(random_seed, saved);
  EXPECT_EQ(seed(), 777u);
  EXPECT_EQ(seed_source(), "--gtest_random_seed");
}

// Two doctors on call; each goes off call if the other is still on. Under snapshot isolation
// some schedule lets both go (write skew).
void OnCall(sim::Simulation& simulation, IsolationLevel isolation) {
  Options options;
  options.default_isolation = isolation;
  Db db = Db::Open(options).value();
  ASSERT_TRUE(db.Put("alice", "on").ok());
  ASSERT_TRUE(db.Put("bob", "on").ok());
  sim::ScheduledDatabase scheduled(db);
  for (const auto& [me, other] : {std::pair{"alice", "bob"}, std::pair{"bob", "alice"}}) {
    simulation.Spawn(me, [&db, me = std::string(me), other = std::string(other)] {
      Status s = db.Update([&](KvTransaction& txn) {
        if (txn.Get(other).value_or("") != "on") return Status::OK();
        return txn.Put(me, "off");
      });
      EXPECT_TRUE(s.ok() || s.IsConflict()) << s;
    });
  }
  simulation.Run();
  EXPECT_FALSE(db.Get("alice").value() == "off" && db.Get("bob").value() == "off")
      << "write skew: both doctors went off call";
}

class ExploreTest : public ::memdb::testing::SimulationTest {};

TEST_F(ExploreTest, FailingScheduleIsReportedWithSeedAndScheduleAndReplays) {
  sim::ExploreOptions options;
  options.iterations = 2000;
  sim::ExploreReport report;
  const auto failures = Failures(CaptureResults([&] {
    report = Explore([](sim::Simulation& s) { OnCall(s, IsolationLevel::kSnapshot); }, options);
  }));
  ASSERT_FALSE(report.ok()) << "no schedule showed write skew under snapshot isolation";
  ASSERT_THAT(failures, SizeIs(2));
  // The body's own expectation, from the failing schedule only, then the summary.
  EXPECT_THAT(failures[0], HasSubstr("write skew: both doctors went off call"));
  EXPECT_THAT(failures[0], HasSubstr("memdb seed=" + std::to_string(seed())));
  EXPECT_THAT(failures[1], HasSubstr("exploration found a failing schedule"));
  EXPECT_THAT(failures[1], HasSubstr(report.failure->schedule));
  EXPECT_THAT(failures[1], HasSubstr("replay: MEMDB_SEED=" + std::to_string(seed())));
  EXPECT_TRUE(report.failure->deterministic) << report.ToString();

  // The same seed finds the same schedule again...
  sim::ExploreReport again;
  CaptureResults([&] {
    again = Explore([](sim::Simulation& s) { OnCall(s, IsolationLevel::kSnapshot); }, options);
  });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.failure->schedule, report.failure->schedule);
  EXPECT_EQ(again.failure->iteration, report.failure->iteration);

  // ...and the schedule string alone replays the failure.
  sim::Simulation replay(
      sim::Options{.seed = 1, .strategy = sim::Strategy::Replay(report.failure->schedule)});
  const auto replayed =
      Failures(CaptureResults([&] { OnCall(replay, IsolationLevel::kSnapshot); }));
  EXPECT_THAT(replayed, ElementsAre(HasSubstr("write skew")));
  EXPECT_EQ(replay.result().trace, report.failure->schedule);
}

TEST_F(ExploreTest, SerializablePassesEverySchedule) {
  sim::ExploreOptions options;
  options.strategy = sim::Strategy::Exhaustive();
  options.iterations = 100000;
  const sim::ExploreReport report =
      Explore([](sim::Simulation& s) { OnCall(s, IsolationLevel::kSerializable); }, options);
  EXPECT_TRUE(report.ok()) << report.ToString();
  EXPECT_TRUE(report.exhausted);
}

TEST_F(ExploreTest, ExpectationFailingInAFiberFailsTheSchedule) {
  sim::ExploreReport report;
  const auto failures = Failures(CaptureResults([&] {
    report = Explore(
        [](sim::Simulation& s) {
          s.Spawn("t1", [] {
            sim::Point("a");
            EXPECT_TRUE(false) << "inside t1";
          });
        },
        {.iterations = 5});
  }));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.schedules_run, 1u);
  EXPECT_EQ(report.failure->result.failure.fiber, "t1");
  ASSERT_THAT(failures, SizeIs(2));
  EXPECT_THAT(failures[0], HasSubstr("[fiber t1] "));
  EXPECT_THAT(failures[0], HasSubstr("inside t1"));
}

}  // namespace
}  // namespace memdb::test
