// EngineHooks: the one seam through which memdb's own test layers (sim, fault) reach into one
// database instance -- the named points (memdb/util/points.h), the engine steps
// (util/steps.h), the wait seam (util/wait.h), the clock (util/clock.h) and the deliberate
// bugs. The engine never calls the layers that install them; it only passes through here.
//
// A default-constructed EngineHooks is production: no observers, threads block on
// ThreadWaitSeam(), time is SteadyClock(), no bug. The hooks are installed for one database
// through db::DbInternal::Open (src/db/db_internal.h); the engine keeps its copy for the
// database's lifetime and hands the parts to the log, recovery and checkpoints. Observers,
// seams and clocks are not owned and must outlive the database.
//
// Cost: a point or step with no observer installed is one predictable null test; a bug is
// one predictable test of a bool, on paths that already do I/O or validation.
#ifndef MEMDB_SRC_UTIL_ENGINE_HOOKS_H_
#define MEMDB_SRC_UTIL_ENGINE_HOOKS_H_

#include "memdb/util/points.h"
#include "util/clock.h"
#include "util/steps.h"
#include "util/wait.h"

namespace memdb {

// Deliberate engine bugs, each breaking a durability or isolation promise on purpose, so that
// the crash-state explorer and the history oracle can show they catch it, and users can check
// that their tests would (docs/fault-model.md, "Deliberate bugs"). Set only by the fault layer
// (memdb/fault/injected_bug.h names them for users); all false in production.
struct DeliberateBugs {
  bool ack_before_sync = false;              // SyncMode::kAlways commits return without syncing
  bool checkpoint_without_dir_sync = false;  // rename not made durable, old log truncated
  bool replay_ignores_checksums = false;     // recovery applies records whose checksum fails
  bool replay_partial_transaction = false;   // recovery applies the first part of a torn record
  bool retry_failed_sync = false;            // a failed sync is retried and the commit acked
  bool skip_write_conflicts = false;         // commits ignore write-write conflicts
};

struct EngineHooks {
  // Sees every named point of the database's storage path; null: points pass at once. When
  // left null, Db::Open installs the file system's own observer
  // (FileSystem::point_observer(), e.g. a FaultyFileSystem's).
  PointObserver* points = nullptr;
  // Sees every engine step; null: steps pass at once.
  StepObserver* steps = nullptr;
  // Makes the blocking waits of a durable database (group commit, checkpoints).
  WaitSeam* wait = ThreadWaitSeam();
  // Times the group-commit gathering and SyncMode::kInterval.
  Clock* clock = SteadyClock();
  DeliberateBugs bugs;
};

}  // namespace memdb

#endif  // MEMDB_SRC_UTIL_ENGINE_HOOKS_H_
