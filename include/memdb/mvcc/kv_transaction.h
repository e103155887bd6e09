// KvTransaction: the operations available inside one transaction, as an interface.
//
// Txn implements it; so can a test double. Code that only needs to read and write inside a
// transaction (the body of Db::Update or Db::View) should take a KvTransaction& so that tests
// can hand it a mock or a recording spy.
#ifndef MEMDB_MVCC_KV_TRANSACTION_H_
#define MEMDB_MVCC_KV_TRANSACTION_H_

#include <functional>
#include <string>
#include <string_view>

#include "memdb/mvcc/scan_range.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"

namespace memdb {

// Called once per key in scan order; return false to stop the scan early.
using ScanVisitor = std::function<bool(std::string_view key, std::string_view value)>;

class KvTransaction {
 public:
  virtual ~KvTransaction() = default;

  // The value of `key` in this transaction's snapshot, after its own writes.
  // NotFound when absent or deleted; InvalidArgument on misuse (transaction no longer active).
  virtual Result<std::string> Get(std::string_view key) = 0;
  // Buffers a write, visible to this transaction at once and to others after Commit.
  // InvalidArgument for a read-only transaction, an inactive one, or a key over kMaxKeySize.
  virtual Status Put(std::string_view key, std::string_view value) = 0;
  // Buffers a delete; deleting an absent key is not an error.
  virtual Status Delete(std::string_view key) = 0;
  // Visits the keys of `range` in this transaction's snapshot merged with its own writes.
  virtual Status Scan(const ScanRange& range, const ScanVisitor& visit) = 0;
};

}  // namespace memdb

#endif  // MEMDB_MVCC_KV_TRANSACTION_H_
