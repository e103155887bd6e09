// SimulationTest: concurrent test code under memdb's deterministic scheduler (memdb::sim),
// with a seed that is printed, recorded and replayable.
//
//   class TransferRaceTest : public memdb::testing::SimulationTest {};
//   TEST_F(TransferRaceTest, OneOfTwoConflictingTransfersRetries) {
//     memdb::Db db = memdb::Db::Open({}).value();
//     memdb::sim::ScheduledDatabase scheduled(db);   // its steps become scheduling points
//     Spawn("t1", [&] { EXPECT_THAT(Transfer(db, "a", "b", 50), IsOk()); });
//     Spawn("t2", [&] { EXPECT_THAT(Transfer(db, "a", "c", 70), IsOk()); });
//     RunAll();
//   }
//
//   TEST_F(TransferRaceTest, NoScheduleLosesMoney) {
//     Explore([](memdb::sim::Simulation& s) {   // a fresh state per schedule
//       ... s.Spawn(...) ...; s.Run(); EXPECT_EQ(Total(db), 200);
//     }, {.iterations = 2000});
//   }
//
// The seed: $MEMDB_SEED when set, else --gtest_random_seed when non-zero, else the seed of
// --gtest_shuffle, else a fresh one. SetUp records it (RecordProperty "memdb_seed", in the XML
// and JSON reports) and adds it to every failure message of the test as a trace line with the
// command that replays the test:
//     memdb seed=42; replay: MEMDB_SEED=42 ./tests --gtest_filter='TransferRaceTest.X'
//
// GoogleTest assertions inside fibers: every result raised in a fiber reaches the test tagged
// "[fiber t1] ". A fatal one (ASSERT_*, FAIL) ends the simulated run at once (Simulation::Fail);
// a non-fatal one (EXPECT_*) lets the run go on under RunAll, and ends it under Explore (the
// schedule is then the failing one). SCOPED_TRACE inside fibers is not supported: GoogleTest's
// trace stack is per thread, and fibers interleave on one thread.
//
// A failed run or exploration is a test failure giving the failure, the schedule string
// (Strategy::Replay replays it with any seed) and the seed.
#ifndef MEMDB_TESTING_SIMULATION_TEST_H_
#define MEMDB_TESTING_SIMULATION_TEST_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "memdb/sim/database.h"
#include "memdb/sim/explore.h"
#include "memdb/sim/simulation.h"

namespace memdb::testing {

class SimulationTest : public ::testing::Test {
 protected:
  SimulationTest();
  ~SimulationTest() override;

  // Chooses and records the seed (a fatal failure when $MEMDB_SEED is not a number).
  void SetUp() override;
  // Prints the seed and the replay command when the test failed.
  void TearDown() override;

  uint64_t seed() const { return seed_; }
  // Where seed() came from: "MEMDB_SEED", "--gtest_random_seed", "--gtest_shuffle" or "fresh".
  const std::string& seed_source() const { return seed_source_; }

  // The strategy of the next simulation Spawn starts (random walk by default). Replay(schedule)
  // forces an interleaving: the fibers follow the schedule string, then the seed.
  void SetStrategy(sim::Strategy strategy) { strategy_ = std::move(strategy); }
  // Adds a fiber to the current simulation, starting one (seeded with seed()) if none is open.
  void Spawn(std::string name, std::function<void()> body);
  // Forces an interleaving of the current simulation: the step `after` ("fiber:step", or
  // "fiber:step#n" for the n-th occurrence) may not execute before `before` has
  // (sim::Simulation::Order; an edge no schedule can satisfy fails the run, naming it).
  void Order(std::string_view before, std::string_view after);
  // Runs the fibers spawned since the last RunAll to completion; see the header comment for
  // failures. The next Spawn starts a new simulation with the same seed.
  sim::RunResult RunAll();

  // Runs `body` under up to options.iterations schedules, options.seed replaced by seed(); stops
  // at the first failing one -- Simulation::Fail, an exception, a deadlock, or any GoogleTest
  // failure in the body or its fibers -- and reports it. The body builds fresh state per
  // schedule and usually calls Simulation::Run itself.
  sim::ExploreReport Explore(const std::function<void(sim::Simulation&)>& body,
                             sim::ExploreOptions options = {});

 private:
  uint64_t seed_ = 0;
  std::string seed_source_;
  sim::Strategy strategy_;
  sim::Simulation& CurrentSimulation();

  std::unique_ptr<sim::Simulation> simulation_;
  std::optional<::testing::ScopedTrace> seed_trace_;
};

}  // namespace memdb::testing

#endif  // MEMDB_TESTING_SIMULATION_TEST_H_
