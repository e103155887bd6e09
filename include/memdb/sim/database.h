// Scheduling a database's transactions: while a ScheduledDatabase lives, every transactional
// step of `db` (begin, get/put/delete/scan of a key, commit, the commit path's persist and
// publish, checkpoint) is a scheduling point of the simulation running on the calling thread,
// named after the step and its key: "get(a)", "put(a)", "commit". Outside a simulation the
// steps pass without effect.
//
//   memdb::sim::Simulation sim({.seed = 42});
//   memdb::sim::ScheduledDatabase scheduled(db);
//   sim.Spawn("t1", [&] { ... db.Begin() ... });
//   sim.Spawn("t2", [&] { ... });
//   memdb::sim::RunResult r = sim.Run();   // r.trace: "t1:begin t2:begin t2:get(a) ..."
//
// Every step is a point: key-aware reduction (preempting only where two fibers' next steps
// touch the same key) is not implemented yet (docs/deterministic-scheduling.md).
#ifndef MEMDB_SIM_DATABASE_H_
#define MEMDB_SIM_DATABASE_H_

#include <memory>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/sim/history.h"

namespace memdb::sim {

class ScheduledDatabase {
 public:
  explicit ScheduledDatabase(Db& db);
  ~ScheduledDatabase();
  ScheduledDatabase(const ScheduledDatabase&) = delete;
  ScheduledDatabase& operator=(const ScheduledDatabase&) = delete;

  // Every transaction of the database begun while this object lives (memdb/sim/history.h).
  const History& history() const;
  // sim::CheckHistory(history(), against): the anomalies that the promised isolation (or
  // `against`) forbids; empty if none.
  std::vector<Anomaly> CheckHistory(std::optional<IsolationLevel> against = std::nullopt) const;

 private:
  class Observer;
  Db& db_;
  std::unique_ptr<Observer> observer_;
};

}  // namespace memdb::sim

#endif  // MEMDB_SIM_DATABASE_H_
