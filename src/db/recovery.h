// Recovery: rebuilds a database's committed state from its directory -- the newest intact
// checkpoint, then the log after it -- under a RecoveryMode (docs/durability.md).
#ifndef MEMDB_SRC_DB_RECOVERY_H_
#define MEMDB_SRC_DB_RECOVERY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "memdb/db/options.h"
#include "memdb/io/file_system.h"
#include "memdb/util/status.h"
#include "mvcc/engine.h"
#include "util/engine_hooks.h"

namespace memdb::db {

struct RecoveredState {
  std::shared_ptr<mvcc::Engine> engine;
  uint64_t next_segment = 1;  // the first segment number the new log may use
  // Recovery discarded something (a torn tail, a damaged checkpoint, a point-in-time stop):
  // the caller must write a checkpoint before logging, so the damage is never read again.
  bool needs_checkpoint = false;
  // Segments to keep aside (point-in-time recovery stopped in the first of them).
  std::vector<std::string> set_aside;
};

// Reads options.path without changing it, under options.recovery_mode. The recovered engine is
// created with `hooks` (whose deliberate bugs may change how the log is replayed). Corruption
// names the file, the offset and what was wrong; NotSupported for files written by a newer
// memdb; IOError for failed reads.
Status Recover(FileSystem& fs, const Options& options, const EngineHooks& hooks,
               RecoveredState* out, RecoveryReport* report);

}  // namespace memdb::db

#endif  // MEMDB_SRC_DB_RECOVERY_H_
