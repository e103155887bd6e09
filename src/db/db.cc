#include "memdb/db/db.h"

#include <string>
#include <thread>
#include <utility>

#include "mvcc/engine.h"
#include "mvcc/iterator_state.h"
#include "mvcc/txn_state.h"
#include "util/printable.h"

namespace memdb {
namespace {

Status MovedFrom(std::string_view operation) {
  return Status::InvalidArgument("Db::" + std::string(operation) + " on a moved-from Db");
}

}  // namespace

Result<Db> Db::Open(const Options& options) {
  if (options.max_update_attempts < 1) {
    return Status::InvalidArgument("Options::max_update_attempts must be at least 1, got " +
                                   std::to_string(options.max_update_attempts));
  }
  return Db(options, std::make_shared<mvcc::Engine>());
}

Db::Db(const Options& options, std::shared_ptr<mvcc::Engine> engine)
    : options_(options), engine_(std::move(engine)) {}

Db::Db(Db&&) noexcept = default;

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    if (engine_ != nullptr) engine_->Close();
    options_ = other.options_;
    engine_ = std::move(other.engine_);
  }
  return *this;
}

Db::~Db() {
  if (engine_ != nullptr) engine_->Close();
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
  return s;
}

}  // namespace memdb
