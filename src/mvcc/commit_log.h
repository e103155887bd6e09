// CommitLog: where the engine sends validated transactions before it publishes them.
//
// With a CommitLog installed (a database with a directory), commits go through group commit:
// committers queue up, the one at the front (the leader) validates every queued transaction,
// hands the ones that passed to Persist in one call -- one append and one sync for the whole
// group -- and publishes them only if Persist succeeded. Without one (a purely in-memory
// database) a commit validates and publishes directly.
//
// The db layer implements this over the write-ahead log; the engine knows nothing of files.
#ifndef MEMDB_SRC_MVCC_COMMIT_LOG_H_
#define MEMDB_SRC_MVCC_COMMIT_LOG_H_

#include <cstdint>
#include <span>

#include "memdb/util/status.h"
#include "mvcc/write_buffer.h"

namespace memdb::mvcc {

// One transaction that passed validation, with the timestamp it will be published at.
struct PendingCommit {
  uint64_t timestamp;
  const WriteBuffer* writes;
};

class CommitLog {
 public:
  virtual ~CommitLog() = default;
  // Makes `group` (timestamps consecutive and increasing) as durable as the sync mode
  // promises. OK lets the engine publish all of them; an error publishes none and is
  // reported by each of their commits. Called by one leader at a time, with no engine lock
  // held, so it may block (on the wait seam) and pass hook points.
  virtual Status Persist(std::span<const PendingCommit> group) = 0;
  // Called by the leader after publishing a group, outside every engine lock: a place for
  // work that follows commits, such as an automatic checkpoint.
  virtual void AfterPublish() {}
};

}  // namespace memdb::mvcc

#endif  // MEMDB_SRC_MVCC_COMMIT_LOG_H_
