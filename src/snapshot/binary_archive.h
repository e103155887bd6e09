// Binary snapshot files: cereal's BinaryArchive or PortableBinaryArchive of an ArchiveDocument
// inside memdb's framing (magic, version, archive kind, payload length, CRC32C). Layout and the
// order of the reader's checks: docs/snapshot-format.md.
#ifndef MEMDB_SRC_SNAPSHOT_BINARY_ARCHIVE_H_
#define MEMDB_SRC_SNAPSHOT_BINARY_ARCHIVE_H_

#include <string>
#include <string_view>

#include "memdb/snapshot/snapshot.h"
#include "memdb/util/result.h"

namespace memdb::snapshot {

// The first bytes of every framed snapshot file.
inline constexpr std::string_view kBinaryMagic = "MEMDBSNP";

// `format` is kBinary or kPortableBinary. IOError if cereal or the allocator fails.
Result<std::string> SaveBinaryArchive(const Snapshot& snapshot, SnapshotFormat format);

// Checks the frame (header CRC, version, kind, exact length, payload CRC), walks the payload's
// layout so that every length fits in the bytes that remain, and only then lets cereal load it.
// Corruption "<name>: corrupt snapshot at offset N: ..."; NotSupported for a newer version;
// InvalidArgument beyond limits.max_bytes.
Result<Snapshot> LoadBinaryArchive(std::string_view bytes, std::string_view name,
                                   const SnapshotLimits& limits);

}  // namespace memdb::snapshot

#endif  // MEMDB_SRC_SNAPSHOT_BINARY_ARCHIVE_H_
