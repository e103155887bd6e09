// Engine: the MVCC core -- the versioned index, snapshots, commit validation and version GC.
//
// Concurrency, in one place:
//  - commit_mu_ serializes commits and garbage collection: the only code that changes the index.
//    Validation therefore reads the index without any latch.
//  - latch_ (a ReadMostlyLatch) is held shared by every reader while it touches the index or a
//    version chain, and exclusively by a commit while it installs versions, publishes its
//    timestamp and frees versions. A reader thus never sees a half-installed commit (atomic
//    visibility) nor a freed version.
//  - registry_ hands out snapshot timestamps and the GC horizon (see snapshot_registry.h).
//    Lock order: commit_mu_, then latch_, then the registry's mutex. Readers take only latch_;
//    Begin takes only the registry's mutex.
//
// Durable commits (a CommitLog installed): committers queue on a Monitor from the wait seam;
// the front one leads a group -- validates each member under commit_mu_ (also against the
// members before it), releases commit_mu_, calls CommitLog::Persist once for the group, then
// publishes the members in timestamp order under commit_mu_. Leadership passes to the next in
// the queue only after publication, so groups are persisted and published in order. No engine
// lock is held while Persist blocks; waits go through the wait seam of the engine's hooks
// (util/engine_hooks.h, util/wait.h).
// A group grows only with committers that arrive while the previous one is persisted; with two
// writers taking turns, each would find the other just gone and sync alone. So a leader whose
// group is smaller than the previous group's demand (its size plus the arrivals during its
// persist) waits briefly -- at most half the recent persist time -- for the rest to arrive.
//
// Garbage collection: when a commit installs a version it drops, from that key's chain, every
// version older than the newest one at or below the horizon; a tombstone at or below the
// horizon removes the key from the index. What an old snapshot still needs is queued (commit
// timestamp, key) and collected once the horizon passes it: by later commits (a bounded amount
// each), when the oldest snapshot is released, or by CollectGarbage.
#ifndef MEMDB_SRC_MVCC_ENGINE_H_
#define MEMDB_SRC_MVCC_ENGINE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "memdb/mvcc/scan_range.h"
#include "memdb/mvcc/txn.h"
#include "memdb/util/status.h"
#include "mvcc/commit_log.h"
#include "mvcc/index.h"
#include "mvcc/snapshot_registry.h"
#include "mvcc/txn_state.h"
#include "mvcc/version_arena.h"
#include "util/engine_hooks.h"
#include "util/read_mostly_latch.h"
#include "util/spin_then_block_mutex.h"
#include "util/thread_annotations.h"

namespace memdb::mvcc {

struct EngineStats {
  uint64_t last_commit_timestamp = 0;
  uint64_t live_keys = 0;
  uint64_t versions = 0;
  uint64_t pending_garbage = 0;
  uint64_t memory_bytes = 0;
  uint64_t open_snapshots = 0;
  uint64_t commits = 0;
  uint64_t conflicts = 0;
};

// A key-value pair read from the engine; the views point into versions kept alive by the
// reader's registered snapshot.
struct ReadEntry {
  std::string_view key;
  std::string_view value;
};

class Engine {
 public:
  // An engine whose steps, waits, clock and deliberate bugs are `hooks`' (production by
  // default). User-provided, so make_shared does not zero the whole object first.
  explicit Engine(const EngineHooks& hooks = {}) : hooks_(hooks) {}
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // After Close every operation reports "database is closed"; memory is freed when the last
  // transaction or iterator lets go of the engine.
  void Close() { closed_.store(true, std::memory_order_release); }
  bool closed() const { return closed_.load(std::memory_order_acquire); }
  static Status ClosedError();

  // The hooks this engine was created with (the step observer as last set). The database's
  // log, recovery and checkpoints take their points, waits, clock and bugs from here.
  const EngineHooks& hooks() const { return hooks_; }
  // Engine steps (util/steps.h): `observer` (or null) sees every later step of this engine's
  // transactions; it must outlive them.
  void SetStepObserver(StepObserver* observer) { hooks_.steps = observer; }
  void PassStep(EngineStep step, uint64_t txn, std::string_view key = {}) {
    if (hooks_.steps != nullptr) [[unlikely]] {
      hooks_.steps->OnStep({step, txn, key});
    }
  }
  bool ObservesSteps() const { return hooks_.steps != nullptr; }
  // Reports what a step did; call only when ObservesSteps().
  void ReportOutcome(const StepOutcome& outcome) { hooks_.steps->OnOutcome(outcome); }

  uint64_t NewTxnId() { return next_txn_id_.fetch_add(1, std::memory_order_relaxed); }

  // The newest published commit timestamp.
  uint64_t LatestTimestamp() const { return registry_.latest(); }
  // Registers a snapshot at the latest commit.
  uint64_t AcquireSnapshot(SnapshotRegistry::Entry* entry) { return registry_.Acquire(entry); }
  // Registers a second snapshot at `timestamp`, which another registered entry already holds.
  void ShareSnapshot(SnapshotRegistry::Entry* entry, uint64_t timestamp) {
    registry_.AcquireAt(entry, timestamp);
  }
  // Unregisters; collects the garbage it was holding back if no commit is running.
  void ReleaseSnapshot(SnapshotRegistry::Entry* entry);

  // The value of `key` at snapshot `timestamp`; false when absent or deleted there. When
  // `version_timestamp` is given it receives the commit timestamp of the version found (a
  // tombstone's too), 0 when the key had no version at `timestamp`.
  bool Read(uint64_t timestamp, std::string_view key, std::string* value,
            uint64_t* version_timestamp = nullptr);
  // The value of `key` in the latest committed state.
  bool ReadLatest(std::string_view key, std::string* value);
  // Appends to `out` up to `max` visible entries of `range` at `timestamp`, in scan order,
  // starting after `resume_after` when given. Returns true when the range is exhausted.
  bool ReadBatch(uint64_t timestamp, const ScanRange& range, const std::string_view* resume_after,
                 size_t max, std::vector<ReadEntry>* out);

  // Sends every later commit through group commit and `log`, with waits made by the hooks'
  // wait seam and the gathering of groups timed by their clock.
  // Call before the first transaction. The engine owns the log, so a transaction that outlives
  // its Db never reaches a destroyed one.
  void SetCommitLog(std::unique_ptr<CommitLog> log);
  CommitLog* commit_log() const { return log_.get(); }
  // Validates, logs (when a CommitLog is set) and publishes `txn`'s writes; releases its
  // snapshot either way.
  Status Commit(TxnState* txn);
  // Runs `fn` while no commit is between validation and publication -- everything logged is
  // published -- and holds later commits back until it returns. Checkpoints cut the log here.
  // Without a CommitLog, `fn` runs at once.
  void RunBetweenCommits(const std::function<void()>& fn);
  // Recovery: installs `writes` as committed at `timestamp` (>= the latest commit), with no
  // validation and no log. Requires that no transaction or iterator is open.
  void Restore(uint64_t timestamp, std::span<const WriteBuffer::Entry> writes);
  // Frees every version no snapshot can read.
  void CollectGarbage();
  EngineStats Stats() const;

 private:
  enum class PruneResult { kDone, kLater, kEraseKey };

  // A committer waiting in the group-commit queue; `barrier` is set for RunBetweenCommits.
  struct Committer {
    TxnState* txn = nullptr;
    const std::function<void()>* barrier = nullptr;
    Status status;
    bool done = false;
  };

  struct Garbage {
    uint64_t timestamp;  // collectable once the horizon reaches it
    std::string key;
  };

  // Queues `me` and returns once its commit (or barrier) is done, leading a group if it
  // reaches the front of the queue.
  void JoinQueue(Committer* me);
  // The leader's work for `group`: validate, persist, publish; sets each member's status.
  void LeadGroup(std::span<Committer* const> group);
  // Validation; each returns OK or the Conflict explaining which key and timestamps.
  // ValidateWrites also fills scratch_slots_ for Install.
  Status ValidateWrites(const TxnState& txn);
  Status ValidateReads(const TxnState& txn) const;
  // Checks `txn` against the writes of earlier members of its commit group (group_writes_).
  Status ValidateAgainstGroup(const TxnState& txn) const;
  // Fills scratch_slots_ for `writes` (in ForEach order).
  template <typename Writes>
  void FindSlots(const Writes& writes);
  // Installs `writes` as versions at `timestamp`, publishes it (releasing `committer`) and
  // prunes; requires commit_mu_ and scratch_slots_ filled for `writes`.
  template <typename Writes>
  void Install(const Writes& writes, uint64_t timestamp, SnapshotRegistry::Entry* committer)
      REQUIRES(commit_mu_);
  // Frees the versions of the chain from `head` that no snapshot at or above `horizon` can
  // read; returns the oldest version kept (nullptr when all are newer than the horizon).
  Version* Trim(Version* head, uint64_t horizon);
  // Trims the chain at `slot` and queues what must wait for the horizon; says whether the
  // key itself can leave the index (its newest version is a tombstone nobody can see past).
  // With `open` (the open snapshots, oldest first), also drops versions newer than the horizon
  // that no open snapshot reads.
  PruneResult Prune(Version** slot, uint64_t horizon, const std::vector<uint64_t>* open)
      REQUIRES(commit_mu_);
  void DropUnseen(Version* head, uint64_t horizon, const std::vector<uint64_t>& open);
  // Remembers to trim `head`'s key once the horizon reaches head's timestamp.
  void QueueGarbage(const Version* head) REQUIRES(commit_mu_);
  void EraseKey(std::string_view key);
  // Collects up to `budget` queued garbage entries; requires commit_mu_ and latch_ exclusive.
  void CollectQueued(uint64_t horizon, size_t budget) REQUIRES(commit_mu_, latch_);
  // Collects every queued entry the horizon has passed, in rounds that let readers in between;
  // requires commit_mu_.
  void DrainGarbage() REQUIRES(commit_mu_);
  void Forget(ChainSize freed);

  std::atomic<bool> closed_{false};
  EngineHooks hooks_;
  std::atomic<uint64_t> next_txn_id_{1};
  // Own cache line: readers poll closed_ next to it. Lock order: commit_mu_, then latch_.
  alignas(64) SpinThenBlockMutex commit_mu_ ACQUIRED_BEFORE(latch_);
  ReadMostlyLatch latch_;
  SnapshotRegistry registry_;
  VersionArena arena_;  // declared before index_: outlives the versions the index frees
  Index index_{&arena_};

  // Group commit; set once by SetCommitLog.
  std::unique_ptr<CommitLog> log_;
  std::unique_ptr<Monitor> queue_monitor_;
  std::deque<Committer*> queue_;  // guarded by queue_monitor_
  bool leader_waiting_ = false;   // guarded by queue_monitor_
  // Leadership state: the group size the last persist suggests, and the mean persist time.
  size_t demand_ = 1;
  uint64_t persist_micros_ = 0;
  // The leader's scratch (only one leader at a time).
  std::vector<Committer*> group_;
  std::vector<PendingCommit> pending_;
  std::vector<TxnState*> pending_txns_;
  std::unordered_map<std::string_view, uint64_t> group_writes_;  // key -> member timestamp

  // Guarded by commit_mu_ (and latch_ for the index and chains).
  std::deque<Garbage> garbage_ GUARDED_BY(commit_mu_);
  // Also guarded by commit_mu_, but filled inside lambdas, which the analysis does not follow.
  std::vector<Version**> scratch_slots_;
  std::vector<Version*> scratch_versions_;
  std::vector<Version*> scratch_erase_ GUARDED_BY(commit_mu_);
  std::vector<uint64_t> scratch_open_ GUARDED_BY(commit_mu_);

  // Statistics; written under commit_mu_, read anywhere.
  std::atomic<uint64_t> live_keys_{0};
  std::atomic<uint64_t> versions_{0};
  std::atomic<uint64_t> version_bytes_{0};
  std::atomic<uint64_t> index_bytes_{index_.NodeBytes()};
  std::atomic<uint64_t> pending_garbage_{0};
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> conflicts_{0};
};

}  // namespace memdb::mvcc

#endif  // MEMDB_SRC_MVCC_ENGINE_H_
