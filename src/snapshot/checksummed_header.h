// The 32-byte checksummed header both binary formats start with (binary snapshots,
// docs/snapshot-format.md, and checkpoint files, docs/checkpoint-format.md):
//
//   magic (8 bytes) | format version u32 | 16 bytes the format defines | masked crc32c of the
//   28 bytes before it u32
//
// Every version of either format keeps this layout, so a reader checks the checksum before it
// trusts the version: a damaged header is corruption, an intact one with a larger version is a
// file written by a newer memdb.
#ifndef MEMDB_SRC_SNAPSHOT_CHECKSUMMED_HEADER_H_
#define MEMDB_SRC_SNAPSHOT_CHECKSUMMED_HEADER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "memdb/util/status.h"

namespace memdb::snapshot {

inline constexpr size_t kChecksummedHeaderSize = 32;
inline constexpr size_t kHeaderMagicSize = 8;
inline constexpr size_t kHeaderVersionOffset = 8;
inline constexpr size_t kHeaderFieldsOffset = 12;
inline constexpr size_t kHeaderFieldsSize = 16;
inline constexpr size_t kHeaderCrcOffset = 28;

// The header for `magic` (kHeaderMagicSize bytes), `version` and the format's `fields`
// (kHeaderFieldsSize bytes), checksum included.
std::string EncodeChecksummedHeader(std::string_view magic, uint32_t version,
                                    std::string_view fields);

// Builds the format's corruption status for damage at `offset` of the file.
using HeaderCorruption = std::function<Status(uint64_t offset, std::string_view what)>;

// Checks `header` (kChecksummedHeaderSize bytes whose magic the caller has checked): the
// checksum, then the version, which must be 1..max_version. Damage is `corrupt(offset, what)`;
// a larger version is NotSupported: "<name>: <noun> format version V was written by a newer
// memdb (this one reads versions up to M)". Sets *version when OK.
Status CheckChecksummedHeader(std::string_view header, std::string_view name, std::string_view noun,
                              uint32_t max_version, const HeaderCorruption& corrupt,
                              uint32_t* version);

}  // namespace memdb::snapshot

#endif  // MEMDB_SRC_SNAPSHOT_CHECKSUMMED_HEADER_H_
