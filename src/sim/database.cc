#include "memdb/sim/database.h"

#include <string>

#include "db/db_internal.h"
#include "memdb/sim/simulation.h"
#include "util/steps.h"

namespace memdb::sim {

// Turns engine steps into scheduling points: "txn.get" on key "a" becomes Point("get(a)").
class ScheduledDatabase::Observer final : public StepObserver {
 public:
  void OnStep(const Step& step) override {
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
    Point(name_);
  }

 private:
  std::string name_;
};

ScheduledDatabase::ScheduledDatabase(Db& db) : db_(db), observer_(std::make_unique<Observer>()) {
  db::DbInternal::SetStepObserver(db_, observer_.get());
}

ScheduledDatabase::~ScheduledDatabase() { db::DbInternal::SetStepObserver(db_, nullptr); }

}  // namespace memdb::sim
