#include "memdb/sim/database.h"

#include <string>
#include <unordered_map>

#include "db/db_internal.h"
#include "memdb/sim/simulation.h"
#include "sim/seams.h"
#include "util/steps.h"

namespace memdb::sim {

// Turns engine steps into scheduling points ("txn.get" on key "a" becomes Point("get(a)")) and
// records what each transaction did for the history oracle.
class ScheduledDatabase::Observer final : public StepObserver {
 public:
  void OnStep(const Step& step) override {
    if (step.name == "txn.put" || step.name == "txn.delete") {
      if (HistoryTxn* t = Find(step.txn)) {
        t->ops.push_back({.kind = HistoryOp::Kind::kWrite, .key = std::string(step.key)});
      }
    }
    if (!InSimulation()) return;
    std::string_view name = step.name;
    for (std::string_view prefix : {"txn.", "commit."}) {
      if (name.starts_with(prefix)) {
        name.remove_prefix(prefix.size());
        break;
      }
    }
    name_.assign(name);
    if (!step.key.empty()) {
      name_ += '(';
      name_.append(step.key);
      name_ += ')';
    }
    // A read or write of one key commutes with another transaction's read or write of another
    // key; begin, commit, the commit path, scans and checkpoints depend on everything.
    if (!step.key.empty() && step.name != "txn.scan") {
      KeyPoint(name_, step.key);
    } else {
      Point(name_);
    }
  }

  void OnOutcome(const StepOutcome& outcome) override {
    if (outcome.name == "txn.begin") {
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
    if (outcome.name == "txn.get") {
      t->ops.push_back({.kind = HistoryOp::Kind::kRead,
                        .key = std::string(outcome.key),
                        .version = outcome.timestamp,
                        .found = outcome.found,
                        .own_write = outcome.own_write});
    } else if (outcome.name == "txn.scan") {
      t->ops.push_back({.kind = HistoryOp::Kind::kScan,
                        .key = std::string(outcome.key),
                        .end = std::string(outcome.end),
                        .has_end = outcome.has_end});
    } else if (outcome.name == "txn.commit") {
      t->outcome = outcome.found ? HistoryTxn::Outcome::kCommitted : HistoryTxn::Outcome::kAborted;
      t->commit_timestamp = outcome.timestamp;
    } else if (outcome.name == "txn.rollback") {
      t->outcome = HistoryTxn::Outcome::kRolledBack;
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

Result<Db> OpenDatabase(const memdb::Options& options) {
  return db::DbInternal::Open(options, FiberWaitSeam(), VirtualClock());
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
