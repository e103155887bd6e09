// Checkpoint files of a database directory: writing one durably, finding them, and removing
// what a new one makes obsolete. The file format is the snapshot layer's
// (snapshot/checkpoint_file.h, docs/checkpoint-format.md).
#ifndef MEMDB_SRC_DB_CHECKPOINT_H_
#define MEMDB_SRC_DB_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "memdb/io/file_system.h"
#include "memdb/util/status.h"
#include "mvcc/iterator_state.h"
#include "util/engine_hooks.h"

namespace memdb::db {

// "checkpoint-00000000000000000042.ckpt": 20 digits, so names sort by timestamp.
std::string CheckpointFileName(uint64_t timestamp);
bool ParseCheckpointFileName(std::string_view name, uint64_t* timestamp);

// Writes every entry `state` yields (the committed state at `timestamp`) as the checkpoint
// `timestamp` in `dir`, to be followed on recovery by the log from segment `replay_from`:
// a temporary file, synced, renamed into place, and the directory synced. On error nothing
// but possibly the temporary file (removed when possible) is left behind.
// Passes the points checkpoint.{write,sync,rename,dirsync}.before to hooks.points.
Status WriteCheckpoint(FileSystem& fs, const std::string& dir, mvcc::IteratorState* state,
                       uint64_t timestamp, uint64_t replay_from, const EngineHooks& hooks);

// After the checkpoint `timestamp` is durable: removes log segments numbered below
// `replay_from`, older checkpoints and temporary files. Best effort: a file left behind is
// ignored by recovery.
void RemoveObsoleteFiles(FileSystem& fs, const std::string& dir, uint64_t timestamp,
                         uint64_t replay_from, const EngineHooks& hooks);

}  // namespace memdb::db

#endif  // MEMDB_SRC_DB_CHECKPOINT_H_
