// Explore: runs a test body under many schedules and reports the first failing one.
//
// The body builds fresh state, spawns fibers on the Simulation it is given, usually calls
// Run() itself (so the fibers may capture its locals) and checks invariants afterwards,
// calling Simulation::Fail or throwing on a violation. If the body does not call Run, Explore
// does. Each iteration gets its own Simulation and a seed derived from ExploreOptions::seed.
//
// With Strategy::Exhaustive, Explore enumerates every schedule of the body within the
// preemption bound exactly once, schedules with fewer preemptions first, and says whether it
// finished (the body must be deterministic apart from the schedule).
#ifndef MEMDB_SIM_EXPLORE_H_
#define MEMDB_SIM_EXPLORE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "memdb/sim/simulation.h"

namespace memdb::sim {

struct ExploreOptions {
  uint64_t iterations = 1000;  // the most schedules to run
  Strategy strategy;
  uint64_t seed = 0;  // iteration seeds are drawn from Random(seed)
  // Stop after this much wall time (0 = no limit); the report says how many schedules ran.
  std::chrono::milliseconds time_budget{0};
  uint64_t max_steps = 100000;  // per schedule, as Options::max_steps
  Reduction reduction = Reduction::kKeyAware;
  // Shrink a failing schedule before reporting it: first drop its preemptions from the last
  // one backwards (each candidate runs the schedule up to a preemption, then goes on without
  // preempting), then search all schedules with fewer preemptions, fewest first, within
  // `shrink_budget` more runs. The failure kind must stay the same.
  bool shrink = true;
  uint64_t shrink_budget = 2000;
};

struct ExploreFailure {
  uint64_t iteration = 0;  // 0-based
  // Options{seed, strategy} replays the failing run as found (original_schedule);
  // Strategy::Replay(schedule) replays the shrunk one, with any seed.
  uint64_t seed = 0;
  // As resolved for that iteration: PCT's k filled in; for kExhaustive, Replay(schedule).
  Strategy strategy;
  std::string schedule;  // shrunk (== original_schedule when shrinking found nothing smaller)
  RunResult result;      // of the shrunk schedule
  std::string original_schedule;
  uint64_t original_preemptions = 0;
  uint64_t shrink_runs = 0;  // schedules run while shrinking
  // The determinism self-check: the failing run is run a second time with the same seed and
  // strategy. False when the two traces differ (the body depends on something besides the
  // schedule: time, addresses, global state), with the first diverging decision named.
  bool deterministic = true;
  std::string divergence;
};

struct ExploreReport {
  uint64_t schedules_run = 0;
  // kExhaustive: every schedule within the bound was run.
  bool exhausted = false;
  std::optional<ExploreFailure> failure;

  bool ok() const { return !failure.has_value(); }
  // A multi-line summary; on failure it names the seed, the strategy and the schedule string.
  std::string ToString() const;
};

ExploreReport Explore(const ExploreOptions& options, const std::function<void(Simulation&)>& body);

}  // namespace memdb::sim

#endif  // MEMDB_SIM_EXPLORE_H_
