// The wait seam: every blocking wait inside the engine is made through a Monitor created here,
// so the deterministic scheduler (sim/) can substitute one that parks a fiber instead of a
// thread. A database's seam is one of its engine hooks (util/engine_hooks.h). A std::mutex held
// across a fiber switch would deadlock the simulation's only thread; a Monitor never leaves that
// choice to the engine.
//
// A Monitor is a mutex with one condition: Lock/Unlock bracket a critical section, Wait (with
// the lock held) releases it, blocks until a NotifyAll, and retakes it. Spurious wake-ups are
// allowed, so callers wait in a loop on their own predicate.
#ifndef MEMDB_SRC_UTIL_WAIT_H_
#define MEMDB_SRC_UTIL_WAIT_H_

#include <cstdint>
#include <memory>

namespace memdb {

class Monitor {
 public:
  virtual ~Monitor() = default;
  virtual void Lock() = 0;
  virtual void Unlock() = 0;
  // Requires the lock; returns with it held again.
  virtual void Wait() = 0;
  // Like Wait, but returns after at most `micros` microseconds of the seam's clock (the real
  // one for threads, the virtual one under simulation) even without a notification.
  virtual void WaitFor(uint64_t micros) = 0;
  virtual void NotifyAll() = 0;

  // BasicLockable, for std::lock_guard / std::unique_lock.
  void lock() { Lock(); }
  void unlock() { Unlock(); }
};

// Creates monitors. The default one blocks threads (std::mutex + std::condition_variable).
class WaitSeam {
 public:
  virtual ~WaitSeam() = default;
  virtual std::unique_ptr<Monitor> NewMonitor() = 0;
};

// The thread-blocking seam; a process-wide stateless object.
WaitSeam* ThreadWaitSeam();

}  // namespace memdb

#endif  // MEMDB_SRC_UTIL_WAIT_H_
