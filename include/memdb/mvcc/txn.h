// Txn: one transaction over a memdb database.
//
//   memdb::Txn txn = db.Begin();
//   txn.Put("user:1", "Alice");
//   if (memdb::Status s = txn.Commit(); s.IsConflict()) { /* retry the whole transaction */ }
//
// Begin takes a snapshot: reads see every transaction committed before Begin and this
// transaction's own writes, nothing else. Writes are buffered and become visible to others
// atomically, all keys at once, when Commit succeeds. A Txn destroyed without Commit rolls back.
//
// Isolation (docs/isolation.md):
//  - kSnapshot: first committer wins. Commit returns Conflict if another transaction committed
//    a write to any key this one writes after this one's snapshot.
//  - kSerializable: additionally, Commit returns Conflict if anything this transaction read --
//    keys it found, keys it found absent, and every range it scanned -- was changed by a commit
//    after its snapshot. Write skew and phantoms therefore abort.
//  - Read-only transactions (no writes at Commit) never abort, in either level.
//
// Misuse -- any call after Commit or Rollback, a write in a read-only transaction, a call on a
// moved-from Txn, or any call after the Db is closed -- returns InvalidArgument with a message
// saying which; it is never undefined behaviour.
//
// Thread safety: a Txn has one owner; do not call it from two threads at once. Different Txns
// of one Db may run on different threads.
#ifndef MEMDB_MVCC_TXN_H_
#define MEMDB_MVCC_TXN_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "memdb/mvcc/iterator.h"
#include "memdb/mvcc/kv_transaction.h"
#include "memdb/mvcc/scan_range.h"
#include "memdb/util/enum_name.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"

namespace memdb {

enum class IsolationLevel : uint8_t {
  kSnapshot,      // first committer wins; write skew is possible
  kSerializable,  // reads and scanned ranges are validated at commit as well
};
// The one spelling of an isolation level, in the API, the CLI, scenario scripts, snapshot
// metadata and reports: "snapshot", "serializable". ParseIsolationLevel is its inverse.
constexpr std::string_view IsolationLevelName(IsolationLevel level) {
  return level == IsolationLevel::kSerializable ? "serializable" : "snapshot";
}
inline std::optional<IsolationLevel> ParseIsolationLevel(std::string_view name) {
  return ParseEnumName(name, {IsolationLevel::kSnapshot, IsolationLevel::kSerializable},
                       IsolationLevelName);
}

struct TxnOptions {
  IsolationLevel isolation = IsolationLevel::kSnapshot;
  // A read-only transaction rejects writes and never aborts.
  bool read_only = false;
};

// Keys longer than this are rejected with InvalidArgument.
inline constexpr size_t kMaxKeySize = 65535;
// Values longer than this are rejected with InvalidArgument.
inline constexpr size_t kMaxValueSize = (size_t{1} << 31) - 1;

namespace mvcc {
class TxnState;
}

class Txn final : public KvTransaction {
 public:
  Txn();  // An inactive transaction; every call reports misuse.
  explicit Txn(std::unique_ptr<mvcc::TxnState> state);
  Txn(Txn&&) noexcept;
  Txn& operator=(Txn&&) noexcept;  // rolls back the transaction being replaced
  ~Txn() override;                 // rolls back unless committed

  Result<std::string> Get(std::string_view key) override;
  // Like Get, but reuses `value`'s storage: the cheapest way to read in a loop. On NotFound,
  // `value` is left unchanged.
  Status Get(std::string_view key, std::string* value);
  Status Put(std::string_view key, std::string_view value) override;
  Status Delete(std::string_view key) override;
  Status Scan(const ScanRange& range, const ScanVisitor& visit) override;
  // An iterator over `range` in this transaction's snapshot merged with its writes so far.
  // In kSerializable, the whole range counts as read (phantom protection).
  Iterator NewIterator(const ScanRange& range = ScanRange::All());

  // Validates and publishes the writes. OK, or Conflict (the transaction is rolled back and may
  // be retried from the start), or InvalidArgument on misuse. Either way the Txn is finished.
  Status Commit();
  // Discards the writes. InvalidArgument if the transaction already finished.
  Status Rollback();

  // True until Commit or Rollback.
  bool active() const;
  // The commit timestamp of the snapshot this transaction reads.
  uint64_t snapshot_timestamp() const;
  IsolationLevel isolation() const;
  // The number of distinct keys written so far.
  size_t write_count() const;

 private:
  std::unique_ptr<mvcc::TxnState> state_;
};

}  // namespace memdb

#endif  // MEMDB_MVCC_TXN_H_
