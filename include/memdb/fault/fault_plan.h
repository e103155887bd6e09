// FaultPlan: which storage operation or named point fails, how, and when -- reproducibly.
//
//   FaultPlan plan;
//   plan.CrashAtPoint("wal.sync.before", 3)          // the 3rd time a commit is about to sync
//       .FailOp(StorageOp::kSync, 2, FaultAction::kFsyncgate, "wal-")  // 2nd sync of a log file
//       .FailOpRandomly(StorageOp::kAppend, 0.01, FaultAction::kNoSpace)
//       .Seed(42);
//
// A plan is installed on one FaultyFileSystem, so it affects only the databases on that storage.
// Points and error semantics are documented in docs/fault-model.md.
#ifndef MEMDB_FAULT_FAULT_PLAN_H_
#define MEMDB_FAULT_FAULT_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memdb {

// The storage operations a rule can select.
enum class StorageOp {
  kCreate,  // NewWritableFile / NewAppendableFile / LockFile's file
  kRead,    // NewSequentialFile, SequentialFile::Read, ReadFile
  kAppend,  // WritableFile::Append
  kSync,    // WritableFile::Sync
  kRename,
  kRemove,
  kSyncDir,
  kAny,  // in a rule: every operation above ("crash at the 57th storage operation")
};
// The one spelling of an operation, in rules' descriptions, fault messages, the CLI and scenario
// scripts: "create", "read", "append", "sync", "rename", "remove", "syncdir", "any".
// ParseStorageOp is its inverse.
std::string_view StorageOpName(StorageOp op);
std::optional<StorageOp> ParseStorageOp(std::string_view name);

enum class FaultAction {
  kCrash,             // the machine stops: this call and every later one fail until Restart
  kIoError,           // the call fails with EIO and has no effect
  kNoSpace,           // the call fails with ENOSPC and has no effect
  kShortWrite,        // an append writes the first half of its bytes, then fails with ENOSPC
  kFsyncgate,         // a sync fails once with EIO and the file's dirty data is dropped: it stays
                      // readable but never becomes durable, and the next sync succeeds (Linux)
  kLostWrite,         // an append succeeds and stays readable, but the disk never stores it: after
                      // syncs and a crash its range holds zeros
  kMisdirectedWrite,  // an append succeeds, but the disk stores its bytes 4 KiB earlier in the
                      // file (over older data) and its own range holds zeros
};
// The one spelling of an action, in rules' descriptions, fault messages, the CLI and scenario
// scripts: "crash", "eio", "enospc", "short-write", "fsyncgate", "lost-write",
// "misdirected-write". ParseFaultAction is its inverse.
std::string_view FaultActionName(FaultAction action);
std::optional<FaultAction> ParseFaultAction(std::string_view name);

struct FaultRule {
  // What it matches: a named point (`point` non-empty), or a storage operation `op` on a file
  // whose name contains `file` (empty: any file).
  std::string point;
  StorageOp op = StorageOp::kSync;
  std::string file;
  // When: the `nth` match (1-based), or, with nth == 0, each match with `probability`.
  uint64_t nth = 1;
  double probability = 0;
  FaultAction action = FaultAction::kCrash;

  // e.g. "crash at point wal.sync.before #3", "fsyncgate on sync of *wal-* #2".
  std::string ToString() const;
};

class FaultPlan {
 public:
  FaultPlan& CrashAtPoint(std::string point, uint64_t nth = 1);
  FaultPlan& CrashAtOp(StorageOp op, uint64_t nth, std::string file = "");
  FaultPlan& FailAtPoint(std::string point, uint64_t nth, FaultAction action);
  FaultPlan& FailOp(StorageOp op, uint64_t nth, FaultAction action = FaultAction::kIoError,
                    std::string file = "");
  FaultPlan& FailOpRandomly(StorageOp op, double probability,
                            FaultAction action = FaultAction::kIoError, std::string file = "");
  FaultPlan& Add(FaultRule rule);
  // The seed of the probabilistic rules (the same seed makes the same decisions).
  FaultPlan& Seed(uint64_t seed);

  const std::vector<FaultRule>& rules() const { return rules_; }
  uint64_t seed() const { return seed_; }
  bool empty() const { return rules_.empty(); }
  std::string ToString() const;

 private:
  std::vector<FaultRule> rules_;
  uint64_t seed_ = 0;
};

}  // namespace memdb

#endif  // MEMDB_FAULT_FAULT_PLAN_H_
