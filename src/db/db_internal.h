// DbInternal: plumbing for memdb's own layers below db (the deterministic scheduler, the test
// library) that must reach a Db's engine without widening the public API (LevelDB's
// WriteBatchInternal pattern).
#ifndef MEMDB_SRC_DB_DB_INTERNAL_H_
#define MEMDB_SRC_DB_DB_INTERNAL_H_

#include "memdb/db/db.h"
#include "mvcc/engine.h"
#include "util/steps.h"

namespace memdb::db {

class DbInternal {
 public:
  // Installs (or, with null, removes) the observer of `db`'s scheduling steps.
  static void SetStepObserver(Db& db, StepObserver* observer) {
    if (db.engine_ != nullptr) db.engine_->SetStepObserver(observer);
  }
};

}  // namespace memdb::db

#endif  // MEMDB_SRC_DB_DB_INTERNAL_H_
