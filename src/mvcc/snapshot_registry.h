// SnapshotRegistry: which snapshots are open, and the newest committed timestamp.
//
// A snapshot is a commit timestamp a reader reads at. Garbage collection may free a version
// only when no open or future snapshot can read it, i.e. when a newer version of the key is
// at or below the *horizon*: the oldest open snapshot, or the latest commit when none is open.
//
// Taking a snapshot (reading the latest timestamp and registering it) and publishing a commit
// (raising the latest timestamp and computing the horizon) are atomic with respect to each
// other; otherwise a reader could take timestamp t, a commit could compute a horizon above t and
// free versions t needs, and only then would the reader register.
//
// Snapshots are registered in timestamp order, so the open ones form a list sorted by
// timestamp: register, release and the horizon are all O(1).
//
// Thread safety: all methods are thread-safe.
#ifndef MEMDB_SRC_MVCC_SNAPSHOT_REGISTRY_H_
#define MEMDB_SRC_MVCC_SNAPSHOT_REGISTRY_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "util/thread_annotations.h"

namespace memdb::mvcc {

class SnapshotRegistry {
 public:
  // An open snapshot; embedded in the transaction or iterator that owns it.
  struct Entry {
    uint64_t timestamp = 0;
    bool registered = false;
    Entry* prev = nullptr;
    Entry* next = nullptr;
  };

  // Registers `entry` at the latest commit timestamp and returns that timestamp. An entry is
  // registered and released by one owner thread at a time.
  uint64_t Acquire(Entry* entry);
  // Registers `entry` at `timestamp`, an older snapshot that is already registered by another
  // entry (so the horizon cannot have passed it).
  void AcquireAt(Entry* entry, uint64_t timestamp);
  // Unregisters `entry` (a no-op when it is not registered). Returns true when it was the oldest
  // open snapshot, so the horizon may have advanced.
  bool Release(Entry* entry);

  // The newest committed timestamp. Readers holding the engine latch shared read a
  // consistent state at it, since commits publish with the latch held exclusively.
  uint64_t latest() const { return latest_.load(std::memory_order_acquire); }
  // Makes `timestamp` the latest commit, releases the committing transaction's snapshot, and
  // returns the new horizon. Copies the timestamps of the open snapshots, oldest first, into
  // `open` when there are at most kMaxCopied of them; otherwise leaves `open` empty and sets
  // *open_complete to false.
  static constexpr size_t kMaxCopied = 64;
  uint64_t Publish(uint64_t timestamp, Entry* committer, std::vector<uint64_t>* open,
                   bool* open_complete);
  // The oldest timestamp any open or future snapshot can read.
  uint64_t Horizon() const;
  size_t open_count() const;

 private:
  bool Unlink(Entry* entry) REQUIRES(mu_);
  uint64_t HorizonLocked() const REQUIRES(mu_) {
    return head_ != nullptr ? head_->timestamp : latest();
  }

  // The list and its mutex share a cache line; latest_, which every reader polls, has its own.
  alignas(64) mutable Mutex mu_;
  Entry* head_ GUARDED_BY(mu_) = nullptr;  // oldest
  Entry* tail_ GUARDED_BY(mu_) = nullptr;  // newest
  size_t count_ GUARDED_BY(mu_) = 0;
  alignas(64) std::atomic<uint64_t> latest_{0};
};

}  // namespace memdb::mvcc

#endif  // MEMDB_SRC_MVCC_SNAPSHOT_REGISTRY_H_
