// JSON and XML snapshot archives: cereal's JSON (RapidJSON) and XML (RapidXML) archives of an
// ArchiveDocument whose strings are tagged (text_encoding.h). Layout: docs/snapshot-format.md.
#ifndef MEMDB_SRC_SNAPSHOT_TEXT_ARCHIVE_H_
#define MEMDB_SRC_SNAPSHOT_TEXT_ARCHIVE_H_

#include <string>
#include <string_view>

#include "memdb/snapshot/snapshot.h"
#include "memdb/util/result.h"

namespace memdb::snapshot {

// `format` is kJson or kXml. The output ends with a newline. IOError if cereal fails.
Result<std::string> SaveTextArchive(const Snapshot& snapshot, SnapshotFormat format);

// Before cereal parses anything: the size limit, no NUL byte (RapidXML stops at one), valid
// UTF-8, and the nesting depth measured by a non-recursive scan (both parsers recurse once per
// level, so a million '[' would overflow the stack). Then cereal, with every exception caught,
// and FromDocument's checks. Corruption "<name>: <format> snapshot: ..."; InvalidArgument
// beyond `limits`.
Result<Snapshot> LoadTextArchive(std::string_view text, std::string_view name,
                                 SnapshotFormat format, const SnapshotLimits& limits);

}  // namespace memdb::snapshot

#endif  // MEMDB_SRC_SNAPSHOT_TEXT_ARCHIVE_H_
