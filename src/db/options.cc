// The spellings of the options' enums (memdb/db/options.h).
#include "memdb/db/options.h"

#include "memdb/util/enum_name.h"

namespace memdb {

std::string_view SyncModeName(SyncMode mode) {
  switch (mode) {
    case SyncMode::kAlways:
      return "always";
    case SyncMode::kInterval:
      return "interval";
    case SyncMode::kNone:
      return "none";
  }
  return "?";
}

std::optional<SyncMode> ParseSyncMode(std::string_view name) {
  return ParseEnumName(name, {SyncMode::kAlways, SyncMode::kInterval, SyncMode::kNone},
                       SyncModeName);
}

std::string_view RecoveryModeName(RecoveryMode mode) {
  switch (mode) {
    case RecoveryMode::kTolerateTornTail:
      return "tolerate-torn-tail";
    case RecoveryMode::kAbsoluteConsistency:
      return "absolute-consistency";
    case RecoveryMode::kPointInTime:
      return "point-in-time";
  }
  return "?";
}

std::optional<RecoveryMode> ParseRecoveryMode(std::string_view name) {
  return ParseEnumName(name,
                       {RecoveryMode::kTolerateTornTail, RecoveryMode::kAbsoluteConsistency,
                        RecoveryMode::kPointInTime},
                       RecoveryModeName);
}

}  // namespace memdb
