#include "sim/seams.h"

#include <memory>
#include <stdexcept>

#include "memdb/sim/simulation.h"
#include "sim/scheduler.h"

namespace memdb::sim {
namespace {

// A mutex plus one condition, both at the level of the simulation: Wait is a blocked state
// of ours, so a monitor wait that nobody will notify is reported as a deadlock.
class FiberMonitor final : public Monitor {
 public:
  void Lock() override {
    while (locked_) {
      Scheduler("Lock")->Block("lock(monitor)", &locked_, false, 0);
    }
    locked_ = true;
  }
  void Unlock() override {
    locked_ = false;
    if (internal::current != nullptr) {
      internal::current->WakeAll(&locked_);
    }
  }
  void Wait() override {
    internal::Scheduler* s = Scheduler("Wait");
    Unlock();
    s->Block("monitor.wait", &cond_, false, 0);
    Lock();
  }
  void WaitFor(uint64_t micros) override {
    internal::Scheduler* s = Scheduler("WaitFor");
    Unlock();
    s->Block("monitor.wait_for", &cond_, true, s->now() + micros);
    Lock();
  }
  void NotifyAll() override {
    if (internal::current != nullptr) {
      internal::current->WakeAll(&cond_);
    }
  }

 private:
  static internal::Scheduler* Scheduler(const char* op) {
    internal::Scheduler* s = internal::current;
    if (s == nullptr || !s->InFiber()) {
      throw std::logic_error(std::string("sim Monitor::") + op +
                             " would block outside a simulation fiber");
    }
    return s;
  }

  bool locked_ = false;
  char cond_ = 0;  // its address is the condition's wake-up channel
};

class FiberSeam final : public WaitSeam {
 public:
  std::unique_ptr<Monitor> NewMonitor() override { return std::make_unique<FiberMonitor>(); }
};

class SimClock final : public Clock {
 public:
  uint64_t NowMicros() override { return Now(); }
};

}  // namespace

WaitSeam* FiberWaitSeam() {
  static FiberSeam seam;
  return &seam;
}

Clock* VirtualClock() {
  static SimClock clock;
  return &clock;
}

}  // namespace memdb::sim
