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

// What a step did, reported after it ran (for the history oracle, sim/history.h):
//  - "txn.begin": `timestamp` is the snapshot's timestamp; `serializable` its isolation;
//  - "txn.get": `found`, and `timestamp` the commit timestamp of the version read (0: no
//    version, the key never existed at the snapshot); `own_write` when the transaction read
//    its own buffered write;
//  - "txn.scan": the range [key, end) (`has_end`), `timestamp` the snapshot's timestamp;
//  - "txn.commit": `found` says it committed, `timestamp` is its commit timestamp (0 when it
//    wrote nothing);
//  - "txn.rollback": an explicit Rollback of an active transaction.
struct StepOutcome {
  std::string_view name;
  uint64_t txn = 0;
  std::string_view key;
  std::string_view end;
  bool has_end = false;
  uint64_t timestamp = 0;
  bool found = false;
  bool own_write = false;
  bool serializable = false;
};

class StepObserver {
 public:
  virtual ~StepObserver() = default;
  virtual void OnStep(const Step& step) = 0;
  virtual void OnOutcome(const StepOutcome& /*outcome*/) {}
};

}  // namespace memdb

#endif  // MEMDB_SRC_UTIL_STEPS_H_
