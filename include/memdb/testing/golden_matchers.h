// MatchesGolden: the state of a database (a Db, any KvStore, a memdb::Snapshot or a KvState)
// compared with a golden file, through the snapshot layer's CheckGolden (memdb/snapshot/
// golden.h; format and workflow in docs/golden-files.md).
//
//   EXPECT_THAT(db(), MatchesGolden("tests/golden/transfer.golden"));
//   EXPECT_THAT(db(), MatchesGolden(NextGoldenPath()));            // named after the test
//   EXPECT_THAT(db(), MatchesGolden(path, {.redactions = r}));      // volatile values replaced
//
// A mismatch is explained by CheckGolden's message: the semantic key-level diff (added, removed,
// changed keys, escaped and bounded), where the pending NAME.golden.new was written, and how to
// review and accept it. The mode is GoldenOptions::settings, or GoldenSettings::FromEnvironment()
// read when the matcher runs: compare (default; a mismatch writes the pending file), update
// (MEMDB_UPDATE_GOLDEN=1: the golden is rewritten and the match passes, with a line on stderr
// saying so), CI (CI=1: nothing is written). An I/O error of the check is a mismatch naming it.
//
// Side effects: matching reads and may write files, so Not(MatchesGolden(...)) is not a useful
// assertion (in update mode it always fails). GoogleTest runs a failing matcher twice (once to
// decide, once to explain); the second run rewrites the same pending file.
// The matcher is duck-typed (is_gtest_matcher), GoogleTest 1.12 and later.
#ifndef MEMDB_TESTING_GOLDEN_MATCHERS_H_
#define MEMDB_TESTING_GOLDEN_MATCHERS_H_

#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "memdb/snapshot/diff.h"
#include "memdb/snapshot/golden.h"
#include "memdb/snapshot/snapshot.h"
#include "memdb/testing/db_matchers.h"
#include "memdb/util/result.h"

namespace memdb::testing {

struct GoldenOptions {
  // The mode and directories; empty: GoldenSettings::FromEnvironment() at each comparison.
  std::optional<GoldenSettings> settings;
  // Applied to both sides before comparing, and to what is written.
  Redactions redactions;
};

// Compares `actual` with the golden at `path` per `options`; true when the check passed (a
// match, or a golden written in update mode). `os` (may be null) receives why not, or what was
// written. The engine of MatchesGolden and of the fixtures' golden check at the end of a test.
bool CheckGoldenAndExplain(const Result<Snapshot>& actual, const std::string& path,
                           const GoldenOptions& options, std::ostream* os);

class GoldenMatcher {
 public:
  using is_gtest_matcher = void;

  GoldenMatcher(std::string path, GoldenOptions options)
      : path_(std::move(path)), options_(std::move(options)) {}

  template <typename T>
  bool MatchAndExplain(const T& value, std::ostream* os) const {
    return CheckGoldenAndExplain(matchers_internal::StateOf(value), path_, options_, os);
  }
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  std::string path_;
  GoldenOptions options_;
};

// Matches a state equal (entries only) to the golden file at `path`.
inline GoldenMatcher MatchesGolden(std::string path, GoldenOptions options = {}) {
  return GoldenMatcher(std::move(path), std::move(options));
}

}  // namespace memdb::testing

#endif  // MEMDB_TESTING_GOLDEN_MATCHERS_H_
