#include "testing/intercepting_txn.h"

namespace memdb::testing::internal {

Status InterceptingTxn::Check(TxnOp op, std::string_view key) const {
  return before_ ? before_(op, key) : Status::OK();
}

void InterceptingTxn::Done(TxnOp op, std::string_view key, std::string_view value,
                           const Status& s) const {
  if (after_) after_(op, key, value, s);
}

Result<std::string> InterceptingTxn::Get(std::string_view key) {
  if (Status s = Check(TxnOp::kGet, key); !s.ok()) {
    Done(TxnOp::kGet, key, "", s);
    return s;
  }
  Result<std::string> r = inner_.Get(key);
  Done(TxnOp::kGet, key, r.ok() ? std::string_view(*r) : std::string_view(), r.status());
  return r;
}

Status InterceptingTxn::Put(std::string_view key, std::string_view value) {
  Status s = Check(TxnOp::kPut, key);
  if (s.ok()) s = inner_.Put(key, value);
  Done(TxnOp::kPut, key, value, s);
  return s;
}

Status InterceptingTxn::Delete(std::string_view key) {
  Status s = Check(TxnOp::kDelete, key);
  if (s.ok()) s = inner_.Delete(key);
  Done(TxnOp::kDelete, key, "", s);
  return s;
}

Status InterceptingTxn::Scan(const ScanRange& range, const ScanVisitor& visit) {
  Status refused;
  Status s = inner_.Scan(range, [&](std::string_view key, std::string_view value) {
    refused = Check(TxnOp::kScan, key);
    return refused.ok() && visit(key, value);
  });
  if (s.ok() && !refused.ok()) s = refused;
  Done(TxnOp::kScan, range.begin, "", s);
  return s;
}

}  // namespace memdb::testing::internal
