// IteratorState: an ordered walk over one snapshot, merged with a transaction's own writes.
//
// The engine is read in batches under its latch; between batches the latch is released so
// commits proceed, and the walk resumes after the last key returned. The versions a batch
// points into stay alive because the iterator holds its own registered snapshot.
#ifndef MEMDB_SRC_MVCC_ITERATOR_STATE_H_
#define MEMDB_SRC_MVCC_ITERATOR_STATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "memdb/mvcc/iterator.h"
#include "memdb/mvcc/kv_transaction.h"
#include "memdb/mvcc/scan_range.h"
#include "memdb/util/status.h"
#include "mvcc/engine.h"
#include "mvcc/snapshot_registry.h"
#include "mvcc/txn_state.h"

namespace memdb::mvcc {

class IteratorState {
 public:
  // An iterator that is exhausted from the start and reports `error`.
  explicit IteratorState(Status error);
  // Walks `range` at the latest committed snapshot.
  IteratorState(std::shared_ptr<Engine> engine, ScanRange range);
  // Walks `range` at `txn`'s snapshot, merged with its writes made so far.
  IteratorState(const TxnState& txn, ScanRange range);
  ~IteratorState();
  IteratorState(const IteratorState&) = delete;
  IteratorState& operator=(const IteratorState&) = delete;

  // Once the engine is closed (the Db destroyed), Valid() is false and status() is the closed
  // error, even for an iterator positioned on a key before: misuse is reported, never one more
  // entry of a database that no longer exists.
  bool Valid() {
    StopIfClosed();
    return valid_;
  }
  void Next();
  std::string_view key() const { return key_; }
  std::string_view value() const { return value_; }
  const Status& status() {
    StopIfClosed();
    return status_;
  }

 private:
  // True when `a` comes before `b` in the scan's direction.
  bool Before(std::string_view a, std::string_view b) const {
    return range_.reverse ? b < a : a < b;
  }
  bool EngineHasEntry();
  // Turns a positioned iterator invalid, with the closed error, if the engine has closed.
  void StopIfClosed();
  // Positions on the next visible entry from the current source positions.
  void Settle();

  std::shared_ptr<Engine> engine_;
  ScanRange range_;
  SnapshotRegistry::Entry snapshot_;
  Status status_;

  std::vector<ReadEntry> batch_;
  size_t batch_pos_ = 0;
  size_t next_batch_size_ = 16;
  bool engine_done_ = false;

  // The transaction's writes in the range, copied (the iterator may outlive the transaction)
  // and in scan order.
  struct OwnWrite {
    std::string key;
    std::string value;
    bool tombstone;
  };
  std::vector<OwnWrite> own_;
  size_t own_pos_ = 0;

  bool valid_ = false;
  bool from_engine_ = false;  // the current entry consumes the engine's head
  bool from_own_ = false;     // ... and/or the own writes' head
  std::string_view key_;
  std::string_view value_;
};

// Feeds `it` to `visit` until either runs out; returns the iterator's status.
Status VisitAll(Iterator it, const ScanVisitor& visit);

}  // namespace memdb::mvcc

#endif  // MEMDB_SRC_MVCC_ITERATOR_STATE_H_
