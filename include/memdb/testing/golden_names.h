// Golden files named after the running test, so a test needs no path of its own:
//
//   EXPECT_THAT(db(), MatchesGolden(NextGoldenPath()));
//   // -> <dir of this test's source file>/golden/TransferTest.MovesMoney.golden
//
// Names: CurrentTestName() (test_names.h) -- the '/' of typed and value-parameterized tests is
// sanitized, so "All/LedgerTest.Crash/Serializable_Always" becomes
// "All_LedgerTest.Crash_Serializable_Always.golden". The first golden a test takes has no
// number; the second is "<name>_2.golden", the third "_3", and so on. The count belongs to one
// run of one test: it restarts whenever a test starts, so under --gtest_repeat (or a retry) a
// test compares with the same goldens on every iteration, never "<name>_2" for the second run.
//
// Thread safety: may be called from any thread of a running test.
#ifndef MEMDB_TESTING_GOLDEN_NAMES_H_
#define MEMDB_TESTING_GOLDEN_NAMES_H_

#include <string>
#include <string_view>

namespace memdb::testing {

// "golden" in the directory of the source file that defines the running test (the file
// GoogleTest records for it: absolute when the compiler was given an absolute path, as CMake
// does). "" outside a test.
std::string GoldenDirectoryForCurrentTest();

// The path of the running test's next golden in `directory` (GoldenDirectoryForCurrentTest()
// when empty): "<directory>/<Suite>.<Name>.golden", then "<Suite>.<Name>_2.golden", ...
// Outside a test: "" (there is no name to derive).
std::string NextGoldenPath(std::string_view directory = {});

}  // namespace memdb::testing

#endif  // MEMDB_TESTING_GOLDEN_NAMES_H_
