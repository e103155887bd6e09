// Engine steps: the places where the deterministic scheduler (sim/) may switch to another fiber
// -- a transaction's begin, each get/put/delete/scan, commit, the commit path's persist and
// publish steps, a checkpoint. Each carries the transaction's id and, where there is one, the
// key, so the scheduler can consider a preemption only where two fibers' next steps touch the
// same key (docs/deterministic-scheduling.md).
//
// A step is a typed EngineStep, so observers switch on it; its name ("txn.get", ...) is spelled
// once, by EngineStepName/ParseEngineStep, because schedules, traces and docs use it.
//
// The observer is one of the engine hooks (util/engine_hooks.h), installed for one database by
// the simulation. Without one a step costs one predictable branch. The engine holds no lock
// when it passes a step, so an observer may switch fibers.
#ifndef MEMDB_SRC_UTIL_STEPS_H_
#define MEMDB_SRC_UTIL_STEPS_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace memdb {

enum class EngineStep : uint8_t {
  kTxnBegin,       // "txn.begin"
  kTxnGet,         // "txn.get"
  kTxnPut,         // "txn.put"
  kTxnDelete,      // "txn.delete"
  kTxnScan,        // "txn.scan"
  kTxnCommit,      // "txn.commit"
  kTxnRollback,    // "txn.rollback" (an outcome only: rolling back is never a switch point)
  kCommitPersist,  // "commit.persist"
  kCommitPublish,  // "commit.publish"
  kCheckpoint,     // "checkpoint"
};

// The step's stable name, e.g. "txn.get".
std::string_view EngineStepName(EngineStep step);
// The inverse of EngineStepName; nullopt for any other string.
std::optional<EngineStep> ParseEngineStep(std::string_view name);

struct Step {
  EngineStep step = EngineStep::kTxnBegin;
  uint64_t txn = 0;      // the transaction's id (0 for steps of no transaction)
  std::string_view key;  // empty when the step has no key
};

// What a step did, reported after it ran (for the history oracle, sim/history.h):
//  - kTxnBegin: `timestamp` is the snapshot's timestamp; `serializable` its isolation;
//  - kTxnGet: `found`, and `timestamp` the commit timestamp of the version read (0: no
//    version, the key never existed at the snapshot); `own_write` when the transaction read
//    its own buffered write;
//  - kTxnScan: the range [key, end) (`has_end`), `timestamp` the snapshot's timestamp;
//  - kTxnCommit: `found` says it committed, `timestamp` is its commit timestamp (0 when it
//    wrote nothing);
//  - kTxnRollback: an explicit Rollback of an active transaction.
struct StepOutcome {
  EngineStep step = EngineStep::kTxnBegin;
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
