// The B+tree index checked against std::map: randomized operation sequences over keys chosen to
// stress the node prefixes and 4-byte partial keys (long shared prefixes, keys that are prefixes
// of each other, the empty key, 0x00 and 0xff bytes), plus sequential loads and full drains.
#include "mvcc/index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/util/random.h"
#include "mvcc/version.h"
#include "support/test_support.h"

namespace memdb::mvcc {
namespace {

using ::memdb::test::Show;
using ::memdb::test::TestSeed;

// An Index plus the std::map it must agree with. Keys erased from the index are freed here; the
// index frees what it still holds when destroyed.
class IndexModel {
 public:
  ~IndexModel() = default;

  Index& index() { return index_; }
  const std::map<std::string, Version*>& model() const { return model_; }

  // Inserts `key` if absent, or pushes a new head onto its chain through FindSlot if present.
  void Put(const std::string& key) {
    ++ts_;
    auto it = model_.find(key);
    if (it == model_.end()) {
      ASSERT_EQ(index_.FindSlot(key), nullptr) << "absent key " << Show(key) << " has a slot";
      Version* v = Version::Create(key, "v" + std::to_string(ts_), false, ts_);
      index_.Insert(v);
      model_.emplace(key, v);
    } else {
      Version** slot = index_.FindSlot(key);
      ASSERT_NE(slot, nullptr) << "present key " << Show(key) << " has no slot";
      ASSERT_EQ(*slot, it->second) << "slot of " << Show(key) << " holds a different chain";
      Version* v = Version::Create(key, "v" + std::to_string(ts_), false, ts_);
      v->set_older(*slot);
      *slot = v;
      it->second = v;
    }
  }

  // Erases `key` if present; returns whether it was.
  bool Erase(const std::string& key) {
    auto it = model_.find(key);
    if (it == model_.end()) return false;
    Version* chain = it->second;
    index_.Erase(key);
    model_.erase(it);
    const ChainSize freed = DestroyChain(chain);
    EXPECT_GE(freed.versions, 1u);
    return true;
  }

  // Point lookups and seeks for one probe key.
  void CheckProbe(const std::string& probe) {
    SCOPED_TRACE("probe " + Show(probe));
    auto it = model_.find(probe);
    EXPECT_EQ(index_.Find(probe), it == model_.end() ? nullptr : it->second);

    auto ge = model_.lower_bound(probe);
    Index::Cursor c = index_.SeekGE(probe);
    if (ge == model_.end()) {
      EXPECT_FALSE(c.Valid()) << "SeekGE found " << Show(c.head()->key()) << ", expected none";
    } else {
      ASSERT_TRUE(c.Valid()) << "SeekGE found none, expected " << Show(ge->first);
      EXPECT_EQ(c.head(), ge->second)
          << "SeekGE found " << Show(c.head()->key()) << ", expected " << Show(ge->first);
    }

    Index::Cursor lt = index_.SeekLT(probe);
    if (ge == model_.begin()) {
      EXPECT_FALSE(lt.Valid()) << "SeekLT found " << Show(lt.head()->key()) << ", expected none";
    } else {
      auto expect = std::prev(ge);
      ASSERT_TRUE(lt.Valid()) << "SeekLT found none, expected " << Show(expect->first);
      EXPECT_EQ(lt.head(), expect->second)
          << "SeekLT found " << Show(lt.head()->key()) << ", expected " << Show(expect->first);
    }
  }

  // Walks up to `steps` entries from SeekGE(probe) forward, or from SeekLT(probe) backward,
  // and then turns around for a few steps.
  void CheckWalk(const std::string& probe, int steps, bool forward) {
    SCOPED_TRACE("walk from " + Show(probe) + (forward ? " forward" : " backward"));
    auto ge = model_.lower_bound(probe);
    Index::Cursor c = forward ? index_.SeekGE(probe) : index_.SeekLT(probe);
    if (forward) {
      auto it = ge;
      for (int i = 0; i < steps && it != model_.end(); ++i, ++it, c.Next()) {
        ASSERT_TRUE(c.Valid()) << "cursor ended early, expected " << Show(it->first);
        ASSERT_EQ(c.head(), it->second)
            << "cursor at " << Show(c.head()->key()) << ", expected " << Show(it->first);
      }
      if (it == model_.end()) {
        EXPECT_FALSE(c.Valid());
        return;
      }
      // Turn around: Prev from here revisits what Next produced.
      for (int i = 0; i < 3 && it != model_.begin(); ++i) {
        --it;
        c.Prev();
        ASSERT_TRUE(c.Valid());
        ASSERT_EQ(c.head(), it->second);
      }
    } else {
      if (ge == model_.begin()) {
        EXPECT_FALSE(c.Valid());
        return;
      }
      auto it = std::prev(ge);
      for (int i = 0; i < steps; ++i) {
        ASSERT_TRUE(c.Valid()) << "cursor ended early, expected " << Show(it->first);
        ASSERT_EQ(c.head(), it->second)
            << "cursor at " << Show(c.head()->key()) << ", expected " << Show(it->first);
        if (it == model_.begin()) {
          c.Prev();
          EXPECT_FALSE(c.Valid());
          return;
        }
        --it;
        c.Prev();
      }
      ++it;  // `c` is one before `it` now; step forward again
      c.Next();
      ASSERT_TRUE(c.Valid());
      ASSERT_EQ(c.head(), it->second);
    }
  }

  // The whole index, both directions, against the model.
  void CheckAll() {
    ASSERT_EQ(index_.size(), model_.size());
    auto it = model_.begin();
    size_t n = 0;
    for (Index::Cursor c = index_.First(); c.Valid(); c.Next(), ++it, ++n) {
      ASSERT_NE(it, model_.end()) << "index has extra key " << Show(c.head()->key());
      ASSERT_EQ(c.head(), it->second) << "forward walk at entry " << n << ": index has "
                                      << Show(c.head()->key()) << ", model " << Show(it->first);
    }
    ASSERT_EQ(it, model_.end()) << "index is missing " << Show(it->first);
    auto rit = model_.rbegin();
    for (Index::Cursor c = index_.Last(); c.Valid(); c.Prev(), ++rit) {
      ASSERT_NE(rit, model_.rend()) << "index has extra key " << Show(c.head()->key());
      ASSERT_EQ(c.head(), rit->second)
          << "backward walk: index has " << Show(c.head()->key()) << ", model " << Show(rit->first);
    }
    ASSERT_EQ(rit, model_.rend());
    if (model_.empty()) {
      EXPECT_FALSE(index_.First().Valid());
      EXPECT_FALSE(index_.Last().Valid());
    }
  }

 private:
  Index index_;
  std::map<std::string, Version*> model_;
  uint64_t ts_ = 0;
};

// Keys from families that exercise prefix compression and partial-key ties.
class KeyGen {
 public:
  explicit KeyGen(Random* rnd) : rnd_(rnd) {}

  std::string Next() {
    switch (rnd_->Uniform(9)) {
      case 0: {  // long shared prefix, differences late (beyond the 4-byte partial)
        std::string k(120, 'p');
        k += "/tenant/0000/";
        k += Bytes(rnd_->Range(0, 6), "ab\x00\xff", 4);
        return k;
      }
      case 1:  // runs of one byte: keys that are prefixes of each other
        return std::string(rnd_->Range(0, 40), rnd_->Bernoulli(0.5) ? 'a' : '\0');
      case 2:  // 0x00 / 0xff heavy, short
        return Bytes(rnd_->Range(0, 6), "\x00\x01\x7f\x80\xfe\xff", 6);
      case 3:  // shared 4-byte partial window, then anything
        return "abcd" + Bytes(rnd_->Range(0, 3),
                              "\x00\xff"
                              "a",
                              3);
      case 4:  // ordinary keys
        return "user:" + std::to_string(rnd_->Uniform(5000));
      case 5:
        return rnd_->Bernoulli(0.1) ? std::string() : rnd_->AlphaNumeric(rnd_->Range(1, 8));
      case 7:  // mostly fresh keys, so the tree grows to three levels
      case 8:
        return "id:" + rnd_->AlphaNumeric(rnd_->Range(6, 12));
      default: {  // 0xff-padded prefixes of each other
        std::string k = "k";
        k.append(rnd_->Range(0, 10), '\xff');
        return k;
      }
    }
  }

 private:
  std::string Bytes(int64_t n, const char* alphabet, size_t size) {
    std::string out;
    for (int64_t i = 0; i < n; ++i) out += alphabet[rnd_->Uniform(size)];
    return out;
  }
  Random* rnd_;
};

TEST(IndexTest, EmptyIndexHasNoEntries) {
  Index index;
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.Find(""), nullptr);
  EXPECT_EQ(index.Find("a"), nullptr);
  EXPECT_EQ(index.FindSlot("a"), nullptr);
  EXPECT_FALSE(index.First().Valid());
  EXPECT_FALSE(index.Last().Valid());
  EXPECT_FALSE(index.SeekGE("").Valid());
  EXPECT_FALSE(index.SeekLT("\xff\xff").Valid());
}

TEST(IndexTest, NodeBytesCountsTheRootLeafOfAnEmptyIndex) {
  // An index always holds at least its root leaf; NodeBytes documents "bytes held by the tree's
  // nodes", so it can never be 0.
  Index index;
  EXPECT_GT(index.NodeBytes(), 0u) << "the root leaf allocated by the constructor is not counted";
  Version* v = Version::Create("k", "v", false, 1);
  index.Insert(v);
  EXPECT_GT(index.NodeBytes(), 0u);
}

TEST(IndexTest, EdgeKeysAreOrderedBytewise) {
  // Inserted in a scrambled order; the walk must return them sorted as unsigned bytes, shorter
  // first on a tie.
  const std::vector<std::string> sorted = {
      std::string(),
      std::string("\x00", 1),
      std::string("\x00\x00", 2),
      std::string("\x00\x01", 2),
      std::string("\x01", 1),
      "a",
      std::string("a\x00", 2),
      std::string("a\x00\x00\x00\x00", 5),
      std::string("a\x00\x00\x00\x00\x00", 6),
      "aa",
      "aaaa",
      "aaaa\x01",
      "aaaaa",
      "ab",
      "\x7f",
      "\x80",
      "\xfe\xff\xff\xff\xff",
      "\xff",
      "\xff\xff",
      "\xff\xff\xff\xff",
      std::string("\xff\xff\xff\xff\x00", 5),
      "\xff\xff\xff\xff\xff",
  };
  ASSERT_TRUE(std::is_sorted(sorted.begin(), sorted.end()));
  IndexModel m;
  for (size_t i = 0; i < sorted.size(); ++i) m.Put(sorted[(i * 7) % sorted.size()]);
  ASSERT_NO_FATAL_FAILURE(m.CheckAll());
  std::vector<std::string> walked;
  for (Index::Cursor c = m.index().First(); c.Valid(); c.Next()) {
    walked.emplace_back(c.head()->key());
  }
  EXPECT_EQ(walked, sorted);
  for (const std::string& k : sorted) {
    ASSERT_NO_FATAL_FAILURE(m.CheckProbe(k));
    ASSERT_NO_FATAL_FAILURE(m.CheckProbe(k + '\0'));
    ASSERT_NO_FATAL_FAILURE(m.CheckProbe(k + '\xff'));
    if (!k.empty()) {
      ASSERT_NO_FATAL_FAILURE(m.CheckProbe(k.substr(0, k.size() - 1)));
    }
  }
}

TEST(IndexTest, RandomizedOperationsMatchStdMap) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE("seed=" + std::to_string(seed) + " (rerun with MEMDB_SEED=" + std::to_string(seed) +
               ")");
  Random rnd(seed);
  KeyGen gen(&rnd);
  IndexModel m;
  constexpr int kOps = 150000;
  size_t max_size = 0;
  for (int op = 0; op < kOps; ++op) {
    max_size = std::max(max_size, m.model().size());
    // Grow for the first half, then shrink, so that splits and merges both happen at scale.
    const double insert_p = op < kOps / 2 ? 0.85 : 0.3;
    const uint64_t kind = rnd.Uniform(100);
    std::string key;
    if (kind < 70) {
      if (!m.model().empty() && rnd.Bernoulli(0.3)) {  // an existing key
        auto it = m.model().lower_bound(gen.Next());
        if (it == m.model().end()) it = m.model().begin();
        key = it->first;
      } else {
        key = gen.Next();
      }
      if (rnd.Bernoulli(insert_p)) {
        ASSERT_NO_FATAL_FAILURE(m.Put(key));
      } else {
        m.Erase(key);
      }
    } else if (kind < 90) {
      ASSERT_NO_FATAL_FAILURE(m.CheckProbe(gen.Next()));
    } else {
      ASSERT_NO_FATAL_FAILURE(
          m.CheckWalk(gen.Next(), static_cast<int>(rnd.Range(1, 200)), rnd.Bernoulli(0.5)));
    }
    if (op % 5000 == 0) {
      SCOPED_TRACE("full check after op " + std::to_string(op));
      ASSERT_NO_FATAL_FAILURE(m.CheckAll());
    }
  }
  ASSERT_NO_FATAL_FAILURE(m.CheckAll());
  // Large enough for a three-level tree with any node size up to 128 (a two-level tree holds at
  // most 65 leaves of 128 entries).
  EXPECT_GT(max_size, 65u * 128u) << "the sequence never grew the tree past two levels";
}

TEST(IndexTest, ManyKeysSharingLongPrefixStaySorted) {
  // 6000 keys that share 200 bytes and differ only in a random tail: every leaf and inner node
  // carries a long prefix and most partial keys tie.
  const uint64_t seed = TestSeed();
  SCOPED_TRACE("seed=" + std::to_string(seed));
  Random rnd(seed);
  IndexModel m;
  const std::string prefix(200, 'x');
  for (int i = 0; i < 6000; ++i) {
    std::string tail;
    for (int j = rnd.Range(0, 8); j > 0; --j) tail += "\x00\x01x\xff"[rnd.Uniform(4)];
    ASSERT_NO_FATAL_FAILURE(m.Put(prefix + tail));
  }
  ASSERT_NO_FATAL_FAILURE(m.CheckAll());
  for (int i = 0; i < 2000; ++i) {
    std::string probe = prefix.substr(0, rnd.Range(190, 200));
    for (int j = rnd.Range(0, 9); j > 0; --j) probe += "\x00\x01x\xff"[rnd.Uniform(4)];
    ASSERT_NO_FATAL_FAILURE(m.CheckProbe(probe));
  }
}

std::string SeqKey(int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "seq:%08d", i);
  return buf;
}

TEST(IndexTest, SequentialInsertsBuildAThreeLevelTree) {
  IndexModel m;
  constexpr int kKeys = 20000;  // > 65 leaves of up to 128: the root must split at least once
  for (int i = 0; i < kKeys; ++i) ASSERT_NO_FATAL_FAILURE(m.Put(SeqKey(i)));
  ASSERT_NO_FATAL_FAILURE(m.CheckAll());
  for (int i = -1; i <= kKeys; i += 97) ASSERT_NO_FATAL_FAILURE(m.CheckProbe(SeqKey(i)));
  ASSERT_NO_FATAL_FAILURE(m.CheckWalk(SeqKey(5000), 3000, true));
  ASSERT_NO_FATAL_FAILURE(m.CheckWalk(SeqKey(15000), 3000, false));
}

TEST(IndexTest, ReverseSequentialInsertsStaySorted) {
  IndexModel m;
  constexpr int kKeys = 20000;
  for (int i = kKeys - 1; i >= 0; --i) ASSERT_NO_FATAL_FAILURE(m.Put(SeqKey(i)));
  ASSERT_NO_FATAL_FAILURE(m.CheckAll());
  for (int i = -1; i <= kKeys; i += 89) ASSERT_NO_FATAL_FAILURE(m.CheckProbe(SeqKey(i)));
}

TEST(IndexTest, EraseEverythingThenReinsert) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE("seed=" + std::to_string(seed));
  Random rnd(seed);
  const size_t empty_bytes = Index().NodeBytes();
  IndexModel m;
  constexpr int kKeys = 12000;
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::vector<int> order(kKeys);
    for (int i = 0; i < kKeys; ++i) order[i] = i;
    for (int i = kKeys - 1; i > 0; --i) std::swap(order[i], order[rnd.Uniform(i + 1)]);
    for (int i = 0; i < kKeys; ++i) ASSERT_NO_FATAL_FAILURE(m.Put(SeqKey(order[i])));
    ASSERT_NO_FATAL_FAILURE(m.CheckAll());
    EXPECT_GT(m.index().NodeBytes(), empty_bytes);
    // Round 0 drains in ascending order, round 1 descending, round 2 random.
    for (int i = 0; i < kKeys; ++i) {
      const int k = round == 0 ? i : round == 1 ? kKeys - 1 - i : order[i];
      ASSERT_TRUE(m.Erase(SeqKey(k)));
      if (i % 1000 == 999) {
        ASSERT_NO_FATAL_FAILURE(m.CheckAll());
        ASSERT_NO_FATAL_FAILURE(m.CheckProbe(SeqKey(k)));
      }
    }
    ASSERT_NO_FATAL_FAILURE(m.CheckAll());
    EXPECT_EQ(m.index().size(), 0u);
    EXPECT_EQ(m.index().NodeBytes(), empty_bytes) << "an empty index should be one empty leaf";
    ASSERT_NO_FATAL_FAILURE(m.CheckProbe(SeqKey(0)));
  }
  // And it still works afterwards.
  for (int i = 0; i < 500; ++i) ASSERT_NO_FATAL_FAILURE(m.Put(SeqKey(i * 3)));
  ASSERT_NO_FATAL_FAILURE(m.CheckAll());
}

TEST(IndexTest, EraseEveryOtherKeyKeepsNeighboursReachable) {
  IndexModel m;
  constexpr int kKeys = 10000;
  for (int i = 0; i < kKeys; ++i) ASSERT_NO_FATAL_FAILURE(m.Put(SeqKey(i)));
  for (int i = 0; i < kKeys; i += 2) ASSERT_TRUE(m.Erase(SeqKey(i)));
  ASSERT_NO_FATAL_FAILURE(m.CheckAll());
  for (int i = 0; i < kKeys; i += 37) ASSERT_NO_FATAL_FAILURE(m.CheckProbe(SeqKey(i)));
  // Erase whole leaves' worth of consecutive keys in the middle.
  for (int i = 3001; i < 7001; i += 2) ASSERT_TRUE(m.Erase(SeqKey(i)));
  ASSERT_NO_FATAL_FAILURE(m.CheckAll());
  for (int i = 2990; i < 7010; i += 3) ASSERT_NO_FATAL_FAILURE(m.CheckProbe(SeqKey(i)));
  ASSERT_NO_FATAL_FAILURE(m.CheckWalk(SeqKey(2990), 100, true));
  ASSERT_NO_FATAL_FAILURE(m.CheckWalk(SeqKey(7010), 100, false));
}

TEST(IndexTest, FindSlotReplacesTheHeadInPlace) {
  IndexModel m;
  for (int i = 0; i < 300; ++i) ASSERT_NO_FATAL_FAILURE(m.Put(SeqKey(i)));
  for (int i = 0; i < 300; i += 3) ASSERT_NO_FATAL_FAILURE(m.Put(SeqKey(i)));  // new heads
  ASSERT_NO_FATAL_FAILURE(m.CheckAll());
  Version* head = m.index().Find(SeqKey(0));
  ASSERT_NE(head, nullptr);
  ASSERT_NE(head->older(), nullptr) << "the pushed version should chain to the first one";
  EXPECT_GT(head->timestamp(), head->older()->timestamp());
  EXPECT_EQ(head->key(), SeqKey(0));
}

}  // namespace
}  // namespace memdb::mvcc
