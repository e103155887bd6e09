#include "mvcc/version_arena.h"

#include <algorithm>
#include <cstdlib>
#include <new>

namespace memdb::mvcc {
namespace {

void* MallocOrThrow(size_t bytes) {
  void* block = std::malloc(bytes);
  if (block == nullptr) throw std::bad_alloc();
  return block;
}

}  // namespace

VersionArena::~VersionArena() {
  for (void* slab : slabs_) std::free(slab);
}

void* VersionArena::Allocate(size_t bytes) {
  if (bytes > kMaxSmallBytes) {
    reserved_bytes_ += bytes;
    return MallocOrThrow(bytes);
  }
  const size_t index = (bytes + kGranule - 1) / kGranule;
  const size_t rounded = std::max<size_t>(index, 1) * kGranule;
  SizeClass& c = classes_[index];
  if (c.free != nullptr) {
    FreeBlock* block = c.free;
    c.free = block->next;
    return block;
  }
  if (c.bump == nullptr || static_cast<size_t>(c.limit - c.bump) < rounded) {
    // A slab a little under a power of two: with malloc's own header it then fills whole
    // pages instead of spilling into one more.
    const size_t power = std::min(kFirstSlabBytes << std::min<size_t>(c.slabs, 16), kMaxSlabBytes);
    const size_t slab_bytes = std::max(power - kMallocOverhead, rounded);
    c.bump = static_cast<char*>(MallocOrThrow(slab_bytes));
    c.limit = c.bump + slab_bytes;
    slabs_.push_back(c.bump);
    reserved_bytes_ += slab_bytes;
    ++c.slabs;
  }
  void* block = c.bump;
  c.bump += rounded;
  return block;
}

void VersionArena::Free(void* block, size_t bytes) {
  if (bytes > kMaxSmallBytes) {
    reserved_bytes_ -= bytes;
    std::free(block);
    return;
  }
  SizeClass& c = classes_[(bytes + kGranule - 1) / kGranule];
  auto* node = static_cast<FreeBlock*>(block);
  node->next = c.free;
  c.free = node;
}

}  // namespace memdb::mvcc
