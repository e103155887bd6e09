// A KvTransaction that passes every operation through to another one, with a hook before (which
// may fail the operation instead) and a hook after. The recording spy and the fault-injecting
// store both wrap the transactions of KvStore::Update and KvStore::View with it.
#ifndef MEMDB_SRC_TESTING_INTERCEPTING_TXN_H_
#define MEMDB_SRC_TESTING_INTERCEPTING_TXN_H_

#include <functional>
#include <string>
#include <string_view>

#include "memdb/mvcc/kv_transaction.h"

namespace memdb::testing::internal {

enum class TxnOp { kGet, kPut, kDelete, kScan };

class InterceptingTxn final : public KvTransaction {
 public:
  // Before an operation on `key` (a scan: each key it visits, before the visitor sees it): a
  // non-OK status fails the operation with it (a scan stops there) and the inner transaction
  // never sees it. May be empty.
  using Before = std::function<Status(TxnOp op, std::string_view key)>;
  // After: the key (a scan: its range's begin), the value written or read ("" otherwise) and
  // the outcome. May be empty.
  using After = std::function<void(TxnOp op, std::string_view key, std::string_view value,
                                   const Status& status)>;

  InterceptingTxn(KvTransaction& inner, Before before, After after)
      : inner_(inner), before_(std::move(before)), after_(std::move(after)) {}

  Result<std::string> Get(std::string_view key) override;
  Status Put(std::string_view key, std::string_view value) override;
  Status Delete(std::string_view key) override;
  Status Scan(const ScanRange& range, const ScanVisitor& visit) override;

 private:
  Status Check(TxnOp op, std::string_view key) const;
  void Done(TxnOp op, std::string_view key, std::string_view value, const Status& s) const;

  KvTransaction& inner_;
  Before before_;
  After after_;
};

}  // namespace memdb::testing::internal

#endif  // MEMDB_SRC_TESTING_INTERCEPTING_TXN_H_
