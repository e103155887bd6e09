#include "memdb/testing/recording_kv_store.h"

#include <utility>

#include "testing/intercepting_txn.h"
#include "util/printable.h"

namespace memdb::testing {

namespace {

RecordedOp::Kind KindOf(internal::TxnOp op) {
  switch (op) {
    case internal::TxnOp::kGet:
      return RecordedOp::Kind::kGet;
    case internal::TxnOp::kPut:
      return RecordedOp::Kind::kPut;
    case internal::TxnOp::kDelete:
      return RecordedOp::Kind::kDelete;
    case internal::TxnOp::kScan:
      return RecordedOp::Kind::kScan;
  }
  return RecordedOp::Kind::kGet;
}

const char* KindName(RecordedOp::Kind kind) {
  switch (kind) {
    case RecordedOp::Kind::kGet:
      return "get";
    case RecordedOp::Kind::kPut:
      return "put";
    case RecordedOp::Kind::kDelete:
      return "delete";
    case RecordedOp::Kind::kScan:
      return "scan";
    case RecordedOp::Kind::kBegin:
      return "begin";
    case RecordedOp::Kind::kCommit:
      return "commit";
    case RecordedOp::Kind::kRollback:
      return "rollback";
  }
  return "?";
}

RecordedOp Op(RecordedOp::Kind kind, uint64_t txn, std::string_view key, std::string_view value,
              Status status) {
  RecordedOp op;
  op.kind = kind;
  op.txn = txn;
  op.key = std::string(key);
  op.value = std::string(value);
  op.status = std::move(status);
  return op;
}

}  // namespace

std::string RecordedOp::ToString() const {
  std::string s;
  if (txn != 0) s.append("t").append(std::to_string(txn)).append(" ");
  s.append(KindName(kind));
  switch (kind) {
    case Kind::kBegin:
      if (read_only) s.append(" read-only");
      return s;
    case Kind::kCommit:
    case Kind::kRollback:
      break;
    default:
      s.append("(").append(Printable(key)).append(")");
  }
  s.append(" ").append(CodeName(status.code()));
  return s;
}

void PrintTo(const RecordedOp& op, std::ostream* os) { *os << op.ToString(); }

void RecordingKvStore::Record(RecordedOp op) {
  std::lock_guard<std::mutex> lock(mu_);
  ops_.push_back(std::move(op));
}

uint64_t RecordingKvStore::BeginTxn(bool read_only) {
  std::lock_guard<std::mutex> lock(mu_);
  RecordedOp op;
  op.kind = RecordedOp::Kind::kBegin;
  op.txn = next_txn_++;
  op.read_only = read_only;
  ops_.push_back(op);
  return op.txn;
}

Result<std::string> RecordingKvStore::Get(std::string_view key) {
  Result<std::string> r = target().Get(key);
  Record(Op(RecordedOp::Kind::kGet, 0, key, r.ok() ? std::string_view(*r) : "", r.status()));
  return r;
}

Status RecordingKvStore::Put(std::string_view key, std::string_view value) {
  Status s = target().Put(key, value);
  Record(Op(RecordedOp::Kind::kPut, 0, key, value, s));
  return s;
}

Status RecordingKvStore::Delete(std::string_view key) {
  Status s = target().Delete(key);
  Record(Op(RecordedOp::Kind::kDelete, 0, key, "", s));
  return s;
}

Status RecordingKvStore::Scan(const ScanRange& range, const ScanVisitor& visit) {
  Status s = target().Scan(range, visit);
  Record(Op(RecordedOp::Kind::kScan, 0, range.begin, "", s));
  return s;
}

Status RecordingKvStore::RunBody(const TxnBody& body, bool read_only,
                                 Status (KvStore::*run)(const TxnBody&)) {
  uint64_t txn = 0;
  bool body_ok = false;  // the last attempt's body succeeded, so the store tried to commit it
  Status s = (target().*run)([&](KvTransaction& inner_txn) {
    if (txn != 0 && body_ok) {
      // Update runs the body again only when the previous attempt's commit lost a conflict.
      Record(Op(RecordedOp::Kind::kCommit, txn, "", "",
                Status::Conflict("the commit lost; the body runs again")));
    }
    txn = BeginTxn(read_only);
    internal::InterceptingTxn recorded(
        inner_txn, nullptr,
        [this, txn](internal::TxnOp op, std::string_view key, std::string_view value,
                    const Status& result) { Record(Op(KindOf(op), txn, key, value, result)); });
    Status result = body(recorded);
    body_ok = result.ok();
    if (!body_ok) Record(Op(RecordedOp::Kind::kRollback, txn, "", "", result));
    return result;
  });
  if (txn != 0 && body_ok) Record(Op(RecordedOp::Kind::kCommit, txn, "", "", s));
  return s;
}

Status RecordingKvStore::Update(const TxnBody& body) {
  return RunBody(body, false, &KvStore::Update);
}

Status RecordingKvStore::View(const TxnBody& body) { return RunBody(body, true, &KvStore::View); }

std::vector<RecordedOp> RecordingKvStore::operations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ops_;
}

std::vector<std::string> RecordingKvStore::History() const {
  std::vector<std::string> lines;
  for (const RecordedOp& op : operations()) lines.push_back(op.ToString());
  return lines;
}

std::vector<RecordedOp> RecordingKvStore::Transaction(uint64_t txn) const {
  std::vector<RecordedOp> out;
  for (const RecordedOp& op : operations()) {
    if (op.txn == txn) out.push_back(op);
  }
  return out;
}

uint64_t RecordingKvStore::transactions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_txn_ - 1;
}

void RecordingKvStore::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  ops_.clear();
  next_txn_ = 1;
}

}  // namespace memdb::testing
