// RecordingKvStore: a spy. It forwards every call to another KvStore and records the operation
// and transaction history, for assertions made after the code under test ran:
//
//   memdb::testing::RecordingKvStore spy(db());
//   bank::Bank bank(spy);
//   ASSERT_THAT(bank.Transfer("a", "b", 50), IsOk());
//   EXPECT_THAT(spy.History(), ElementsAre(
//       "t1 begin", "t1 get(\"acct/a\") OK", "t1 get(\"acct/b\") OK",
//       "t1 put(\"acct/a\") OK", "t1 put(\"acct/b\") OK", "t1 commit OK"));
//
// Transactions: each run of an Update or View body is one transaction, numbered from 1 in the
// order they begin ("t1", "t2", ...). Update runs its body again when the commit loses a
// conflict; the spy records that attempt's commit as Conflict and the next attempt as a new
// transaction. A body returning an error is recorded as a rollback with that error. The single
// operations of KvStore (Get, Put, Delete, Scan) are recorded with transaction 0 and no prefix.
//
// Thread safety: like the store it wraps; the history is guarded by a mutex, and operations of
// concurrent transactions are recorded in the order they finish.
#ifndef MEMDB_TESTING_RECORDING_KV_STORE_H_
#define MEMDB_TESTING_RECORDING_KV_STORE_H_

#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/db/kv_store.h"
#include "memdb/db/kv_store_wrapper.h"

namespace memdb::testing {

struct RecordedOp {
  enum class Kind { kGet, kPut, kDelete, kScan, kBegin, kCommit, kRollback };
  Kind kind = Kind::kGet;
  uint64_t txn = 0;        // 0: a single-operation call on the store
  bool read_only = false;  // kBegin: a View
  std::string key;         // get/put/delete; a scan's range begin
  std::string value;       // put: the value written; get: the value read
  Status status;           // the outcome

  // One line, the status by its code only: `put("a") OK`, `t3 get("k") NotFound`,
  // `t2 begin read-only`, `t2 commit Conflict`, `t4 rollback InvalidArgument`.
  std::string ToString() const;
};
void PrintTo(const RecordedOp& op, std::ostream* os);

class RecordingKvStore final : public KvStoreWrapper {
 public:
  // `inner` must outlive the spy.
  explicit RecordingKvStore(KvStore& inner) : KvStoreWrapper(inner) {}

  // Single operations: forwarded, then recorded with their outcome.
  Result<std::string> Get(std::string_view key) override;
  Status Put(std::string_view key, std::string_view value) override;
  Status Delete(std::string_view key) override;
  Status Scan(const ScanRange& range, const ScanVisitor& visit) override;
  // Transactions: begin, every operation of the body, then commit or rollback.
  Status Update(const TxnBody& body) override;
  Status View(const TxnBody& body) override;

  // Everything recorded so far, oldest first.
  std::vector<RecordedOp> operations() const;
  // operations(), one ToString() line each.
  std::vector<std::string> History() const;
  // The operations of transaction `txn` (0: the single operations).
  std::vector<RecordedOp> Transaction(uint64_t txn) const;
  // How many transactions began.
  uint64_t transactions() const;
  // Forgets the history; numbering restarts at t1.
  void Clear();

 private:
  Status RunBody(const TxnBody& body, bool read_only, Status (KvStore::*run)(const TxnBody&));
  void Record(RecordedOp op);
  uint64_t BeginTxn(bool read_only);

  mutable std::mutex mu_;
  std::vector<RecordedOp> ops_;
  uint64_t next_txn_ = 1;
};

}  // namespace memdb::testing

#endif  // MEMDB_TESTING_RECORDING_KV_STORE_H_
