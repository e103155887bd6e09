#include "util/wait.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace memdb {
namespace {

class ThreadMonitor final : public Monitor {
 public:
  void Lock() override { mu_.lock(); }
  void Unlock() override { mu_.unlock(); }
  void Wait() override {
    std::unique_lock<std::mutex> lock(mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // the caller still holds mu_
  }
  // Short timed waits spin (yielding the CPU) instead of sleeping: they are how a group-commit
  // leader waits a fraction of a sync for its partners, and a sleeping thread takes tens of
  // microseconds to wake -- the whole budget. Measured with two durable writers: sleeping
  // here put two wake-ups on each group's critical path.
  void WaitFor(uint64_t micros) override {
    constexpr uint64_t kMaxSpinMicros = 2000;
    if (micros <= kMaxSpinMicros) {
      const uint64_t seen = notifications_.load(std::memory_order_acquire);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(micros);
      mu_.unlock();
      while (notifications_.load(std::memory_order_acquire) == seen &&
             std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();
      }
      mu_.lock();
      return;
    }
    std::unique_lock<std::mutex> lock(mu_, std::adopt_lock);
    cv_.wait_for(lock, std::chrono::microseconds(micros));
    lock.release();
  }
  void NotifyAll() override {
    notifications_.fetch_add(1, std::memory_order_release);
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> notifications_{0};
};

class ThreadSeam final : public WaitSeam {
 public:
  std::unique_ptr<Monitor> NewMonitor() override { return std::make_unique<ThreadMonitor>(); }
};

}  // namespace

WaitSeam* ThreadWaitSeam() {
  static ThreadSeam seam;
  return &seam;
}

}  // namespace memdb
