#include "memdb/testing/simulation_test.h"

#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <utility>
#include <vector>

#include "memdb/testing/test_names.h"
#include "memdb/util/random.h"
#include "testing/fiber_failures.h"

namespace memdb::testing {

namespace {

// The seed and where it came from; an error message when $MEMDB_SEED is set but not a number.
struct SeedChoice {
  uint64_t seed = 0;
  std::string source;
  std::string error;
};

SeedChoice ChooseSeed() {
  if (const char* env = std::getenv("MEMDB_SEED"); env != nullptr && *env != '\0') {
    char* end = nullptr;
    errno = 0;
    const unsigned long long value = std::strtoull(env, &end, 0);
    if (errno != 0 || end == env || *end != '\0') {
      return {0, "MEMDB_SEED", std::string("MEMDB_SEED=\"") + env + "\" is not a number"};
    }
    return {value, "MEMDB_SEED", ""};
  }
  if (const int32_t flag = GTEST_FLAG_GET(random_seed); flag != 0) {
    return {static_cast<uint64_t>(flag), "--gtest_random_seed", ""};
  }
  // With --gtest_shuffle and no seed given, GoogleTest picks one (and prints it).
  if (const int shuffle = ::testing::UnitTest::GetInstance()->random_seed();
      GTEST_FLAG_GET(shuffle) && shuffle != 0) {
    return {static_cast<uint64_t>(shuffle), "--gtest_shuffle", ""};
  }
  return {Random::FreshSeed(), "fresh", ""};
}

std::string SeedLine(uint64_t seed) {
  std::string line = "memdb seed=";
  line.append(std::to_string(seed)).append("; replay: ").append(ReplayCommand(seed));
  return line;
}

}  // namespace

SimulationTest::SimulationTest() = default;
SimulationTest::~SimulationTest() = default;

void SimulationTest::SetUp() {
  SeedChoice choice = ChooseSeed();
  ASSERT_TRUE(choice.error.empty()) << choice.error;
  seed_ = choice.seed;
  seed_source_ = std::move(choice.source);
  RecordProperty("memdb_seed", std::to_string(seed_));
  seed_trace_.emplace(__FILE__, __LINE__, SeedLine(seed_));
}

void SimulationTest::TearDown() {
  seed_trace_.reset();
  simulation_.reset();
  if (HasFailure()) {
    std::cout << "[  memdb   ] " << SeedLine(seed_) << " (seed from " << seed_source_ << ")\n";
  }
}

sim::Simulation& SimulationTest::CurrentSimulation() {
  if (simulation_ == nullptr) {
    sim::Options options;
    options.seed = seed_;
    options.strategy = strategy_;
    simulation_ = std::make_unique<sim::Simulation>(options);
  }
  return *simulation_;
}

void SimulationTest::Spawn(std::string name, std::function<void()> body) {
  CurrentSimulation().Spawn(std::move(name), std::move(body));
}

void SimulationTest::Order(std::string_view before, std::string_view after) {
  CurrentSimulation().Order(before, after);
}

sim::RunResult SimulationTest::RunAll() {
  if (simulation_ == nullptr) Spawn("(none)", [] {});  // an empty run, for uniformity
  std::unique_ptr<sim::Simulation> simulation = std::move(simulation_);
  std::vector<internal::CapturedResult> results;
  sim::RunResult result;
  {
    internal::FiberFailureCollector collector(/*every_failure_ends_run=*/false);
    collector.set_simulation(simulation.get());
    result = simulation->Run();
    results = collector.TakeResults();
  }
  internal::ReportAgain(results);
  if (!result.ok()) {
    ADD_FAILURE() << "the simulated run failed: " << result.failure.ToString()
                  << "\n  schedule (Strategy::Replay replays it): " << result.trace << "\n  seed "
                  << seed_ << ", strategy " << simulation->options().strategy.ToString();
  }
  return result;
}

sim::ExploreReport SimulationTest::Explore(const std::function<void(sim::Simulation&)>& body,
                                           sim::ExploreOptions options) {
  options.seed = seed_;
  std::vector<internal::CapturedResult> failing;  // the results of the first failing schedule
  sim::ExploreReport report;
  {
    internal::FiberFailureCollector collector(/*every_failure_ends_run=*/true);
    // A schedule's results are complete only when the next one starts (Explore runs the body's
    // fibers itself after the body when the body does not call Run), or when Explore returns.
    auto keep_if_failed = [&] {
      if (failing.empty() && collector.HasFailure()) {
        failing = collector.TakeResults();
      } else {
        collector.TakeResults();  // passing schedules' successes, or the determinism re-run
      }
    };
    report = sim::Explore(options, [&](sim::Simulation& simulation) {
      keep_if_failed();
      collector.set_simulation(&simulation);
      body(simulation);
      // A failure of the body's own checks (after Run) fails this schedule too.
      if (collector.HasFailure()) {
        std::string what = "GoogleTest failure: ";
        simulation.Fail(what.append(collector.FirstFailure()));
      }
    });
    keep_if_failed();
  }
  internal::ReportAgain(failing);
  if (!report.ok()) {
    ADD_FAILURE() << "exploration found a failing schedule: " << report.ToString();
  }
  return report;
}

}  // namespace memdb::testing
