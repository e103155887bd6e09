// The crash-state explorer: every crash a workload can suffer, checked in memory.
//
// It runs a workload once on a FaultyFileSystem, recording the disk before every storage
// operation. Then, for each recorded point, each crash model and each of the model's variants
// for the data pending there (docs/fault-model.md), it crashes a copy of that disk, recovers it
// under each recovery mode and checks:
//  - the crash invariant: the recovered state is the state after some prefix of the workload's
//    commits, at least every commit acknowledged as durable (SyncMode::kAlways) before the crash
//    and at most every commit begun;
//  - each recovery mode's promise: kTolerateTornTail and kPointInTime recover every crash state;
//    kAbsoluteConsistency recovers it or reports Corruption;
//  - the caller's invariant over the recovered database.
// A failure names the storage operation, the crash model and the recovery mode -- which replay
// it with CheckCrashState -- and is shrunk to the shortest workload prefix that still fails.
#ifndef MEMDB_FAULT_CRASH_EXPLORER_H_
#define MEMDB_FAULT_CRASH_EXPLORER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/db/options.h"
#include "memdb/fault/crash_model.h"
#include "memdb/fault/fault_plan.h"
#include "memdb/fault/injected_bug.h"
#include "memdb/util/status.h"

namespace memdb {

// One step of a workload: a transaction's writes (nullopt value = delete), or a checkpoint.
struct WorkloadStep {
  bool checkpoint = false;
  std::vector<std::pair<std::string, std::optional<std::string>>> writes;
};
using Workload = std::vector<WorkloadStep>;

// `transactions` seeded transactions of mixed sizes -- 1 to 30 writes of values from 0 bytes to
// 40 KiB (so some records span several log blocks), about 15% deletes, over 64 keys -- with a
// checkpoint after the middle one.
Workload RandomWorkload(uint64_t seed, int transactions);

struct ExplorerOptions {
  // The database's options (sync mode, segment size...); path defaults to "db", file_system
  // and recovery_mode are set by the explorer.
  Options db;
  // Deliberate bugs (a bitwise OR of InjectedBug) in the database, both while the workload is
  // recorded and in every recovery: the explorer's self-proof, or a check that an invariant
  // would catch the bug.
  uint32_t injected_bugs = 0;
  std::vector<CrashModel::Kind> models = {
      CrashModel::Kind::kDropUnsynced,   CrashModel::Kind::kKeepUnsynced,
      CrashModel::Kind::kBytePrefix,     CrashModel::Kind::kSectorPrefix,
      CrashModel::Kind::kTornLastWrite,  CrashModel::Kind::kIndependentSectors,
      CrashModel::Kind::kReorderedWrites};
  std::vector<RecoveryMode> recovery_modes = {RecoveryMode::kTolerateTornTail,
                                              RecoveryMode::kAbsoluteConsistency,
                                              RecoveryMode::kPointInTime};
  uint32_t sector_size = 512;
  // Also explore each variant with directory operations kept (not only lost).
  bool vary_directory_ops = true;
  // Checked on every recovered database; a non-OK status is a failure.
  std::function<Status(Db&)> invariant;
  // The same, also told how many of the workload's commits the recovered state holds (so an
  // invariant established by the first commits can be checked only after them).
  std::function<Status(Db&, size_t commits)> invariant_after;
  // Faults injected while the workload is recorded (e.g. an fsyncgate sync failure).
  FaultPlan plan;
  // Only crash points with index % shards == shard (so CI machines can share a campaign).
  uint32_t shard = 0;
  uint32_t shards = 1;
  // Progress on stderr, every few thousand states.
  bool progress = false;
  bool shrink = true;
  // Stop after this many failures.
  size_t max_failures = 1;
  // Named in failure reports so they can be replayed (e.g. the seed given to RandomWorkload).
  std::string workload_name;
};

struct CrashFailure {
  uint64_t operation = 0;  // the crash happened before this storage operation (1-based)
  std::string operation_name;
  std::string model;  // CrashModel::Name()
  RecoveryMode mode = RecoveryMode::kTolerateTornTail;
  size_t workload_steps = 0;  // of the (shrunk) workload
  std::string what;
  std::string ToString() const;
};

// One cell of the conformance matrix: crash states of one model kind under one recovery mode.
struct ConformanceCell {
  CrashModel::Kind kind;
  RecoveryMode mode;
  uint64_t states = 0;
  uint64_t recovered = 0;  // Open succeeded and the checks passed
  uint64_t refused = 0;    // Open reported Corruption (allowed under kAbsoluteConsistency only)
  uint64_t failures = 0;
};

struct ExplorerReport {
  uint64_t operations = 0;    // storage operations in the recorded run
  uint64_t crash_points = 0;  // recorded points explored (this shard)
  uint64_t states = 0;        // crash states checked (point x variant x mode)
  // Recoveries actually run: a state whose disk image, recovery mode and range of expected
  // commits equal an earlier state's has that state's verdict (recovery is deterministic).
  uint64_t recoveries = 0;
  uint64_t distinct_states = 0;  // distinct recovered database states
  double seconds = 0;
  std::vector<CrashFailure> failures;
  // Model kind x recovery mode, in the order of ExplorerOptions.
  std::vector<ConformanceCell> matrix;
  bool ok() const { return failures.empty(); }
  std::string ToString() const;
};

ExplorerReport ExploreCrashes(const Workload& workload, const ExplorerOptions& options);

// Replays one crash state of ExploreCrashes: OK, or the failure's description.
Status CheckCrashState(const Workload& workload, const ExplorerOptions& options, uint64_t operation,
                       const CrashModel& model, RecoveryMode mode);

}  // namespace memdb

#endif  // MEMDB_FAULT_CRASH_EXPLORER_H_
