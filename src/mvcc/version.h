// Version: one committed state of one key -- a value or a tombstone -- at a commit timestamp.
//
// A version is a single block (from the engine's VersionArena): a 20-byte header followed by the
// key and value bytes, so that a 16-byte key with a 100-byte value costs one allocation of 136
// bytes. Versions of one key form a chain from newest to oldest through `older`; the index points
// at the newest.
//
// Versions are immutable once published, except `older`, which garbage collection truncates
// while holding the engine's latch exclusively.
#ifndef MEMDB_SRC_MVCC_VERSION_H_
#define MEMDB_SRC_MVCC_VERSION_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace memdb::mvcc {

class VersionArena;

// Commit timestamps fit in 48 bits (2.8e14 commits), which leaves room for the key length.
inline constexpr uint64_t kMaxTimestamp = (uint64_t{1} << 48) - 1;

#pragma pack(push, 4)
class Version {
 public:
  // Allocates a version holding copies of `key` and `value` (ignored for a tombstone), from
  // `arena` or, when it is nullptr, from malloc. Requires key.size() <= 65535 and
  // value.size() < 2^31, checked by the transaction layer.
  static Version* Create(std::string_view key, std::string_view value, bool tombstone,
                         uint64_t timestamp, VersionArena* arena = nullptr);
  // Frees a version made by Create with the same `arena`.
  static void Destroy(Version* version, VersionArena* arena = nullptr);

  Version(const Version&) = delete;
  Version& operator=(const Version&) = delete;

  uint64_t timestamp() const { return ts_klen_ >> 16; }
  bool tombstone() const { return (vlen_flags_ & kTombstoneBit) != 0; }
  std::string_view key() const { return {data(), static_cast<size_t>(ts_klen_ & 0xffff)}; }
  std::string_view value() const {
    return {data() + key().size(), static_cast<size_t>(vlen_flags_ & ~kTombstoneBit)};
  }
  // The bytes this version occupies on the heap (header, key and value).
  size_t Footprint() const { return sizeof(Version) + key().size() + value().size(); }

  Version* older() const { return older_; }
  void set_older(Version* older) { older_ = older; }

 private:
  static constexpr uint32_t kTombstoneBit = 0x80000000u;

  Version() = default;
  const char* data() const { return reinterpret_cast<const char*>(this) + sizeof(Version); }
  char* data() { return reinterpret_cast<char*>(this) + sizeof(Version); }

  Version* older_;
  uint64_t ts_klen_;     // timestamp << 16 | key length
  uint32_t vlen_flags_;  // value length | kTombstoneBit
};
#pragma pack(pop)

static_assert(sizeof(Version) == 20, "the header is packed so a 136-byte record fits 144 bytes");

// What a chain of versions held.
struct ChainSize {
  size_t versions = 0;
  size_t bytes = 0;
};

// Frees `version` and every older version chained to it (nullptr frees nothing); they were
// made by Create with `arena`.
ChainSize DestroyChain(Version* version, VersionArena* arena = nullptr);

}  // namespace memdb::mvcc

#endif  // MEMDB_SRC_MVCC_VERSION_H_
