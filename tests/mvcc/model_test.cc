// Model-based test: random interleavings of several transactions in one thread -- begin, get,
// put, delete, scans in both directions over random ranges (with early stops), iterators kept
// open across other steps, commit, rollback -- checked step by step against a small reference
// model of snapshot isolation:
//  - committed state: per key, its versions (commit timestamp, value or tombstone);
//  - a transaction: its snapshot timestamp, its write buffer, and (serializable read-write only)
//    the keys it read and the ranges it scanned;
//  - commit: read-only commits always succeed; otherwise first committer wins on written keys,
//    plus read-set and scanned-range validation when serializable.
//
// One engine detail is left open rather than modelled: deleting a key that is absent at commit
// time may or may not leave a tombstone version behind (it does while an older snapshot keeps
// the key's chain in the index). Such "no-op deletes" are marked, and a commit whose outcome
// depends only on them may go either way.
//
// Inverted ranges (begin > end) are not generated here; IsolationEdgeDeathTest covers them.
//
// Seeds: MEMDB_SEED sets the first sequence's seed; sequence i uses seed + i. A failure prints
// the failing sequence's seed and its operations; MEMDB_SEED=<that seed> replays it first.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/mvcc/iterator.h"
#include "memdb/mvcc/scan_range.h"
#include "memdb/mvcc/txn.h"
#include "memdb/util/random.h"
#include "memdb/util/status.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using ::memdb::test::Show;
using ::memdb::test::TestSeed;

using Rows = std::vector<std::pair<std::string, std::string>>;
using Code = Status::Code;

std::string Show(const ScanRange& r) {
  return "[" + Show(r.begin) + ", " + (r.has_end ? Show(r.end) : "+inf") + ")" +
         (r.reverse ? " reverse" : "");
}

std::string Show(const Rows& rows) {
  std::string out = "{";
  for (auto& [k, v] : rows) out += " " + Show(k) + "=" + Show(v);
  return out + " }";
}

// The isolation level of the transactions a sequence begins; kMixed picks one per transaction.
enum class Mode { kSnapshot, kSerializable, kMixed };

void PrintTo(Mode mode, std::ostream* os) {
  *os << (mode == Mode::kSnapshot       ? "kSnapshot"
          : mode == Mode::kSerializable ? "kSerializable"
                                        : "kMixed");
}

// ---- The reference model ----

struct ModelVersion {
  uint64_t ts;
  std::optional<std::string> value;  // nullopt: tombstone
  bool noop_delete;                  // a delete of a key that was already absent
};

class Model {
 public:
  std::optional<std::string> ReadAt(const std::string& key, uint64_t ts) const {
    auto it = history_.find(key);
    if (it == history_.end()) return std::nullopt;
    std::optional<std::string> v;
    for (const ModelVersion& mv : it->second) {
      if (mv.ts > ts) break;
      v = mv.value;
    }
    return v;
  }

  // Keys with any version, plus `extra`, restricted to `range`, in scan order.
  Rows View(uint64_t ts, const std::map<std::string, std::optional<std::string>>& writes,
            const ScanRange& range) const {
    std::map<std::string, std::string> merged;
    for (auto& [k, versions] : history_) {
      if (!range.Contains(k)) continue;
      if (std::optional<std::string> v = ReadAt(k, ts)) merged[k] = *v;
    }
    for (auto& [k, w] : writes) {
      if (!range.Contains(k)) continue;
      if (w) {
        merged[k] = *w;
      } else {
        merged.erase(k);
      }
    }
    Rows rows(merged.begin(), merged.end());
    if (range.reverse) std::reverse(rows.begin(), rows.end());
    return rows;
  }

  // Whether `key` changed after `ts`: *strict counts no-op deletes, *lenient does not.
  void ChangedAfter(const std::string& key, uint64_t ts, bool* strict, bool* lenient) const {
    auto it = history_.find(key);
    if (it == history_.end()) return;
    for (const ModelVersion& mv : it->second) {
      if (mv.ts <= ts) continue;
      *strict = true;
      if (!mv.noop_delete) *lenient = true;
    }
  }

  void ChangedInRange(const ScanRange& range, uint64_t ts, bool* strict, bool* lenient) const {
    for (auto& [k, versions] : history_) {
      if (range.Contains(k)) ChangedAfter(k, ts, strict, lenient);
    }
  }

  void Apply(const std::map<std::string, std::optional<std::string>>& writes) {
    ++latest_;
    for (auto& [k, w] : writes) {
      const bool noop = !w && !ReadAt(k, latest_ - 1).has_value();
      history_[k].push_back({latest_, w, noop});
    }
  }

  uint64_t latest() const { return latest_; }
  uint64_t LiveKeys() const {
    uint64_t n = 0;
    for (auto& [k, versions] : history_) n += ReadAt(k, latest_).has_value();
    return n;
  }

 private:
  std::map<std::string, std::vector<ModelVersion>> history_;
  uint64_t latest_ = 0;
};

struct ModelTxn {
  int id;
  Txn real;
  uint64_t snapshot;
  IsolationLevel iso;
  bool read_only;
  std::map<std::string, std::optional<std::string>> writes;
  std::vector<std::string> read_keys;
  std::vector<ScanRange> read_ranges;

  bool RecordsReads() const { return iso == IsolationLevel::kSerializable && !read_only; }
};

struct OpenIterator {
  std::string name;
  Iterator real;
  Rows expected;
  size_t pos = 0;
};

// ---- The driver ----

class ModelRun {
 public:
  ModelRun(uint64_t seed, Mode mode) : rnd_(seed), mode_(mode) {
    db_ = Db::Open(Options{}).value();
    keys_ = {"",        "a",    std::string("a\0", 2),
             "ab",      "abc",  "b",
             "b\xff",   "ba",   "k:1",
             "k:10",    "k:11", "k:2",
             "k:3",     "z",    "\xff",
             "\xff\xff"};
  }

  const std::string& log() const { return log_; }

  // Runs `steps` random steps; stops at the first failure.
  void Run(int steps) {
    for (int step = 0; step < steps && !::testing::Test::HasFailure(); ++step) Step();
    if (::testing::Test::HasFailure()) return;
    Finish();
  }

 private:
  void Log(const std::string& line) { log_ += line + "\n"; }

  const std::string& RandomKey() { return keys_[rnd_.Uniform(keys_.size())]; }

  std::string RandomValue() {
    return rnd_.Bernoulli(0.1) ? std::string() : "v" + std::to_string(++value_counter_);
  }

  ScanRange RandomRange() {
    ScanRange r;
    switch (rnd_.Uniform(4)) {
      case 0:
        r = ScanRange::All();
        break;
      case 1: {
        static const char* const kPrefixes[] = {"", "a", "ab", "b", "k:", "k:1", "\xff", "zz"};
        r = ScanRange::Prefix(kPrefixes[rnd_.Uniform(8)]);
        break;
      }
      case 2:
        r = ScanRange::From(RandomKey());
        break;
      default: {
        std::string a = RandomKey();
        std::string b = rnd_.Bernoulli(0.2) ? a + "\x01" : RandomKey();
        if (b < a) std::swap(a, b);
        r = ScanRange::Between(a, b);
      }
    }
    r.reverse = rnd_.Bernoulli(0.5);
    return r;
  }

  IsolationLevel RandomIsolation() {
    switch (mode_) {
      case Mode::kSnapshot:
        return IsolationLevel::kSnapshot;
      case Mode::kSerializable:
        return IsolationLevel::kSerializable;
      default:
        return rnd_.Bernoulli(0.5) ? IsolationLevel::kSnapshot : IsolationLevel::kSerializable;
    }
  }

  void Step() {
    const uint64_t r = rnd_.Uniform(100);
    if (txns_.empty() || (r < 12 && txns_.size() < 4)) return Begin();
    if (r < 16) return DbRead();
    if (r < 19) return DbWrite();
    if (r < 22) return DbScanOrIterator();
    if (r < 30 && !iters_.empty()) return AdvanceIterator();
    if (r < 31) {
      Log("CollectGarbage");
      db_.CollectGarbage();
      return CheckStats();
    }
    ModelTxn& t = *txns_[rnd_.Uniform(txns_.size())];
    const uint64_t op = rnd_.Uniform(100);
    if (op < 25) return TxnGet(t);
    if (op < 45) return TxnPut(t);
    if (op < 55) return TxnDelete(t);
    if (op < 72) return TxnScan(t);
    if (op < 78) return TxnIterator(t);
    if (op < 92) return TxnCommit(t);
    return TxnRollback(t);
  }

  void Begin() {
    auto t = std::make_unique<ModelTxn>();
    t->id = ++txn_counter_;
    t->iso = RandomIsolation();
    t->read_only = rnd_.Bernoulli(0.15);
    t->real = db_.Begin(TxnOptions{t->iso, t->read_only});
    t->snapshot = model_.latest();
    Log("T" + std::to_string(t->id) + " = Begin(" +
        (t->iso == IsolationLevel::kSerializable ? "serializable" : "snapshot") +
        (t->read_only ? ", read-only" : "") + ") at " + std::to_string(t->snapshot));
    EXPECT_TRUE(t->real.active());
    EXPECT_EQ(t->real.snapshot_timestamp(), t->snapshot) << "T" << t->id << " snapshot";
    txns_.push_back(std::move(t));
    CheckStats();
  }

  std::string Name(const ModelTxn& t) { return "T" + std::to_string(t.id); }

  void TxnGet(ModelTxn& t) {
    const std::string key = RandomKey();
    std::optional<std::string> want;
    if (auto it = t.writes.find(key); it != t.writes.end()) {
      want = it->second;
    } else {
      if (t.RecordsReads()) t.read_keys.push_back(key);
      want = model_.ReadAt(key, t.snapshot);
    }
    Log(Name(t) + ".Get(" + Show(key) + ") -> " + (want ? Show(*want) : "NotFound"));
    Result<std::string> got = t.real.Get(key);
    if (want) {
      ASSERT_TRUE(got.ok()) << Name(t) << ".Get(" << Show(key) << "): " << got.status();
      EXPECT_EQ(*got, *want) << Name(t) << ".Get(" << Show(key) << ")";
    } else {
      EXPECT_EQ(got.status().code(), Code::kNotFound)
          << Name(t) << ".Get(" << Show(key)
          << ") = " << (got.ok() ? Show(*got) : got.status().ToString());
    }
  }

  void TxnPut(ModelTxn& t) {
    const std::string key = RandomKey();
    const std::string value = RandomValue();
    Log(Name(t) + ".Put(" + Show(key) + ", " + Show(value) + ")");
    const Status s = t.real.Put(key, value);
    if (t.read_only) {
      EXPECT_EQ(s.code(), Code::kInvalidArgument) << s;
      return;
    }
    ASSERT_TRUE(s.ok()) << s;
    t.writes[key] = value;
    EXPECT_EQ(t.real.write_count(), t.writes.size());
  }

  void TxnDelete(ModelTxn& t) {
    const std::string key = RandomKey();
    Log(Name(t) + ".Delete(" + Show(key) + ")");
    const Status s = t.real.Delete(key);
    if (t.read_only) {
      EXPECT_EQ(s.code(), Code::kInvalidArgument) << s;
      return;
    }
    ASSERT_TRUE(s.ok()) << s;
    t.writes[key] = std::nullopt;
    EXPECT_EQ(t.real.write_count(), t.writes.size());
  }

  void TxnScan(ModelTxn& t) {
    const ScanRange range = RandomRange();
    const size_t limit = rnd_.Bernoulli(0.3) ? rnd_.Uniform(4) + 1 : SIZE_MAX;
    if (t.RecordsReads()) t.read_ranges.push_back(range);
    Rows want = model_.View(t.snapshot, t.writes, range);
    if (want.size() > limit) want.resize(limit);
    Log(Name(t) + ".Scan(" + Show(range) +
        (limit != SIZE_MAX ? ", limit " + std::to_string(limit) : "") + ") -> " + Show(want));
    Rows got;
    const Status s = t.real.Scan(range, [&](std::string_view k, std::string_view v) {
      got.emplace_back(k, v);
      return got.size() < limit;
    });
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_EQ(got, want) << Name(t) << ".Scan(" << Show(range) << "): got " << Show(got);
  }

  void TxnIterator(ModelTxn& t) {
    const ScanRange range = RandomRange();
    if (t.RecordsReads()) t.read_ranges.push_back(range);
    OpenIterator it;
    it.name = "I" + std::to_string(++iter_counter_);
    it.expected = model_.View(t.snapshot, t.writes, range);
    it.real = t.real.NewIterator(range);
    Log(it.name + " = " + Name(t) + ".NewIterator(" + Show(range) + ") -> " + Show(it.expected));
    iters_.push_back(std::move(it));
    CheckStats();
  }

  void DbRead() {
    const std::string key = RandomKey();
    std::optional<std::string> want = model_.ReadAt(key, model_.latest());
    Log("Db.Get(" + Show(key) + ") -> " + (want ? Show(*want) : "NotFound"));
    Result<std::string> got = db_.Get(key);
    if (want) {
      ASSERT_TRUE(got.ok()) << "Db.Get(" << Show(key) << "): " << got.status();
      EXPECT_EQ(*got, *want);
    } else {
      EXPECT_EQ(got.status().code(), Code::kNotFound);
    }
  }

  void DbWrite() {
    const std::string key = RandomKey();
    std::map<std::string, std::optional<std::string>> w;
    Status s;
    if (rnd_.Bernoulli(0.7)) {
      const std::string value = RandomValue();
      Log("Db.Put(" + Show(key) + ", " + Show(value) + ")");
      s = db_.Put(key, value);
      w[key] = value;
    } else {
      Log("Db.Delete(" + Show(key) + ")");
      s = db_.Delete(key);
      w[key] = std::nullopt;
    }
    ASSERT_TRUE(s.ok()) << s;
    model_.Apply(w);
    CheckStats();
  }

  void DbScanOrIterator() {
    const ScanRange range = RandomRange();
    const Rows want = model_.View(model_.latest(), {}, range);
    if (rnd_.Bernoulli(0.5)) {
      Log("Db.Scan(" + Show(range) + ") -> " + Show(want));
      Rows got;
      ASSERT_TRUE(db_.Scan(range,
                           [&](std::string_view k, std::string_view v) {
                             got.emplace_back(k, v);
                             return true;
                           })
                      .ok());
      EXPECT_EQ(got, want) << "Db.Scan(" << Show(range) << "): got " << Show(got);
    } else {
      OpenIterator it;
      it.name = "I" + std::to_string(++iter_counter_);
      it.expected = want;
      it.real = db_.NewIterator(range);
      Log(it.name + " = Db.NewIterator(" + Show(range) + ") -> " + Show(want));
      iters_.push_back(std::move(it));
      CheckStats();
    }
  }

  void AdvanceIterator() {
    const size_t i = rnd_.Uniform(iters_.size());
    OpenIterator& it = iters_[i];
    const size_t steps = rnd_.Bernoulli(0.3) ? SIZE_MAX : rnd_.Uniform(3) + 1;
    Log(it.name + " advance " + (steps == SIZE_MAX ? "to the end" : std::to_string(steps)));
    for (size_t n = 0; n < steps; ++n) {
      if (it.pos == it.expected.size()) {
        EXPECT_FALSE(it.real.Valid()) << it.name << " has extra key " << Show(it.real.key());
        EXPECT_TRUE(it.real.status().ok()) << it.real.status();
        Log(it.name + " done, destroyed");
        iters_.erase(iters_.begin() + static_cast<std::ptrdiff_t>(i));
        CheckStats();
        return;
      }
      ASSERT_TRUE(it.real.Valid()) << it.name << " ended early; expected "
                                   << Show(it.expected[it.pos].first) << " " << it.real.status();
      EXPECT_EQ(it.real.key(), it.expected[it.pos].first) << it.name << " at " << it.pos;
      EXPECT_EQ(it.real.value(), it.expected[it.pos].second) << it.name << " at " << it.pos;
      it.real.Next();
      ++it.pos;
    }
  }

  void TxnCommit(ModelTxn& t) {
    bool strict = false;
    bool lenient = false;
    if (!t.writes.empty()) {
      for (auto& [k, w] : t.writes) model_.ChangedAfter(k, t.snapshot, &strict, &lenient);
      if (t.RecordsReads()) {
        for (const std::string& k : t.read_keys)
          model_.ChangedAfter(k, t.snapshot, &strict, &lenient);
        for (const ScanRange& r : t.read_ranges) {
          model_.ChangedInRange(r, t.snapshot, &strict, &lenient);
        }
      }
    }
    const Status s = t.real.Commit();
    Log(Name(t) + ".Commit() -> " + s.ToString() +
        " (model: " + (strict == lenient ? (strict ? "conflict" : "ok") : "either") + ")");
    if (strict == lenient) {
      if (strict) {
        EXPECT_EQ(s.code(), Code::kConflict) << Name(t) << ".Commit(): " << s;
      } else {
        EXPECT_TRUE(s.ok()) << Name(t) << ".Commit(): " << s;
      }
    } else {
      EXPECT_TRUE(s.ok() || s.IsConflict()) << s;
    }
    EXPECT_FALSE(t.real.active());
    if (s.ok() && !t.writes.empty()) model_.Apply(t.writes);
    // Misuse after the end is reported, and changes nothing.
    EXPECT_EQ(t.real.Put("a", "late").code(), Code::kInvalidArgument);
    Remove(t);
  }

  void TxnRollback(ModelTxn& t) {
    if (rnd_.Bernoulli(0.5)) {
      Log(Name(t) + ".Rollback()");
      EXPECT_TRUE(t.real.Rollback().ok());
      EXPECT_FALSE(t.real.active());
    } else {
      Log(Name(t) + " destroyed");
    }
    Remove(t);
  }

  void Remove(ModelTxn& t) {
    for (size_t i = 0; i < txns_.size(); ++i) {
      if (txns_[i].get() == &t) {
        txns_.erase(txns_.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
    CheckStats();
  }

  void CheckStats() {
    const DbStats s = db_.GetStats();
    EXPECT_EQ(s.last_commit_timestamp, model_.latest());
    EXPECT_EQ(s.live_keys, model_.LiveKeys());
    EXPECT_EQ(s.active_snapshots, txns_.size() + iters_.size());
  }

  // Ends everything and checks that the final state and the garbage counters agree.
  void Finish() {
    while (!iters_.empty()) {
      iters_.back().real = Iterator();
      iters_.pop_back();
    }
    txns_.clear();
    db_.CollectGarbage();
    const DbStats s = db_.GetStats();
    EXPECT_EQ(s.active_snapshots, 0u);
    EXPECT_EQ(s.pending_garbage, 0u);
    EXPECT_EQ(s.versions, model_.LiveKeys()) << "versions left behind after every snapshot ended";
    const Rows want = model_.View(model_.latest(), {}, ScanRange::All());
    Rows got;
    ASSERT_TRUE(db_.Scan(ScanRange::All(),
                         [&](std::string_view k, std::string_view v) {
                           got.emplace_back(k, v);
                           return true;
                         })
                    .ok());
    EXPECT_EQ(got, want);
  }

  Random rnd_;
  Mode mode_;
  Db db_ = Db::Open(Options{}).value();
  Model model_;
  std::vector<std::string> keys_;
  std::vector<std::unique_ptr<ModelTxn>> txns_;
  std::vector<OpenIterator> iters_;
  int txn_counter_ = 0;
  int iter_counter_ = 0;
  int value_counter_ = 0;
  std::string log_;
};

class ModelTest : public ::testing::TestWithParam<Mode> {};

TEST_P(ModelTest, RandomInterleavingsMatchTheReferenceModel) {
  const uint64_t base = TestSeed();
  constexpr int kSequences = 1000;
  constexpr int kSteps = 150;
  for (int i = 0; i < kSequences; ++i) {
    const uint64_t seed = base + static_cast<uint64_t>(i);
    ModelRun run(seed, GetParam());
    run.Run(kSteps);
    if (HasFailure()) {
      ADD_FAILURE() << "sequence " << i << " failed: seed=" << seed
                    << " (replay with MEMDB_SEED=" << seed << ")\noperations:\n"
                    << run.log();
      return;
    }
  }
}

std::string ModeName(const ::testing::TestParamInfo<Mode>& mode) {
  switch (mode.param) {
    case Mode::kSnapshot:
      return "Snapshot";
    case Mode::kSerializable:
      return "Serializable";
    default:
      return "Mixed";
  }
}

INSTANTIATE_TEST_SUITE_P(Levels, ModelTest,
                         ::testing::Values(Mode::kSnapshot, Mode::kSerializable, Mode::kMixed),
                         ModeName);

}  // namespace
}  // namespace memdb
