// Transactional steps: the places where the deterministic scheduler (sim/) may switch to
// another fiber -- a transaction's begin, each get/put/delete/scan, commit, the commit path's
// log and publish steps, a checkpoint. Each carries the transaction's id and, where there is
// one, the key, so the scheduler can consider a preemption only where two fibers' next steps
// touch the same key (docs/deterministic-scheduling.md).
//
// An observer is installed on one engine (by the simulation, for the databases it drives).
// Without one a step costs one predictable branch. The engine holds no lock when it passes a
// step, so an observer may switch fibers.
#ifndef MEMDB_SRC_UTIL_STEPS_H_
#define MEMDB_SRC_UTIL_STEPS_H_

#include <cstdint>
#include <string_view>

namespace memdb {

struct Step {
  std::string_view name;  // "txn.begin", "txn.get", ..., "commit.publish"
  uint64_t txn = 0;       // the transaction's id (0 for steps of no transaction)
  std::string_view key;   // empty when the step has no key
};

class StepObserver {
 public:
  virtual ~StepObserver() = default;
  virtual void OnStep(const Step& step) = 0;
};

}  // namespace memdb

#endif  // MEMDB_SRC_UTIL_STEPS_H_
