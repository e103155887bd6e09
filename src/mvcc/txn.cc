#include "memdb/mvcc/txn.h"

#include <string>
#include <utility>

#include "mvcc/engine.h"
#include "mvcc/iterator_state.h"
#include "mvcc/txn_state.h"
#include "util/printable.h"

namespace memdb {
namespace mvcc {

TxnState::TxnState(std::shared_ptr<Engine> engine_in, const TxnOptions& options_in)
    : engine(std::move(engine_in)), options(options_in), id(engine->NewTxnId()) {
  engine->PassStep(EngineStep::kTxnBegin, id);
  engine->AcquireSnapshot(&snapshot);
  if (engine->ObservesSteps()) [[unlikely]] {
    engine->ReportOutcome({.step = EngineStep::kTxnBegin,
                           .txn = id,
                           .timestamp = snapshot.timestamp,
                           .serializable = options.isolation == IsolationLevel::kSerializable});
  }
}

TxnState::~TxnState() { engine->ReleaseSnapshot(&snapshot); }

Status TxnState::CheckUsable(std::string_view operation) const {
  if (engine->closed()) return Engine::ClosedError();
  auto misuse = [&](std::string_view why) {
    return Status::InvalidArgument("Txn::" + std::string(operation) + " " + std::string(why));
  };
  switch (phase) {
    case Phase::kActive:
      return Status::OK();
    case Phase::kCommitted:
      return misuse("after Commit: the transaction is no longer active");
    case Phase::kAborted:
      return misuse("after its Commit failed: the transaction was rolled back; begin a new one");
    case Phase::kRolledBack:
      return misuse("after Rollback: the transaction is no longer active");
  }
  return Status::OK();
}

void TxnState::Finish(Phase final_phase) {
  phase = final_phase;
  writes.Clear();
  read_keys.clear();
  read_ranges.clear();
  engine->ReleaseSnapshot(&snapshot);
}

}  // namespace mvcc

namespace {

Status NoState(std::string_view operation) {
  return Status::InvalidArgument("Txn::" + std::string(operation) +
                                 " on a moved-from or default-constructed Txn");
}

Status CheckWrite(const mvcc::TxnState& state, std::string_view operation, std::string_view key) {
  Status s = state.CheckUsable(operation);
  if (!s.ok()) return s;
  if (state.options.read_only) {
    return Status::InvalidArgument("Txn::" + std::string(operation) +
                                   " in a read-only transaction");
  }
  if (key.size() > kMaxKeySize) {
    return Status::InvalidArgument("key of " + std::to_string(key.size()) +
                                   " bytes is longer than the maximum of " +
                                   std::to_string(kMaxKeySize));
  }
  return Status::OK();
}

Status KeyNotFound(std::string_view key) {
  return Status::NotFound("key " + Printable(key) + " not found");
}

}  // namespace

Txn::Txn() = default;
Txn::Txn(std::unique_ptr<mvcc::TxnState> state) : state_(std::move(state)) {}
Txn::Txn(Txn&&) noexcept = default;
Txn& Txn::operator=(Txn&& other) noexcept {
  if (this != &other) {
    if (active()) Rollback().IgnoreError();
    state_ = std::move(other.state_);
  }
  return *this;
}
Txn::~Txn() = default;  // ~TxnState releases the snapshot: an uncommitted Txn rolls back

Result<std::string> Txn::Get(std::string_view key) {
  std::string value;
  Status s = Get(key, &value);
  if (!s.ok()) return s;
  return value;
}

Status Txn::Get(std::string_view key, std::string* value) {
  if (state_ == nullptr) return NoState("Get");
  if (Status s = state_->CheckUsable("Get"); !s.ok()) return s;
  mvcc::Engine& engine = *state_->engine;
  engine.PassStep(EngineStep::kTxnGet, state_->id, key);
  if (const mvcc::WriteBuffer::Entry* own = state_->writes.Find(key)) {  // read your own writes
    if (engine.ObservesSteps()) [[unlikely]] {
      engine.ReportOutcome({.step = EngineStep::kTxnGet,
                            .txn = state_->id,
                            .key = key,
                            .found = !own->tombstone,
                            .own_write = true});
    }
    if (own->tombstone) return KeyNotFound(key);
    value->assign(own->value);
    return Status::OK();
  }
  if (state_->RecordsReads()) state_->read_keys.emplace_back(key);
  if (engine.ObservesSteps()) [[unlikely]] {
    uint64_t version = 0;
    const bool found = engine.Read(state_->snapshot.timestamp, key, value, &version);
    engine.ReportOutcome({.step = EngineStep::kTxnGet,
                          .txn = state_->id,
                          .key = key,
                          .timestamp = version,
                          .found = found});
    return found ? Status::OK() : KeyNotFound(key);
  }
  if (!engine.Read(state_->snapshot.timestamp, key, value)) return KeyNotFound(key);
  return Status::OK();
}

Status Txn::Put(std::string_view key, std::string_view value) {
  if (state_ == nullptr) return NoState("Put");
  if (Status s = CheckWrite(*state_, "Put", key); !s.ok()) return s;
  if (value.size() > kMaxValueSize) {
    return Status::InvalidArgument("value of " + std::to_string(value.size()) +
                                   " bytes is longer than the maximum of " +
                                   std::to_string(kMaxValueSize));
  }
  state_->engine->PassStep(EngineStep::kTxnPut, state_->id, key);
  state_->writes.Write(key, value, /*tombstone=*/false);
  return Status::OK();
}

Status Txn::Delete(std::string_view key) {
  if (state_ == nullptr) return NoState("Delete");
  if (Status s = CheckWrite(*state_, "Delete", key); !s.ok()) return s;
  state_->engine->PassStep(EngineStep::kTxnDelete, state_->id, key);
  state_->writes.Write(key, {}, /*tombstone=*/true);
  return Status::OK();
}

Iterator Txn::NewIterator(const ScanRange& range) {
  if (state_ == nullptr)
    return Iterator(std::make_unique<mvcc::IteratorState>(NoState("NewIterator")));
  if (Status s = state_->CheckUsable("NewIterator"); !s.ok()) {
    return Iterator(std::make_unique<mvcc::IteratorState>(std::move(s)));
  }
  state_->engine->PassStep(EngineStep::kTxnScan, state_->id, range.begin);
  if (state_->engine->ObservesSteps()) [[unlikely]] {
    state_->engine->ReportOutcome({.step = EngineStep::kTxnScan,
                                   .txn = state_->id,
                                   .key = range.begin,
                                   .end = range.end,
                                   .has_end = range.has_end,
                                   .timestamp = state_->snapshot.timestamp});
  }
  if (state_->RecordsReads()) state_->read_ranges.push_back(range);
  return Iterator(std::make_unique<mvcc::IteratorState>(*state_, range));
}

Status Txn::Scan(const ScanRange& range, const ScanVisitor& visit) {
  return mvcc::VisitAll(NewIterator(range), visit);
}

Status Txn::Commit() {
  if (state_ == nullptr) return NoState("Commit");
  Status s = state_->CheckUsable("Commit");
  if (s.ok()) {
    state_->engine->PassStep(EngineStep::kTxnCommit, state_->id);
    s = state_->engine->Commit(state_.get());
    if (state_->engine->ObservesSteps()) [[unlikely]] {
      state_->engine->ReportOutcome({.step = EngineStep::kTxnCommit,
                                     .txn = state_->id,
                                     .timestamp = state_->commit_timestamp,
                                     .found = s.ok()});
    }
  }
  // Either way the transaction is over, unless it had already finished before this call.
  if (state_->phase == mvcc::TxnState::Phase::kActive) {
    state_->Finish(s.ok() ? mvcc::TxnState::Phase::kCommitted : mvcc::TxnState::Phase::kAborted);
  }
  return s;
}

Status Txn::Rollback() {
  if (state_ == nullptr) return NoState("Rollback");
  Status s = state_->CheckUsable("Rollback");
  if (state_->phase == mvcc::TxnState::Phase::kActive) {
    if (state_->engine->ObservesSteps()) [[unlikely]] {
      state_->engine->ReportOutcome({.step = EngineStep::kTxnRollback, .txn = state_->id});
    }
    state_->Finish(mvcc::TxnState::Phase::kRolledBack);
  }
  return s;
}

bool Txn::active() const {
  return state_ != nullptr && state_->phase == mvcc::TxnState::Phase::kActive;
}
uint64_t Txn::snapshot_timestamp() const {
  return state_ != nullptr ? state_->snapshot.timestamp : 0;
}
IsolationLevel Txn::isolation() const {
  return state_ != nullptr ? state_->options.isolation : IsolationLevel::kSnapshot;
}
size_t Txn::write_count() const { return state_ != nullptr ? state_->writes.size() : 0; }

}  // namespace memdb
