#include "memdb/sim/simulation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

#include "memdb/sim/explore.h"
#include "memdb/sim/sync.h"
#include "sim/seams.h"
#include "support/test_support.h"

namespace memdb::sim {
namespace {

// Three fibers of four named steps each.
RunResult RunSteps(Options options, int fibers = 3, int steps = 4) {
  Simulation sim(options);
  for (int f = 1; f <= fibers; ++f) {
    sim.Spawn(std::string("t").append(std::to_string(f)), [steps] {
      for (int s = 0; s < steps; ++s) {
        Point(std::string("s").append(std::to_string(s)));
      }
    });
  }
  return sim.Run();
}

TEST(Simulation, SameSeedGivesByteIdenticalTraces) {
  for (Strategy strategy : {Strategy::RandomWalk(), Strategy::Pct(3)}) {
    const RunResult first = RunSteps({.seed = 42, .strategy = strategy});
    ASSERT_TRUE(first.ok()) << first.ToString();
    EXPECT_EQ(first.decisions, 12u);
    for (int i = 0; i < 100; ++i) {
      const RunResult again = RunSteps({.seed = 42, .strategy = strategy});
      ASSERT_EQ(again.trace, first.trace) << strategy.ToString() << " run " << i;
      ASSERT_EQ(again.trace_hash, first.trace_hash);
    }
  }
}

TEST(Simulation, TraceFollowsTheGrammar) {
  const RunResult r = RunSteps({.seed = 7}, 2, 2);
  ASSERT_TRUE(r.ok()) << r.ToString();
  // Every token is fiber:step, single spaces, no leading or trailing space.
  std::multiset<std::string> tokens;
  size_t start = 0;
  while (start <= r.trace.size()) {
    size_t end = r.trace.find(' ', start);
    if (end == std::string::npos) end = r.trace.size();
    tokens.insert(r.trace.substr(start, end - start));
    start = end + 1;
  }
  EXPECT_EQ(tokens, (std::multiset<std::string>{"t1:s0", "t1:s1", "t2:s0", "t2:s1"})) << r.trace;
}

TEST(Simulation, DifferentSeedsGiveDifferentTraces) {
  std::set<std::string> traces;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    traces.insert(RunSteps({.seed = seed}).trace);
  }
  EXPECT_GE(traces.size(), 15u);
}

uint64_t Binomial(uint64_t n, uint64_t k) {
  uint64_t r = 1;
  for (uint64_t i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return r;
}

TEST(Simulation, ExhaustiveEnumeratesEveryInterleavingOnce) {
  for (int k = 1; k <= 4; ++k) {
    std::set<std::string> traces;
    uint64_t runs = 0;
    const ExploreReport report =
        Explore({.iterations = 100000, .strategy = Strategy::Exhaustive()}, [&](Simulation& sim) {
          for (const char* name : {"a", "b"}) {
            sim.Spawn(name, [k] {
              for (int s = 0; s < k; ++s) Point(std::string("p").append(std::to_string(s)));
            });
          }
          const RunResult r = sim.Run();
          ++runs;
          traces.insert(r.trace);
        });
    ASSERT_TRUE(report.ok()) << report.ToString();
    EXPECT_TRUE(report.exhausted);
    EXPECT_EQ(report.schedules_run, Binomial(2 * k, k)) << "k=" << k;
    EXPECT_EQ(traces.size(), Binomial(2 * k, k)) << "k=" << k;
    EXPECT_EQ(runs, report.schedules_run);
  }
}

TEST(Simulation, ExhaustiveRunsFewestPreemptionsFirstAndHonoursTheBound) {
  std::vector<uint64_t> preemptions;
  const ExploreReport report = Explore({.strategy = Strategy::Exhaustive(1)}, [&](Simulation& sim) {
    for (const char* name : {"a", "b"}) {
      sim.Spawn(name, [] {
        for (int s = 0; s < 3; ++s) Point("p");
      });
    }
    preemptions.push_back(sim.Run().preemptions);
  });
  ASSERT_TRUE(report.ok()) << report.ToString();
  EXPECT_TRUE(report.exhausted);
  // 0 preemptions: a then b, b then a. 1 preemption: one fiber is cut once (2 fibers x 3 places
  // where it still has steps left... counted by enumeration below).
  ASSERT_GE(preemptions.size(), 2u);
  EXPECT_EQ(preemptions[0], 0u);
  EXPECT_EQ(preemptions[1], 0u);
  for (size_t i = 1; i < preemptions.size(); ++i) {
    EXPECT_LE(preemptions[i - 1], preemptions[i]) << "schedule " << i;
    EXPECT_LE(preemptions[i], 1u);
  }
  // Schedules of 2x3 steps with at most one preemption: aaabbb and bbbaaa, plus one fiber cut
  // after its first or second step while the other runs to its end (a b^3 aa, aa b^3 a, and
  // the same with b first). Switching when a fiber has finished is no preemption.
  EXPECT_EQ(report.schedules_run, 6u);
}

TEST(Simulation, ReplayReproducesTheTraceExactly) {
  const RunResult original = RunSteps({.seed = 99});
  ASSERT_TRUE(original.ok());
  for (uint64_t seed : {1u, 2u, 3u}) {
    const RunResult replay = RunSteps({.seed = seed, .strategy = Strategy::Replay(original.trace)});
    EXPECT_EQ(replay.trace, original.trace);
    EXPECT_FALSE(replay.diverged_at.has_value()) << replay.divergence;
  }
}

TEST(Simulation, DivergingReplayIsReportedWithItsPosition) {
  // The second step names a step that does not exist.
  const RunResult r =
      RunSteps({.seed = 5, .strategy = Strategy::Replay("t1:s0 t2:nope t1:s1")}, 2, 2);
  ASSERT_TRUE(r.ok()) << r.ToString();
  ASSERT_TRUE(r.diverged_at.has_value());
  EXPECT_EQ(*r.diverged_at, 1u);
  EXPECT_NE(r.divergence.find("expected t2:nope"), std::string::npos) << r.divergence;
  EXPECT_EQ(r.trace.substr(0, 6), "t1:s0 ");
  EXPECT_EQ(r.decisions, 4u);  // the run went on under the seed

  const RunResult shorter = RunSteps({.strategy = Strategy::Replay("t1:s0")}, 2, 2);
  ASSERT_TRUE(shorter.diverged_at.has_value());
  EXPECT_EQ(*shorter.diverged_at, 1u);
  const RunResult longer =
      RunSteps({.strategy = Strategy::Replay("t1:s0 t1:s1 t2:s0 t2:s1 t2:s2")}, 2, 2);
  ASSERT_TRUE(longer.diverged_at.has_value());
  EXPECT_EQ(*longer.diverged_at, 4u);
  EXPECT_NE(longer.divergence.find("ended after 4"), std::string::npos) << longer.divergence;
}

TEST(Simulation, ExceptionInAFiberIsReportedWithItsName) {
  Simulation sim({.seed = 3});
  bool other_finished = false;
  sim.Spawn("reader", [&] {
    Point("a");
    Point("b");
    other_finished = true;
  });
  sim.Spawn("writer", [] {
    Point("w");
    throw std::runtime_error("disk on fire");
  });
  const RunResult r = sim.Run();
  EXPECT_EQ(r.failure.kind, FailureKind::kException);
  EXPECT_EQ(r.failure.fiber, "writer");
  EXPECT_EQ(r.failure.message, "disk on fire");
  EXPECT_NE(r.ToString().find("exception in fiber writer: disk on fire"), std::string::npos)
      << r.ToString();
  (void)other_finished;
}

TEST(Simulation, DeadlockIsReportedWithBothFibersPoints) {
  Simulation sim({.seed = 11});
  Event e1("e1"), e2("e2");
  int unwound = 0;
  struct Count {
    int* n;
    ~Count() { ++*n; }
  };
  sim.Spawn("t1", [&] {
    Count c{&unwound};
    Point("t1.before");
    e1.Wait();
    e2.Set();
  });
  sim.Spawn("t2", [&] {
    Count c{&unwound};
    Point("t2.before");
    e2.Wait();
    e1.Set();
  });
  const RunResult r = sim.Run();
  ASSERT_EQ(r.failure.kind, FailureKind::kDeadlock) << r.ToString();
  ASSERT_EQ(r.failure.blocked.size(), 2u);
  EXPECT_EQ(r.failure.blocked[0].fiber, "t1");
  EXPECT_EQ(r.failure.blocked[0].last_point, "t1.before");
  EXPECT_EQ(r.failure.blocked[0].waiting_for, "wait(e1)");
  EXPECT_EQ(r.failure.blocked[1].fiber, "t2");
  EXPECT_EQ(r.failure.blocked[1].last_point, "t2.before");
  EXPECT_EQ(r.failure.blocked[1].waiting_for, "wait(e2)");
  EXPECT_NE(r.failure.message.find("t1 waits for wait(e1) after t1.before"), std::string::npos)
      << r.failure.message;
  EXPECT_EQ(unwound, 2);  // both fibers' stacks were unwound, not leaked
}

TEST(Simulation, EventHandsOverBetweenFibers) {
  Simulation sim({.seed = 1});
  Event ready("ready");
  std::string log;
  sim.Spawn("consumer", [&] {
    ready.Wait();
    log += "consumed";
  });
  sim.Spawn("producer", [&] {
    Point("produce");
    log += "produced,";
    ready.Set();
  });
  const RunResult r = sim.Run();
  ASSERT_TRUE(r.ok()) << r.ToString();
  EXPECT_EQ(log, "produced,consumed");
  EXPECT_EQ(r.trace, "producer:produce consumer:wait(ready)");
}

TEST(Simulation, VirtualTimeAdvancesWithoutRealSleeping) {
  Simulation sim({.seed = 1});
  std::vector<uint64_t> seen;
  sim.Spawn("slow", [&] {
    SleepFor(60'000'000);  // a minute
    seen.push_back(Now());
  });
  sim.Spawn("fast", [&] {
    SleepFor(1'000);
    seen.push_back(Now());
    SleepFor(1'000);
    seen.push_back(VirtualClock()->NowMicros());
  });
  const auto start = std::chrono::steady_clock::now();
  const RunResult r = sim.Run();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.ok()) << r.ToString();
  EXPECT_EQ(seen, (std::vector<uint64_t>{1'000, 2'000, 60'000'000}));
  EXPECT_EQ(r.virtual_micros, 60'000'000u);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(Simulation, MonitorFromTheWaitSeamWorksOnFibers) {
  Simulation sim({.seed = 8});
  auto monitor = FiberWaitSeam()->NewMonitor();
  int value = 0;
  bool timed_out = false;
  sim.Spawn("waiter", [&] {
    std::lock_guard<Monitor> lock(*monitor);
    while (value == 0) monitor->Wait();
    EXPECT_EQ(value, 1);
    const uint64_t before = Now();
    monitor->WaitFor(500);  // nobody notifies: the virtual clock runs to the deadline
    timed_out = Now() == before + 500;
  });
  sim.Spawn("notifier", [&] {
    Point("set");
    std::lock_guard<Monitor> lock(*monitor);
    value = 1;
    monitor->NotifyAll();
  });
  const RunResult r = sim.Run();
  ASSERT_TRUE(r.ok()) << r.ToString();
  EXPECT_TRUE(timed_out);
}

TEST(Simulation, MonitorWaitNobodyNotifiesIsADeadlock) {
  Simulation sim;
  auto monitor = FiberWaitSeam()->NewMonitor();
  sim.Spawn("lonely", [&] {
    std::lock_guard<Monitor> lock(*monitor);
    monitor->Wait();
  });
  const RunResult r = sim.Run();
  ASSERT_EQ(r.failure.kind, FailureKind::kDeadlock) << r.ToString();
  ASSERT_EQ(r.failure.blocked.size(), 1u);
  EXPECT_EQ(r.failure.blocked[0].waiting_for, "monitor.wait");
}

TEST(Simulation, MutexExcludesAcrossPoints) {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Simulation sim({.seed = seed});
    Mutex mu("mu");
    int inside = 0, max_inside = 0;
    for (const char* name : {"a", "b", "c"}) {
      sim.Spawn(name, [&] {
        Point("enter");
        std::lock_guard<Mutex> lock(mu);
        ++inside;
        max_inside = std::max(max_inside, inside);
        Point("critical");
        --inside;
      });
    }
    const RunResult r = sim.Run();
    ASSERT_TRUE(r.ok()) << r.ToString();
    EXPECT_EQ(max_inside, 1) << "seed " << seed << ": " << r.trace;
  }
}

TEST(Simulation, ExceptionBeforeTheFirstPointIsReported) {
  Simulation sim;
  sim.Spawn("early", [] { throw std::logic_error("bad set-up"); });
  sim.Spawn("late", [] { Point("x"); });
  const RunResult r = sim.Run();
  EXPECT_EQ(r.failure.ToString(), "exception in fiber early: bad set-up");
  EXPECT_EQ(r.decisions, 0u);
}

TEST(Simulation, FailInsideAFiberEndsTheRun) {
  Simulation sim;
  bool after = false;
  sim.Spawn("checker", [&] {
    Point("check");
    sim.Fail("invariant broken");
    after = true;
  });
  const RunResult r = sim.Run();
  EXPECT_EQ(r.failure.ToString(), "failed in fiber checker: invariant broken");
  EXPECT_FALSE(after);
}

TEST(Simulation, PreemptionsAreCountedOnlyWhenTheFiberCouldGoOn) {
  Simulation sim({.strategy = Strategy::Replay("a:1 b:1 a:2 b:2")});
  sim.Spawn("a", [] {
    Point("1");
    Point("2");
  });
  sim.Spawn("b", [] {
    Point("1");
    Point("2");
  });
  const RunResult r = sim.Run();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.trace, "a:1 b:1 a:2 b:2");
  EXPECT_EQ(r.preemptions, 2u);  // a->b and b->a; a ending before b:2 is no preemption
}

TEST(Simulation, PointOutsideASimulationIsANoOp) {
  EXPECT_FALSE(InSimulation());
  Point("nothing");
  EXPECT_EQ(CurrentFiber(), "");
}

TEST(Simulation, StepLimitEndsARunawayRun) {
  Simulation sim({.max_steps = 50});
  sim.Spawn("spin", [] {
    for (;;) Point("spin");
  });
  const RunResult r = sim.Run();
  EXPECT_EQ(r.failure.kind, FailureKind::kStepLimit) << r.ToString();
  EXPECT_EQ(r.decisions, 50u);
}

TEST(Simulation, RunTwiceIsMisuse) {
  Simulation sim;
  sim.Spawn("a", [] {});
  EXPECT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.Run().failure.kind, FailureKind::kMisuse);
}

// The lost-update race: read, point, write, on a shared counter.
void LostUpdateBody(Simulation& sim) {
  int counter = 0;
  for (const char* name : {"t1", "t2"}) {
    sim.Spawn(name, [&counter] {
      Point("read");
      const int v = counter;
      Point("write");
      counter = v + 1;
    });
  }
  sim.Run();
  if (counter != 2) sim.Fail(std::string("lost update: counter=").append(std::to_string(counter)));
}

void ExpectLostUpdateFoundAndReplayed(const ExploreReport& report) {
  ASSERT_FALSE(report.ok()) << report.ToString();
  const ExploreFailure& f = *report.failure;
  EXPECT_EQ(f.result.failure.kind, FailureKind::kFailed);
  EXPECT_EQ(f.result.failure.message, "lost update: counter=1");
  // The schedule string replays it exactly, under any seed.
  Simulation replay({.seed = 12345, .strategy = Strategy::Replay(f.schedule)});
  LostUpdateBody(replay);
  EXPECT_EQ(replay.result().trace, f.schedule);
  EXPECT_FALSE(replay.result().diverged_at.has_value());
  EXPECT_EQ(replay.result().failure.message, "lost update: counter=1");
  // The seed and the strategy replay the run as found, before shrinking.
  Simulation again({.seed = f.seed, .strategy = f.strategy});
  LostUpdateBody(again);
  EXPECT_EQ(again.result().trace, f.original_schedule);
  // One preemption is enough to lose an update: read, (switch) read, write, write.
  EXPECT_LE(f.result.preemptions, 1u) << report.ToString();
}

TEST(Simulation, LostUpdateIsFoundByRandomWalk) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE(test::SeedTrace(seed));
  ExpectLostUpdateFoundAndReplayed(Explore(
      {.iterations = 1000, .strategy = Strategy::RandomWalk(), .seed = seed}, LostUpdateBody));
}

TEST(Simulation, LostUpdateIsFoundByPct) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE(test::SeedTrace(seed));
  // Not shrunk, so that the reported result is PCT's own run, with its bound.
  const ExploreReport report =
      Explore({.iterations = 1000, .strategy = Strategy::Pct(2), .seed = seed, .shrink = false},
              LostUpdateBody);
  ExpectLostUpdateFoundAndReplayed(report);
  ASSERT_FALSE(report.ok());
  EXPECT_GT(report.failure->result.pct_bound, 0.0);
  // k is learnt from the runs before (16 before any run).
  EXPECT_EQ(report.failure->strategy.pct_steps, report.failure->iteration == 0 ? 16u : 4u);
}

TEST(Simulation, LostUpdateIsFoundByExhaustiveSearchWithOnePreemption) {
  const ExploreReport report = Explore({.strategy = Strategy::Exhaustive(1)}, LostUpdateBody);
  ExpectLostUpdateFoundAndReplayed(report);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.failure->result.preemptions, 1u);
  // With no preemption allowed the bug cannot happen, and the search says it finished.
  const ExploreReport none = Explore({.strategy = Strategy::Exhaustive(0)}, LostUpdateBody);
  EXPECT_TRUE(none.ok()) << none.ToString();
  EXPECT_TRUE(none.exhausted);
  EXPECT_EQ(none.schedules_run, 2u);
}

TEST(Simulation, ExploreStopsAtTheIterationLimitWithoutFailure) {
  const ExploreReport report = Explore(
      {.iterations = 25, .strategy = Strategy::RandomWalk(), .seed = 1}, [](Simulation& sim) {
        sim.Spawn("a", [] { Point("x"); });
        sim.Spawn("b", [] { Point("y"); });
      });
  EXPECT_TRUE(report.ok()) << report.ToString();
  EXPECT_EQ(report.schedules_run, 25u);
}

}  // namespace
}  // namespace memdb::sim
