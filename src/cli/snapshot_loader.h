// LoadSnapshotOrCheckpoint: the input side of `memdb snapshot ...` -- any snapshot file the
// snapshot layer parses (binary, portable binary, JSON, XML, golden), or a checkpoint file of
// a database directory (docs/checkpoint-format.md), as one memdb::Snapshot.
//
// All checking is the snapshot layer's: ParseSnapshot for snapshot files, ReadCheckpoint for
// checkpoints (recognised by their magic, "MEMDBCKP"). Errors name the file and the offset or
// line:column, as those readers do.
#ifndef MEMDB_SRC_CLI_SNAPSHOT_LOADER_H_
#define MEMDB_SRC_CLI_SNAPSHOT_LOADER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "memdb/snapshot/snapshot.h"
#include "memdb/util/result.h"

namespace memdb::cli {

struct LoadedSnapshot {
  Snapshot snapshot;
  std::string format;  // SnapshotFormatName, or "checkpoint"
  uint64_t file_bytes = 0;
  // Checkpoints only: the first WAL segment recovery replays after loading it.
  std::optional<uint64_t> replay_from_segment;
};

Result<LoadedSnapshot> LoadSnapshotOrCheckpoint(const std::string& path);

}  // namespace memdb::cli

#endif  // MEMDB_SRC_CLI_SNAPSHOT_LOADER_H_
