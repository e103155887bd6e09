#include "util/wait.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

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
  void WaitFor(uint64_t micros) override {
    std::unique_lock<std::mutex> lock(mu_, std::adopt_lock);
    cv_.wait_for(lock, std::chrono::microseconds(micros));
    lock.release();
  }
  void NotifyAll() override { cv_.notify_all(); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
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
