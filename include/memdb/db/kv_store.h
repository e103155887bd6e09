// KvStore: the seam a downstream project codes against.
//
// Db implements it. Code that takes a KvStore& rather than a Db& can be handed, in its tests, a
// GoogleMock mock, a recording spy or a fault-injecting wrapper (memdb::testing provides them)
// without changing a line. The interface is deliberately small: point operations and scans on
// the latest committed state, and transactions through Update (read-write, retried on conflict)
// and View (read-only).
#ifndef MEMDB_DB_KV_STORE_H_
#define MEMDB_DB_KV_STORE_H_

#include <functional>
#include <string>
#include <string_view>

#include "memdb/mvcc/kv_transaction.h"
#include "memdb/mvcc/scan_range.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"

namespace memdb {

// The body of a transaction. Return OK to commit; any other status rolls back and is returned.
using TxnBody = std::function<Status(KvTransaction& txn)>;

class KvStore {
 public:
  virtual ~KvStore() = default;

  // The latest committed value of `key`; NotFound when absent.
  virtual Result<std::string> Get(std::string_view key) = 0;
  // Writes one key in its own transaction.
  virtual Status Put(std::string_view key, std::string_view value) = 0;
  // Deletes one key in its own transaction; deleting an absent key is OK.
  virtual Status Delete(std::string_view key) = 0;
  // Visits `range` in the latest committed snapshot.
  virtual Status Scan(const ScanRange& range, const ScanVisitor& visit) = 0;
  // Runs `body` in a read-write transaction and commits it; on Conflict, runs it again from the
  // start, a bounded number of times. Returns the body's error, the commit's, or Conflict when
  // every attempt lost.
  virtual Status Update(const TxnBody& body) = 0;
  // Runs `body` in a read-only transaction (never aborts; writes fail with InvalidArgument).
  virtual Status View(const TxnBody& body) = 0;
};

}  // namespace memdb

#endif  // MEMDB_DB_KV_STORE_H_
