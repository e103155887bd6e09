#include "db/durable_log.h"

#include <utility>

#include "db/checkpoint.h"
#include "db/commit_record.h"
#include "mvcc/iterator_state.h"
#include "wal/segment.h"

namespace memdb::db {

DurableLog::DurableLog(mvcc::Engine* engine, std::shared_ptr<FileSystem> fs, const Options& options,
                       std::unique_ptr<FileLock> lock, uint64_t next_segment,
                       uint64_t previous_segment)
    : engine_(engine),
      fs_(std::move(fs)),
      options_(options),
      dir_(options.path),
      hooks_(engine->hooks()),
      lock_(std::move(lock)),
      next_segment_(next_segment),
      previous_segment_(previous_segment),
      checkpoint_monitor_(hooks_.wait->NewMonitor()) {}

Status DurableLog::Start() {
  last_sync_micros_ = hooks_.clock->NowMicros();
  if (Status s = Roll().status(); !s.ok()) {
    // Nothing was logged yet, so this is not the sticky "failed write to its log" of a running
    // database: say what happened (typically a directory that cannot be written).
    const Status& cause = start_error_.ok() ? s : start_error_;
    return cause.Annotate("cannot open database " + dir_ +
                          " for writing: starting its log (syncing the newest segment, creating "
                          "a new one) failed");
  }
  return Status::OK();
}

Status DurableLog::Fail(const Status& error) {
  LockGuard<Mutex> lock(error_mu_);
  if (sticky_.ok()) {
    sticky_ = Status::IOError(
        "the database is read-only after a failed write to its log (" +
        std::string(error.message()) +
        "); a failed sync is never retried, because the data it covered may be lost: reopen the "
        "database to recover what is durable");
    failed_.store(true, std::memory_order_release);
  }
  return sticky_;
}

Status DurableLog::WriteStatus() const {
  if (!failed_.load(std::memory_order_acquire)) return Status::OK();
  LockGuard<Mutex> lock(error_mu_);
  return sticky_;
}

Result<std::optional<SegmentLink>> DurableLog::LinkToRecoveredSegment() {
  if (previous_segment_ == 0) return std::optional<SegmentLink>();
  const std::string path = JoinPath(dir_, wal::SegmentFileName(previous_segment_));
  if (!fs_->FileExists(path)) return std::optional<SegmentLink>();
  auto file = fs_->NewAppendableFile(path);
  if (!file.ok()) return file.status();
  const uint64_t size = (*file)->Size();
  // The link promises these bytes are durable: after a process crash they may only be cached.
  if (Status s = (*file)->Sync(); !s.ok()) return s;
  if (Status s = (*file)->Close(); !s.ok()) return s;
  return std::optional<SegmentLink>(SegmentLink{previous_segment_, size});
}

Status DurableLog::OpenSegment(const std::optional<SegmentLink>& link) {
  if (Status s = Point("wal.segment.create.before"); !s.ok()) return s;
  if (next_segment_ > wal::kMaxSegmentNumber) {
    // Unreachable in practice (recovery refuses numbers this close); never wrap to 0.
    return Fail(Status::Corruption("no log segment number is left after " +
                                   wal::SegmentFileName(next_segment_ - 1)));
  }
  const uint64_t number = next_segment_++;
  segment_number_ = number;
  segment_name_ = wal::SegmentFileName(number);
  auto file = fs_->NewWritableFile(JoinPath(dir_, segment_name_));
  if (!file.ok()) {
    start_error_ = file.status();
    return Fail(file.status());
  }
  file_ = std::move(*file);
  writer_ = std::make_unique<wal::LogWriter>(
      file_.get(), 0, wal::LogWriterOptions{.retry_failed_sync = hooks_.bugs.retry_failed_sync});
  synced_size_ = 0;
  // The segment's directory entry must be durable before any record in it can be.
  if (Status s = Point("wal.segment.dirsync.before"); !s.ok()) return s;
  if (Status s = fs_->SyncDir(dir_); !s.ok()) {
    start_error_ = s;
    return Fail(s);
  }
  if (link.has_value()) {
    EncodeSegmentLink(*link, &record_);
    writer_->AddRecord(record_);
    if (Status s = writer_->Flush(); !s.ok()) return Fail(s.Annotate("append to " + segment_name_));
    unsynced_ = true;
  }
  return Status::OK();
}

Status DurableLog::SyncSegment() {
  if (Status s = Point("wal.sync.before"); !s.ok()) return s;
  syncs_.fetch_add(1, std::memory_order_relaxed);
  // Never retried (docs/durability.md) -- except by the deliberate bug the explorer must find
  // (wal::LogWriterOptions::retry_failed_sync).
  if (Status s = writer_->Sync(); !s.ok()) return Fail(s.Annotate("sync of " + segment_name_));
  if (Status s = Point("wal.sync.after"); !s.ok()) return s;
  unsynced_ = false;
  synced_size_ = writer_->size();
  last_sync_micros_ = hooks_.clock->NowMicros();
  return Status::OK();
}

Result<uint64_t> DurableLog::Roll() {
  std::optional<SegmentLink> link;
  if (file_ != nullptr) {
    // Synced even under kNone: a later segment must never hold records that survive a crash
    // while the end of an earlier one does not (recovery would find a gap).
    if (unsynced_) {
      if (Status s = SyncSegment(); !s.ok()) return s;
    }
    link = SegmentLink{segment_number_, writer_->size()};
    if (Status s = file_->Close(); !s.ok()) return Fail(s);
    file_.reset();
    writer_.reset();
  } else {
    auto recovered = LinkToRecoveredSegment();
    if (!recovered.ok()) {
      start_error_ = recovered.status();
      return Fail(recovered.status());
    }
    link = *recovered;
  }
  const uint64_t number = next_segment_;
  if (Status s = OpenSegment(link); !s.ok()) return s;
  return number;
}

Status DurableLog::Persist(std::span<const mvcc::PendingCommit> group) {
  if (failed_.load(std::memory_order_acquire)) return WriteStatus();
  if (file_ == nullptr) return mvcc::Engine::ClosedError();
  if (writer_->size() >= options_.wal_segment_bytes) {
    if (auto rolled = Roll(); !rolled.ok()) return rolled.status();
  }
  for (const mvcc::PendingCommit& commit : group) {
    EncodeCommitRecord({commit.timestamp, synced_size_}, *commit.writes, &record_);
    writer_->AddRecord(record_);
  }
  const uint64_t bytes = writer_->pending_bytes();
  if (Status s = Point("wal.append.before"); !s.ok()) return s;
  if (Status s = writer_->Flush(); !s.ok()) return Fail(s.Annotate("append to " + segment_name_));
  unsynced_ = true;
  log_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  bytes_since_checkpoint_.fetch_add(bytes, std::memory_order_relaxed);
  groups_.fetch_add(1, std::memory_order_relaxed);
  if (Status s = Point("wal.append.after"); !s.ok()) return s;
  if (Status s = SyncPerMode(); !s.ok()) return s;
  return Point("commit.publish.before");
}

Status DurableLog::SyncPerMode() {
  switch (options_.sync_mode) {
    case SyncMode::kAlways:
      if (hooks_.bugs.ack_before_sync) return Status::OK();
      return SyncSegment();
    case SyncMode::kInterval:
      if (hooks_.clock->NowMicros() - last_sync_micros_ >=
          uint64_t{options_.sync_interval_ms} * 1000) {
        return SyncSegment();
      }
      return Status::OK();
    case SyncMode::kNone:
      return Status::OK();
  }
  return Status::OK();
}

Status DurableLog::SyncNow() {
  Status s;
  engine_->RunBetweenCommits([&] {
    if (failed_.load(std::memory_order_acquire)) {
      s = WriteStatus();
    } else if (file_ == nullptr) {
      s = mvcc::Engine::ClosedError();
    } else if (unsynced_) {
      s = SyncSegment();
    }
  });
  return s;
}

void DurableLog::AfterPublish() {
  if (options_.checkpoint_log_bytes == 0 ||
      bytes_since_checkpoint_.load(std::memory_order_relaxed) < options_.checkpoint_log_bytes) {
    return;
  }
  // Automatic checkpoints are best effort: a failure leaves the log in place (nothing is
  // lost) and the next commit past the threshold tries again.
  if (!BeginCheckpoint(/*wait=*/false)) return;
  CheckpointImpl().IgnoreError();
  EndCheckpoint();
}

bool DurableLog::BeginCheckpoint(bool wait) {
  std::unique_lock<Monitor> lock(*checkpoint_monitor_);
  while (checkpoint_running_ && wait && !shut_down_) checkpoint_monitor_->Wait();
  if (checkpoint_running_ || shut_down_) return false;
  checkpoint_running_ = true;
  return true;
}

void DurableLog::EndCheckpoint() {
  std::unique_lock<Monitor> lock(*checkpoint_monitor_);
  checkpoint_running_ = false;
  checkpoint_monitor_->NotifyAll();
}

Status DurableLog::Checkpoint() {
  engine_->PassStep(EngineStep::kCheckpoint, 0);
  if (!BeginCheckpoint(/*wait=*/true)) return mvcc::Engine::ClosedError();
  Status s = CheckpointImpl();
  EndCheckpoint();
  return s;
}

Status DurableLog::CheckpointImpl() {
  if (Status s = WriteStatus(); !s.ok()) return s;
  // Cut the log where the snapshot is: everything published so far is in segments before
  // the new one, everything later in it or after.
  std::unique_ptr<mvcc::IteratorState> state;
  uint64_t timestamp = 0;
  Result<uint64_t> replay_from = Status::InvalidArgument("not cut");
  engine_->RunBetweenCommits([&] {
    if (file_ == nullptr) {
      replay_from = mvcc::Engine::ClosedError();
      return;
    }
    // A non-owning handle: this log lives inside the engine.
    std::shared_ptr<mvcc::Engine> engine(std::shared_ptr<mvcc::Engine>(), engine_);
    state = std::make_unique<mvcc::IteratorState>(engine, ScanRange::All());
    timestamp = engine_->LatestTimestamp();
    bytes_since_checkpoint_.store(0, std::memory_order_relaxed);
    replay_from = Roll();
  });
  if (!replay_from.ok()) return replay_from.status();
  Status s = WriteCheckpoint(*fs_, dir_, state.get(), timestamp, *replay_from, hooks_);
  state.reset();  // release the snapshot before cleaning up
  if (!s.ok()) return s;
  if (s = PassPoint(hooks_.points, "checkpoint.cleanup.before"); !s.ok()) return s;
  RemoveObsoleteFiles(*fs_, dir_, timestamp, *replay_from, hooks_);
  checkpoints_.fetch_add(1, std::memory_order_relaxed);
  return Status::OK();
}

Status DurableLog::CheckpointBeforeStart(const std::vector<std::string>& set_aside) {
  std::shared_ptr<mvcc::Engine> engine(std::shared_ptr<mvcc::Engine>(), engine_);
  mvcc::IteratorState state(engine, ScanRange::All());
  const uint64_t timestamp = engine_->LatestTimestamp();
  if (Status s = WriteCheckpoint(*fs_, dir_, &state, timestamp, next_segment_, hooks_); !s.ok()) {
    return s;
  }
  // Set aside only now that the checkpoint is durable (an Open that fails changes no file). A
  // damaged checkpoint with the new one's name was already replaced by it, atomically.
  bool renamed = false;
  for (const std::string& name : set_aside) {
    if (name == CheckpointFileName(timestamp)) continue;
    renamed |= fs_->Rename(JoinPath(dir_, name), JoinPath(dir_, name + ".damaged")).ok();
  }
  // Best effort: a rename lost in a crash leaves the file to be found and set aside again.
  if (renamed) fs_->SyncDir(dir_).IgnoreError();
  RemoveObsoleteFiles(*fs_, dir_, timestamp, next_segment_, hooks_);
  checkpoints_.fetch_add(1, std::memory_order_relaxed);
  return Status::OK();
}

void DurableLog::Shutdown() {
  {
    std::unique_lock<Monitor> lock(*checkpoint_monitor_);
    while (checkpoint_running_) checkpoint_monitor_->Wait();
    if (shut_down_) return;
    shut_down_ = true;
  }
  engine_->RunBetweenCommits([&] {
    if (file_ == nullptr) return;
    if (unsynced_ && options_.sync_mode != SyncMode::kNone && !failed_.load()) {
      SyncSegment().IgnoreError();  // a failure is recorded; nobody is left to report it to
    }
    file_->Close().IgnoreError();
    file_.reset();
    writer_.reset();
    lock_.reset();
  });
}

}  // namespace memdb::db
