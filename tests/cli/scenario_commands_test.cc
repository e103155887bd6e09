// `memdb scenario run|explore` on scripts written by the tests and on the fixture library; and
// the built executable, run as a process, on a damaged scenario-free input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "cli_test_support.h"

namespace memdb::cli::test {
namespace {

using ::testing::HasSubstr;

// An invariant the last commit breaks: every crash state that keeps that commit fails.
constexpr char kBrokenInvariant[] =
    "option sync always\n"
    "put acct:a 60\n"
    "put acct:b 40\n"
    "invariant sum acct: = 100\n"
    "put acct:a 70\n";

TEST(ScenarioCommandsTest, RunPassesTheFixtureLibrary) {
  const std::string dir = std::string(MEMDB_FIXTURES_DIR) + "/scenarios/";
  CliRun run = RunMemdb({"scenario", "run", dir + "transfer_crash_before_sync.scn",
                         dir + "write_skew_serializable.scn"},
                        {{"CI", "1"}});
  EXPECT_EQ(run.code, kExitOk) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("2 of 2 scripts passed"));
}

TEST(ScenarioCommandsTest, RunReportsFileLineOfAFailedExpectationAndParseErrors) {
  ScratchDir dir;
  WriteAll(dir.Join("wrong.scn"), "put a 1\nexpect get a = 2\n");
  WriteAll(dir.Join("typo.scn"), "put a 1\nchekpoint\n");
  CliRun run = RunMemdb({"scenario", "run", dir.Join("wrong.scn")});
  EXPECT_EQ(run.code, kExitFailed);
  EXPECT_THAT(run.out, HasSubstr("FAIL  " + dir.Join("wrong.scn")));
  EXPECT_THAT(run.out, HasSubstr("wrong.scn:2: expect get a = 2"));
  CliRun typo = RunMemdb({"scenario", "run", "--json", dir.Join("typo.scn")});
  EXPECT_EQ(typo.code, kExitError);
  EXPECT_THAT(typo.out, HasSubstr("typo.scn:2:1: unknown command 'chekpoint'"));
  EXPECT_THAT(typo.out, HasSubstr("\"status\":\"error\""));
}

TEST(ScenarioCommandsTest, ExploreFindsTheBrokenInvariantAndItsReproductionReplaysIt) {
  ScratchDir dir;
  const std::string script = dir.Join("broken.scn");
  WriteAll(script, kBrokenInvariant);
  CliRun run = RunMemdb({"scenario", "explore", "--max-failures", "1", script});
  EXPECT_EQ(run.code, kExitFailed) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("crash model"));  // the summary table
  const size_t at = run.out.find("reproduce: ");
  ASSERT_NE(at, std::string::npos) << run.out;
  const std::string line = run.out.substr(at + 11, run.out.find('\n', at) - at - 11);
  EXPECT_THAT(line, HasSubstr("memdb scenario explore " + script + " --operation "));

  // The reproduction, run as given, explores that one crash point and fails again.
  std::vector<std::string> args;
  std::istringstream words(line.substr(6));  // without "memdb "
  for (std::string w; words >> w;) args.push_back(w);
  CliRun again = RunMemdb(args);
  EXPECT_EQ(again.code, kExitFailed) << again.out;
  EXPECT_THAT(again.out, HasSubstr(" at 1 crash points"));
}

TEST(ScenarioCommandsTest, ExploreHonoursShardsFromFlagsAndGoogleTestsVariables) {
  const std::string script =
      std::string(MEMDB_FIXTURES_DIR) + "/scenarios/transfer_crash_before_sync.scn";
  CliRun all = RunMemdb({"scenario", "explore", "--json", script});
  ASSERT_EQ(all.code, kExitOk) << all.err;
  EXPECT_THAT(all.out, HasSubstr("\"crash_points\":11,"));
  CliRun half = RunMemdb({"scenario", "explore", "--json", "--shard", "1/2", script});
  EXPECT_THAT(half.out, HasSubstr("\"shard\":1,\"shards\":2,"));
  EXPECT_THAT(half.out, HasSubstr("\"crash_points\":5,"));
  CliRun env = RunMemdb({"scenario", "explore", "--json", script},
                        {{"GTEST_SHARD_INDEX", "0"}, {"GTEST_TOTAL_SHARDS", "2"}});
  EXPECT_THAT(env.out, HasSubstr("\"crash_points\":6,"));
  EXPECT_EQ(RunMemdb({"scenario", "explore", "--shard", "2/2", script}).code, kExitUsage);
  EXPECT_EQ(RunMemdb({"scenario", "explore", "--model", "melt", script}).code, kExitUsage);
}

TEST(CliTest, UsageErrorsExitTwoAndHelpExitsZero) {
  EXPECT_EQ(RunMemdb({}).code, kExitUsage);
  EXPECT_EQ(RunMemdb({"frobnicate"}).code, kExitUsage);
  EXPECT_EQ(RunMemdb({"wal", "dump"}).code, kExitUsage);
  CliRun typo = RunMemdb({"wal", "check", "--jsn", "x"});
  EXPECT_EQ(typo.code, kExitUsage);
  EXPECT_THAT(typo.err, HasSubstr("did you mean '--json'?"));
  for (const char* group : {"wal", "snapshot", "golden", "scenario"}) {
    CliRun help = RunMemdb({group, "--help"});
    EXPECT_EQ(help.code, kExitOk) << group;
    EXPECT_THAT(help.out, HasSubstr(std::string(group) + " ")) << group;
  }
  CliRun help = RunMemdb({"scenario", "explore", "--help"});
  EXPECT_EQ(help.code, kExitOk);
  EXPECT_THAT(help.out, HasSubstr("--shard I/N"));
}

TEST(CliTest, TheInstalledExecutableReturnsTheDocumentedExitStatus) {
  ScratchDir dir;
  WriteAll(dir.Join("wal-000001.log"), std::string(100, '\0'));  // zero-filled: a torn tail
  const std::string command =
      std::string(MEMDB_CLI_PATH) + " wal check " + dir.Join("wal-000001.log") + " >/dev/null";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kExitTornTail);
}

}  // namespace
}  // namespace memdb::cli::test
