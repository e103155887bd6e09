// Simulation: deterministic scheduling of named fibers on the calling thread.
//
// A test spawns named fibers and runs them; the fibers interleave only at scheduling points
// (sim::Point, and blocking on the primitives of memdb/sim/sync.h), and at each point one
// seeded strategy decides which fiber executes its next step. Every decision comes from one
// portable PRNG (memdb::Random), so the same seed and the same body give the same trace byte
// for byte on every platform, and a recorded trace replays exactly (Strategy::Replay).
// The model, the strategies, their guarantees and the schedule string grammar are prose in
// docs/deterministic-scheduling.md.
//
// Thread safety: a Simulation is used from one thread; its fibers all run on that thread.
// Only one simulation runs on a thread at a time. Run() must be called from a thread that runs
// no other Boost.Fiber fibers.
#ifndef MEMDB_SIM_SIMULATION_H_
#define MEMDB_SIM_SIMULATION_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memdb::sim {

enum class StrategyKind {
  kRandomWalk,  // at each point, switch with a seeded probability to a uniformly chosen fiber
  kPct,         // probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010)
  kExhaustive,  // depth-first enumeration, fewest preemptions first (driven by Explore)
  kReplay,      // follow a recorded schedule string, then continue under the seed
};

struct Strategy {
  StrategyKind kind = StrategyKind::kRandomWalk;
  // kRandomWalk: the probability of switching away from a fiber that could go on.
  double switch_probability = 0.5;
  // kPct: the bug depth d (>= 1) and the estimated number of steps k. k == 0 means 16 for a
  // single Simulation; Explore replaces it by the longest run seen so far.
  int pct_depth = 2;
  uint64_t pct_steps = 0;
  // kExhaustive: the most preemptions a schedule may have; negative = unbounded.
  int preemption_bound = -1;
  // kReplay: the schedule string to follow (the grammar of RunResult::trace).
  std::string schedule;

  static Strategy RandomWalk(double switch_probability = 0.5);
  static Strategy Pct(int depth, uint64_t steps = 0);
  static Strategy Exhaustive(int preemption_bound = -1);
  static Strategy Replay(std::string schedule);

  // "random(p=0.5)", "pct(d=2,k=16)", "exhaustive(bound=1)", "replay(N steps)".
  std::string ToString() const;
};

// Which points a preemption is considered at (docs/deterministic-scheduling.md, "Key-aware
// reduction").
enum class Reduction {
  // When the fiber that ran last can go on, switch only to a fiber whose next step depends on
  // its next step. Two steps are independent iff both are KeyPoints on different keys (a
  // transaction's get/put/delete of different keys); every other point depends on all.
  kKeyAware,
  kEveryPoint,  // consider a preemption at every point
};

struct Options {
  uint64_t seed = 0;
  Strategy strategy;
  Reduction reduction = Reduction::kKeyAware;
  // A run that takes more decisions than this fails with FailureKind::kStepLimit.
  uint64_t max_steps = 100000;
  // The stack of each fiber (Boost.Fiber's default is 128 KiB).
  size_t stack_size = 256 * 1024;
};

enum class FailureKind {
  kNone,
  kException,           // an exception escaped a fiber's body
  kDeadlock,            // every live fiber was blocked and no virtual timer was pending
  kStepLimit,           // Options::max_steps decisions were taken
  kFailed,              // Simulation::Fail was called
  kNondeterminism,      // an exhaustive prefix could not be followed: the body is not deterministic
  kMisuse,              // Run called twice, inside another simulation, Spawn during Run, ...
  kUnsatisfiableOrder,  // a forced ordering held back every fiber that could run
};
const char* FailureKindName(FailureKind kind);

// A fiber that was blocked when a deadlock was detected.
struct BlockedFiber {
  std::string fiber;
  std::string last_point;   // the step it executed last ("" if it blocked before any)
  std::string waiting_for;  // what it waits for: "wait(e1)", "lock(m)", "monitor.wait", ...
};

struct Failure {
  FailureKind kind = FailureKind::kNone;
  std::string fiber;                  // the fiber it happened in, if any
  std::string message;                // the exception's what(), the Fail message, ...
  std::vector<BlockedFiber> blocked;  // kDeadlock: every blocked fiber, in spawn order
  std::string ToString() const;
};

struct RunResult {
  // The schedule: one "fiber:step" token per decision, separated by single spaces
  // (docs/deterministic-scheduling.md, "Schedule strings"). Feed it to Strategy::Replay.
  std::string trace;
  uint64_t trace_hash = 0;      // FNV-1a 64 of trace
  uint64_t decisions = 0;       // tokens in trace
  uint64_t preemptions = 0;     // decisions that switched away from a fiber that could go on
  uint64_t virtual_micros = 0;  // the virtual clock when the run ended
  Failure failure;
  // kReplay: the 0-based decision at which the schedule stopped fitting, and why.
  std::optional<uint64_t> diverged_at;
  std::string divergence;
  // kPct: the guaranteed lower bound 1/(n k^(d-1)) of finding any bug of depth d.
  double pct_bound = 0;

  bool ok() const { return failure.kind == FailureKind::kNone; }
  std::string ToString() const;
};

class Simulation {
 public:
  explicit Simulation(Options options = {});
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Adds a fiber; call before Run. The name appears in traces and reports: whitespace and ':'
  // are replaced by '_'. Spawning during Run is reported as kMisuse.
  void Spawn(std::string name, std::function<void()> body);

  // Runs every spawned fiber to completion (or to the first failure) on the calling thread.
  // Each fiber first runs, in spawn order, up to its first scheduling point; from then on
  // every step is a decision of the strategy. Never throws because of a fiber; never hangs on
  // a deadlock. Call once.
  RunResult Run();

  // Forced ordering: the step `after` may not execute before the step `before` has. Both are
  // schedule tokens "fiber:step", optionally suffixed "#n" for the n-th occurrence; without
  // numbers the k-th `after` waits for the k-th `before`. Everything the edges leave open is
  // still decided by the strategy. An edge that names no spawned fiber fails the run with
  // kMisuse; one that holds back every fiber that could run fails it with
  // kUnsatisfiableOrder, naming the edge -- never a hang. Call before Run.
  void Order(std::string_view before, std::string_view after);
  // Runs `callback` on the fiber that executes the step `token` ("fiber:step" or
  // "fiber:step#n"), just before the step's code; each occurrence, or the n-th. Call before Run.
  void AtStep(std::string_view token, std::function<void()> callback);

  // Marks the run as failed (FailureKind::kFailed). Inside a fiber it also ends the run; after
  // Run (an invariant checked by the test body) it amends the result that Explore reports.
  // The first failure wins.
  void Fail(std::string message);

  const Options& options() const;
  // The result of Run, amended by Fail; empty before Run.
  const RunResult& result() const;

 private:
  friend class SimulationInternal;
  class Impl;
  std::unique_ptr<Impl> impl_;
};

namespace internal {
class Scheduler;
// The simulation running on this thread, if any.
extern thread_local constinit Scheduler* current;
void PointSlow(std::string_view name);
void KeyPointSlow(std::string_view name, std::string_view key);
}  // namespace internal

// A scheduling point: inside a simulation fiber the strategy decides which fiber executes its
// next step; the code after Point (up to the next point) is the calling fiber's step named
// `name` (no whitespace). Outside a simulation it costs one branch.
inline void Point(std::string_view name) {
  if (internal::current != nullptr) [[unlikely]] {
    internal::PointSlow(name);
  }
}

// A scheduling point whose step touches only `key` (a transaction's read or write of it), so
// that key-aware reduction can skip preempting it for a step on another key.
inline void KeyPoint(std::string_view name, std::string_view key) {
  if (internal::current != nullptr) [[unlikely]] {
    internal::KeyPointSlow(name, key);
  }
}

// True on a thread that is running a simulation.
inline bool InSimulation() { return internal::current != nullptr; }

// The virtual clock of the running simulation in microseconds (0 when it starts); outside a
// simulation, std::chrono::steady_clock.
uint64_t Now();

// Inside a simulation fiber: blocks the fiber until the virtual clock reaches Now() + micros,
// which happens only when no fiber can go on (discrete-event time; nothing really sleeps).
// Outside a simulation: std::this_thread::sleep_for.
void SleepFor(uint64_t micros);

// The name of the fiber calling, or "" outside a simulation fiber.
std::string_view CurrentFiber();

}  // namespace memdb::sim

#endif  // MEMDB_SIM_SIMULATION_H_
