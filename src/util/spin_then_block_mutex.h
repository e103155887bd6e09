// SpinThenBlockMutex: a mutex that spins briefly before sleeping.
//
// The engine's commit critical section lasts well under a microsecond, while putting a thread
// to sleep on a futex and waking it costs several: with two committers, std::mutex alone spent
// most of their time in the kernel. Spinning first lets a waiter take the lock the moment the
// holder leaves; after kSpins attempts it sleeps like std::mutex.
//
// No hook point runs while it is held, so on the simulation's fibers (one thread) it is never
// contended and never spins.
#ifndef MEMDB_SRC_UTIL_SPIN_THEN_BLOCK_MUTEX_H_
#define MEMDB_SRC_UTIL_SPIN_THEN_BLOCK_MUTEX_H_

#include <mutex>

#include "util/thread_annotations.h"

namespace memdb {

class CAPABILITY("mutex") SpinThenBlockMutex {
 public:
  void lock() ACQUIRE() {
    for (int i = 0; i < kSpins; ++i) {
      if (mu_.try_lock()) return;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    mu_.lock();
  }
  bool try_lock() TRY_ACQUIRE(true) { return mu_.try_lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  // Tells the analysis the caller holds this mutex (e.g. through a std::unique_lock, which it
  // cannot follow); does nothing at run time.
  void AssertHeld() const ASSERT_CAPABILITY(this) {}

 private:
  static constexpr int kSpins = 200;
  std::mutex mu_;
};

}  // namespace memdb

#endif  // MEMDB_SRC_UTIL_SPIN_THEN_BLOCK_MUTEX_H_
