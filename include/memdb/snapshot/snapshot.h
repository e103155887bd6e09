// Snapshot: a committed state of a database as data -- every live key/value pair, sorted by key,
// plus metadata -- and its serialized forms.
//
//   memdb::Snapshot snap = db.ExportSnapshot().value();
//   std::string bytes = memdb::SaveSnapshot(snap, memdb::SnapshotFormat::kBinary).value();
//   memdb::Snapshot back = memdb::ParseSnapshot(bytes, "in-memory").value();
//
// Formats (byte layouts in docs/snapshot-format.md, the golden grammar in docs/golden-files.md):
//  - kBinary, kPortableBinary: cereal's binary archives inside memdb's own framing (magic,
//    format version, payload length, CRC32C). Fast: checkpoints-style fixture preload.
//  - kJson, kXml: cereal's text archives, for other tools. Keys and values are tagged text
//    ("t:" + UTF-8) or tagged hex ("x:" + hex), so NUL bytes and invalid UTF-8 survive.
//  - kGolden: the canonical, human-readable golden text (JSON Lines, sorted, valid UTF-8, a
//    trailing newline); equal snapshots give identical bytes. Metadata other than the entry
//    count is not part of it, so databases built in different orders give the same file.
//
// Loading trusts nothing: every length is checked against the bytes present before anything is
// allocated or cereal reads, damage is detected by checksums (binary) or strict grammars (text),
// nesting is bounded before a JSON/XML parser recurses, and every exception becomes a Status.
//
// Thread safety: the functions keep no state; a Snapshot is a plain value.
#ifndef MEMDB_SNAPSHOT_SNAPSHOT_H_
#define MEMDB_SNAPSHOT_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "memdb/io/file_system.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"

namespace memdb {

// The snapshot format version this build writes, and the newest it reads (all forms share it).
inline constexpr uint32_t kSnapshotFormatVersion = 1;

enum class SnapshotFormat : uint8_t {
  kBinary = 1,
  kPortableBinary = 2,
  kJson = 3,
  kXml = 4,
  kGolden = 5,
};

// The one spelling of a format, in reports, the CLI and docs: "binary", "portable-binary",
// "json", "xml", "golden". ParseSnapshotFormat is its inverse.
std::string_view SnapshotFormatName(SnapshotFormat format);
std::optional<SnapshotFormat> ParseSnapshotFormat(std::string_view name);

struct SnapshotMetadata {
  uint32_t format_version = kSnapshotFormatVersion;
  // The memdb release that wrote the snapshot (informational).
  std::string memdb_version;
  // The commit timestamp whose state the snapshot holds (0 when unknown, e.g. from a golden).
  uint64_t commit_timestamp = 0;
  // Entries in the snapshot. Writers store entries.size(); loaders check the two agree.
  uint64_t key_count = 0;
  // The options of the database that matter to its behaviour, e.g. {"default_isolation",
  // "serializable"}. Informational: OpenFromSnapshot does not apply them.
  std::map<std::string, std::string> options;
};

struct Snapshot {
  SnapshotMetadata metadata;
  // Keys are arbitrary bytes ordered bytewise (std::string's ordering); values arbitrary bytes.
  std::map<std::string, std::string, std::less<>> entries;

  // Entries only: metadata (timestamps, versions) is ignored, as golden comparisons want.
  bool SameEntries(const Snapshot& other) const { return entries == other.entries; }
};

// Bounds a loader enforces before it allocates. The defaults suit test fixtures.
struct SnapshotLimits {
  // The largest input accepted, in bytes.
  uint64_t max_bytes = uint64_t{4} << 30;
  // The deepest JSON/XML nesting accepted (a snapshot document needs 5).
  uint32_t max_depth = 32;
};

// Serializes `snapshot` (metadata.key_count and format_version are written as entries.size()
// and kSnapshotFormatVersion; an empty memdb_version is written as this build's version).
// Errors: InvalidArgument for an unknown format; IOError when cereal or the allocator fails.
Result<std::string> SaveSnapshot(const Snapshot& snapshot, SnapshotFormat format);

// Parses bytes in any of the formats, recognised by their first bytes. `name` (a path, or any
// label) starts every error message. Errors: Corruption naming `name`, the byte offset (binary)
// or line:column (text), and what was wrong; NotSupported for a newer format version;
// InvalidArgument when the input exceeds `limits`.
Result<Snapshot> ParseSnapshot(std::string_view bytes, std::string_view name,
                               const SnapshotLimits& limits = {});
// Reads `in` to its end (at most limits.max_bytes + 1 bytes) and parses it.
Result<Snapshot> ReadSnapshot(std::istream& in, std::string_view name,
                              const SnapshotLimits& limits = {});
// The format ParseSnapshot would use for `bytes`; InvalidArgument naming `name` when none fits.
Result<SnapshotFormat> DetectSnapshotFormat(std::string_view bytes, std::string_view name);

// Reads and parses the file at `path` (its size is checked against limits before it is read).
// NotFound when missing, IOError, and ParseSnapshot's errors.
Result<Snapshot> ReadSnapshotFile(FileSystem& fs, const std::string& path,
                                  const SnapshotLimits& limits = {});
// Writes `bytes` to `path` atomically: a temporary file beside it ("<path>.tmp-<pid>-<n>"),
// then a rename over `path`, so readers and concurrent writers see the old or the new file,
// never a mix. `sync`: fsync the file and its directory too (crash durability).
Status WriteFileAtomically(FileSystem& fs, const std::string& path, std::string_view bytes,
                           bool sync = false);
// SaveSnapshot, then WriteFileAtomically.
Status WriteSnapshotFile(FileSystem& fs, const std::string& path, const Snapshot& snapshot,
                         SnapshotFormat format);

}  // namespace memdb

#endif  // MEMDB_SNAPSHOT_SNAPSHOT_H_
