#include "memdb/db/db.h"

#include <string>
#include <thread>
#include <utility>

#include "db/durable_log.h"
#include "db/recovery.h"
#include "memdb/io/file_system.h"
#include "mvcc/engine.h"
#include "mvcc/iterator_state.h"
#include "mvcc/txn_state.h"
#include "util/engine_hooks.h"
#include "util/printable.h"

namespace memdb {
namespace {

Status MovedFrom(std::string_view operation) {
  return Status::InvalidArgument("Db::" + std::string(operation) + " on a moved-from Db");
}

// An enum field holding a value outside its enumerators (a cast from an integer, a field of a
// struct read from elsewhere) would otherwise fall through every switch on it.
Status ValidateEnums(const Options& options) {
  auto out_of_range = [](std::string_view field, auto value) {
    return Status::InvalidArgument("Options::" + std::string(field) + " holds " +
                                   std::to_string(static_cast<long long>(value)) +
                                   ", which is not one of its enumerators");
  };
  if (options.default_isolation != IsolationLevel::kSnapshot &&
      options.default_isolation != IsolationLevel::kSerializable) {
    return out_of_range("default_isolation", options.default_isolation);
  }
  if (!ParseSyncMode(SyncModeName(options.sync_mode)).has_value()) {
    return out_of_range("sync_mode", options.sync_mode);
  }
  if (!ParseRecoveryMode(RecoveryModeName(options.recovery_mode)).has_value()) {
    return out_of_range("recovery_mode", options.recovery_mode);
  }
  return Status::OK();
}

}  // namespace

Result<Db> Db::Open(const Options& options) { return Open(options, EngineHooks{}); }

Result<Db> Db::Open(const Options& options, const EngineHooks& hooks) {
  if (Status s = ValidateEnums(options); !s.ok()) return s;
  if (options.max_update_attempts < 1) {
    return Status::InvalidArgument("Options::max_update_attempts must be at least 1, got " +
                                   std::to_string(options.max_update_attempts));
  }
  if (!options.path.empty()) return OpenDurable(options, hooks);
  return Db(options, std::make_shared<mvcc::Engine>(hooks));
}

Result<Db> Db::OpenDurable(const Options& options, const EngineHooks& installed) {
  if (options.wal_segment_bytes == 0) {
    return Status::InvalidArgument("Options::wal_segment_bytes must be positive");
  }
  if (options.sync_mode == SyncMode::kInterval && options.sync_interval_ms == 0) {
    return Status::InvalidArgument(
        "Options::sync_interval_ms must be positive with SyncMode::kInterval (use kAlways to "
        "sync every commit)");
  }
  std::shared_ptr<FileSystem> fs =
      options.file_system != nullptr ? options.file_system : PosixFileSystem();
  const std::string& dir = options.path;
  if (!fs->FileExists(dir)) {
    if (!options.create_if_missing) {
      return Status::NotFound("database directory " + dir +
                              " does not exist (Options::create_if_missing is false)");
    }
    if (Status s = fs->CreateDir(dir); !s.ok()) return s;
    if (Status s = fs->SyncDir(DirName(dir)); !s.ok()) return s;
  }
  auto lock = fs->LockFile(JoinPath(dir, "LOCK"));
  if (!lock.ok()) return lock.status();
  // A storage that observes its own points (a FaultyFileSystem) keeps doing so for every
  // database on it, unless the caller installed an observer of its own.
  EngineHooks hooks = installed;
  if (hooks.points == nullptr) hooks.points = fs->point_observer();

  RecoveryReport report;
  db::RecoveredState recovered;
  if (Status s = db::Recover(*fs, options, hooks, &recovered, &report); !s.ok()) {
    return s;
  }
  mvcc::Engine* engine = recovered.engine.get();
  auto log = std::make_unique<db::DurableLog>(engine, fs, options, std::move(*lock),
                                              recovered.next_segment, recovered.last_segment);
  if (recovered.needs_checkpoint) {
    // Re-base the log on a checkpoint so the discarded bytes are never read again.
    if (Status s = log->CheckpointBeforeStart(recovered.set_aside); !s.ok()) {
      return s.Annotate("recovery of " + dir + " could not write its checkpoint");
    }
    report.wrote_checkpoint = true;
  }
  if (Status s = log->Start(); !s.ok()) return s;
  db::DurableLog* raw_log = log.get();
  engine->SetCommitLog(std::move(log));
  Db db(options, std::move(recovered.engine));
  db.log_ = raw_log;
  db.recovery_report_ = std::move(report);
  return db;
}

Db::Db(const Options& options, std::shared_ptr<mvcc::Engine> engine)
    : options_(options), engine_(std::move(engine)) {}

Db::Db(Db&& other) noexcept
    : options_(std::move(other.options_)),
      engine_(std::move(other.engine_)),
      log_(std::exchange(other.log_, nullptr)),
      recovery_report_(std::move(other.recovery_report_)) {}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    Close();
    options_ = std::move(other.options_);
    engine_ = std::move(other.engine_);
    log_ = std::exchange(other.log_, nullptr);
    recovery_report_ = std::move(other.recovery_report_);
  }
  return *this;
}

Db::~Db() { Close(); }

void Db::Close() {
  if (engine_ == nullptr) return;
  engine_->Close();
  if (log_ != nullptr) log_->Shutdown();  // syncs (unless kNone) and unlocks the directory
  log_ = nullptr;
  engine_.reset();
}

Status Db::Checkpoint() {
  if (engine_ == nullptr) return MovedFrom("Checkpoint");
  if (log_ == nullptr) {
    return Status::NotSupported(
        "Db::Checkpoint needs a durable database: this one is in memory (Options::path is "
        "empty)");
  }
  return log_->Checkpoint();
}

Status Db::SyncLog() {
  if (engine_ == nullptr) return MovedFrom("SyncLog");
  return log_ != nullptr ? log_->SyncNow() : Status::OK();
}

Status Db::WriteStatus() const {
  if (engine_ == nullptr) return MovedFrom("WriteStatus");
  if (engine_->closed()) return mvcc::Engine::ClosedError();
  return log_ != nullptr ? log_->WriteStatus() : Status::OK();
}

Txn Db::Begin() { return Begin(TxnOptions{options_.default_isolation, false}); }

Txn Db::Begin(const TxnOptions& options) {
  if (engine_ == nullptr) return Txn();
  return Txn(std::make_unique<mvcc::TxnState>(engine_, options));
}

Result<std::string> Db::Get(std::string_view key) {
  std::string value;
  Status s = Get(key, &value);
  if (!s.ok()) return s;
  return value;
}

Status Db::Get(std::string_view key, std::string* value) {
  if (engine_ == nullptr) return MovedFrom("Get");
  if (engine_->closed()) return mvcc::Engine::ClosedError();
  if (!engine_->ReadLatest(key, value))
    return Status::NotFound("key " + Printable(key) + " not found");
  return Status::OK();
}

Status Db::Put(std::string_view key, std::string_view value) {
  return Update([&](KvTransaction& txn) { return txn.Put(key, value); });
}

Status Db::Delete(std::string_view key) {
  return Update([&](KvTransaction& txn) { return txn.Delete(key); });
}

Iterator Db::NewIterator(const ScanRange& range) {
  if (engine_ == nullptr)
    return Iterator(std::make_unique<mvcc::IteratorState>(MovedFrom("NewIterator")));
  if (engine_->closed()) {
    return Iterator(std::make_unique<mvcc::IteratorState>(mvcc::Engine::ClosedError()));
  }
  return Iterator(std::make_unique<mvcc::IteratorState>(engine_, range));
}

Status Db::Scan(const ScanRange& range, const ScanVisitor& visit) {
  return mvcc::VisitAll(NewIterator(range), visit);
}

Status Db::Update(const TxnBody& body) {
  if (engine_ == nullptr) return MovedFrom("Update");
  Status last;
  for (int attempt = 1; attempt <= options_.max_update_attempts; ++attempt) {
    Txn txn = Begin();
    Status s = body(txn);
    if (!s.ok()) return s;  // the body's own error: roll back (txn's destructor) and report
    s = txn.Commit();
    if (!s.IsConflict()) return s;
    last = std::move(s);
    std::this_thread::yield();  // let the winner finish before running the body again
  }
  return Status::Conflict(
      "Db::Update gave up after " + std::to_string(options_.max_update_attempts) +
      " attempts (Options::max_update_attempts); last conflict: " + std::string(last.message()));
}

Status Db::View(const TxnBody& body) {
  if (engine_ == nullptr) return MovedFrom("View");
  Txn txn = Begin(TxnOptions{options_.default_isolation, true});
  return body(txn);
}

void Db::CollectGarbage() {
  if (engine_ != nullptr) engine_->CollectGarbage();
}

DbStats Db::GetStats() const {
  if (engine_ == nullptr) return DbStats{};
  const mvcc::EngineStats e = engine_->Stats();
  DbStats s;
  s.last_commit_timestamp = e.last_commit_timestamp;
  s.live_keys = e.live_keys;
  s.versions = e.versions;
  s.pending_garbage = e.pending_garbage;
  s.memory_bytes = e.memory_bytes;
  s.active_snapshots = e.open_snapshots;
  s.commits = e.commits;
  s.conflicts = e.conflicts;
  if (log_ != nullptr) {
    s.log_bytes = log_->log_bytes();
    s.log_syncs = log_->syncs();
    s.commit_groups = log_->groups();
    s.checkpoints = log_->checkpoints();
  }
  return s;
}

}  // namespace memdb
