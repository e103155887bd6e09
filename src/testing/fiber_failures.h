// GoogleTest failures raised inside simulation fibers: caught on their way to GoogleTest,
// tagged with the fiber's name, turned into a failure of the simulated run, and reported to the
// test afterwards.
//
// Why intercept rather than listen: a TestEventListener sees a result only after GoogleTest
// recorded it, unchangeably. GoogleTest's public interception point is the per-thread result
// reporter that gtest-spi.h's ScopedFakeTestPartResultReporter installs; fibers run on the
// test's thread, so every result raised in them passes through it, and SCOPED_TRACE cannot
// name a fiber (its stack is per thread, and fibers interleave on one thread).
#ifndef MEMDB_SRC_TESTING_FIBER_FAILURES_H_
#define MEMDB_SRC_TESTING_FIBER_FAILURES_H_

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "memdb/sim/simulation.h"

namespace memdb::testing::internal {

struct CapturedResult {
  ::testing::TestPartResult::Type type = ::testing::TestPartResult::kSuccess;
  std::string file;  // "" when unknown
  int line = -1;
  std::string fiber;  // "" when raised outside a fiber
  std::string message;

  bool failed() const {
    return type == ::testing::TestPartResult::kNonFatalFailure ||
           type == ::testing::TestPartResult::kFatalFailure;
  }
};

// Holds the array the base reporter insists on; it stays empty (every result goes to us).
struct UnusedResultArray {
  ::testing::TestPartResultArray unused_results;
};

// While alive, captures every GoogleTest result raised on this thread. A failure raised inside a
// fiber of `simulation` ends the run with Simulation::Fail when it is fatal (an ASSERT_*), or --
// with `every_failure_ends_run`, as Explore wants, so the schedule counts as failing -- when it
// is any failure.
class FiberFailureCollector : private UnusedResultArray,
                              public ::testing::ScopedFakeTestPartResultReporter {
 public:
  explicit FiberFailureCollector(bool every_failure_ends_run);
  ~FiberFailureCollector() override;

  // The simulation whose fibers run now (null: record only).
  void set_simulation(sim::Simulation* simulation) { simulation_ = simulation; }

  void ReportTestPartResult(const ::testing::TestPartResult& result) override;

  const std::vector<CapturedResult>& results() const { return results_; }
  std::vector<CapturedResult> TakeResults();
  bool HasFailure() const;
  // "<fiber t1> file:line: <first line of the message>" of the first failure; "" if none.
  std::string FirstFailure() const;

 private:
  bool every_failure_ends_run_;
  sim::Simulation* simulation_ = nullptr;
  std::vector<CapturedResult> results_;
};

// Reports `results` to GoogleTest again, from the calling thread, each failure prefixed with
// "[fiber <name>] " when it was raised in one. Call after the collector is gone.
void ReportAgain(const std::vector<CapturedResult>& results);

}  // namespace memdb::testing::internal

#endif  // MEMDB_SRC_TESTING_FIBER_FAILURES_H_
