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
  uint64_t last_segment = 0;  // the newest segment present (0: none), for the new one's link
  // Recovery discarded something (a torn tail, a damaged checkpoint, a point-in-time stop):
  // the caller must write a checkpoint before logging, so the damage is never read again.
  bool needs_checkpoint = false;
  // Files to keep aside as NAME.damaged once the new checkpoint is durable, so they are never
  // read again: damaged checkpoints that were skipped, and the segments from the one
  // point-in-time recovery stopped in.
  std::vector<std::string> set_aside;
};

// Reads options.path without changing it, under options.recovery_mode. The recovered engine is
// created with `hooks` (whose deliberate bugs may change how the log is replayed). Corruption
// names the file, the offset and what was wrong -- including, in every mode, a segment name
// that cannot be read or followed, a checkpoint whose claims (commit_timestamp, key_count,
// replay_from_segment) contradict its name, its contents or the log, a log that does not
// continue the state it is replayed on, and a damaged checkpoint whose transactions neither an
// older checkpoint nor the log can rebuild (docs/durability.md); NotSupported for files
// written by a newer memdb; IOError for failed reads.
Status Recover(FileSystem& fs, const Options& options, const EngineHooks& hooks,
               RecoveredState* out, RecoveryReport* report);

}  // namespace memdb::db

#endif  // MEMDB_SRC_DB_RECOVERY_H_
