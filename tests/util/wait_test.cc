#include "util/wait.h"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace memdb {
namespace {

TEST(ThreadWaitSeamTest, WaitForReturnsWithoutANotification) {
  std::unique_ptr<Monitor> monitor = ThreadWaitSeam()->NewMonitor();
  std::unique_lock<Monitor> lock(*monitor);
  const auto start = std::chrono::steady_clock::now();
  monitor->WaitFor(2000);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::microseconds(1500));
  EXPECT_TRUE(lock.owns_lock());
}

TEST(ThreadWaitSeamConcurrency, NotifyAllWakesEveryWaiter) {
  std::unique_ptr<Monitor> monitor = ThreadWaitSeam()->NewMonitor();
  bool go = false;
  int woken = 0;
  std::vector<std::thread> waiters;
  for (int i = 0; i < 3; ++i) {
    waiters.emplace_back([&] {
      std::unique_lock<Monitor> lock(*monitor);
      while (!go) monitor->Wait();
      ++woken;
    });
  }
  {
    std::unique_lock<Monitor> lock(*monitor);
    go = true;
    monitor->NotifyAll();
  }
  for (std::thread& t : waiters) t.join();
  EXPECT_EQ(woken, 3);
}

}  // namespace
}  // namespace memdb
