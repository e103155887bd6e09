// DbInternal: plumbing for memdb's own layers below db (the deterministic scheduler, the test
// library) that must reach a Db's engine without widening the public API (LevelDB's
// WriteBatchInternal pattern).
#ifndef MEMDB_SRC_DB_DB_INTERNAL_H_
#define MEMDB_SRC_DB_DB_INTERNAL_H_

#include "memdb/db/db.h"
#include "mvcc/engine.h"
#include "util/clock.h"
#include "util/steps.h"
#include "util/wait.h"

namespace memdb::db {

class DbInternal {
 public:
  // Installs (or, with null, removes) the observer of `db`'s scheduling steps.
  static void SetStepObserver(Db& db, StepObserver* observer) {
    if (db.engine_ != nullptr) db.engine_->SetStepObserver(observer);
  }
  // Db::Open with the blocking waits of a durable database made through `seam` and its
  // timing read from `clock` (the simulation's fiber seams); in-memory databases never wait.
  static Result<Db> Open(const Options& options, WaitSeam* seam, Clock* clock) {
    return Db::Open(options, seam, clock);
  }
};

}  // namespace memdb::db

#endif  // MEMDB_SRC_DB_DB_INTERNAL_H_
