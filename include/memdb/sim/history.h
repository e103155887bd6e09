// The history oracle: what the transactions of a scheduled run did, and whether that is
// allowed by the isolation level they were promised.
//
// sim::ScheduledDatabase records a History of every transaction of its database while a
// simulation runs: the snapshot each one began at, every read with the version it saw (the
// commit timestamp of that version), every write, every scanned range, and how it ended.
// CheckHistory builds the direct serialization graph of the committed transactions (Adya's
// write-write, write-read and read-write anti-dependency edges) and reports each cycle the
// promised isolation forbids, named after the anomaly it is -- lost update, write skew, read
// skew, ... -- with the transactions involved. The rules are in
// docs/deterministic-scheduling.md, "The history oracle".
#ifndef MEMDB_SIM_HISTORY_H_
#define MEMDB_SIM_HISTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memdb/mvcc/txn.h"

namespace memdb::sim {

struct HistoryOp {
  enum class Kind { kRead, kWrite, kScan };
  Kind kind = Kind::kRead;
  std::string key;  // kScan: the range's first key
  // kRead: the commit timestamp of the version read (0: the key had no version), whether a
  // value was found, and whether it was the transaction's own buffered write.
  uint64_t version = 0;
  bool found = false;
  bool own_write = false;
  // kScan: the range [key, end) (unbounded above without has_end).
  std::string end;
  bool has_end = false;
};

struct HistoryTxn {
  enum class Outcome { kActive, kCommitted, kAborted, kRolledBack };
  uint64_t id = 0;    // the engine's transaction id
  std::string fiber;  // the simulation fiber that began it ("" outside a fiber)
  uint64_t snapshot = 0;
  bool serializable = false;
  std::vector<HistoryOp> ops;  // in program order
  Outcome outcome = Outcome::kActive;
  uint64_t commit_timestamp = 0;  // kCommitted with writes

  // "alice(txn 3)".
  std::string Name() const;
};

struct History {
  std::vector<HistoryTxn> transactions;  // in the order they began

  // One line per transaction: "alice(txn 3) @1: r(bob)=1 w(alice) commit@3".
  std::string ToString() const;
};

struct Anomaly {
  // "lost update", "write skew", "read skew", "non-repeatable read", "aborted read",
  // "dirty write", "circular information flow", "anti-dependency cycle".
  std::string name;
  std::vector<std::string> transactions;  // HistoryTxn::Name() of each one involved
  std::string explanation;                // the dependency edges of the cycle, in words

  // "write skew between alice(txn 3) and bob(txn 4): ...".
  std::string ToString() const;
};

// Every anomaly of `history` that `against` forbids -- by default, the isolation each
// transaction was promised. Snapshot isolation forbids every cycle without two consecutive
// anti-dependency edges (so write skew passes); serializable forbids every cycle. With the
// promised levels, a cycle that mixes them is judged by the weakest. Empty when allowed.
// Checking a kSnapshot history against kSerializable names the write skews it contains.
std::vector<Anomaly> CheckHistory(const History& history,
                                  std::optional<IsolationLevel> against = std::nullopt);

}  // namespace memdb::sim

#endif  // MEMDB_SIM_HISTORY_H_
