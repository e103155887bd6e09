#include "memdb/sim/database.h"

#include <string>
#include <unordered_map>

#include "db/db_internal.h"
#include "fault/injected_bug.h"
#include "memdb/sim/simulation.h"
#include "sim/seams.h"
#include "util/engine_hooks.h"
#include "util/steps.h"

namespace memdb::sim {
namespace {

// The scheduling point of a step: its name without the "txn." or "commit." family, so traces
// and schedule strings read "t1:get(a) t1:commit t1:persist" (docs/deterministic-scheduling.md).
std::string_view PointName(EngineStep step) {
  std::string_view name = EngineStepName(step);
  for (std::string_view family : {"txn.", "commit."}) {
    if (name.starts_with(family)) return name.substr(family.size());
  }
  return name;
}

}  // namespace

// Turns engine steps into scheduling points (kTxnGet on key "a" becomes Point("get(a)")) and
// records what each transaction did for the history oracle.
class ScheduledDatabase::Observer final : public StepObserver {
 public:
  void OnStep(const Step& step) override {
    if (step.step == EngineStep::kTxnPut || step.step == EngineStep::kTxnDelete) {
      if (HistoryTxn* t = Find(step.txn)) {
        t->ops.push_back({.kind = HistoryOp::Kind::kWrite, .key = std::string(step.key)});
      }
    }
    if (!InSimulation()) return;
    name_.assign(PointName(step.step));
    if (!step.key.empty()) {
      name_ += '(';
      name_.append(step.key);
      name_ += ')';
    }
    // A read or write of one key commutes with another transaction's read or write of another
    // key; begin, commit, the commit path, scans and checkpoints depend on everything.
    if (!step.key.empty() && step.step != EngineStep::kTxnScan) {
      KeyPoint(name_, step.key);
    } else {
      Point(name_);
    }
  }

  void OnOutcome(const StepOutcome& outcome) override {
    if (outcome.step == EngineStep::kTxnBegin) {
      index_[outcome.txn] = history_.transactions.size();
      HistoryTxn& t = history_.transactions.emplace_back();
      t.id = outcome.txn;
      t.fiber = std::string(CurrentFiber());
      t.snapshot = outcome.timestamp;
      t.serializable = outcome.serializable;
      return;
    }
    HistoryTxn* t = Find(outcome.txn);
    if (t == nullptr) return;
    switch (outcome.step) {
      case EngineStep::kTxnGet:
        t->ops.push_back({.kind = HistoryOp::Kind::kRead,
                          .key = std::string(outcome.key),
                          .version = outcome.timestamp,
                          .found = outcome.found,
                          .own_write = outcome.own_write});
        break;
      case EngineStep::kTxnScan:
        t->ops.push_back({.kind = HistoryOp::Kind::kScan,
                          .key = std::string(outcome.key),
                          .end = std::string(outcome.end),
                          .has_end = outcome.has_end});
        break;
      case EngineStep::kTxnCommit:
        t->outcome =
            outcome.found ? HistoryTxn::Outcome::kCommitted : HistoryTxn::Outcome::kAborted;
        t->commit_timestamp = outcome.timestamp;
        break;
      case EngineStep::kTxnRollback:
        t->outcome = HistoryTxn::Outcome::kRolledBack;
        break;
      default:
        break;  // no other step reports an outcome
    }
  }

  const History& history() const { return history_; }

 private:
  HistoryTxn* Find(uint64_t txn) {
    auto it = index_.find(txn);
    return it == index_.end() ? nullptr : &history_.transactions[it->second];
  }

  std::string name_;
  History history_;
  std::unordered_map<uint64_t, size_t> index_;  // txn id -> history_.transactions
};

Result<Db> OpenDatabase(const memdb::Options& options, uint32_t injected_bugs) {
  EngineHooks hooks;
  hooks.wait = FiberWaitSeam();
  hooks.clock = VirtualClock();
  hooks.bugs = DeliberateBugsOf(injected_bugs);
  return db::DbInternal::Open(options, hooks);
}

ScheduledDatabase::ScheduledDatabase(Db& db) : db_(db), observer_(std::make_unique<Observer>()) {
  db::DbInternal::SetStepObserver(db_, observer_.get());
}

ScheduledDatabase::~ScheduledDatabase() { db::DbInternal::SetStepObserver(db_, nullptr); }

const History& ScheduledDatabase::history() const { return observer_->history(); }

std::vector<Anomaly> ScheduledDatabase::CheckHistory(std::optional<IsolationLevel> against) const {
  return sim::CheckHistory(observer_->history(), against);
}

}  // namespace memdb::sim
