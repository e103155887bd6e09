// ArchiveDocument: what memdb's cereal archives hold -- a snapshot flattened to plain fields and
// vectors, so that its binary layout is fixed and documented (docs/snapshot-format.md) and a
// reader can walk it before cereal does. Internal: includes cereal, which only src/snapshot/ may.
#ifndef MEMDB_SRC_SNAPSHOT_ARCHIVE_DOCUMENT_H_
#define MEMDB_SRC_SNAPSHOT_ARCHIVE_DOCUMENT_H_

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/snapshot/snapshot.h"
#include "memdb/util/result.h"

namespace memdb::snapshot {

struct ArchiveItem {
  std::string key;
  std::string value;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(cereal::make_nvp("key", key), cereal::make_nvp("value", value));
  }
};

// Field order is the binary layout: u32, string, u64, u64, vector<item>, vector<item>; a string
// is a u64 length and the bytes, a vector a u64 count and the elements (cereal's encoding).
struct ArchiveDocument {
  uint32_t format_version = 0;
  std::string memdb_version;
  uint64_t commit_timestamp = 0;
  uint64_t key_count = 0;
  std::vector<ArchiveItem> options;
  std::vector<ArchiveItem> entries;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(cereal::make_nvp("format_version", format_version),
       cereal::make_nvp("memdb_version", memdb_version),
       cereal::make_nvp("commit_timestamp", commit_timestamp),
       cereal::make_nvp("key_count", key_count), cereal::make_nvp("options", options),
       cereal::make_nvp("entries", entries));
  }
};

// The top-level name of the document in JSON and XML archives.
inline constexpr char kDocumentName[] = "memdb_snapshot";

// The memdb release this build is (from the CMake project version).
std::string_view MemdbVersion();

// `snapshot` flattened; `tagged` encodes every string with TaggedEncode (text archives).
ArchiveDocument ToDocument(const Snapshot& snapshot, bool tagged);
// The inverse, checking what cereal cannot: the version, the key count, keys strictly
// increasing, option names unique, and (when `tagged`) every tagged string. `where` starts
// every message ("<name>: <format> archive").
Result<Snapshot> FromDocument(ArchiveDocument document, bool tagged, std::string_view where);

}  // namespace memdb::snapshot

#endif  // MEMDB_SRC_SNAPSHOT_ARCHIVE_DOCUMENT_H_
