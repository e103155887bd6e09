// The core of the simulation: fiber bookkeeping, decisions, blocking and virtual time.
//
// Why every switch is a yield: Boost.Fiber's yield always switches when another fiber is
// ready, so the scheduler decides itself *whether* and *to whom* to switch. Every parked
// fiber (pending at a point, blocked, or the thread's main context waiting in Run) sits in the
// SimAlgorithm's ready set at Boost's level; the algorithm only ever hands out the one context
// the scheduler designated. "Blocked" is therefore a state of ours, not of Boost, which is what
// lets us see that every fiber is blocked and report a deadlock instead of hanging.
#ifndef MEMDB_SRC_SIM_SCHEDULER_H_
#define MEMDB_SRC_SIM_SCHEDULER_H_

#include <boost/fiber/all.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/sim/simulation.h"
#include "memdb/util/random.h"
#include "sim/ordering.h"

namespace memdb::sim::internal {

struct Fiber {
  enum class State { kNew, kRunning, kPending, kBlocked, kDone };
  size_t index = 0;
  std::string name;
  std::function<void()> body;
  boost::fibers::fiber handle;
  boost::fibers::context* ctx = nullptr;
  State state = State::kNew;
  std::string step;  // kPending: the step it will execute when chosen
  // kPending: the key its next step touches alone (a KeyPoint), for key-aware reduction.
  bool keyed = false;
  std::string key;
  // Forced-ordering callbacks to run when it resumes to execute its step.
  std::vector<const std::function<void()>*> callbacks;
  std::string last_point;  // the step it executed last
  // kBlocked: what it waits for, the channel that wakes it (nullptr: only its timer) and the
  // virtual time at which it wakes anyway (has_deadline).
  std::string waiting_for;
  const void* channel = nullptr;
  bool has_deadline = false;
  uint64_t deadline = 0;
  bool timed_out = false;
  uint64_t priority = 0;         // PCT
  char* stack_lowest = nullptr;  // the fiber stack's lowest address
  char* main_frame = nullptr;    // below FiberMain's frame (ASan unpoisoning)
};

// Chooses among the runnable fibers; one per strategy kind (strategy.cc).
class StrategyImpl {
 public:
  virtual ~StrategyImpl() = default;
  // Called once, after every fiber reached its first point.
  virtual void Start(const std::vector<Fiber*>& /*fibers*/) {}
  // `prev` is the fiber that ran last (nullptr at the first decision); it is among `ready` iff
  // it could go on. `step` counts decisions from 0. Returns an index into `ready`.
  virtual size_t Choose(const Fiber* prev, const std::vector<Fiber*>& ready, uint64_t step) = 0;
  // Fills what the strategy has to report (divergence, bounds, errors).
  virtual void Finish(RunResult& /*result*/) {}
};

// Exhaustive search state shared between a run and Explore.
struct Decision {
  std::vector<size_t> ready;  // fiber indices, spawn order
  size_t chosen = 0;          // fiber index
  bool prev_ready = false;
  size_t prev = 0;  // fiber index of the fiber that ran last (valid if prev_ready)
};
struct ExhaustiveTrail {
  std::vector<size_t> prefix;  // fiber indices to follow
  std::vector<Decision> decisions;
  bool nondeterministic = false;
  std::string nondeterminism;
};

std::unique_ptr<StrategyImpl> MakeStrategy(const Options& options, Random* rng,
                                           ExhaustiveTrail* trail);

class SimAlgorithm;

class Scheduler {
 public:
  explicit Scheduler(Options options);
  ~Scheduler();

  void Spawn(std::string name, std::function<void()> body);
  RunResult Run();
  void Fail(std::string message);

  // Called from inside this scheduler's fibers.
  // `key`: the key the step touches alone (KeyPoint), or nullptr.
  void OnPoint(std::string_view name, const std::string_view* key);
  // Blocks the running fiber; returns true if its deadline passed rather than a wake-up.
  bool Block(std::string waiting_for, const void* channel, bool has_deadline, uint64_t deadline);
  // Makes every fiber blocked on `channel` runnable.
  void WakeAll(const void* channel);
  bool InFiber() const { return running_ != nullptr; }
  bool ran() const { return ran_; }
  const Fiber* running() const { return running_; }
  uint64_t now() const { return now_; }

  const Options& options() const { return options_; }
  Orderings& orderings() { return orderings_; }
  // The spawn index of the fiber named `name`, or SIZE_MAX.
  size_t FiberIndex(std::string_view name) const {
    for (const auto& f : fibers_) {
      if (f->name == name) return f->index;
    }
    return SIZE_MAX;
  }
  RunResult& result() { return result_; }
  ExhaustiveTrail& trail() { return trail_; }

  // Set by SimAlgorithm::pick_next's fallback: a switch without a designated context.
  void InternalError(std::string message);

 private:
  friend class SimAlgorithm;
  struct Aborted {};

  void RecordFailure(FailureKind kind, std::string fiber, std::string message);
  void FiberMain(Fiber* f);
  // Takes the next decision; nullptr means "back to Run" (all done, deadlock or abort).
  Fiber* Decide(Fiber* prev);
  // Switches from `self` (nullptr: the main context) to `next` (nullptr: the main context).
  void SwitchTo(Fiber* self, Fiber* next);
  void ThrowIfAborting();
  // Removes from `ready` the fibers held back by a forced ordering; false (and the run failed)
  // when none is left.
  bool ApplyOrderings(std::vector<Fiber*>& ready);
  // Key-aware reduction: keeps `prev` and the fibers whose next step depends on prev's.
  static void KeepDependent(const Fiber* prev, std::vector<Fiber*>& ready);
  // Runs the callbacks queued for `self` by the decision that chose it.
  void RunCallbacks(Fiber* self);

  Options options_;
  Random rng_;
  ExhaustiveTrail trail_;
  Orderings orderings_;
  std::unique_ptr<StrategyImpl> strategy_;
  std::vector<std::unique_ptr<Fiber>> fibers_;
  Fiber* running_ = nullptr;
  Fiber* last_ = nullptr;  // the fiber that executed the previous step
  boost::fibers::context* main_ctx_ = nullptr;
  boost::fibers::context* designated_ = nullptr;
  SimAlgorithm* algo_ = nullptr;
  bool started_ = false;  // every fiber reached its first point
  bool ran_ = false;
  bool aborting_ = false;
  uint64_t now_ = 0;
  RunResult result_;
};

}  // namespace memdb::sim::internal

#endif  // MEMDB_SRC_SIM_SCHEDULER_H_
