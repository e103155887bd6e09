// The end-of-run list of pending goldens: every golden check of the testing layer that leaves a
// NAME.golden.new file notes it here, and when the process exits the list is printed on stderr
// with how to review, accept or reject -- so a run with many mismatches ends with one place
// that says what to look at (insta's "pending snapshots" summary), even when GoogleTest's own
// output scrolled the individual failures away.
#ifndef MEMDB_SRC_TESTING_PENDING_GOLDENS_H_
#define MEMDB_SRC_TESTING_PENDING_GOLDENS_H_

#include <string>

namespace memdb::testing::internal {

// Records `pending_path`, written by a failed golden check of this process; the first call
// arranges for the summary to be printed at exit. Thread-safe; a path noted twice is listed once.
void NotePendingGolden(const std::string& pending_path);

}  // namespace memdb::testing::internal

#endif  // MEMDB_SRC_TESTING_PENDING_GOLDENS_H_
