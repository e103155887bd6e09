// Deliberate engine bugs: each breaks the crash invariant or isolation on purpose, so the
// crash-state explorer's and the history oracle's own tests can show they find it, and users
// can check that their tests would ("does my test catch this?"). They are never part of the
// engine's Options; they are installed for one database by the fault layer (ExplorerOptions::
// injected_bugs) or the simulation (sim::OpenDatabase). See docs/fault-model.md, "Deliberate
// bugs".
#ifndef MEMDB_FAULT_INJECTED_BUG_H_
#define MEMDB_FAULT_INJECTED_BUG_H_

#include <cstdint>

namespace memdb {

// A set of bugs is a bitwise OR of these values (uint32_t; 0: none).
enum class InjectedBug : uint32_t {
  kAckBeforeSync = 1 << 0,             // kAlways commits return without syncing
  kCheckpointWithoutDirSync = 1 << 1,  // rename not made durable, then the old log truncated
  kReplayIgnoresChecksums = 1 << 2,    // recovery applies records whose checksum fails
  kReplayPartialTransaction = 1 << 3,  // recovery applies the first part of a torn record
  kRetryFailedSync = 1 << 4,           // a failed sync is retried and the commit acknowledged
  kSkipWriteConflicts = 1 << 5,        // commits ignore write-write conflicts (lost updates)
};

}  // namespace memdb

#endif  // MEMDB_FAULT_INJECTED_BUG_H_
