#include "fault/injected_bug.h"

namespace memdb {

DeliberateBugs DeliberateBugsOf(uint32_t injected) {
  auto has = [injected](InjectedBug bug) { return (injected & static_cast<uint32_t>(bug)) != 0; };
  return DeliberateBugs{
      .ack_before_sync = has(InjectedBug::kAckBeforeSync),
      .checkpoint_without_dir_sync = has(InjectedBug::kCheckpointWithoutDirSync),
      .replay_ignores_checksums = has(InjectedBug::kReplayIgnoresChecksums),
      .replay_partial_transaction = has(InjectedBug::kReplayPartialTransaction),
      .retry_failed_sync = has(InjectedBug::kRetryFailedSync),
      .skip_write_conflicts = has(InjectedBug::kSkipWriteConflicts),
  };
}

}  // namespace memdb
