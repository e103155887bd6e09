// Index: the ordered map from key to the newest Version of that key (a B+tree).
//
// Why a B+tree: a point lookup in a million keys must cost a handful of cache misses, which
// rules out skip lists and red-black trees (one miss per comparison). Each node keeps, beside
// its entries, the byte prefix all its keys share and a 4-byte "partial key" per entry -- the
// four bytes after that prefix -- so a search compares integers in one contiguous array and
// touches a full key only to break a tie. Leaves are chained both ways for scans.
//
// Memory: a leaf entry costs 12 bytes (partial + pointer); keys live only in the versions.
// Sequential inserts at the right edge split unevenly, leaving full leaves behind.
//
// Thread safety: none. The engine serializes writers and excludes readers from structural
// changes (Insert, Erase) with its latch; see engine.h.
#ifndef MEMDB_SRC_MVCC_INDEX_H_
#define MEMDB_SRC_MVCC_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mvcc/version.h"
#include "mvcc/version_arena.h"

namespace memdb::mvcc {

class Index {
 public:
  struct Node;
  struct Leaf;
  struct Inner;

  // A position in the index: a leaf and an entry within it.
  class Cursor {
   public:
    bool Valid() const { return leaf_ != nullptr; }
    Version* head() const;
    void Next();
    void Prev();
    // Starts loading the version `distance` entries further in the leaf (negative: back), so a
    // scan overlaps the cache misses of the versions it is about to read.
    void Prefetch(int distance) const;

   private:
    friend class Index;
    Leaf* leaf_ = nullptr;
    int pos_ = 0;
  };

  // Versions in the index were made with `arena` (nullptr: malloc).
  explicit Index(VersionArena* arena = nullptr);
  ~Index();  // Frees the nodes and every version chain.
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  // The newest version of `key`, or nullptr.
  Version* Find(std::string_view key) const;
  // The slot holding the newest version of `key`, or nullptr when absent. The slot stays valid
  // until the next Insert or Erase.
  Version** FindSlot(std::string_view key);
  // Adds an entry for head->key(), which must be absent.
  void Insert(Version* head);
  // Removes the entry for `key` (which must be present) without freeing its versions.
  void Erase(std::string_view key);

  // The first entry with key >= `key`.
  Cursor SeekGE(std::string_view key) const;
  // The last entry with key < `key`.
  Cursor SeekLT(std::string_view key) const;
  Cursor First() const;
  Cursor Last() const;

  size_t size() const { return size_; }
  // Bytes held by the tree's nodes (not by the versions).
  size_t NodeBytes() const { return node_bytes_; }

 private:
  struct Path;

  Leaf* FindLeaf(std::string_view key, Path* path) const;
  void InsertIntoParent(Path* path, int depth, std::string separator, Node* right);
  void RemoveChild(Path* path, int depth);
  Leaf* NewLeaf();
  Inner* NewInner();
  void FreeNode(Node* node);

  VersionArena* const arena_;
  Node* root_ = nullptr;
  int height_ = 1;  // 1: the root is a leaf
  size_t size_ = 0;
  size_t node_bytes_ = 0;
};

}  // namespace memdb::mvcc

#endif  // MEMDB_SRC_MVCC_INDEX_H_
