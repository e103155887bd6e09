// Options for a memdb database.
#ifndef MEMDB_DB_OPTIONS_H_
#define MEMDB_DB_OPTIONS_H_

#include <cstdint>

#include "memdb/mvcc/txn.h"

namespace memdb {

struct Options {
  // The isolation level of Begin() without TxnOptions, and of Update and View.
  IsolationLevel default_isolation = IsolationLevel::kSnapshot;
  // How many times Update runs its body before giving up with Conflict (>= 1).
  int max_update_attempts = 16;
};

// Counters describing the engine's state, for tests and monitoring.
struct DbStats {
  uint64_t last_commit_timestamp = 0;  // 0 for a fresh database
  uint64_t live_keys = 0;              // keys whose newest version is not a tombstone
  uint64_t versions = 0;               // all versions held, including tombstones and old ones
  uint64_t pending_garbage = 0;        // versions waiting for an old snapshot to be released
  uint64_t memory_bytes = 0;           // bytes held by versions and the index
  uint64_t active_snapshots = 0;       // open transactions and iterators
  uint64_t commits = 0;                // successful read-write commits
  uint64_t conflicts = 0;              // commits that aborted with Conflict
};

}  // namespace memdb

#endif  // MEMDB_DB_OPTIONS_H_
