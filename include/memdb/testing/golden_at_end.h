// The comparison with a golden file that DbTest and DurableDbTest run in TearDown when a test
// asks for it (ExpectGoldenAtEnd) or the suite does (CompareWithGoldenAtEnd):
//
//   class TransferTest : public memdb::testing::DbTest {};
//   TEST_F(TransferTest, MovesMoney) {
//     ExpectGoldenAtEnd();   // golden/TransferTest.MovesMoney.golden beside this file
//     ... the test ...
//   }
//
// GoldenAtEnd is the check; GoldenFixture the fixture API both fixtures inherit (a fixture of a
// user's own can derive from it too).
//
// The check is skipped when the test has already failed or was skipped: a state the test did
// not finish building is not worth a golden, and in update mode it would overwrite a good one.
// A mismatch is a non-fatal failure reported at the line that asked for the check.
#ifndef MEMDB_TESTING_GOLDEN_AT_END_H_
#define MEMDB_TESTING_GOLDEN_AT_END_H_

#include <gtest/gtest.h>

#include <optional>
#include <source_location>
#include <string>
#include <utility>

#include "memdb/db/db.h"
#include "memdb/testing/golden_matchers.h"

namespace memdb::testing {

class GoldenAtEnd {
 public:
  // Asks for the check; a second request replaces the first. `path` empty: NextGoldenPath()
  // (golden_names.h), taken now, so the check at the end of a test is named after the test and
  // numbered in the order goldens were asked for.
  void Request(std::string path, GoldenOptions options, const char* file, int line);
  // The same, reported at `where`.
  void Request(std::string path, GoldenOptions options, std::source_location where) {
    Request(std::move(path), std::move(options), where.file_name(), static_cast<int>(where.line()));
  }

  // Request("", {}) reported at the running test's own TEST_F/TEST_P line: the suite option.
  void RequestForCurrentTest();

  bool requested() const { return request_.has_value(); }
  // The golden the check will use; "" when none was requested.
  const std::string& path() const;

  // Runs the requested check on `db` (null: a failure saying there is no database), once, unless
  // the running test has failed or was skipped. Does nothing when no check was requested.
  void Check(Db* db);

 private:
  struct Pending {
    std::string path;
    GoldenOptions options;
    std::string file;
    int line = 0;
  };
  std::optional<Pending> request_;
};

// The base of DbTest and DurableDbTest: the golden check at the end of a test, as a fixture
// API. A fixture deriving from it calls RequestGoldenIfTheSuiteAsks() in SetUp once its
// database is open, and CheckGoldenAtEnd(database) in TearDown before it closes.
class GoldenFixture : public ::testing::Test {
 protected:
  // Compares db() with a golden when the test ends, in TearDown
  // before the database closes -- through MatchesGolden's check, so the mode (compare, update,
  // CI) and pending files are the same. Without a path the golden is NextGoldenPath(): golden/
  // beside the test's source file, named after the (sanitized) test, e.g.
  // golden/All_LedgerTest.Crash_Serializable_Always_drop_unsynced.golden. A mismatch is a
  // non-fatal failure at the line that asked; a test that has already failed is not compared.
  void ExpectGoldenAtEnd(GoldenOptions options = {},
                         std::source_location where = std::source_location::current()) {
    golden_.Request("", std::move(options), where);
  }
  void ExpectGoldenAtEnd(std::string path, GoldenOptions options = {},
                         std::source_location where = std::source_location::current()) {
    golden_.Request(std::move(path), std::move(options), where);
  }
  // The suite option: true makes every test of the suite compare with its golden at the end, as
  // if it called ExpectGoldenAtEnd() first. False by default.
  virtual bool CompareWithGoldenAtEnd() const { return false; }
  // The check requested, if any (its path(), for a test's own use).
  const GoldenAtEnd& golden_at_end() const { return golden_; }

  void RequestGoldenIfTheSuiteAsks() {
    if (CompareWithGoldenAtEnd()) golden_.RequestForCurrentTest();
  }
  void CheckGoldenAtEnd(Db* db) { golden_.Check(db); }

 private:
  GoldenAtEnd golden_;
};

}  // namespace memdb::testing

#endif  // MEMDB_TESTING_GOLDEN_AT_END_H_
