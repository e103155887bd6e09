// DbInternal: plumbing for memdb's own layers below db (the deterministic scheduler, the fault
// layer, the test library) that must reach a Db's engine without widening the public API
// (LevelDB's WriteBatchInternal pattern). It is the one door through which the engine hooks
// (util/engine_hooks.h) are installed.
#ifndef MEMDB_SRC_DB_DB_INTERNAL_H_
#define MEMDB_SRC_DB_DB_INTERNAL_H_

#include "memdb/db/db.h"
#include "mvcc/engine.h"
#include "util/engine_hooks.h"

namespace memdb::db {

class DbInternal {
 public:
  // Db::Open with `hooks` installed for this one database: its points, steps, blocking waits
  // (in-memory databases never wait), clock and deliberate bugs. When hooks.points is null a
  // durable database's points go to its storage's observer (FileSystem::point_observer), as
  // with Db::Open.
  static Result<Db> Open(const Options& options, const EngineHooks& hooks) {
    return Db::Open(options, hooks);
  }
  // Installs (or, with null, removes) the observer of `db`'s engine steps, replacing the one
  // `db` was opened with.
  static void SetStepObserver(Db& db, StepObserver* observer) {
    if (db.engine_ != nullptr) db.engine_->SetStepObserver(observer);
  }
};

}  // namespace memdb::db

#endif  // MEMDB_SRC_DB_DB_INTERNAL_H_
