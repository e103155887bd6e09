#include "sim/scheduler.h"

#include <boost/fiber/algo/round_robin.hpp>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <thread>
#include <utility>

#include "util/clock.h"

#if defined(__SANITIZE_ADDRESS__)
#define MEMDB_SIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEMDB_SIM_ASAN 1
#endif
#endif
#if defined(MEMDB_SIM_ASAN)
#include <sanitizer/asan_interface.h>
#endif

namespace memdb::sim {
namespace internal {

thread_local constinit Scheduler* current = nullptr;

// Hands out only the context the scheduler designated. Every other parked context (the
// dispatcher included) waits in the set; the dispatcher runs again only after Run restores
// round_robin, which lets it free the terminated fibers.
class SimAlgorithm final : public boost::fibers::algo::algorithm {
 public:
  explicit SimAlgorithm(Scheduler* sched) : sched_(sched) { sched->algo_ = this; }

  void awakened(boost::fibers::context* ctx) noexcept override { ready_.push_back(ctx); }

  boost::fibers::context* pick_next() noexcept override {
    if (ready_.empty()) {
      return nullptr;
    }
    boost::fibers::context* want = draining_ ? ready_.back() : sched_->designated_;
    for (size_t i = 0; i < ready_.size(); ++i) {
      if (ready_[i] == want) {
        ready_.erase(ready_.begin() + static_cast<std::ptrdiff_t>(i));
        if (!draining_) {
          sched_->designated_ = nullptr;
        }
        return want;
      }
    }
    // Cannot happen unless the scheduler lost track of a context: go back to Run rather than
    // spin in the dispatcher.
    sched_->InternalError("no designated fiber to switch to");
    for (size_t i = 0; i < ready_.size(); ++i) {
      if (ready_[i] == sched_->main_ctx_) {
        ready_.erase(ready_.begin() + static_cast<std::ptrdiff_t>(i));
        return sched_->main_ctx_;
      }
    }
    boost::fibers::context* any = ready_.back();
    ready_.pop_back();
    return any;
  }

  bool has_ready_fibers() const noexcept override { return !ready_.empty(); }
  void suspend_until(std::chrono::steady_clock::time_point const&) noexcept override {}
  void notify() noexcept override {}

  void set_draining() { draining_ = true; }

 private:
  Scheduler* sched_;
  std::vector<boost::fibers::context*> ready_;
  bool draining_ = false;
};

namespace {

// Boost's fixedsize_stack, remembering where the fiber's stack ends (its lowest address).
struct RecordingStack {
  size_t size;
  char** lowest;
  boost::context::stack_context allocate() {
    boost::context::stack_context sc = boost::context::fixedsize_stack(size).allocate();
    *lowest = static_cast<char*>(sc.sp) - sc.size;
    return sc;
  }
  void deallocate(boost::context::stack_context& sc) noexcept {
    boost::context::fixedsize_stack(size).deallocate(sc);
  }
};

// ASan does not know the fiber stacks (Debian's Boost.Context is built without its fiber
// annotations), so it cannot clear the scope poison of frames an exception unwinds, and its
// no-return handler then trips over it. Aborted unwinds every frame of the fiber below
// FiberMain anyway: make all of that addressable before throwing it.
[[maybe_unused]] void UnpoisonFiberStack(const char* lowest, const char* fiber_main_frame) {
#if defined(MEMDB_SIM_ASAN)
  if (lowest != nullptr && fiber_main_frame > lowest) {
    __asan_unpoison_memory_region(lowest, static_cast<size_t>(fiber_main_frame - lowest));
  }
#else
  (void)lowest;
  (void)fiber_main_frame;
#endif
}

std::string Sanitize(std::string s, bool fiber_name) {
  for (char& c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
        (fiber_name && c == ':')) {
      c = '_';
    }
  }
  if (s.empty()) {
    s.push_back('_');  // not s = "_": GCC 12 -O3 reports a false -Wrestrict on that
  }
  return s;
}

uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

Scheduler::Scheduler(Options options)
    : options_(std::move(options)),
      rng_(options_.seed),
      strategy_(MakeStrategy(options_, &rng_, &trail_)) {}

Scheduler::~Scheduler() = default;

void Scheduler::Spawn(std::string name, std::function<void()> body) {
  if (ran_ || current == this) {
    RecordFailure(FailureKind::kMisuse, running_ != nullptr ? running_->name : "",
                  "Spawn(" + name + ") after Run started is not supported");
    aborting_ = aborting_ || current == this;
    return;
  }
  auto f = std::make_unique<Fiber>();
  f->index = fibers_.size();
  f->name = Sanitize(std::move(name), true);
  f->body = std::move(body);
  fibers_.push_back(std::move(f));
}

void Scheduler::RecordFailure(FailureKind kind, std::string fiber, std::string message) {
  if (result_.failure.kind == FailureKind::kNone) {
    result_.failure.kind = kind;
    result_.failure.fiber = std::move(fiber);
    result_.failure.message = std::move(message);
  }
}

void Scheduler::InternalError(std::string message) {
  RecordFailure(FailureKind::kMisuse, "", "internal scheduler error: " + std::move(message));
  aborting_ = true;
}

void Scheduler::Fail(std::string message) {
  RecordFailure(FailureKind::kFailed, running_ != nullptr ? running_->name : "",
                std::move(message));
  if (running_ != nullptr && current == this) {
    aborting_ = true;
    ThrowIfAborting();
  }
}

void Scheduler::ThrowIfAborting() {
  // Never throw while the fiber is already unwinding (a point in a destructor): that would be
  // std::terminate. The fiber then runs on without switching until it ends.
  if (aborting_ && std::uncaught_exceptions() == 0) {
    if (running_ != nullptr) {
      UnpoisonFiberStack(running_->stack_lowest, running_->main_frame);
    }
    throw Aborted{};
  }
}

void Scheduler::FiberMain(Fiber* f) {
  f->ctx = boost::fibers::context::active();
  // Only addresses below this frame belong to the body: the frame itself stays live.
  f->main_frame = static_cast<char*>(__builtin_frame_address(0)) - 256;
  f->state = Fiber::State::kRunning;
  running_ = f;
  if (!aborting_) {
    try {
      f->body();
    } catch (const Aborted&) {
    } catch (const std::exception& e) {
      RecordFailure(FailureKind::kException, f->name, e.what());
      aborting_ = true;
    } catch (...) {
      RecordFailure(FailureKind::kException, f->name,
                    "an exception not derived from std::exception");
      aborting_ = true;
    }
  }
  f->state = Fiber::State::kDone;
  Fiber* next = started_ ? Decide(f) : nullptr;
  running_ = nullptr;
  // Returning terminates the Boost fiber; the switch goes to the designated context.
  designated_ = next != nullptr ? next->ctx : main_ctx_;
}

Fiber* Scheduler::Decide(Fiber* prev) {
  if (aborting_) {
    return nullptr;
  }
  std::vector<Fiber*> ready;
  auto collect = [&] {
    ready.clear();
    for (auto& f : fibers_) {
      if (f->state == Fiber::State::kPending) {
        ready.push_back(f.get());
      }
    }
  };
  collect();
  if (ready.empty()) {
    // Discrete-event time: nobody can go on, so the clock jumps to the earliest timer.
    bool any = false;
    uint64_t earliest = 0;
    for (auto& f : fibers_) {
      if (f->state == Fiber::State::kBlocked && f->has_deadline &&
          (!any || f->deadline < earliest)) {
        any = true;
        earliest = f->deadline;
      }
    }
    if (any) {
      if (earliest > now_) {
        now_ = earliest;
      }
      for (auto& f : fibers_) {
        if (f->state == Fiber::State::kBlocked && f->has_deadline && f->deadline <= now_) {
          f->state = Fiber::State::kPending;
          f->step = f->waiting_for;
          f->timed_out = true;
        }
      }
      collect();
    }
  }
  if (ready.empty()) {
    Failure deadlock;
    for (auto& f : fibers_) {
      if (f->state == Fiber::State::kBlocked) {
        deadlock.blocked.push_back({f->name, f->last_point, f->waiting_for});
      }
    }
    if (!deadlock.blocked.empty() && result_.failure.kind == FailureKind::kNone) {
      std::string msg = "every live fiber is blocked:";
      for (const auto& b : deadlock.blocked) {
        msg += " " + b.fiber + " waits for " + b.waiting_for + " after " +
               (b.last_point.empty() ? std::string("its start") : b.last_point) + ";";
      }
      msg.pop_back();
      result_.failure.kind = FailureKind::kDeadlock;
      result_.failure.message = std::move(msg);
      result_.failure.blocked = std::move(deadlock.blocked);
      aborting_ = true;
    }
    return nullptr;
  }
  if (result_.decisions >= options_.max_steps) {
    RecordFailure(
        FailureKind::kStepLimit, prev != nullptr ? prev->name : "",
        "the run took more than max_steps=" + std::to_string(options_.max_steps) + " decisions");
    aborting_ = true;
    return nullptr;
  }
  if (!orderings_.empty() && !ApplyOrderings(ready)) {
    return nullptr;
  }
  if (options_.reduction == Reduction::kKeyAware && prev != nullptr &&
      prev->state == Fiber::State::kPending) {
    KeepDependent(prev, ready);
  }
  // Called even with one choice: replay and exhaustive search track every decision.
  const size_t i = strategy_->Choose(prev, ready, result_.decisions);
  if (trail_.nondeterministic) {
    RecordFailure(FailureKind::kNondeterminism, "", trail_.nondeterminism);
    aborting_ = true;
    return nullptr;
  }
  Fiber* chosen = ready[i < ready.size() ? i : 0];
  if (prev != nullptr && prev->state == Fiber::State::kPending && chosen != prev) {
    ++result_.preemptions;
  }
  if (result_.decisions > 0) {
    result_.trace += ' ';
  }
  result_.trace += chosen->name;
  result_.trace += ':';
  result_.trace += chosen->step;
  ++result_.decisions;
  chosen->state = Fiber::State::kRunning;
  chosen->last_point = chosen->step;
  if (!orderings_.empty()) {
    chosen->callbacks = orderings_.Executed(chosen->name + ':' + chosen->step);
  }
  last_ = chosen;
  return chosen;
}

bool Scheduler::ApplyOrderings(std::vector<Fiber*>& ready) {
  std::vector<Fiber*> free;
  std::string held;
  for (Fiber* f : ready) {
    if (const std::string* edge = orderings_.HeldBy(f->name + ':' + f->step)) {
      held += (held.empty() ? "" : "; ") + f->name + ':' + f->step + " is held by " +
              orderings_.Explain(*edge);
    } else {
      free.push_back(f);
    }
  }
  if (!free.empty()) {
    ready = std::move(free);
    return true;
  }
  std::string others;
  for (auto& f : fibers_) {
    if (f->state == Fiber::State::kDone) {
      others += " " + f->name + " ended;";
    } else if (f->state == Fiber::State::kBlocked) {
      others += " " + f->name + " waits for " + f->waiting_for + ";";
    }
  }
  if (!others.empty()) others.pop_back();
  RecordFailure(FailureKind::kUnsatisfiableOrder, "",
                "no fiber can run: " + held + (others.empty() ? "" : ";" + others));
  aborting_ = true;
  return false;
}

void Scheduler::KeepDependent(const Fiber* prev, std::vector<Fiber*>& ready) {
  if (!prev->keyed) return;  // an unkeyed step depends on every other step
  std::erase_if(ready,
                [prev](const Fiber* f) { return f != prev && f->keyed && f->key != prev->key; });
}

void Scheduler::RunCallbacks(Fiber* self) {
  std::vector<const std::function<void()>*> callbacks = std::move(self->callbacks);
  self->callbacks.clear();
  for (const std::function<void()>* callback : callbacks) (*callback)();
}

void Scheduler::SwitchTo(Fiber* self, Fiber* next) {
  if (self != nullptr && next == self) {
    running_ = self;
    return;
  }
  designated_ = next != nullptr ? next->ctx : main_ctx_;
  running_ = next;
  boost::this_fiber::yield();
  running_ = self;
}

void Scheduler::OnPoint(std::string_view name, const std::string_view* key) {
  Fiber* self = running_;
  if (self == nullptr) {
    return;  // the main context (Run's caller) is not a fiber of the simulation
  }
  ThrowIfAborting();
  if (aborting_) {
    return;
  }
  self->state = Fiber::State::kPending;
  self->step = Sanitize(std::string(name), false);
  self->keyed = key != nullptr;
  if (key != nullptr) self->key.assign(*key);
  SwitchTo(self, started_ ? Decide(self) : nullptr);
  ThrowIfAborting();
  if (!self->callbacks.empty()) RunCallbacks(self);
}

bool Scheduler::Block(std::string waiting_for, const void* channel, bool has_deadline,
                      uint64_t deadline) {
  Fiber* self = running_;
  ThrowIfAborting();
  if (aborting_) {
    return false;  // unwinding: a spurious wake-up
  }
  self->state = Fiber::State::kBlocked;
  self->waiting_for = Sanitize(std::move(waiting_for), false);
  self->channel = channel;
  self->has_deadline = has_deadline;
  self->deadline = deadline;
  self->timed_out = false;
  self->keyed = false;  // its wake-up step depends on every other step
  SwitchTo(self, started_ ? Decide(self) : nullptr);
  self->channel = nullptr;
  self->has_deadline = false;
  ThrowIfAborting();
  if (!self->callbacks.empty()) RunCallbacks(self);
  return self->timed_out;
}

void Scheduler::WakeAll(const void* channel) {
  for (auto& f : fibers_) {
    if (f->state == Fiber::State::kBlocked && f->channel == channel && channel != nullptr) {
      f->state = Fiber::State::kPending;
      f->step = f->waiting_for;
    }
  }
}

RunResult Scheduler::Run() {
  if (ran_ || current != nullptr) {
    RecordFailure(FailureKind::kMisuse, "",
                  ran_ ? "Run called twice" : "Run called inside a running simulation");
    result_.trace_hash = Fnv1a64(result_.trace);
    return result_;
  }
  ran_ = true;
  {
    std::vector<std::string> names;
    for (auto& f : fibers_) names.push_back(f->name);
    if (std::string error = orderings_.Validate(names); !error.empty()) {
      RecordFailure(FailureKind::kMisuse, "", std::move(error));
      result_.trace_hash = Fnv1a64(result_.trace);
      return result_;
    }
  }
  current = this;
  main_ctx_ = boost::fibers::context::active();
  boost::fibers::use_scheduling_algorithm<SimAlgorithm>(this);

  // Each fiber runs up to its first point in spawn order; it designates main and yields back.
  for (auto& f : fibers_) {
    Fiber* fp = f.get();
    running_ = nullptr;
    f->handle = boost::fibers::fiber(boost::fibers::launch::dispatch, std::allocator_arg,
                                     RecordingStack{options_.stack_size, &fp->stack_lowest},
                                     [this, fp] { FiberMain(fp); });
  }
  running_ = nullptr;
  started_ = true;
  {
    std::vector<Fiber*> all;
    for (auto& f : fibers_) {
      all.push_back(f.get());
    }
    strategy_->Start(all);
  }
  Fiber* next = Decide(nullptr);
  for (;;) {
    if (next != nullptr) {
      SwitchTo(nullptr, next);
    }
    // Back in main: every fiber ended, or the run is aborting and the live fibers must unwind.
    next = nullptr;
    for (auto& f : fibers_) {
      if (f->state != Fiber::State::kDone) {
        if (!aborting_) {
          InternalError("main resumed while fiber " + f->name + " is live");
        }
        f->state = Fiber::State::kRunning;
        next = f.get();
        break;
      }
    }
    if (next == nullptr) {
      break;
    }
  }
  for (auto& f : fibers_) {
    if (f->handle.joinable()) {
      f->handle.join();
    }
  }
  // Restore the default algorithm (draining ours) and let the dispatcher free the stacks.
  algo_->set_draining();
  algo_ = nullptr;
  boost::fibers::use_scheduling_algorithm<boost::fibers::algo::round_robin>();
  boost::this_fiber::yield();
  current = nullptr;
  strategy_->Finish(result_);
  result_.trace_hash = Fnv1a64(result_.trace);
  result_.virtual_micros = now_;
  return result_;
}

}  // namespace internal
}  // namespace memdb::sim
