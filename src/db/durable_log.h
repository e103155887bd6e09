// DurableLog: the commit path's storage half -- the write-ahead log segments, the sync policy,
// the sticky error after a failed sync, and checkpoints -- for one database directory.
//
// The engine owns it (as its CommitLog) so that a transaction outliving its Db never reaches
// a destroyed log. Its methods run in three contexts:
//  - Persist, as the group-commit leader (one at a time, no engine lock held);
//  - Roll and the log cut of a checkpoint, inside Engine::RunBetweenCommits (so also one at a
//    time with Persist);
//  - Checkpoint and Shutdown, from any thread; they serialize on checkpoint_monitor_.
//
// Directory contents (docs/durability.md):
//   LOCK                                    held while the database is open
//   wal-NNNNNN.log                          log segments, replayed in number order
//   checkpoint-TTTTTTTTTTTTTTTTTTTT.ckpt    the state at commit timestamp T
//   *.tmp                                   a checkpoint being written (ignored, removed)
//   *.damaged                               segments and checkpoints recovery set aside
#ifndef MEMDB_SRC_DB_DURABLE_LOG_H_
#define MEMDB_SRC_DB_DURABLE_LOG_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "db/commit_record.h"
#include "memdb/db/options.h"
#include "memdb/io/file_system.h"
#include "memdb/util/points.h"
#include "memdb/util/status.h"
#include "mvcc/commit_log.h"
#include "mvcc/engine.h"
#include "util/engine_hooks.h"
#include "util/thread_annotations.h"
#include "wal/log_writer.h"

namespace memdb::db {

class DurableLog final : public mvcc::CommitLog {
 public:
  // `engine` owns this log; `next_segment` is the number of the first segment to create;
  // `previous_segment` (0: none) the newest segment recovery found, which the first segment
  // links to if it still exists. The log's points, waits, clock and deliberate bugs are the
  // engine's hooks (engine->hooks()).
  DurableLog(mvcc::Engine* engine, std::shared_ptr<FileSystem> fs, const Options& options,
             std::unique_ptr<FileLock> lock, uint64_t next_segment, uint64_t previous_segment);

  // Syncs the previous segment (its bytes may have been read from the OS cache only) and
  // creates the first segment, starting with a link to the previous one. Call before
  // installing the log in the engine.
  Status Start();

  Status Persist(std::span<const mvcc::PendingCommit> group) override;
  void AfterPublish() override;

  // Writes a checkpoint of the latest committed state and deletes the log it covers.
  Status Checkpoint();
  // Writes a checkpoint of the engine's state before Start (recovery discarded a damaged or
  // torn log; the checkpoint re-bases it). `replay_from` is the next segment number.
  // Files named in `set_aside` (damaged checkpoints recovery skipped, segments point-in-time
  // recovery stopped at) are renamed to NAME.damaged once the checkpoint is durable.
  Status CheckpointBeforeStart(const std::vector<std::string>& set_aside);
  // Syncs everything logged so far (for kInterval / kNone). Runs between commits.
  Status SyncNow();
  // Syncs (unless kNone), closes the segment and releases the directory lock. Later commits
  // fail; waits for a running checkpoint to finish first.
  void Shutdown();

  // OK while commits are accepted; the sticky error after a failed append or sync.
  Status WriteStatus() const;

  uint64_t log_bytes() const { return log_bytes_.load(std::memory_order_relaxed); }
  uint64_t syncs() const { return syncs_.load(std::memory_order_relaxed); }
  uint64_t groups() const { return groups_.load(std::memory_order_relaxed); }
  uint64_t checkpoints() const { return checkpoints_.load(std::memory_order_relaxed); }

 private:
  // Closes the current segment (synced) and starts segment next_segment_; returns the number
  // of the new one. Runs between commits.
  Result<uint64_t> Roll();
  // Creates segment next_segment_; when `link` is set, its first record is that segment link
  // (appended, not synced: the next sync covers it).
  Status OpenSegment(const std::optional<SegmentLink>& link);
  // The link to previous_segment_ for Start, after syncing that segment; nullopt when it is
  // gone (recovery re-based the log and removed or set it aside).
  Result<std::optional<SegmentLink>> LinkToRecoveredSegment();
  Status SyncSegment();
  // Syncs as options_.sync_mode asks after an append.
  Status SyncPerMode();
  // Records `error` as the sticky error (the first one wins) and returns it.
  Status Fail(const Status& error);
  // Passes the named point (docs/fault-model.md); an injected failure becomes the sticky error.
  Status Point(std::string_view name) {
    if (Status s = PassPoint(hooks_.points, name); !s.ok()) return Fail(s);
    return Status::OK();
  }
  // Waits for a running checkpoint (unless !wait: then false when one is running) and marks
  // one as running; false after Shutdown.
  bool BeginCheckpoint(bool wait);
  void EndCheckpoint();
  Status CheckpointImpl();

  mvcc::Engine* const engine_;
  const std::shared_ptr<FileSystem> fs_;
  const Options options_;
  const std::string dir_;
  const EngineHooks& hooks_;  // the engine's, which owns this log
  std::unique_ptr<FileLock> lock_;

  // Owned by the commit leader (or a between-commits section).
  std::unique_ptr<WritableFile> file_;
  std::unique_ptr<wal::LogWriter> writer_;
  std::string segment_name_;
  uint64_t segment_number_ = 0;
  uint64_t next_segment_;
  const uint64_t previous_segment_;
  std::string record_;
  uint64_t last_sync_micros_ = 0;
  uint64_t synced_size_ = 0;  // bytes of the current segment known durable
  Status start_error_;        // why creating a segment failed, unwrapped (for Start)
  bool unsynced_ = false;

  mutable Mutex error_mu_;  // never held across a wait or a hook
  Status sticky_ GUARDED_BY(error_mu_);
  std::atomic<bool> failed_{false};

  std::unique_ptr<Monitor> checkpoint_monitor_;  // one checkpoint (or shutdown) at a time
  bool checkpoint_running_ = false;              // guarded by checkpoint_monitor_
  bool shut_down_ = false;                       // guarded by checkpoint_monitor_
  std::atomic<uint64_t> bytes_since_checkpoint_{0};

  std::atomic<uint64_t> log_bytes_{0};
  std::atomic<uint64_t> syncs_{0};
  std::atomic<uint64_t> groups_{0};
  std::atomic<uint64_t> checkpoints_{0};
};

}  // namespace memdb::db

#endif  // MEMDB_SRC_DB_DURABLE_LOG_H_
