// The golden text format: a snapshot's entries as canonical JSON Lines. The grammar, and why it
// looks the way it does, is in docs/golden-files.md.
#ifndef MEMDB_SRC_SNAPSHOT_GOLDEN_FORMAT_H_
#define MEMDB_SRC_SNAPSHOT_GOLDEN_FORMAT_H_

#include <string>
#include <string_view>

#include "memdb/snapshot/snapshot.h"
#include "memdb/util/result.h"

namespace memdb::snapshot {

// The first bytes of every golden file (its header line starts with them).
inline constexpr std::string_view kGoldenPrefix = "{\"memdb_golden\":";

// The canonical text of `snapshot`'s entries: equal entries give identical bytes.
std::string GoldenText(const Snapshot& snapshot);

// Parses golden text strictly (the canonical layout, with JSON string escapes allowed). Errors:
// Corruption "<name>:<line>:<column>: <what was expected>"; NotSupported for a newer version.
// The snapshot's metadata has format_version and key_count set, nothing else.
Result<Snapshot> ParseGolden(std::string_view text, std::string_view name);

}  // namespace memdb::snapshot

#endif  // MEMDB_SRC_SNAPSHOT_GOLDEN_FORMAT_H_
