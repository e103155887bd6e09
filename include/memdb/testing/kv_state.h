// KvState: the committed contents of a store as a plain map, and the key-level diff between two
// of them -- what the database matchers print when a state is not what a test expected. The
// diff itself is the snapshot layer's (memdb/snapshot/diff.h, DiffSnapshots); this file adds the
// subset comparison and the matchers' wording ("expected ...").
//
//   memdb::testing::KvState before = memdb::testing::ReadState(db).value();
//   ... the code under test ...
//   std::cout << memdb::testing::DescribeDiff(DiffStates(ReadState(db).value(), before));
#ifndef MEMDB_TESTING_KV_STATE_H_
#define MEMDB_TESTING_KV_STATE_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "memdb/db/kv_store.h"
#include "memdb/snapshot/diff.h"
#include "memdb/snapshot/snapshot.h"
#include "memdb/util/result.h"

namespace memdb::testing {

// Keys and values, ordered bytewise like the store: the same type as Snapshot::entries, so a
// KvState is a snapshot's entries and moves into one without a copy.
using KvState = std::map<std::string, std::string, std::less<>>;

// Every key and value of `store`, read in one read-only transaction (KvStore::View), so the
// state is one committed snapshot even while other threads commit. Errors: the store's.
// On a mock or a spy this is a View call like any other.
Result<KvState> ReadState(KvStore& store);

// The committed state of `store` as a Snapshot: a Db's ExportSnapshot (with its metadata), any
// other store's ReadState (metadata: the key count only). Errors: the store's.
Result<Snapshot> SnapshotOf(KvStore& store);
// `state` as a Snapshot (metadata: the key count only).
Snapshot SnapshotOf(KvState state);

// One key whose presence or value differs.
struct KeyDiff {
  enum class Kind {
    kMissing,     // expected, absent
    kUnexpected,  // present, not expected
    kChanged,     // present in both with different values
  };
  Kind kind = Kind::kMissing;
  std::string key;
  std::string actual;    // kUnexpected, kChanged
  std::string expected;  // kMissing, kChanged
  friend bool operator==(const KeyDiff&, const KeyDiff&) = default;
};

// The keys where `actual` differs from `expected`, in key order. With `extra_keys_allowed`, keys
// of `actual` that `expected` does not mention are not differences (a subset comparison).
std::vector<KeyDiff> DiffStates(const KvState& actual, const KvState& expected,
                                bool extra_keys_allowed = false);
// The same for snapshots (entries only; metadata is ignored).
std::vector<KeyDiff> DiffStates(const Snapshot& actual, const Snapshot& expected,
                                bool extra_keys_allowed = false);

// One line per difference, at most `max_lines` (then "... and N more"), keys and values quoted
// and escaped (long values cut), e.g.
//   - "acct/alice": missing, expected "100"
//   + "acct/eve": unexpected "5"
//   ~ "acct/bob": "90", expected "100"
std::string DescribeDiff(const std::vector<KeyDiff>& diff, size_t max_lines = 20);

// At most `max_entries` entries as {"k"="v", ...} with escaped bytes; the rest are counted.
std::string DescribeState(const KvState& state, size_t max_entries = 16);

}  // namespace memdb::testing

#endif  // MEMDB_TESTING_KV_STATE_H_
