// Forced orderings, step callbacks and key-aware reduction.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "memdb/sim/explore.h"
#include "memdb/sim/simulation.h"
#include "support/test_support.h"

namespace memdb::sim {
namespace {

// The position of `token` in `trace` (npos when absent).
size_t At(const std::string& trace, const std::string& token) { return trace.find(token); }

void TwoCommitters(Simulation& sim) {
  for (const char* name : {"t1", "t2"}) {
    sim.Spawn(name, [] {
      Point("begin");
      Point("commit");
    });
  }
}

TEST(ForcedOrderingTest, EdgeHoldsInEveryExploredSchedule) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE(test::SeedTrace(seed));
  uint64_t runs = 0;
  for (Strategy strategy : {Strategy::RandomWalk(), Strategy::Exhaustive()}) {
    const ExploreReport report =
        Explore({.iterations = 200, .strategy = strategy, .seed = seed}, [&](Simulation& sim) {
          TwoCommitters(sim);
          sim.Order("t2:commit", "t1:commit");
          const RunResult r = sim.Run();
          ++runs;
          if (At(r.trace, "t2:commit") > At(r.trace, "t1:commit")) sim.Fail("order broken");
        });
    EXPECT_TRUE(report.ok()) << report.ToString();
  }
  EXPECT_GT(runs, 200u);
}

TEST(ForcedOrderingTest, EdgesApplyToEveryOccurrence) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE(test::SeedTrace(seed));
  const ExploreReport report = Explore({.iterations = 300, .seed = seed}, [](Simulation& sim) {
    std::vector<std::string> log;
    sim.Spawn("p", [&log] {
      for (int i = 0; i < 3; ++i) {
        Point("produce");
        log.push_back("p");
      }
    });
    sim.Spawn("c", [&log] {
      for (int i = 0; i < 3; ++i) {
        Point("consume");
        log.push_back("c");
      }
    });
    sim.Order("p:produce", "c:consume");  // the k-th consume after the k-th produce
    sim.Run();
    int balance = 0;
    for (const std::string& e : log) {
      balance += e == "p" ? 1 : -1;
      if (balance < 0) sim.Fail("consumed before produced");
    }
  });
  EXPECT_TRUE(report.ok()) << report.ToString();
}

TEST(ForcedOrderingTest, NumberedOccurrenceHoldsOnlyThatOne) {
  bool first_step_went_before = false;
  const ExploreReport report =
      Explore({.iterations = 1000, .strategy = Strategy::Exhaustive()}, [&](Simulation& sim) {
        sim.Spawn("a", [] {
          for (int i = 0; i < 3; ++i) Point("step");
        });
        sim.Spawn("b", [] { Point("go"); });
        sim.Order("b:go", "a:step#2");
        const RunResult r = sim.Run();
        const size_t second_step = r.trace.find("a:step", r.trace.find("a:step") + 1);
        if (At(r.trace, "b:go") > second_step) sim.Fail("the 2nd a:step ran before b:go");
        first_step_went_before |= r.trace.starts_with("a:step b:go");
      });
  EXPECT_TRUE(report.ok()) << report.ToString();
  EXPECT_TRUE(report.exhausted);
  EXPECT_EQ(report.schedules_run, 2u);  // b:go first, or between the first and second a:step
  EXPECT_TRUE(first_step_went_before);
}

TEST(ForcedOrderingTest, UnsatisfiableEdgeIsAnErrorNotAHang) {
  Simulation sim({.seed = 1});
  TwoCommitters(sim);
  sim.Order("t2:never", "t1:commit");
  const RunResult r = sim.Run();
  EXPECT_EQ(r.failure.kind, FailureKind::kUnsatisfiableOrder) << r.ToString();
  EXPECT_NE(r.failure.message.find("t1:commit is held by 't2:never' before 't1:commit' "
                                   "(t2:never executed 0 of 1 times)"),
            std::string::npos)
      << r.failure.message;
  EXPECT_NE(r.failure.message.find("t2 ended"), std::string::npos) << r.failure.message;
}

TEST(ForcedOrderingTest, CyclicEdgesAreUnsatisfiable) {
  Simulation sim({.seed = 1});
  TwoCommitters(sim);
  sim.Order("t1:commit", "t2:commit");
  sim.Order("t2:commit", "t1:commit");
  const RunResult r = sim.Run();
  EXPECT_EQ(r.failure.kind, FailureKind::kUnsatisfiableOrder) << r.ToString();
}

TEST(ForcedOrderingTest, EdgeNamingAnUnknownFiberIsMisuse) {
  Simulation sim({.seed = 1});
  TwoCommitters(sim);
  sim.Order("t3:commit", "t1:commit");
  const RunResult r = sim.Run();
  EXPECT_EQ(r.failure.kind, FailureKind::kMisuse);
  EXPECT_EQ(r.failure.message,
            "forced ordering 't3:commit' before 't1:commit' names no spawned fiber 't3'");
}

TEST(ForcedOrderingTest, CallbackRunsOnTheFiberBeforeItsStep) {
  Simulation sim({.seed = 9});
  std::vector<std::string> log;
  sim.Spawn("t1", [&log] {
    Point("begin");
    log.push_back("t1 begin");
    Point("commit");
    log.push_back("t1 commit");
  });
  sim.AtStep("t1:commit",
             [&log] { log.push_back(std::string("callback on ").append(CurrentFiber())); });
  const RunResult r = sim.Run();
  ASSERT_TRUE(r.ok()) << r.ToString();
  EXPECT_EQ(log, (std::vector<std::string>{"t1 begin", "callback on t1", "t1 commit"}));
}

// Two fibers, each a read and a write of its own key (or of the same key).
void TwoKeyedFibers(Simulation& sim, const char* key1, const char* key2) {
  for (auto [name, key] : {std::pair{"t1", key1}, std::pair{"t2", key2}}) {
    sim.Spawn(name, [key = std::string(key)] {
      KeyPoint("get(" + key + ")", key);
      KeyPoint("put(" + key + ")", key);
    });
  }
}

uint64_t CountSchedules(Reduction reduction, const char* key1, const char* key2) {
  const ExploreReport report =
      Explore({.iterations = 1000, .strategy = Strategy::Exhaustive(), .reduction = reduction},
              [&](Simulation& sim) { TwoKeyedFibers(sim, key1, key2); });
  EXPECT_TRUE(report.exhausted);
  return report.schedules_run;
}

TEST(KeyAwareReductionTest, StepsOnDifferentKeysAreNotInterleaved) {
  // C(4,2) = 6 interleavings; on different keys only the choice of who starts remains.
  EXPECT_EQ(CountSchedules(Reduction::kEveryPoint, "a", "b"), 6u);
  EXPECT_EQ(CountSchedules(Reduction::kKeyAware, "a", "b"), 2u);
}

TEST(KeyAwareReductionTest, StepsOnTheSameKeyAreAllInterleaved) {
  EXPECT_EQ(CountSchedules(Reduction::kKeyAware, "a", "a"), 6u);
}

TEST(KeyAwareReductionTest, UnkeyedPointsAreAlwaysPreemptionCandidates) {
  const ExploreReport report =
      Explore({.iterations = 1000, .strategy = Strategy::Exhaustive()}, [](Simulation& sim) {
        for (const char* name : {"t1", "t2"}) {
          sim.Spawn(name, [] {
            Point("a");
            Point("b");
          });
        }
      });
  EXPECT_EQ(report.schedules_run, 6u);
}

}  // namespace
}  // namespace memdb::sim
