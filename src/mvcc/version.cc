#include "mvcc/version.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "mvcc/version_arena.h"

namespace memdb::mvcc {

Version* Version::Create(std::string_view key, std::string_view value, bool tombstone,
                         uint64_t timestamp, VersionArena* arena) {
  if (tombstone) value = {};
  const size_t bytes = sizeof(Version) + key.size() + value.size();
  void* block = arena != nullptr ? arena->Allocate(bytes) : std::malloc(bytes);
  if (block == nullptr) throw std::bad_alloc();
  auto* v = new (block) Version();
  v->older_ = nullptr;
  v->ts_klen_ = (timestamp << 16) | key.size();
  v->vlen_flags_ = static_cast<uint32_t>(value.size()) | (tombstone ? kTombstoneBit : 0u);
  if (!key.empty()) std::memcpy(v->data(), key.data(), key.size());
  if (!value.empty()) std::memcpy(v->data() + key.size(), value.data(), value.size());
  return v;
}

void Version::Destroy(Version* version, VersionArena* arena) {
  const size_t bytes = version->Footprint();
  version->~Version();
  if (arena != nullptr) {
    arena->Free(version, bytes);
  } else {
    std::free(version);
  }
}

ChainSize DestroyChain(Version* version, VersionArena* arena) {
  ChainSize freed;
  while (version != nullptr) {
    Version* older = version->older();
    ++freed.versions;
    freed.bytes += version->Footprint();
    Version::Destroy(version, arena);
    version = older;
  }
  return freed;
}

}  // namespace memdb::mvcc
