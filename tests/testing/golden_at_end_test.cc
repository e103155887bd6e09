// Goldens named after the test (sanitized for typed and parameterized tests, numbered per run,
// the count restarted under --gtest_repeat) and the fixtures' comparison at the end of a test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "golden_support.h"
#include "memdb/testing/db_matchers.h"
#include "memdb/testing/db_test.h"
#include "memdb/testing/durable_db_test.h"
#include "memdb/testing/golden_at_end.h"
#include "memdb/testing/golden_matchers.h"
#include "memdb/testing/golden_names.h"
#include "memdb/testing/status_matchers.h"
#include "spi_support.h"

namespace memdb::test {
namespace {

using ::memdb::testing::DurableConfig;
using ::memdb::testing::GoldenOptions;
using ::memdb::testing::IsOk;
using ::memdb::testing::KvState;
using ::memdb::testing::MatchesGolden;
using ::memdb::testing::NextGoldenPath;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

// The golden directory NextGoldenPath() uses for tests of this file.
std::string ThisFilesGoldenDir() { return fs::path(__FILE__).parent_path().string() + "/golden"; }

// ---- Names ----

TEST(GoldenNamesTest, NamedAfterTheTestBesideItsSourceAndNumberedInOrder) {
  const std::string base = ThisFilesGoldenDir() + "/GoldenNamesTest." +
                           "NamedAfterTheTestBesideItsSourceAndNumberedInOrder";
  EXPECT_EQ(::memdb::testing::GoldenDirectoryForCurrentTest(), ThisFilesGoldenDir());
  EXPECT_EQ(NextGoldenPath(), base + ".golden");
  EXPECT_EQ(NextGoldenPath(), base + "_2.golden");
  EXPECT_EQ(NextGoldenPath("/tmp/g/"),
            "/tmp/g/GoldenNamesTest.NamedAfterTheTestBesideItsSourceAndNumberedInOrder_3.golden");
}

// Another test starts from one again (the count is per test, not per process).
TEST(GoldenNamesTest, EachTestStartsItsOwnCount) {
  EXPECT_EQ(NextGoldenPath("d"), "d/GoldenNamesTest.EachTestStartsItsOwnCount.golden");
}

class GoldenNamesParamTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenNamesParamTest, Sanitized) {
  EXPECT_EQ(NextGoldenPath("d"), "d/All_GoldenNamesParamTest.Sanitized_" + GetParam() + ".golden");
}

INSTANTIATE_TEST_SUITE_P(All, GoldenNamesParamTest, ::testing::Values("first", "second"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           return param_info.param;
                         });

template <typename T>
class GoldenNamesTypedTest : public ::testing::Test {};
using GoldenNameTypes = ::testing::Types<int, char>;
TYPED_TEST_SUITE(GoldenNamesTypedTest, GoldenNameTypes);

TYPED_TEST(GoldenNamesTypedTest, Sanitized) {
  const std::string index = std::is_same_v<TypeParam, int> ? "0" : "1";
  EXPECT_EQ(NextGoldenPath("d"), "d/GoldenNamesTypedTest_" + index + ".Sanitized.golden");
}

// ---- The check at the end of a test, driven by hand ----

// A DbTest whose SetUp and TearDown a test calls itself, to capture what TearDown reports.
class HandDrivenDbTest : public ::memdb::testing::DbTest {
 public:
  void TestBody() override {}
  void RunSetUp() { SetUp(); }
  void RunTearDown() { TearDown(); }
  using DbTest::db;
  using DbTest::ExpectGoldenAtEnd;
  using DbTest::golden_at_end;
};

class GoldenAtEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    golden_ = (dir_.path() / "end.golden").string();
    fixture_.RunSetUp();
    ASSERT_THAT(fixture_.db().Put("acct/a", "100"), IsOk());
  }
  void WriteGolden(const KvState& entries) {
    std::ofstream(golden_)
        << SaveSnapshot(testing::SnapshotOf(entries), SnapshotFormat::kGolden).value();
  }

  TempDir dir_;
  std::string golden_;
  HandDrivenDbTest fixture_;
};

TEST_F(GoldenAtEndTest, MismatchIsAFailureAtTheLineThatAskedWithTheDiff) {
  WriteGolden({{"acct/a", "90"}});
  const int line = __LINE__ + 1;
  fixture_.ExpectGoldenAtEnd(golden_, Mode(GoldenMode::kCompare));
  const std::vector<Raised> raised = CaptureResults([&] { fixture_.RunTearDown(); });
  ASSERT_EQ(Failures(raised).size(), 1u);
  EXPECT_EQ(raised[0].type, ::testing::TestPartResult::kNonFatalFailure);
  EXPECT_EQ(raised[0].file, __FILE__);
  EXPECT_EQ(raised[0].line, line);
  EXPECT_THAT(raised[0].message, HasSubstr("golden comparison at the end of the test"));
  EXPECT_THAT(raised[0].message, HasSubstr("~ \"acct/a\": \"90\" -> \"100\""));
  EXPECT_THAT(raised[0].message, HasSubstr("MEMDB_UPDATE_GOLDEN=1"));
  EXPECT_TRUE(fs::exists(golden_ + ".new"));
}

TEST_F(GoldenAtEndTest, MatchPassesAndComparesOnce) {
  WriteGolden({{"acct/a", "100"}});
  fixture_.ExpectGoldenAtEnd(golden_, Mode(GoldenMode::kCompare));
  EXPECT_EQ(fixture_.golden_at_end().path(), golden_);
  EXPECT_TRUE(Failures(CaptureResults([&] { fixture_.RunTearDown(); })).empty());
  EXPECT_FALSE(fixture_.golden_at_end().requested());
}

TEST_F(GoldenAtEndTest, WithoutAPathTheGoldenIsNamedAfterTheTest) {
  fixture_.ExpectGoldenAtEnd(Mode(GoldenMode::kCi));  // CI: a missing golden is not written
  const std::string expected =
      ThisFilesGoldenDir() + "/GoldenAtEndTest.WithoutAPathTheGoldenIsNamedAfterTheTest.golden";
  EXPECT_EQ(fixture_.golden_at_end().path(), expected);
  const std::vector<std::string> failures =
      Failures(CaptureResults([&] { fixture_.RunTearDown(); }));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_THAT(failures[0], HasSubstr("golden file " + expected + " does not exist"));
  EXPECT_FALSE(fs::exists(expected));
}

TEST_F(GoldenAtEndTest, NotAskedNothingIsCompared) {
  EXPECT_TRUE(Failures(CaptureResults([&] { fixture_.RunTearDown(); })).empty());
  EXPECT_TRUE(fs::is_empty(dir_.path()));
}

// ---- The suite option, against goldens checked in beside this file (tests/testing/golden/) ----

class GoldenSuiteTest : public ::memdb::testing::DbTest {
 protected:
  bool CompareWithGoldenAtEnd() const override { return true; }
};

TEST_F(GoldenSuiteTest, EndsInTheCheckedInState) {
  ASSERT_THAT(db().Put("acct/alice", "70"), IsOk());
  ASSERT_THAT(db().Put("acct/bob", "80"), IsOk());
  ASSERT_THAT(db().Put("bin", std::string("\x00\xff", 2)), IsOk());
}

class DurableGoldenSuiteTest : public ::memdb::testing::DurableDbParamTest {
 protected:
  bool CompareWithGoldenAtEnd() const override { return true; }
};

// Synced before the crash: every configuration ends in the same state, each in its own golden.
TEST_P(DurableGoldenSuiteTest, SyncedCommitsSurviveTheCrash) {
  ASSERT_THAT(db().Put("k", "v"), IsOk());
  ASSERT_THAT(db().SyncLog(), IsOk());
  ASSERT_THAT(CrashAndRecover(), IsOk());
}

INSTANTIATE_TEST_SUITE_P(Crash, DurableGoldenSuiteTest,
                         ::testing::ValuesIn(::memdb::testing::DurableConfigs(
                             {IsolationLevel::kSnapshot, IsolationLevel::kSerializable},
                             {SyncMode::kAlways}, {CrashModel{}})),
                         ::memdb::testing::DurableConfigName);

// ---- Whole runs in a child process: --gtest_repeat, and a failed test's golden ----

// Helpers the tests below run in a child process (DISABLED_: never in a normal run).
class GoldenChildTest : public ::memdb::testing::DbTest {
 protected:
  static std::string Dir() {
    const char* dir = std::getenv("MEMDB_TEST_GOLDEN_DIR");
    return dir != nullptr ? dir : "";
  }
};

TEST_F(GoldenChildTest, DISABLED_TakesTwoGoldens) {
  ASSERT_FALSE(Dir().empty());
  ASSERT_THAT(db().Put("k", "v"), IsOk());
  EXPECT_THAT(db(), MatchesGolden(NextGoldenPath(Dir())));  // <name>.golden
  ExpectGoldenAtEnd(NextGoldenPath(Dir()));                 // <name>_2.golden
}

TEST_F(GoldenChildTest, DISABLED_FailsBeforeItsGoldenAtEnd) {
  ASSERT_FALSE(Dir().empty());
  ExpectGoldenAtEnd(NextGoldenPath(Dir()));
  ASSERT_THAT(db().Put("partial", "state"), IsOk());
  ADD_FAILURE() << "the test fails before it ends";
}

TEST_F(GoldenChildTest, DISABLED_MismatchesTwoGoldens) {
  ASSERT_FALSE(Dir().empty());
  ASSERT_THAT(db().Put("k", "v"), IsOk());
  EXPECT_THAT(db(), MatchesGolden(Dir() + "/first.golden"));   // missing
  EXPECT_THAT(db(), MatchesGolden(Dir() + "/second.golden"));  // missing
  EXPECT_THAT(db(), MatchesGolden(Dir() + "/second.golden"));  // the same pending file again
}

// Runs this binary on one DISABLED_ test with `args`; the exit status, and the output in `log`.
int RunChild(const std::string& test, const std::string& args, const fs::path& log) {
  const std::string command = "'" + fs::read_symlink("/proc/self/exe").string() +
                              "' --gtest_also_run_disabled_tests --gtest_filter='GoldenChildTest." +
                              test + "' " + args + " > '" + log.string() + "' 2>&1";
  return std::system(command.c_str());
}

std::set<std::string> Names(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

TEST(GoldenChildProcessTest, RepeatedTestUsesTheSameGoldensEveryIteration) {
  TempDir dir;
  const fs::path goldens = dir.path() / "goldens";
  fs::create_directories(goldens);
  ScopedEnv golden_dir("MEMDB_TEST_GOLDEN_DIR", goldens.c_str());
  ScopedEnv ci("CI", nullptr);
  ScopedEnv pending("MEMDB_GOLDEN_PENDING_DIR", nullptr);
  ScopedEnv update("MEMDB_UPDATE_GOLDEN", "1");
  const fs::path log = dir.path() / "child.log";

  // Update mode, three iterations: a count that carried over would write _3 ... _6 as well.
  ASSERT_EQ(RunChild("DISABLED_TakesTwoGoldens", "--gtest_repeat=3", log), 0) << ReadText(log);
  EXPECT_EQ(Names(goldens), (std::set<std::string>{
                                "GoldenChildTest.DISABLED_TakesTwoGoldens.golden",
                                "GoldenChildTest.DISABLED_TakesTwoGoldens_2.golden",
                            }))
      << ReadText(log);

  // CI mode: every iteration compares with those two and passes; nothing is written.
  update.Set(nullptr);
  ci.Set("1");
  EXPECT_EQ(RunChild("DISABLED_TakesTwoGoldens", "--gtest_repeat=3", log), 0) << ReadText(log);
  EXPECT_EQ(Names(goldens).size(), 2u);
}

TEST(GoldenChildProcessTest, FailedTestDoesNotWriteItsGoldenAtEnd) {
  TempDir dir;
  ScopedEnv golden_dir("MEMDB_TEST_GOLDEN_DIR", dir.path().c_str());
  ScopedEnv ci("CI", nullptr);
  ScopedEnv pending("MEMDB_GOLDEN_PENDING_DIR", nullptr);
  ScopedEnv update("MEMDB_UPDATE_GOLDEN", "1");
  const fs::path log = fs::temp_directory_path() / ("memdb-child-" + std::to_string(::getpid()));
  EXPECT_NE(RunChild("DISABLED_FailsBeforeItsGoldenAtEnd", "", log), 0);
  EXPECT_THAT(ReadText(log), HasSubstr("the test fails before it ends"));
  EXPECT_TRUE(fs::is_empty(dir.path())) << "a failed test wrote its golden";
  fs::remove(log);
}

TEST(GoldenChildProcessTest, RunEndsWithTheListOfPendingGoldens) {
  TempDir dir;
  ScopedEnv golden_dir("MEMDB_TEST_GOLDEN_DIR", dir.path().c_str());
  ScopedEnv ci("CI", nullptr);
  ScopedEnv pending("MEMDB_GOLDEN_PENDING_DIR", nullptr);
  ScopedEnv update("MEMDB_UPDATE_GOLDEN", nullptr);
  const fs::path log = fs::temp_directory_path() / ("memdb-child-" + std::to_string(::getpid()));
  EXPECT_NE(RunChild("DISABLED_MismatchesTwoGoldens", "", log), 0);
  const std::string output = ReadText(log);
  const size_t summary = output.find("this run left 2 pending golden file(s)");
  ASSERT_NE(summary, std::string::npos) << output;
  EXPECT_THAT(output.substr(summary), HasSubstr((dir.path() / "first.golden.new").string()));
  EXPECT_THAT(output.substr(summary), HasSubstr((dir.path() / "second.golden.new").string()));
  EXPECT_THAT(output.substr(summary), HasSubstr("memdb golden accept"));

  // In CI nothing is written, so there is nothing to list.
  ci.Set("1");
  EXPECT_NE(RunChild("DISABLED_MismatchesTwoGoldens", "", log), 0);
  EXPECT_THAT(ReadText(log), Not(HasSubstr("pending golden file(s)")));
  fs::remove(log);
}

}  // namespace
}  // namespace memdb::test
