// TxnState: everything one transaction owns -- its snapshot, its buffered writes and, in
// serializable mode, what it read. The public Txn is a handle to one of these.
#ifndef MEMDB_SRC_MVCC_TXN_STATE_H_
#define MEMDB_SRC_MVCC_TXN_STATE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/mvcc/scan_range.h"
#include "memdb/mvcc/txn.h"
#include "memdb/util/status.h"
#include "mvcc/snapshot_registry.h"
#include "mvcc/write_buffer.h"

namespace memdb::mvcc {

class Engine;

class TxnState {
 public:
  enum class Phase { kActive, kCommitted, kAborted, kRolledBack };

  TxnState(std::shared_ptr<Engine> engine, const TxnOptions& options);
  ~TxnState();  // releases the snapshot if still held
  TxnState(const TxnState&) = delete;
  TxnState& operator=(const TxnState&) = delete;

  // OK while the transaction can still be used for `operation` (e.g. "Put"); otherwise
  // InvalidArgument naming the operation and the reason.
  Status CheckUsable(std::string_view operation) const;
  // Ends the transaction: drops its buffers and releases its snapshot.
  void Finish(Phase final_phase);
  // Serializable read-write transactions remember their reads for validation at commit.
  bool RecordsReads() const {
    return options.isolation == IsolationLevel::kSerializable && !options.read_only;
  }

  const std::shared_ptr<Engine> engine;
  const TxnOptions options;
  const uint64_t id;  // for scheduling steps and traces
  SnapshotRegistry::Entry snapshot;
  Phase phase = Phase::kActive;
  uint64_t commit_timestamp = 0;  // set when its writes are installed
  WriteBuffer writes;
  std::vector<std::string> read_keys;  // serializable: keys looked up (present or absent)
  std::vector<ScanRange> read_ranges;  // serializable: ranges scanned
};

}  // namespace memdb::mvcc

#endif  // MEMDB_SRC_MVCC_TXN_STATE_H_
