// The scenario language: every script of the fixture library passes, a wrong expectation
// fails with file:line and a diff, syntax errors point at the column with a caret, and
// explore crashes the transfer workload everywhere without finding a violation.
#include "memdb/scenario/scenario.h"

#include <gtest/gtest.h>

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "memdb/testing/status_matchers.h"
#include "scenario/vocabulary.h"

namespace memdb::test {

using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;

namespace {

std::string ScenarioDir() { return std::string(MEMDB_FIXTURES_DIR) + "/scenarios"; }

std::vector<std::string> FixtureScripts() {
  std::vector<std::string> names;
  if (DIR* dir = opendir(ScenarioDir().c_str())) {
    while (dirent* e = readdir(dir)) {
      const std::string name = e->d_name;
      if (name.size() > 4 && name.ends_with(".scn"))
        names.push_back(name.substr(0, name.size() - 4));
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

ScenarioRunOptions NeverWriteGoldens() {
  ScenarioRunOptions options;
  options.golden.mode = GoldenMode::kCi;
  return options;
}

class FixtureScriptTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureScriptTest, Passes) {
  const std::string path = ScenarioDir() + "/" + GetParam() + ".scn";
  Result<Scenario> scenario = ParseScenarioFile(path);
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  // The golden workflow of the environment: CI compares only; locally a mismatch leaves a
  // pending file to accept.
  const ScenarioResult result = RunScenario(*scenario);
  EXPECT_TRUE(result.ok()) << result.ToString();
  EXPECT_EQ(result.commands_run, scenario->commands.size());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureScriptTest, ::testing::ValuesIn(FixtureScripts()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(ScenarioLibraryTest, HasAtLeastTwelveScripts) { EXPECT_GE(FixtureScripts().size(), 12u); }

ScenarioResult RunText(const std::string& text) {
  Result<Scenario> scenario = ParseScenario(text, "inline.scn");
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  if (!scenario.ok()) return {};
  return RunScenario(*scenario, NeverWriteGoldens());
}

TEST(ScenarioRunTest, WrongExpectationFailsWithFileLineAndDiff) {
  const ScenarioResult r = RunText("put a 1\nput c 3\nexpect scan \"\" = a b\nexpect get a = 2\n");
  ASSERT_EQ(r.failures.size(), 2u) << r.ToString();
  EXPECT_EQ(r.failures[0].location.ToString(), "inline.scn:3");
  EXPECT_EQ(r.failures[0].message, "expected [a b], found [a c]; missing b; unexpected c");
  EXPECT_EQ(r.failures[1].ToString(), "inline.scn:4: expect get a = 2\n  expected 2, found 1");
}

TEST(ScenarioRunTest, InvariantIsCheckedAfterRecovery) {
  // The transfer is not atomic here: two autocommits, crashed between them.
  const ScenarioResult r = RunText(
      "option sync always\nput acct:a 100\nput acct:b 0\ninvariant sum acct: = 100\n"
      "put acct:a 70\ncrash\nrecover\n");
  ASSERT_EQ(r.failures.size(), 2u) << r.ToString();
  EXPECT_EQ(
      r.failures[0].ToString(),
      "inline.scn:7: recover\n  sum of acct: is 70, expected 100 (invariant of inline.scn:4)");
  EXPECT_EQ(r.failures[1].location.line, 4) << r.ToString();  // and at the end of the script
}

TEST(ScenarioRunTest, CommitOutcomeIsChecked) {
  const ScenarioResult r = RunText("begin t1\nt1 put a 1\nt1 commit conflict\n");
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].message, "expected conflict, got OK");
}

TEST(ScenarioRunTest, CommandOnAClosedDatabaseStopsTheRunWithItsLine) {
  const ScenarioResult r = RunText("option sync always\nput a 1\ncrash\nput b 2\n");
  EXPECT_FALSE(r.error.ok());
  EXPECT_NE(r.error.ToString().find("inline.scn:4: put b 2"), std::string::npos) << r.error;
}

Status ParseError(const std::string& text) { return ParseScenario(text, "typo.scn").status(); }

TEST(ScenarioParseTest, TypoShowsCaretAndNearestCommand) {
  EXPECT_EQ(ParseError("put a 1\nchekpoint\n").message(),
            "typo.scn:2:1: unknown command 'chekpoint' (did you mean 'checkpoint'?)\n"
            "  chekpoint\n"
            "  ^");
  EXPECT_EQ(ParseError("begin t1\nt1 put a 1\n  t1 comit\n").message(),
            "typo.scn:3:6: unknown transaction command 'comit' (did you mean 'commit'?)\n"
            "    t1 comit\n"
            "       ^");
  EXPECT_NE(ParseError("comit\n").message().find("a transaction's command: 'T commit'?"),
            std::string::npos)
      << ParseError("comit\n");
}

TEST(ScenarioParseTest, BadArgumentsNameTheColumnAndWhatWasExpected) {
  EXPECT_EQ(
      ParseError("put a \"unterminated\n").message(),
      "typo.scn:1:20: expected a closing quote\n  put a \"unterminated\n                     ^");
  EXPECT_NE(ParseError("crash at wal.sync.before model torn(3)\n")
                .message()
                .find("typo.scn:1:32: expected a crash model"),
            std::string::npos);
  EXPECT_NE(
      ParseError("expect count p = many\n").message().find("typo.scn:1:18: expected a number"),
      std::string::npos)
      << ParseError("expect count p = many\n");
  EXPECT_NE(ParseError("t9 commit\n").message().find("no transaction 't9' was begun"),
            std::string::npos);
  EXPECT_NE(ParseError("repeat 2\nput a 1\n").message().find("expected an 'end'"),
            std::string::npos);
  EXPECT_NE(ParseError("option colour blue\n").message().find("typo.scn:1:8: unknown option"),
            std::string::npos);
}

TEST(ScenarioParseTest, RepeatUnrollsAndSubstitutesTheIndex) {
  Result<Scenario> s = ParseScenario("repeat 3\nput k{i} v{i}\nend\n", "r.scn");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->commands.size(), 3u);
  EXPECT_EQ(s->commands[2].args, (std::vector<std::string>{"k2", "v2"}));
  EXPECT_EQ(s->commands[2].location.line, 2);
}

TEST(ScenarioParseTest, ScriptsCannotExpandWithoutBound) {
  EXPECT_NE(ParseError("repeat 100000\nrepeat 100000\nput a 1\nend\nend\n")
                .message()
                .find("unrolls to more than 1000000 lines"),
            std::string::npos);
  EXPECT_NE(
      ParseError("repeat 100\nput a bytes(16000000,x)\nend\n").message().find("exceed 256 MiB"),
      std::string::npos);
}

// Empty repeat bodies produce no line, so only a bound on iterations stops this 54-byte script
// (10^15 iterations); it must be refused, not run.
TEST(ScenarioParseTest, EmptyNestedRepeatsAreBoundedByWorkNotByLines) {
  const std::string script = "repeat 100000\nrepeat 100000\nrepeat 100000\nend\nend\nend\n";
  EXPECT_THAT(ParseError(script),
              StatusIs(Status::Code::kInvalidArgument,
                       HasSubstr("typo.scn:3:1: the script takes more than 10000000 steps to "
                                 "unroll; expected smaller repeat counts")));
}

// 8,000 nested `repeat 1` took seconds and gigabytes (each level copied and rescanned the
// rest); the nesting is now refused at the first repeat beyond the bound, after one pass.
TEST(ScenarioParseTest, DeeplyNestedRepeatsAreRefusedAtTheOffendingLine) {
  std::string script;
  for (int i = 0; i < 8000; ++i) script += "repeat 1\n";
  script += "put a 1\n";
  for (int i = 0; i < 8000; ++i) script += "end\n";
  EXPECT_THAT(ParseError(script),
              StatusIs(Status::Code::kInvalidArgument,
                       HasSubstr("typo.scn:33:1: repeat blocks nested more than 32 deep")));
}

TEST(ScenarioParseTest, RepeatsNestedToTheBoundExpand) {
  std::string script;
  for (int i = 0; i < 32; ++i) script += "repeat 1\n";
  script += "put k{i} v\n";
  for (int i = 0; i < 32; ++i) script += "end\n";
  Result<Scenario> s = ParseScenario(script, "deep.scn");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->commands.size(), 1u);
  EXPECT_EQ(s->commands[0].args, (std::vector<std::string>{"k0", "v"}));
  EXPECT_EQ(s->commands[0].location.line, 33);
}

TEST(ScenarioParseTest, NestedRepeatsSubstituteTheOutermostIndex) {
  Result<Scenario> s =
      ParseScenario("repeat 2\nrepeat 3\nput k{i} v\nend\nput o{i} v\nend\n", "n.scn");
  ASSERT_TRUE(s.ok()) << s.status();
  std::vector<std::string> keys;
  for (const auto& command : s->commands) keys.push_back(command.args[0]);
  EXPECT_EQ(keys, (std::vector<std::string>{"k0", "k0", "k0", "o0", "k1", "k1", "k1", "o1"}));
}

TEST(ScenarioParseTest, UnclosedAndUnopenedBlocksNameTheirLine) {
  EXPECT_THAT(ParseError("put a 1\nend\n"),
              StatusIs(Status::Code::kInvalidArgument,
                       HasSubstr("typo.scn:2:1: 'end' without a 'repeat'")));
  EXPECT_THAT(ParseError("repeat 2\nrepeat 2\nput a 1\nend\n"),
              StatusIs(Status::Code::kInvalidArgument,
                       HasSubstr("typo.scn:1:1: expected an 'end' closing this 'repeat'")));
}

TEST(ScenarioParseTest, QuotedValuesKeepEveryByte) {
  Result<Scenario> s = ParseScenario("put \"a b\" \"x\\0y\\xff\\n\"\n", "q.scn");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->commands[0].args[1], std::string("x\0y\xff\n", 5));
}

// The parser's output is typed: each line becomes its verb's command with the table's defaults.
TEST(ScenarioParseTest, LinesBecomeTypedCommandsWithTheirDefaults) {
  Result<Scenario> s = ParseScenario(
      "begin t1 serializable\nt1 get a absent\nt1 commit conflict\nrecover\n"
      "recover absolute-consistency fails corruption\nfail sync 2 file wal- fsyncgate\n"
      "fail append 1\ncrash at wal.sync.before model keep-unsynced\ncrash at op 7\n"
      "flip wal-000001.log 12\n",
      "typed.scn");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->commands.size(), 10u);
  const auto& begin = std::get<scenario::BeginCommand>(s->commands[0].statement);
  EXPECT_EQ(begin.txn, "t1");
  EXPECT_EQ(begin.isolation, IsolationLevel::kSerializable);
  const auto& get = std::get<scenario::TxnGetCommand>(s->commands[1].statement);
  EXPECT_TRUE(get.check);
  EXPECT_EQ(get.value, std::nullopt);
  EXPECT_EQ(std::get<scenario::TxnCommitCommand>(s->commands[2].statement).expected,
            Status::Code::kConflict);
  const auto& plain = std::get<scenario::RecoverCommand>(s->commands[3].statement);
  EXPECT_EQ(plain.mode, std::nullopt);
  EXPECT_EQ(plain.expected, Status::Code::kOk);
  const auto& strict = std::get<scenario::RecoverCommand>(s->commands[4].statement);
  EXPECT_EQ(strict.mode, RecoveryMode::kAbsoluteConsistency);
  EXPECT_EQ(strict.expected, Status::Code::kCorruption);
  const auto& fsyncgate = std::get<scenario::FailCommand>(s->commands[5].statement);
  EXPECT_EQ(fsyncgate.op, StorageOp::kSync);
  EXPECT_EQ(fsyncgate.nth, 2u);
  EXPECT_EQ(fsyncgate.file, "wal-");
  EXPECT_EQ(fsyncgate.action, FaultAction::kFsyncgate);
  EXPECT_EQ(std::get<scenario::FailCommand>(s->commands[6].statement).action,
            FaultAction::kIoError);
  const auto& at_point = std::get<scenario::CrashCommand>(s->commands[7].statement);
  EXPECT_EQ(at_point.when, scenario::CrashCommand::When::kAtPoint);
  EXPECT_EQ(at_point.point, "wal.sync.before");
  EXPECT_EQ(at_point.nth, 1u);
  EXPECT_EQ(at_point.model.kind, CrashModel::Kind::kKeepUnsynced);
  const auto& at_op = std::get<scenario::CrashCommand>(s->commands[8].statement);
  EXPECT_EQ(at_op.when, scenario::CrashCommand::When::kAtOperation);
  EXPECT_EQ(at_op.nth, 7u);
  EXPECT_EQ(std::get<scenario::FlipCommand>(s->commands[9].statement).bit, 0u);
}

// Typed arguments are read through their enum's one spelling, and a wrong word lists them.
TEST(ScenarioParseTest, TypedArgumentsListTheirEnumsSpellings) {
  EXPECT_NE(ParseError("recover tolerant\n")
                .message()
                .find("typo.scn:1:9: expected a recovery mode: tolerate-torn-tail, "
                      "absolute-consistency or point-in-time"),
            std::string::npos);
  // A crash is `crash at op N`, never a `fail` action, though FaultAction spells it.
  EXPECT_NE(ParseError("fail sync 1 crash\n")
                .message()
                .find("typo.scn:1:13: expected a fault: eio, enospc, short-write, fsyncgate, "
                      "lost-write or misdirected-write"),
            std::string::npos);
  EXPECT_NE(ParseError("put a 1 fails conflicted\n")
                .message()
                .find("expected a status: ok, not-found, conflict, invalid-argument, io-error, "
                      "corruption, busy or not-supported"),
            std::string::npos);
  EXPECT_NE(ParseError("option sync sometimes\n")
                .message()
                .find("typo.scn:1:13: expected 'always', 'interval' or 'none'"),
            std::string::npos);
  for (RecoveryMode mode : {RecoveryMode::kTolerateTornTail, RecoveryMode::kAbsoluteConsistency,
                            RecoveryMode::kPointInTime}) {
    EXPECT_EQ(ParseRecoveryMode(RecoveryModeName(mode)), mode);
    Result<Scenario> s =
        ParseScenario("recover " + std::string(RecoveryModeName(mode)) + "\n", "mode.scn");
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(std::get<scenario::RecoverCommand>(s->commands[0].statement).mode, mode);
  }
  for (Status::Code code : {Status::Code::kOk, Status::Code::kNotFound, Status::Code::kIOError,
                            Status::Code::kInvalidArgument, Status::Code::kNotSupported}) {
    EXPECT_EQ(ParseStatusCode(StatusCodeName(code)), code) << StatusCodeName(code);
  }
  EXPECT_EQ(StatusCodeName(Status::Code::kIOError), "io-error");
  EXPECT_EQ(FaultActionName(FaultAction::kIoError), "eio");
  EXPECT_EQ(ParseFaultAction("misdirected-write"), FaultAction::kMisdirectedWrite);
  EXPECT_EQ(ParseStorageOp(StorageOpName(StorageOp::kAny)), StorageOp::kAny);
  EXPECT_EQ(ParseSyncMode("interval"), SyncMode::kInterval);
  EXPECT_EQ(ParseIsolationLevel("EIO"), std::nullopt);
}

// docs/scenario-language.md's verb reference is the table's: every verb's row is there as
// ReferenceRow prints it, so a verb, argument or default added to the table without the doc
// fails here.
TEST(ScenarioVocabularyTest, EveryVerbOfTheTableIsDocumented) {
  std::ifstream in(std::string(MEMDB_FIXTURES_DIR) + "/../docs/scenario-language.md");
  ASSERT_TRUE(in) << "docs/scenario-language.md not found";
  std::stringstream doc;
  doc << in.rdbuf();
  ASSERT_FALSE(scenario::Verbs().empty());
  for (const scenario::VerbSpec& spec : scenario::Verbs()) {
    const std::string row = scenario::ReferenceRow(spec);
    EXPECT_NE(doc.str().find(row + "\n"), std::string::npos) << "missing row:\n" << row;
  }
}

TEST(ScenarioExploreTest, TransferWorkloadSurvivesEveryCrash) {
  Result<Scenario> scenario = ParseScenarioFile(ScenarioDir() + "/transfer.scn");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  Result<ExplorerReport> report = ExploreScenario(*scenario);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << report->ToString();
  EXPECT_GT(report->states, 1000u) << report->ToString();
  std::printf("%s\n", report->ToString().c_str());
}

TEST(ScenarioExploreTest, ExploreChecksTheScriptsInvariants) {
  // The second put breaks the invariant only in crash states between the two autocommits.
  Result<Scenario> scenario = ParseScenario(
      "option sync always\nput acct:a 100\nput acct:b 0\ninvariant sum acct: = 100\n"
      "begin t\nt put acct:a 70\nt put acct:b 30\nt commit\n",
      "atomic.scn");
  ASSERT_TRUE(scenario.ok());
  Result<ExplorerReport> atomic = ExploreScenario(*scenario);
  ASSERT_TRUE(atomic.ok()) << atomic.status();
  EXPECT_TRUE(atomic->ok()) << atomic->ToString();
  scenario = ParseScenario(
      "option sync always\nput acct:a 100\nput acct:b 0\ninvariant sum acct: = 100\n"
      "put acct:a 70\nput acct:b 30\n",
      "split.scn");
  ASSERT_TRUE(scenario.ok());
  // The script itself fails its invariant after line 5, but explore still runs it to its end.
  Result<ExplorerReport> split = ExploreScenario(*scenario);
  ASSERT_TRUE(split.ok()) << split.status();
  ASSERT_FALSE(split->ok());
  EXPECT_NE(split->failures.front().what.find("sum of acct: is 70, expected 100"),
            std::string::npos)
      << split->ToString();
}

}  // namespace
}  // namespace memdb::test
