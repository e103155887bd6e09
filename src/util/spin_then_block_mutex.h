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

namespace memdb {

class SpinThenBlockMutex {
 public:
  void lock() {
    for (int i = 0; i < kSpins; ++i) {
      if (mu_.try_lock()) return;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    mu_.lock();
  }
  bool try_lock() { return mu_.try_lock(); }
  void unlock() { mu_.unlock(); }

 private:
  static constexpr int kSpins = 200;
  std::mutex mu_;
};

}  // namespace memdb

#endif  // MEMDB_SRC_UTIL_SPIN_THEN_BLOCK_MUTEX_H_
