#include "memdb/sim/simulation.h"

#include <chrono>
#include <cstdio>
#include <thread>
#include <utility>

#include "sim/scheduler.h"
#include "util/clock.h"

namespace memdb::sim {

class Simulation::Impl {
 public:
  explicit Impl(Options options) : sched(std::move(options)) {}
  internal::Scheduler sched;
};

// Gives Explore (and later layers of sim/) the scheduler behind a Simulation.
class SimulationInternal {
 public:
  static internal::Scheduler& Sched(Simulation& sim) { return sim.impl_->sched; }
};

internal::Scheduler& SchedulerOf(Simulation& sim) { return SimulationInternal::Sched(sim); }

Strategy Strategy::RandomWalk(double switch_probability) {
  Strategy s;
  s.kind = StrategyKind::kRandomWalk;
  s.switch_probability = switch_probability;
  return s;
}

Strategy Strategy::Pct(int depth, uint64_t steps) {
  Strategy s;
  s.kind = StrategyKind::kPct;
  s.pct_depth = depth;
  s.pct_steps = steps;
  return s;
}

Strategy Strategy::Exhaustive(int preemption_bound) {
  Strategy s;
  s.kind = StrategyKind::kExhaustive;
  s.preemption_bound = preemption_bound;
  return s;
}

Strategy Strategy::Replay(std::string schedule) {
  Strategy s;
  s.kind = StrategyKind::kReplay;
  s.schedule = std::move(schedule);
  return s;
}

std::string Strategy::ToString() const {
  char buf[96];
  switch (kind) {
    case StrategyKind::kRandomWalk:
      std::snprintf(buf, sizeof(buf), "random(p=%g)", switch_probability);
      return buf;
    case StrategyKind::kPct:
      return "pct(d=" + std::to_string(pct_depth) + ",k=" + std::to_string(pct_steps) + ")";
    case StrategyKind::kExhaustive:
      return preemption_bound < 0 ? std::string("exhaustive(unbounded)")
                                  : "exhaustive(bound=" + std::to_string(preemption_bound) + ")";
    case StrategyKind::kReplay: {
      size_t steps = schedule.empty() ? 0 : 1;
      for (char c : schedule) {
        steps += c == ' ' ? 1 : 0;
      }
      return "replay(" + std::to_string(steps) + " steps)";
    }
  }
  return "?";
}

const char* FailureKindName(FailureKind kind) {
  switch (kind) {
    case FailureKind::kNone:
      return "none";
    case FailureKind::kException:
      return "exception";
    case FailureKind::kDeadlock:
      return "deadlock";
    case FailureKind::kStepLimit:
      return "step limit";
    case FailureKind::kFailed:
      return "failed";
    case FailureKind::kNondeterminism:
      return "nondeterminism";
    case FailureKind::kUnsatisfiableOrder:
      return "unsatisfiable forced ordering";
    case FailureKind::kMisuse:
      return "misuse";
  }
  return "?";
}

std::string Failure::ToString() const {
  if (kind == FailureKind::kNone) {
    return "ok";
  }
  std::string s = FailureKindName(kind);
  if (!fiber.empty()) {
    s += " in fiber " + fiber;
  }
  if (!message.empty()) {
    s += ": " + message;
  }
  return s;
}

std::string RunResult::ToString() const {
  std::string s = failure.ToString() + "\n  decisions=" + std::to_string(decisions) +
                  " preemptions=" + std::to_string(preemptions) +
                  " virtual_micros=" + std::to_string(virtual_micros) +
                  " trace_hash=" + std::to_string(trace_hash);
  if (diverged_at.has_value()) {
    s += "\n  replay diverged at step " + std::to_string(*diverged_at) + ": " + divergence;
  }
  s += "\n  schedule: " + trace;
  return s;
}

Simulation::Simulation(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Simulation::~Simulation() = default;

void Simulation::Spawn(std::string name, std::function<void()> body) {
  impl_->sched.Spawn(std::move(name), std::move(body));
}

RunResult Simulation::Run() { return impl_->sched.Run(); }

void Simulation::Fail(std::string message) { impl_->sched.Fail(std::move(message)); }

void Simulation::Order(std::string_view before, std::string_view after) {
  impl_->sched.orderings().AddEdge(before, after);
}

void Simulation::AtStep(std::string_view token, std::function<void()> callback) {
  impl_->sched.orderings().AddCallback(token, std::move(callback));
}

const Options& Simulation::options() const { return impl_->sched.options(); }

const RunResult& Simulation::result() const { return impl_->sched.result(); }

namespace internal {
void PointSlow(std::string_view name) { current->OnPoint(name, nullptr); }
void KeyPointSlow(std::string_view name, std::string_view key) { current->OnPoint(name, &key); }
}  // namespace internal

uint64_t Now() {
  if (internal::current != nullptr) {
    return internal::current->now();
  }
  return SteadyClock()->NowMicros();
}

void SleepFor(uint64_t micros) {
  internal::Scheduler* s = internal::current;
  if (s == nullptr || !s->InFiber()) {
    std::this_thread::sleep_for(std::chrono::microseconds(micros));
    return;
  }
  s->Block("sleep(" + std::to_string(micros) + "us)", nullptr, true, s->now() + micros);
}

std::string_view CurrentFiber() {
  internal::Scheduler* s = internal::current;
  if (s == nullptr || s->running() == nullptr) {
    return {};
  }
  return s->running()->name;
}

}  // namespace memdb::sim
