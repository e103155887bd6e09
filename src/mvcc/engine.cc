#include "mvcc/engine.h"

#include <algorithm>
#include <string>
#include <utility>

#include "util/printable.h"

namespace memdb::mvcc {
namespace {

// The version of a chain visible at `timestamp`, or nullptr.
const Version* VisibleAt(const Version* v, uint64_t timestamp) {
  while (v != nullptr && v->timestamp() > timestamp) v = v->older();
  return v;
}

// Garbage entries collected per commit beyond the commit's own keys: enough to keep up with
// any write rate, small enough to bound a commit's latency.
constexpr size_t kGarbageBudgetPerCommit = 8;
// Entries collected per exclusive section when draining the whole queue, so readers get the
// latch between rounds.
constexpr size_t kGarbageBudgetPerRound = 512;

// Statistics have one writer at a time (commit_mu_'s holder) and readers anywhere: a relaxed
// load and store is enough, and cheaper than a locked read-modify-write.
void Bump(std::atomic<uint64_t>& counter, uint64_t n) {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
void Drop(std::atomic<uint64_t>& counter, uint64_t n) {
  counter.store(counter.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
}

// Adapts a span of writes to the ForEach/size shape Install reads a WriteBuffer through.
struct SpanWrites {
  std::span<const WriteBuffer::Entry> entries;
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const WriteBuffer::Entry& e : entries) fn(e);
  }
  size_t size() const { return entries.size(); }
};

}  // namespace

Status Engine::ClosedError() {
  return Status::InvalidArgument("database is closed: the Db this object belongs to was destroyed");
}

void Engine::ReleaseSnapshot(SnapshotRegistry::Entry* entry) {
  const bool was_oldest = registry_.Release(entry);
  if (!was_oldest || pending_garbage_.load(std::memory_order_relaxed) == 0) return;
  // The horizon moved: collect what this snapshot held back, unless a commit is running (it
  // collects a share itself, and the next release or commit picks up the rest).
  std::unique_lock<SpinThenBlockMutex> lock(commit_mu_, std::try_to_lock);
  if (lock.owns_lock()) {
    commit_mu_.AssertHeld();  // for the thread-safety analysis, which cannot see unique_lock
    DrainGarbage();
  }
}

bool Engine::Read(uint64_t timestamp, std::string_view key, std::string* value,
                  uint64_t* version_timestamp) {
  ReadMostlyLatch::SharedGuard guard(latch_);
  const Version* v = VisibleAt(index_.Find(key), timestamp);
  if (version_timestamp != nullptr) *version_timestamp = v != nullptr ? v->timestamp() : 0;
  if (v == nullptr || v->tombstone()) return false;
  value->assign(v->value());
  return true;
}

bool Engine::ReadLatest(std::string_view key, std::string* value) {
  ReadMostlyLatch::SharedGuard guard(latch_);
  // Commits publish with the latch held exclusively, so this timestamp is stable here.
  const Version* v = VisibleAt(index_.Find(key), registry_.latest());
  if (v == nullptr || v->tombstone()) return false;
  value->assign(v->value());
  return true;
}

bool Engine::ReadBatch(uint64_t timestamp, const ScanRange& range,
                       const std::string_view* resume_after, size_t max,
                       std::vector<ReadEntry>* out) {
  ReadMostlyLatch::SharedGuard guard(latch_);
  Index::Cursor c;
  if (!range.reverse) {
    c = index_.SeekGE(resume_after != nullptr ? *resume_after : std::string_view(range.begin));
    if (resume_after != nullptr && c.Valid() && c.head()->key() == *resume_after) c.Next();
  } else if (resume_after != nullptr) {
    c = index_.SeekLT(*resume_after);
  } else {
    c = range.has_end ? index_.SeekLT(range.end) : index_.Last();
  }
  // Reading a version is a cache miss; keep kPrefetchDistance of them in flight.
  constexpr int kPrefetchDistance = 8;
  const int step = range.reverse ? -1 : 1;
  if (c.Valid()) {
    for (int d = 1; d < kPrefetchDistance; ++d) c.Prefetch(d * step);
  }
  for (; c.Valid(); range.reverse ? c.Prev() : c.Next()) {
    c.Prefetch(kPrefetchDistance * step);
    const Version* head = c.head();
    // The seek placed the cursor inside the range; only the far bound can end it.
    const bool past_end = range.reverse
                              ? head->key() < std::string_view(range.begin)
                              : range.has_end && head->key() >= std::string_view(range.end);
    if (past_end) return true;
    if (out->size() == max) return false;
    const Version* v = VisibleAt(head, timestamp);
    if (v != nullptr && !v->tombstone()) out->push_back({v->key(), v->value()});
  }
  return true;
}

Status Engine::ValidateWrites(const TxnState& txn) {
  const uint64_t snapshot = txn.snapshot.timestamp;
  scratch_slots_.clear();
  Status status;
  txn.writes.ForEach([&](const WriteBuffer::Entry& write) {
    if (!status.ok()) return;
    Version** slot = index_.FindSlot(write.key);
    if (slot != nullptr && (*slot)->timestamp() > snapshot && !hooks_.bugs.skip_write_conflicts) {
      status = Status::Conflict("write-write conflict on key " + Printable(write.key) +
                                ": another transaction committed it at timestamp " +
                                std::to_string((*slot)->timestamp()) +
                                ", after this transaction's snapshot " + std::to_string(snapshot) +
                                " (first committer wins); retry the transaction");
    }
    scratch_slots_.push_back(slot);
  });
  return status;
}

Status Engine::ValidateReads(const TxnState& txn) const {
  const uint64_t snapshot = txn.snapshot.timestamp;
  for (const std::string& key : txn.read_keys) {
    const Version* head = index_.Find(key);
    if (head != nullptr && head->timestamp() > snapshot) {
      return Status::Conflict("read-write conflict on key " + Printable(key) +
                              ": it was read by this serializable transaction and changed by a "
                              "commit at timestamp " +
                              std::to_string(head->timestamp()) + ", after its snapshot " +
                              std::to_string(snapshot) + "; retry the transaction");
    }
  }
  for (const ScanRange& range : txn.read_ranges) {
    for (Index::Cursor c = index_.SeekGE(range.begin); c.Valid(); c.Next()) {
      const Version* head = c.head();
      if (!range.Contains(head->key())) break;
      if (head->timestamp() > snapshot) {
        return Status::Conflict(
            "phantom conflict: key " + Printable(head->key()) + " in the range [" +
            Printable(range.begin) + ", " + (range.has_end ? Printable(range.end) : "end") +
            ") scanned by this serializable transaction was changed by a commit at timestamp " +
            std::to_string(head->timestamp()) + ", after its snapshot " + std::to_string(snapshot) +
            "; retry the transaction");
      }
    }
  }
  return Status::OK();
}

Status Engine::ValidateAgainstGroup(const TxnState& txn) const {
  if (group_writes_.empty()) return Status::OK();
  auto conflict = [&](std::string_view kind, std::string_view key, uint64_t timestamp) {
    return Status::Conflict(std::string(kind) + " conflict on key " + Printable(key) +
                            ": a transaction committing in the same group at timestamp " +
                            std::to_string(timestamp) +
                            " writes it, after this transaction's "
                            "snapshot " +
                            std::to_string(txn.snapshot.timestamp) + "; retry the transaction");
  };
  Status status;
  txn.writes.ForEach([&](const WriteBuffer::Entry& write) {
    if (!status.ok()) return;
    if (auto it = group_writes_.find(write.key); it != group_writes_.end()) {
      status = conflict("write-write", write.key, it->second);
    }
  });
  if (!status.ok() || !txn.RecordsReads()) return status;
  for (const std::string& key : txn.read_keys) {
    if (auto it = group_writes_.find(key); it != group_writes_.end()) {
      return conflict("read-write", key, it->second);
    }
  }
  for (const ScanRange& range : txn.read_ranges) {
    for (const auto& [key, timestamp] : group_writes_) {
      if (range.Contains(key)) return conflict("phantom", key, timestamp);
    }
  }
  return Status::OK();
}

template <typename Writes>
void Engine::FindSlots(const Writes& writes) {
  scratch_slots_.clear();
  writes.ForEach([&](const WriteBuffer::Entry& write) {
    scratch_slots_.push_back(index_.FindSlot(write.key));
  });
}

Status Engine::Commit(TxnState* txn) {
  if (txn->writes.empty()) {  // read-only: its snapshot was consistent, nothing to validate
    ReleaseSnapshot(&txn->snapshot);
    return Status::OK();
  }
  if (log_ != nullptr) {
    Committer me;
    me.txn = txn;
    JoinQueue(&me);
    return std::move(me.status);
  }
  LockGuard<SpinThenBlockMutex> lock(commit_mu_);
  Status status = closed() ? ClosedError() : ValidateWrites(*txn);
  if (status.ok() && txn->RecordsReads()) status = ValidateReads(*txn);
  if (!status.ok()) {
    registry_.Release(&txn->snapshot);
    if (status.IsConflict()) Bump(conflicts_, 1);
    return status;
  }
  txn->commit_timestamp = registry_.latest() + 1;
  Install(txn->writes, txn->commit_timestamp, &txn->snapshot);
  Bump(commits_, 1);
  return Status::OK();
}

void Engine::SetCommitLog(std::unique_ptr<CommitLog> log) {
  log_ = std::move(log);
  queue_monitor_ = hooks_.wait->NewMonitor();
}

void Engine::RunBetweenCommits(const std::function<void()>& fn) {
  if (log_ == nullptr) {
    fn();
    return;
  }
  Committer me;
  me.barrier = &fn;
  JoinQueue(&me);
}

void Engine::JoinQueue(Committer* me) {
  // A group is bounded so that one leader does not starve its own caller forever.
  constexpr size_t kMaxGroup = 256;
  // The longest a leader waits for the committers it expects.
  constexpr uint64_t kMaxGatherMicros = 1000;
  Monitor& monitor = *queue_monitor_;
  std::unique_lock<Monitor> lock(monitor);
  queue_.push_back(me);
  if (leader_waiting_) monitor.NotifyAll();
  while (!me->done && queue_.front() != me) monitor.Wait();
  if (me->done) return;
  // This committer leads. A barrier runs alone; a group is the run of commits behind it.
  auto group_size = [&] {
    size_t n = 1;
    while (n < queue_.size() && n < kMaxGroup && queue_[n]->barrier == nullptr) ++n;
    return n;
  };
  size_t n = 1;
  if (me->barrier == nullptr) {
    n = group_size();
    if (n < demand_ && !closed()) {
      const uint64_t start = hooks_.clock->NowMicros();
      const uint64_t budget = std::min(persist_micros_ / 2, kMaxGatherMicros);
      leader_waiting_ = true;
      for (uint64_t waited = 0; n < demand_ && waited < budget;
           waited = hooks_.clock->NowMicros() - start) {
        monitor.WaitFor(budget - waited);
        n = group_size();
      }
      leader_waiting_ = false;
    }
  }
  group_.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
  lock.unlock();
  if (me->barrier != nullptr) {
    (*me->barrier)();
  } else {
    const uint64_t start = hooks_.clock->NowMicros();
    LeadGroup(group_);
    const uint64_t took = hooks_.clock->NowMicros() - start;
    persist_micros_ = persist_micros_ == 0 ? took : (persist_micros_ * 7 + took) / 8;
  }
  lock.lock();
  if (me->barrier == nullptr) demand_ = std::min(queue_.size(), kMaxGroup);  // group + arrivals
  for (size_t i = 0; i < n; ++i) {
    queue_.front()->done = true;
    queue_.pop_front();
  }
  monitor.NotifyAll();
  lock.unlock();
  if (me->barrier == nullptr) log_->AfterPublish();
}

void Engine::LeadGroup(std::span<Committer* const> group) {
  pending_.clear();
  pending_txns_.clear();
  group_writes_.clear();
  {
    LockGuard<SpinThenBlockMutex> lock(commit_mu_);
    const uint64_t base = registry_.latest();
    for (Committer* c : group) {
      TxnState* txn = c->txn;
      Status status = closed() ? ClosedError() : ValidateWrites(*txn);
      if (status.ok() && txn->RecordsReads()) status = ValidateReads(*txn);
      if (status.ok()) status = ValidateAgainstGroup(*txn);
      if (!status.ok()) {
        registry_.Release(&txn->snapshot);
        if (status.IsConflict()) Bump(conflicts_, 1);
        c->status = std::move(status);
        continue;
      }
      const uint64_t timestamp = base + 1 + pending_.size();
      pending_.push_back({timestamp, &txn->writes});
      pending_txns_.push_back(txn);
      txn->writes.ForEach(
          [&](const WriteBuffer::Entry& write) { group_writes_.emplace(write.key, timestamp); });
    }
  }
  if (pending_.empty()) return;
  PassStep(EngineStep::kCommitPersist, pending_txns_.front()->id);
  const Status persisted = log_->Persist(pending_);
  PassStep(EngineStep::kCommitPublish, pending_txns_.front()->id);
  LockGuard<SpinThenBlockMutex> lock(commit_mu_);
  for (size_t i = 0; i < pending_.size(); ++i) {
    TxnState* txn = pending_txns_[i];
    if (!persisted.ok()) {
      registry_.Release(&txn->snapshot);
      continue;
    }
    FindSlots(txn->writes);
    txn->commit_timestamp = pending_[i].timestamp;
    Install(txn->writes, pending_[i].timestamp, &txn->snapshot);
    Bump(commits_, 1);
  }
  if (!persisted.ok()) {
    for (Committer* c : group) {
      if (c->status.ok()) c->status = persisted;
    }
  }
  group_writes_.clear();
}

void Engine::Restore(uint64_t timestamp, std::span<const WriteBuffer::Entry> writes) {
  const SpanWrites adapted{writes};
  SnapshotRegistry::Entry unregistered;  // recovery has no committer snapshot to release
  LockGuard<SpinThenBlockMutex> lock(commit_mu_);
  FindSlots(adapted);
  Install(adapted, timestamp, &unregistered);
}

template <typename Writes>
void Engine::Install(const Writes& writes, uint64_t timestamp, SnapshotRegistry::Entry* committer) {
  scratch_versions_.clear();
  size_t new_versions = 0;
  size_t new_bytes = 0;
  size_t slot_index = 0;
  writes.ForEach([&](const WriteBuffer::Entry& write) {
    Version** slot = scratch_slots_[slot_index++];
    const bool absent = slot == nullptr || (*slot)->tombstone();
    Version* v = Version::Create(write.key, write.value, write.tombstone, timestamp, &arena_);
    ++new_versions;
    new_bytes += v->Footprint();
    scratch_versions_.push_back(v);
    if (absent && !write.tombstone) Bump(live_keys_, 1);
    if (!absent && write.tombstone) Drop(live_keys_, 1);
  });
  Bump(versions_, new_versions);
  Bump(version_bytes_, new_bytes);
  {
    ReadMostlyLatch::ExclusiveGuard guard(latch_);
    // Validation was the snapshot's last use: release it with the publication.
    bool open_complete = false;
    const uint64_t horizon =
        registry_.Publish(timestamp, committer, &scratch_open_, &open_complete);
    const std::vector<uint64_t>* open = open_complete ? &scratch_open_ : nullptr;
    scratch_erase_.clear();
    // Existing keys first: their slots stay valid until the index changes shape.
    for (size_t i = 0; i < scratch_versions_.size(); ++i) {
      Version** slot = scratch_slots_[i];
      if (slot == nullptr) continue;
      Version* v = scratch_versions_[i];
      v->set_older(*slot);
      *slot = v;
      if (Prune(slot, horizon, open) == PruneResult::kEraseKey) scratch_erase_.push_back(v);
    }
    // New keys. Even a delete of a key nobody had leaves a tombstone, so that a concurrent
    // writer of that key conflicts with it (first committer wins); the tombstone leaves the
    // index once no snapshot older than it remains.
    for (size_t i = 0; i < scratch_versions_.size(); ++i) {
      if (scratch_slots_[i] != nullptr) continue;
      Version* v = scratch_versions_[i];
      index_.Insert(v);
      if (!v->tombstone()) continue;
      if (timestamp <= horizon) {
        scratch_erase_.push_back(v);
      } else {
        QueueGarbage(v);
      }
    }
    for (Version* tombstone : scratch_erase_) EraseKey(tombstone->key());
    CollectQueued(horizon, kGarbageBudgetPerCommit + writes.size());
  }
  index_bytes_.store(index_.NodeBytes(), std::memory_order_relaxed);
}

Version* Engine::Trim(Version* head, uint64_t horizon) {
  // The newest version at or below the horizon is the oldest anyone can still read.
  Version* keep = head;
  while (keep != nullptr && keep->timestamp() > horizon) keep = keep->older();
  if (keep != nullptr) {
    Forget(DestroyChain(keep->older(), &arena_));
    keep->set_older(nullptr);
  }
  return keep;
}

void Engine::DropUnseen(Version* head, uint64_t horizon, const std::vector<uint64_t>& open) {
  // A version newer than the horizon is read only by snapshots in [its timestamp, the next
  // newer version's timestamp); with none open there, nobody can reach it.
  Version* newer = head;
  Version* v = head->older();
  while (v != nullptr && v->timestamp() > horizon) {
    auto reader = std::lower_bound(open.begin(), open.end(), v->timestamp());
    if (reader != open.end() && *reader < newer->timestamp()) {
      newer = v;
      v = v->older();
      continue;
    }
    Version* unseen = v;
    v = v->older();
    newer->set_older(v);
    unseen->set_older(nullptr);
    Forget(DestroyChain(unseen, &arena_));
  }
}

Engine::PruneResult Engine::Prune(Version** slot, uint64_t horizon,
                                  const std::vector<uint64_t>* open) {
  Version* head = *slot;
  if (Trim(head, horizon) == head) {
    return head->tombstone() ? PruneResult::kEraseKey : PruneResult::kDone;
  }
  if (open != nullptr) DropUnseen(head, horizon, *open);
  if (head->older() == nullptr && !head->tombstone()) return PruneResult::kDone;
  QueueGarbage(head);
  return PruneResult::kLater;
}

void Engine::QueueGarbage(const Version* head) {
  garbage_.push_back({head->timestamp(), std::string(head->key())});
  Bump(pending_garbage_, 1);
}

void Engine::EraseKey(std::string_view key) {
  Version** slot = index_.FindSlot(key);
  Version* chain = *slot;
  index_.Erase(key);  // before freeing: `key` may point into the chain
  Forget(DestroyChain(chain, &arena_));
}

void Engine::CollectQueued(uint64_t horizon, size_t budget) {
  for (; budget > 0 && !garbage_.empty() && garbage_.front().timestamp <= horizon; --budget) {
    const std::string key = std::move(garbage_.front().key);
    garbage_.pop_front();
    Drop(pending_garbage_, 1);
    // A later commit of the key queued its own entry if it left garbage, so this one only
    // prunes up to the horizon and never queues again.
    Version** slot = index_.FindSlot(key);
    if (slot == nullptr) continue;
    Version* head = *slot;
    if (Trim(head, horizon) == head && head->tombstone()) EraseKey(key);
  }
  index_bytes_.store(index_.NodeBytes(), std::memory_order_relaxed);
}

void Engine::Forget(ChainSize freed) {
  Drop(versions_, freed.versions);
  Drop(version_bytes_, freed.bytes);
}

void Engine::CollectGarbage() {
  LockGuard<SpinThenBlockMutex> lock(commit_mu_);
  DrainGarbage();
}

void Engine::DrainGarbage() {
  for (;;) {
    ReadMostlyLatch::ExclusiveGuard guard(latch_);
    const uint64_t horizon = registry_.Horizon();
    CollectQueued(horizon, kGarbageBudgetPerRound);
    if (garbage_.empty() || garbage_.front().timestamp > horizon) return;
  }
}

EngineStats Engine::Stats() const {
  EngineStats s;
  s.last_commit_timestamp = registry_.latest();
  s.live_keys = live_keys_.load(std::memory_order_relaxed);
  s.versions = versions_.load(std::memory_order_relaxed);
  s.pending_garbage = pending_garbage_.load(std::memory_order_relaxed);
  s.memory_bytes =
      version_bytes_.load(std::memory_order_relaxed) + index_bytes_.load(std::memory_order_relaxed);
  s.open_snapshots = registry_.open_count();
  s.commits = commits_.load(std::memory_order_relaxed);
  s.conflicts = conflicts_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace memdb::mvcc
