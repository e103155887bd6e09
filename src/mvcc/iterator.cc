#include "memdb/mvcc/iterator.h"

#include <algorithm>
#include <utility>

#include "mvcc/iterator_state.h"

namespace memdb {
namespace mvcc {
namespace {
constexpr size_t kMaxBatch = 256;
}  // namespace

IteratorState::IteratorState(Status error) : status_(std::move(error)) {}

IteratorState::IteratorState(std::shared_ptr<Engine> engine, ScanRange range)
    : engine_(std::move(engine)), range_(std::move(range)) {
  engine_->AcquireSnapshot(&snapshot_);
  Settle();
}

IteratorState::IteratorState(const TxnState& txn, ScanRange range)
    : engine_(txn.engine), range_(std::move(range)) {
  engine_->ShareSnapshot(&snapshot_, txn.snapshot.timestamp);
  for (const WriteBuffer::Entry& w : txn.writes.InRange(range_)) {
    own_.push_back({std::string(w.key), std::string(w.value), w.tombstone});
  }
  if (range_.reverse) std::reverse(own_.begin(), own_.end());
  Settle();
}

IteratorState::~IteratorState() {
  if (engine_ != nullptr) engine_->ReleaseSnapshot(&snapshot_);
}

bool IteratorState::EngineHasEntry() {
  if (batch_pos_ < batch_.size()) return true;
  if (engine_done_) return false;
  if (engine_->closed()) {
    status_ = Engine::ClosedError();
    return false;
  }
  // Resume after the last key returned; its version is still alive (our snapshot sees it).
  const bool resume = !batch_.empty();
  const std::string_view last = resume ? batch_.back().key : std::string_view();
  batch_.clear();  // `last` points into a version, not into the vector
  batch_.reserve(next_batch_size_);
  engine_done_ = engine_->ReadBatch(snapshot_.timestamp, range_, resume ? &last : nullptr,
                                    next_batch_size_, &batch_);
  next_batch_size_ = std::min(next_batch_size_ * 2, kMaxBatch);
  batch_pos_ = 0;
  return !batch_.empty();
}

void IteratorState::Settle() {
  for (;;) {
    const bool has_engine = EngineHasEntry();
    const bool has_own = own_pos_ < own_.size();
    if (!status_.ok() || (!has_engine && !has_own)) {
      valid_ = false;
      return;
    }
    const ReadEntry* e = has_engine ? &batch_[batch_pos_] : nullptr;
    const auto* o = has_own ? &own_[own_pos_] : nullptr;
    from_engine_ = e != nullptr && (o == nullptr || !Before(o->key, e->key));
    from_own_ = o != nullptr && (e == nullptr || !Before(e->key, o->key));
    if (from_own_ && o->tombstone) {  // deleted by this transaction: skip the key
      if (from_engine_) ++batch_pos_;
      ++own_pos_;
      continue;
    }
    valid_ = true;
    key_ = from_own_ ? std::string_view(o->key) : e->key;
    value_ = from_own_ ? std::string_view(o->value) : e->value;
    return;
  }
}

void IteratorState::StopIfClosed() {
  if (valid_ && engine_->closed()) {
    status_ = Engine::ClosedError();
    valid_ = false;
    key_ = value_ = std::string_view();
  }
}

void IteratorState::Next() {
  if (engine_->closed()) {
    status_ = Engine::ClosedError();
    valid_ = false;
    key_ = value_ = std::string_view();
    return;
  }
  if (from_engine_) ++batch_pos_;
  if (from_own_) ++own_pos_;
  from_engine_ = from_own_ = false;
  Settle();
}

Status VisitAll(Iterator it, const ScanVisitor& visit) {
  for (; it.Valid(); it.Next()) {
    if (!visit(it.key(), it.value())) break;
  }
  return it.status();
}

}  // namespace mvcc

Iterator::Iterator() = default;
Iterator::Iterator(std::unique_ptr<mvcc::IteratorState> state) : state_(std::move(state)) {}
Iterator::Iterator(Iterator&&) noexcept = default;
Iterator& Iterator::operator=(Iterator&&) noexcept = default;
Iterator::~Iterator() = default;

bool Iterator::Valid() const { return state_ != nullptr && state_->Valid(); }

void Iterator::Next() {
  if (Valid()) state_->Next();
}

std::string_view Iterator::key() const { return Valid() ? state_->key() : std::string_view(); }
std::string_view Iterator::value() const { return Valid() ? state_->value() : std::string_view(); }
Status Iterator::status() const { return state_ != nullptr ? state_->status() : Status::OK(); }

}  // namespace memdb
