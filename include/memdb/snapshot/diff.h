// Semantic diffs of snapshots, and redactions applied before comparing.
//
//   memdb::Redactions redactions;
//   redactions.IgnoreKeys("session:*").IgnoreError();
//   redactions.ReplaceValues(memdb::Redactions::kUuidPattern, "[uuid]").IgnoreError();
//   memdb::SnapshotDiff diff = memdb::DiffSnapshots(redactions.Apply(golden),
//                                                   redactions.Apply(actual));
//   if (!diff.empty()) std::cout << diff.Describe();
//
// A diff is per key -- added, removed, changed -- never a text diff: what a reader of a failing
// test needs is which keys differ and how, with values shown escaped (valid UTF-8, binary as
// hex) and abbreviated. Only entries are compared; metadata (timestamps, versions) is not.
//
// Thread safety: a Redactions may be shared between threads once built (Apply is const).
#ifndef MEMDB_SNAPSHOT_DIFF_H_
#define MEMDB_SNAPSHOT_DIFF_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/snapshot/snapshot.h"
#include "memdb/util/status.h"

namespace memdb {

struct KeyDifference {
  enum class Kind { kAdded, kRemoved, kChanged };
  // The one spelling of a kind, in reports and the CLI: "added", "removed", "changed".
  static std::string_view KindName(Kind kind);
  Kind kind;
  std::string key;
  std::string expected;  // empty for kAdded
  std::string actual;    // empty for kRemoved
};

struct SnapshotDiff {
  // In key order.
  std::vector<KeyDifference> differences;
  size_t added = 0;    // keys in actual only
  size_t removed = 0;  // keys in expected only
  size_t changed = 0;  // keys in both with different values

  bool empty() const { return differences.empty(); }
  // A human-readable report, one line per difference (at most `max_differences`, then a
  // count of the rest), e.g.
  //   3 keys differ (1 added, 1 removed, 1 changed):
  //     + "user:3" = "{\"name\":\"Carol\"}"
  //     - "user:2" = "{\"name\":\"Bob\"}"
  //     ~ "user:1": "{\"balance\":100}" -> "{\"balance\":90}" (first difference at byte 11)
  // Values longer than `max_value_chars` are cut with their full length shown. "no differences"
  // when empty.
  std::string Describe(size_t max_differences = 20, size_t max_value_chars = 80) const;
};

// What changed from `expected` (e.g. the golden file) to `actual` (e.g. the database).
SnapshotDiff DiffSnapshots(const Snapshot& expected, const Snapshot& actual);

// Rules applied to a snapshot before it is compared or written as a golden: volatile data
// (session keys, timestamps, UUIDs) is dropped or replaced by a stable placeholder.
//
// Patterns are globs over bytes (docs/golden-files.md, "Redactions"): `*` any run of bytes, `?`
// any one byte, `[...]` a class (`[a-z_]`, negated by `[!...]` or `[^...]`), `\` makes the
// next byte literal. A key pattern matches the whole key ("session:*", not "session:"); a value
// pattern is searched in the value: each leftmost match, the shortest there (a star takes as
// little as it can), is replaced, matches never overlapping. Matching is iterative and
// O(text length x pattern length), so any legal key or value is safe to match. (They were
// ECMAScript regular expressions until std::regex was found to crash on long keys.)
class Redactions {
 public:
  // Matches a UUID (8-4-4-4-12 hex digits).
  static constexpr std::string_view kUuidPattern =
      "[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]-"
      "[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]-"
      "[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]-"
      "[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]-"
      "[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]"
      "[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]";
  // Matches the date and time of an ISO 8601 / RFC 3339 timestamp to the second, such as
  // 2024-05-01T12:34:56 (a T or a blank between them). A glob cannot make a part optional, so
  // fractional seconds and a zone that follow stay in place: for the forms your data uses, add
  // rules before this one, e.g. std::string(kIsoTimestampPattern) + ".[0-9][0-9][0-9]Z".
  static constexpr std::string_view kIsoTimestampPattern =
      "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]";

  Redactions();
  ~Redactions();
  Redactions(const Redactions&);
  Redactions& operator=(const Redactions&);

  // Drops every entry whose whole key matches the glob `key_pattern`. InvalidArgument for a
  // bad pattern (nothing is added then).
  Status IgnoreKeys(std::string_view key_pattern);
  // In the value of every key whose whole key matches `key_pattern` (every key when empty),
  // replaces each match of the glob `value_pattern` found in the value by `placeholder`
  // (literal text). InvalidArgument for a bad pattern or a value pattern that matches the
  // empty string (it would insert the placeholder everywhere).
  Status ReplaceValues(std::string_view value_pattern, std::string_view placeholder,
                       std::string_view key_pattern = {});

  bool empty() const { return rules_.empty(); }
  // `snapshot` with the rules applied in the order they were added. Metadata is kept, except
  // key_count, which follows the entries.
  Snapshot Apply(const Snapshot& snapshot) const;

 private:
  struct Rule;
  std::vector<std::shared_ptr<const Rule>> rules_;
};

}  // namespace memdb

#endif  // MEMDB_SNAPSHOT_DIFF_H_
