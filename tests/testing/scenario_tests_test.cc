// Scenario scripts registered as GoogleTest cases: the fixture library runs here as
// Scenarios.<name> and ScenarioExplore.<name>; a wrong expectation is reported at the script's
// file:line with the diff, and a typo with the parser's caret message.
#include "memdb/testing/scenario_tests.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "support/temp_dir.h"

namespace memdb::testing {
namespace {

ScenarioTestOptions LibraryOptions() {
  ScenarioTestOptions options;
  options.explore = true;
#ifdef MEMDB_SANITIZED
  // Every model runs in the optimized build; under sanitizers two representative ones.
  options.explore_models = {CrashModel::Kind::kDropUnsynced, CrashModel::Kind::kTornLastWrite};
#endif
  return options;
}

const int kRegistered =
    RegisterScenarioTests(std::string(MEMDB_FIXTURES_DIR) + "/scenarios", LibraryOptions());

TEST(ScenarioRegistrationTest, EveryScriptOfTheLibraryIsRegistered) {
  EXPECT_GE(kRegistered, 12);
  const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
  bool found_run = false;
  bool found_explore = false;
  for (int i = 0; i < unit.total_test_suite_count(); ++i) {
    const std::string suite = unit.GetTestSuite(i)->name();
    found_run |= suite == "Scenarios" && unit.GetTestSuite(i)->total_test_count() == kRegistered;
    found_explore |=
        suite == "ScenariosExplore" && unit.GetTestSuite(i)->total_test_count() == kRegistered;
  }
  EXPECT_TRUE(found_run);
  EXPECT_TRUE(found_explore);
}

// Writes `text` as the script `name` in `dir`; returns its path.
std::string WriteScript(const test::TempDir& dir, const std::string& name,
                        const std::string& text) {
  const std::string path = dir.Join(name);
  std::ofstream(path) << text;
  return path;
}

TEST(ScenarioRegistrationTest, WrongExpectationIsReportedAtTheScriptsLineWithTheDiff) {
  const test::TempDir dir;
  const std::string path =
      WriteScript(dir, "wrong.scn", "put a 1\nput c 3\nexpect scan \"\" = a b\n");
  EXPECT_NONFATAL_FAILURE(RunScenarioTest(path),
                          "expect scan \"\" = a b\nexpected [a b], found [a c]; missing b; "
                          "unexpected c");
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    RunScenarioTest(path);
  }
  ASSERT_EQ(results.size(), 1);
  EXPECT_EQ(std::string(results.GetTestPartResult(0).file_name()), path);
  EXPECT_EQ(results.GetTestPartResult(0).line_number(), 3);
}

TEST(ScenarioRegistrationTest, TypoIsReportedWithTheCaret) {
  const test::TempDir dir;
  const std::string path = WriteScript(dir, "typo.scn", "put a 1\ncheckpiont\n");
  EXPECT_NONFATAL_FAILURE(RunScenarioTest(path),
                          "typo.scn:2:1: unknown command 'checkpiont' (did you mean "
                          "'checkpoint'?)\n  checkpiont\n  ^");
}

TEST(ScenarioRegistrationTest, ExploreReportsAViolatedInvariant) {
  const test::TempDir dir;
  const std::string path =
      WriteScript(dir, "split.scn",
                  "option sync always\nput acct:a 100\nput acct:b 0\ninvariant sum acct: = 100\n"
                  "put acct:a 70\nput acct:b 30\n");
  EXPECT_NONFATAL_FAILURE(ExploreScenarioTest(path), "sum of acct: is 70, expected 100");
}

}  // namespace
}  // namespace memdb::testing
