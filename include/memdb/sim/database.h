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
// get/put/delete are KeyPoints on their key, so key-aware reduction (the default) does not
// interleave steps on different keys (docs/deterministic-scheduling.md, section 7). The
// transactions are also recorded for the history oracle: history(), CheckHistory().
#ifndef MEMDB_SIM_DATABASE_H_
#define MEMDB_SIM_DATABASE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/fault/injected_bug.h"
#include "memdb/sim/history.h"

namespace memdb::sim {

// Db::Open for a database driven by simulation fibers: the blocking waits of a durable
// database (group commit, checkpoints) park the waiting fiber -- a scheduling decision, and
// a deadlock report instead of a hang -- and its timing reads the virtual clock. Use it for
// every database whose operations run in simulation fibers; the result also works outside a
// simulation as long as no wait has to block. In-memory databases never wait: Db::Open is
// the same for them. `injected_bugs` (a bitwise OR of InjectedBug, memdb/fault/injected_bug.h)
// installs deliberate bugs, e.g. kSkipWriteConflicts, to show a test finds the lost update.
[[nodiscard]] Result<Db> OpenDatabase(const memdb::Options& options, uint32_t injected_bugs = 0);

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
