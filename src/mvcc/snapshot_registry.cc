#include "mvcc/snapshot_registry.h"

namespace memdb::mvcc {

uint64_t SnapshotRegistry::Acquire(Entry* entry) {
  LockGuard<Mutex> lock(mu_);
  entry->timestamp = latest();
  entry->registered = true;
  entry->prev = tail_;
  entry->next = nullptr;
  if (tail_ != nullptr) {
    tail_->next = entry;
  } else {
    head_ = entry;
  }
  tail_ = entry;
  ++count_;
  return entry->timestamp;
}

void SnapshotRegistry::AcquireAt(Entry* entry, uint64_t timestamp) {
  LockGuard<Mutex> lock(mu_);
  entry->timestamp = timestamp;
  entry->registered = true;
  // Keep the list sorted: insert after the newest entry not newer than `timestamp`.
  Entry* before = tail_;
  while (before != nullptr && before->timestamp > timestamp) before = before->prev;
  entry->prev = before;
  entry->next = before != nullptr ? before->next : head_;
  if (entry->next != nullptr) {
    entry->next->prev = entry;
  } else {
    tail_ = entry;
  }
  if (before != nullptr) {
    before->next = entry;
  } else {
    head_ = entry;
  }
  ++count_;
}

bool SnapshotRegistry::Release(Entry* entry) {
  // Only the entry's owner registers and releases it, so it may read the flag unlocked.
  if (!entry->registered) return false;
  LockGuard<Mutex> lock(mu_);
  return Unlink(entry);
}

bool SnapshotRegistry::Unlink(Entry* entry) {
  const bool was_oldest = head_ == entry;
  if (entry->prev != nullptr) {
    entry->prev->next = entry->next;
  } else {
    head_ = entry->next;
  }
  if (entry->next != nullptr) {
    entry->next->prev = entry->prev;
  } else {
    tail_ = entry->prev;
  }
  entry->prev = entry->next = nullptr;
  entry->registered = false;
  --count_;
  return was_oldest;
}

uint64_t SnapshotRegistry::Publish(uint64_t timestamp, Entry* committer,
                                   std::vector<uint64_t>* open, bool* open_complete) {
  LockGuard<Mutex> lock(mu_);
  if (committer->registered) Unlink(committer);
  open->clear();
  *open_complete = count_ <= kMaxCopied;
  if (*open_complete) {
    for (const Entry* e = head_; e != nullptr; e = e->next) open->push_back(e->timestamp);
  }
  latest_.store(timestamp, std::memory_order_release);
  return HorizonLocked();
}

uint64_t SnapshotRegistry::Horizon() const {
  LockGuard<Mutex> lock(mu_);
  return HorizonLocked();
}

size_t SnapshotRegistry::open_count() const {
  LockGuard<Mutex> lock(mu_);
  return count_;
}

}  // namespace memdb::mvcc
