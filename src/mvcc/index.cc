#include "mvcc/index.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <utility>

namespace memdb::mvcc {
namespace {

constexpr int kLeafCapacity = 128;  // entries per leaf
constexpr int kInnerCapacity = 64;  // separators per inner node (children: one more)
constexpr int kMaxHeight = 24;      // 64^12 keys would already exhaust memory

// The four bytes of `key` after its first `skip` bytes, big-endian and zero-padded, so that
// comparing partials of keys sharing a prefix orders them like the keys (ties aside).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "PartialOf byte-swaps a little-endian load");

uint32_t PartialOf(std::string_view key, size_t skip) {
  if (key.size() >= skip + 4) {
    uint32_t word;
    std::memcpy(&word, key.data() + skip, 4);
    return __builtin_bswap32(word);
  }
  uint32_t partial = 0;
  for (size_t i = 0; i < 4; ++i) {
    const size_t at = skip + i;
    partial = (partial << 8) | (at < key.size() ? static_cast<unsigned char>(key[at]) : 0u);
  }
  return partial;
}

size_t CommonPrefixLength(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

struct Index::Node {
  explicit Node(bool leaf) : is_leaf(leaf) {}
  bool is_leaf;
  int count = 0;       // leaf: entries; inner: separators (children = count + 1)
  std::string prefix;  // every key (or separator) in the node starts with it
};

struct Index::Leaf : Node {
  Leaf() : Node(true) {}
  std::string_view KeyAt(int i) const { return head[i]->key(); }
  uint32_t partial[kLeafCapacity];
  Version* head[kLeafCapacity];
  Leaf* prev = nullptr;
  Leaf* next = nullptr;
};

struct Index::Inner : Node {
  Inner() : Node(false) {}
  std::string_view KeyAt(int i) const { return keys[i]; }
  uint32_t partial[kInnerCapacity];
  std::string keys[kInnerCapacity];
  Node* child[kInnerCapacity + 1];
};

struct Index::Path {
  struct Step {
    Inner* node;
    int child;  // which child of `node` the descent took
  };
  Step steps[kMaxHeight];
};

namespace {

// The first entry of `node` whose key is >= `key`; `*equal` says whether that entry's key is
// `key`. Full keys are compared only where partials tie: for inner nodes a full key is a
// separate heap string, two cache misses away.
template <typename NodeT>
int LowerBound(const NodeT& node, std::string_view key, bool* equal) {
  // The binary search below would take one dependent cache miss per line of partials;
  // asking for all of them at once overlaps those misses.
  for (int i = 0; i < node.count; i += 64 / sizeof(uint32_t)) __builtin_prefetch(node.partial + i);
  *equal = false;
  const std::string& prefix = node.prefix;
  const size_t m = std::min(key.size(), prefix.size());
  const int c = m == 0 ? 0 : std::memcmp(key.data(), prefix.data(), m);
  if (c < 0 || (c == 0 && key.size() < prefix.size())) return 0;  // below every key
  if (c > 0) return node.count;                                   // above every key
  const uint32_t p = PartialOf(key, prefix.size());
  // Branch-free lower bound over the partials (the compiler turns the select into a cmov).
  int lo = 0;
  if (node.count > 0) {
    const uint32_t* base = node.partial;
    int n = node.count;
    while (n > 1) {
      const int half = n / 2;
      base = base[half] < p ? base + half : base;
      n -= half;
    }
    lo = static_cast<int>(base - node.partial) + (*base < p ? 1 : 0);
  }
  // Entries whose partial ties with the key's: compare full keys, in order.
  for (; lo < node.count && node.partial[lo] == p; ++lo) {
    const int cmp = node.KeyAt(lo).compare(key);
    if (cmp >= 0) {
      *equal = cmp == 0;
      break;
    }
  }
  return lo;
}

// Recomputes the node's shared prefix from its first and last keys (they bound the rest).
template <typename NodeT>
void RecomputePrefix(NodeT* node) {
  if (node->count == 0) {
    node->prefix.clear();
    return;
  }
  const std::string_view first = node->KeyAt(0);
  node->prefix.assign(first.substr(0, CommonPrefixLength(first, node->KeyAt(node->count - 1))));
  for (int i = 0; i < node->count; ++i)
    node->partial[i] = PartialOf(node->KeyAt(i), node->prefix.size());
}

// Makes room for `key` in the node's prefix before it is inserted.
template <typename NodeT>
void WidenPrefixFor(NodeT* node, std::string_view key) {
  if (node->count == 0) {
    node->prefix.assign(key);
    return;
  }
  const size_t common = CommonPrefixLength(node->prefix, key);
  if (common == node->prefix.size()) return;
  node->prefix.resize(common);
  for (int i = 0; i < node->count; ++i) node->partial[i] = PartialOf(node->KeyAt(i), common);
}

}  // namespace

Version* Index::Cursor::head() const { return leaf_->head[pos_]; }

void Index::Cursor::Prefetch(int distance) const {
  const int at = pos_ + distance;
  if (at < 0 || at >= leaf_->count) return;
  const char* version = reinterpret_cast<const char*>(leaf_->head[at]);
  __builtin_prefetch(version);
  __builtin_prefetch(version + 64);
}

void Index::Cursor::Next() {
  if (++pos_ < leaf_->count) return;
  leaf_ = leaf_->next;
  pos_ = 0;
}

void Index::Cursor::Prev() {
  if (--pos_ >= 0) return;
  leaf_ = leaf_->prev;
  pos_ = leaf_ != nullptr ? leaf_->count - 1 : 0;
}

Index::Index(VersionArena* arena) : arena_(arena) { root_ = NewLeaf(); }

Index::~Index() {
  // Walk the leaves for the versions, then free the nodes level by level.
  for (Cursor c = First(); c.Valid(); c.Next()) DestroyChain(c.head(), arena_);
  struct Freer {
    static void Free(Index* index, Node* node) {
      if (!node->is_leaf) {
        auto* inner = static_cast<Inner*>(node);
        for (int i = 0; i <= inner->count; ++i) Free(index, inner->child[i]);
      }
      index->FreeNode(node);
    }
  };
  Freer::Free(this, root_);
}

Index::Leaf* Index::NewLeaf() {
  node_bytes_ += sizeof(Leaf);
  return new Leaf();
}

Index::Inner* Index::NewInner() {
  node_bytes_ += sizeof(Inner);
  return new Inner();
}

void Index::FreeNode(Node* node) {
  if (node->is_leaf) {
    node_bytes_ -= sizeof(Leaf);
    delete static_cast<Leaf*>(node);
  } else {
    node_bytes_ -= sizeof(Inner);
    delete static_cast<Inner*>(node);
  }
}

Index::Leaf* Index::FindLeaf(std::string_view key, Path* path) const {
  Node* node = root_;
  int depth = 0;
  while (!node->is_leaf) {
    auto* inner = static_cast<Inner*>(node);
    bool equal;
    int i = LowerBound(*inner, key, &equal);
    if (equal) ++i;  // keys equal to a separator go right
    if (path != nullptr) path->steps[depth] = {inner, i};
    ++depth;
    node = inner->child[i];
  }
  return static_cast<Leaf*>(node);
}

Version* Index::Find(std::string_view key) const {
  const Leaf* leaf = FindLeaf(key, nullptr);
  bool equal;
  const int pos = LowerBound(*leaf, key, &equal);
  if (!equal) return nullptr;
  // The caller copies the value next: request all of the version's lines at once.
  Version* v = leaf->head[pos];
  const char* bytes = reinterpret_cast<const char*>(v);
  for (size_t off = 64; off < v->Footprint(); off += 64) __builtin_prefetch(bytes + off);
  return v;
}

Version** Index::FindSlot(std::string_view key) {
  Leaf* leaf = FindLeaf(key, nullptr);
  bool equal;
  const int pos = LowerBound(*leaf, key, &equal);
  return equal ? &leaf->head[pos] : nullptr;
}

void Index::Insert(Version* head) {
  const std::string_view key = head->key();
  Path path;
  Leaf* leaf = FindLeaf(key, &path);
  bool equal;
  int pos = LowerBound(*leaf, key, &equal);
  assert(!equal);
  ++size_;

  auto insert_at = [](Leaf* target, int at, Version* v) {
    WidenPrefixFor(target, v->key());
    const int tail = target->count - at;
    std::memmove(target->partial + at + 1, target->partial + at, tail * sizeof(uint32_t));
    std::memmove(target->head + at + 1, target->head + at, tail * sizeof(Version*));
    target->partial[at] = PartialOf(v->key(), target->prefix.size());
    target->head[at] = v;
    ++target->count;
  };
  if (leaf->count < kLeafCapacity) {
    insert_at(leaf, pos, head);
    return;
  }

  // Split. At the right edge of the tree (sequential loads) keep the left leaf full.
  const int split =
      (pos == kLeafCapacity && leaf->next == nullptr) ? kLeafCapacity : kLeafCapacity / 2;
  Leaf* right = NewLeaf();
  right->count = kLeafCapacity - split;
  std::memcpy(right->head, leaf->head + split, right->count * sizeof(Version*));
  leaf->count = split;
  right->next = leaf->next;
  if (right->next != nullptr) right->next->prev = right;
  right->prev = leaf;
  leaf->next = right;
  RecomputePrefix(leaf);
  RecomputePrefix(right);
  if (pos >= split) {
    insert_at(right, pos - split, head);
  } else {
    insert_at(leaf, pos, head);
  }
  InsertIntoParent(&path, height_ - 2, std::string(right->KeyAt(0)), right);
}

void Index::InsertIntoParent(Path* path, int depth, std::string separator, Node* right) {
  if (depth < 0) {  // the root split: grow the tree by one level
    Inner* root = NewInner();
    root->child[0] = root_;
    root->child[1] = right;
    root->keys[0] = std::move(separator);
    root->count = 1;
    RecomputePrefix(root);
    root_ = root;
    ++height_;
    return;
  }
  Inner* parent = path->steps[depth].node;
  const int at = path->steps[depth].child;  // separator index; the new child goes at at + 1
  if (parent->count < kInnerCapacity) {
    WidenPrefixFor(parent, separator);
    for (int i = parent->count; i > at; --i) {
      parent->keys[i] = std::move(parent->keys[i - 1]);
      parent->partial[i] = parent->partial[i - 1];
      parent->child[i + 1] = parent->child[i];
    }
    parent->partial[at] = PartialOf(separator, parent->prefix.size());
    parent->keys[at] = std::move(separator);
    parent->child[at + 1] = right;
    ++parent->count;
    return;
  }

  // Split a full inner node: gather its kInnerCapacity + 1 separators, push the middle one up.
  std::string keys[kInnerCapacity + 1];
  Node* children[kInnerCapacity + 2];
  for (int i = 0, k = 0; i <= kInnerCapacity; ++i) {
    if (i == at) {
      keys[i] = std::move(separator);
    } else {
      keys[i] = std::move(parent->keys[k++]);
    }
  }
  for (int i = 0, k = 0; i <= kInnerCapacity + 1; ++i) {
    children[i] = (i == at + 1) ? right : parent->child[k++];
  }
  bool right_edge = at == kInnerCapacity;
  for (int d = 0; d < depth && right_edge; ++d) {
    right_edge = path->steps[d].child == path->steps[d].node->count;
  }
  const int mid = right_edge ? kInnerCapacity - 1 : kInnerCapacity / 2;
  Inner* sibling = NewInner();
  parent->count = mid;
  for (int i = 0; i < mid; ++i) parent->keys[i] = std::move(keys[i]);
  for (int i = 0; i <= mid; ++i) parent->child[i] = children[i];
  sibling->count = kInnerCapacity - mid;
  for (int i = 0; i < sibling->count; ++i) sibling->keys[i] = std::move(keys[mid + 1 + i]);
  for (int i = 0; i <= sibling->count; ++i) sibling->child[i] = children[mid + 1 + i];
  for (int i = mid; i < kInnerCapacity; ++i) parent->keys[i].clear();
  RecomputePrefix(parent);
  RecomputePrefix(sibling);
  InsertIntoParent(path, depth - 1, std::move(keys[mid]), sibling);
}

void Index::Erase(std::string_view key) {
  Path path;
  Leaf* leaf = FindLeaf(key, &path);
  bool equal;
  const int pos = LowerBound(*leaf, key, &equal);
  assert(equal);
  const int tail = leaf->count - pos - 1;
  std::memmove(leaf->partial + pos, leaf->partial + pos + 1, tail * sizeof(uint32_t));
  std::memmove(leaf->head + pos, leaf->head + pos + 1, tail * sizeof(Version*));
  --leaf->count;
  --size_;
  if (leaf->count > 0 || height_ == 1) return;
  // An empty leaf leaves the tree; its neighbours absorb its key range.
  if (leaf->prev != nullptr) leaf->prev->next = leaf->next;
  if (leaf->next != nullptr) leaf->next->prev = leaf->prev;
  FreeNode(leaf);
  RemoveChild(&path, height_ - 2);
}

void Index::RemoveChild(Path* path, int depth) {
  Inner* parent = path->steps[depth].node;
  const int at = path->steps[depth].child;
  if (parent->count == 0) {  // its only child is gone: the parent goes too
    FreeNode(parent);
    if (depth == 0) {
      root_ = NewLeaf();
      height_ = 1;
    } else {
      RemoveChild(path, depth - 1);
    }
    return;
  }
  const int drop = at > 0 ? at - 1 : 0;  // the separator between the child and a neighbour
  for (int i = drop; i + 1 < parent->count; ++i) {
    parent->keys[i] = std::move(parent->keys[i + 1]);
    parent->partial[i] = parent->partial[i + 1];
  }
  for (int i = at; i < parent->count; ++i) parent->child[i] = parent->child[i + 1];
  --parent->count;
  parent->keys[parent->count].clear();
  while (root_ == parent && parent->count == 0) {  // a root with one child is redundant
    root_ = parent->child[0];
    --height_;
    FreeNode(parent);
    if (root_->is_leaf) break;
    parent = static_cast<Inner*>(root_);
  }
}

Index::Cursor Index::SeekGE(std::string_view key) const {
  Cursor c;
  c.leaf_ = FindLeaf(key, nullptr);
  bool equal;
  c.pos_ = LowerBound(*c.leaf_, key, &equal);
  if (c.pos_ == c.leaf_->count) {
    c.leaf_ = c.leaf_->next;
    c.pos_ = 0;
  }
  return c;
}

Index::Cursor Index::SeekLT(std::string_view key) const {
  Cursor c;
  c.leaf_ = FindLeaf(key, nullptr);
  bool equal;
  c.pos_ = LowerBound(*c.leaf_, key, &equal);
  c.Prev();
  return c;
}

Index::Cursor Index::First() const {
  Node* node = root_;
  while (!node->is_leaf) node = static_cast<Inner*>(node)->child[0];
  Cursor c;
  c.leaf_ = static_cast<Leaf*>(node);
  if (c.leaf_->count == 0) c.leaf_ = nullptr;
  return c;
}

Index::Cursor Index::Last() const {
  Node* node = root_;
  while (!node->is_leaf) {
    auto* inner = static_cast<Inner*>(node);
    node = inner->child[inner->count];
  }
  Cursor c;
  c.leaf_ = static_cast<Leaf*>(node);
  c.pos_ = c.leaf_->count - 1;
  if (c.leaf_->count == 0) c.leaf_ = nullptr;
  return c;
}

}  // namespace memdb::mvcc
