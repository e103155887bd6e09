// GoogleMock matchers for the contents of a database (anything implementing KvStore: Db, a
// test double, the downstream code's own implementation), of a memdb::Snapshot or of a KvState.
//
//   EXPECT_THAT(db(), HasKey("user:1"));
//   EXPECT_THAT(db(), HasEntry("user:1", HasSubstr("Alice")));
//   EXPECT_THAT(db(), DbContains({{"acct/a", "50"}, {"acct/b", "150"}}));  // other keys allowed
//   EXPECT_THAT(db(), MatchesSnapshot(before));  // exactly this state: a Snapshot, KvState or
//   store EXPECT_THAT(db(), DbIsEmpty());
//
// A mismatch is explained key by key: the snapshot layer's DiffSnapshots, worded by kv_state.h's
// DescribeDiff (which keys are missing, unexpected or changed, escaped, bounded to 20 lines).
// Only entries are compared: a Snapshot's metadata (timestamp, version, options) is ignored.
// Golden files: golden_matchers.h.
//
// Reads: matching a store reads it through KvStore::Get (HasKey, HasEntry) or one View + Scan
// (the others), so the state matched is one committed snapshot. Matchers receive a const
// reference; reading is logically const, and the store is read through a const_cast. On a mock
// or a spy those reads are calls like any other: match the real Db behind it instead.
// The matchers are duck-typed (is_gtest_matcher), GoogleTest 1.12 and later.
#ifndef MEMDB_TESTING_DB_MATCHERS_H_
#define MEMDB_TESTING_DB_MATCHERS_H_

#include <gmock/gmock.h>

#include <initializer_list>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include "memdb/db/kv_store.h"
#include "memdb/snapshot/snapshot.h"
#include "memdb/testing/kv_state.h"
#include "memdb/util/result.h"

namespace memdb::testing {

namespace matchers_internal {

// The state a matcher looks at: a store's committed state, or a Snapshot or KvState as it is.
template <typename T>
Result<Snapshot> StateOf(const T& value) {
  if constexpr (std::is_base_of_v<KvStore, T>) {
    return SnapshotOf(const_cast<T&>(value));
  } else if constexpr (std::is_same_v<T, Snapshot>) {
    return value;
  } else {
    static_assert(std::is_same_v<T, KvState>,
                  "database matchers match a KvStore, a memdb::Snapshot or a KvState");
    return SnapshotOf(value);
  }
}

// The value of `key` in a store, a Snapshot or a KvState; NotFound when absent.
template <typename T>
Result<std::string> ValueOf(const T& value, const std::string& key) {
  if constexpr (std::is_base_of_v<KvStore, T>) {
    return const_cast<T&>(value).Get(key);
  } else {
    static_assert(std::is_same_v<T, KvState> || std::is_same_v<T, Snapshot>,
                  "database matchers match a KvStore, a memdb::Snapshot or a KvState");
    const KvState* entries;
    if constexpr (std::is_same_v<T, Snapshot>) {
      entries = &value.entries;
    } else {
      entries = &value;
    }
    auto it = entries->find(key);
    if (it == entries->end()) return Status::NotFound("no such key");
    return it->second;
  }
}

bool ExplainEntry(const Result<std::string>& value, const std::string& key,
                  const ::testing::Matcher<const std::string&>* value_matcher, std::ostream* os);
bool ExplainState(const Result<Snapshot>& actual, const Result<Snapshot>& expected,
                  bool extra_keys_allowed, std::ostream* os);

}  // namespace matchers_internal

// Matches a store whose key `key` is present with a value matching `value` (any value when
// there is no value matcher).
class HasEntryMatcher {
 public:
  using is_gtest_matcher = void;

  HasEntryMatcher(std::string key, ::testing::Matcher<const std::string&> value, bool any_value)
      : key_(std::move(key)), value_(std::move(value)), any_value_(any_value) {}

  template <typename T>
  bool MatchAndExplain(const T& store, std::ostream* os) const {
    return matchers_internal::ExplainEntry(matchers_internal::ValueOf(store, key_), key_,
                                           any_value_ ? nullptr : &value_, os);
  }
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  std::string key_;
  ::testing::Matcher<const std::string&> value_;
  bool any_value_;
};

inline HasEntryMatcher HasKey(std::string key) {
  return HasEntryMatcher(std::move(key), ::testing::A<const std::string&>(), true);
}
// `value` is a string (equality) or a matcher of std::string.
template <typename ValueMatcher>
HasEntryMatcher HasEntry(std::string key, ValueMatcher&& value) {
  return HasEntryMatcher(
      std::move(key), ::testing::MatcherCast<const std::string&>(std::forward<ValueMatcher>(value)),
      false);
}

// Matches a store whose state equals `expected` (or, with extra keys allowed, contains each of
// its entries).
class StateMatcher {
 public:
  using is_gtest_matcher = void;

  // `expected` is an error when the state to compare with could not be read.
  StateMatcher(Result<Snapshot> expected, bool extra_keys_allowed)
      : expected_(std::move(expected)), extra_keys_allowed_(extra_keys_allowed) {}

  template <typename T>
  bool MatchAndExplain(const T& store, std::ostream* os) const {
    return matchers_internal::ExplainState(matchers_internal::StateOf(store), expected_,
                                           extra_keys_allowed_, os);
  }
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  Result<Snapshot> expected_;
  bool extra_keys_allowed_;
};

// Every listed entry is present with exactly that value; other keys may exist.
inline StateMatcher DbContains(KvState entries) {
  return StateMatcher(SnapshotOf(std::move(entries)), true);
}
inline StateMatcher DbContains(std::initializer_list<std::pair<const std::string, std::string>> e) {
  return StateMatcher(SnapshotOf(KvState(e)), true);
}
// No key at all.
inline StateMatcher DbIsEmpty() { return StateMatcher(Snapshot(), false); }
// Exactly the state `expected`: the same keys with the same values.
inline StateMatcher MatchesSnapshot(KvState expected) {
  return StateMatcher(SnapshotOf(std::move(expected)), false);
}
// Exactly the entries of `expected` (e.g. Db::ExportSnapshot() taken earlier, or a parsed
// snapshot file); its metadata is not compared.
inline StateMatcher MatchesSnapshot(Snapshot expected) {
  return StateMatcher(std::move(expected), false);
}
// Exactly the state `other` has now (read when the matcher is made). A store that cannot be read
// yields a matcher that fails, saying why.
StateMatcher MatchesSnapshot(KvStore& other);

}  // namespace memdb::testing

#endif  // MEMDB_TESTING_DB_MATCHERS_H_
