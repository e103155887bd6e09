// `memdb golden list|accept|reject|obsolete` over pending files left by CheckGolden.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli_test_support.h"
#include "memdb/snapshot/golden.h"

namespace memdb::cli::test {
namespace {

using ::testing::HasSubstr;

class GoldenCommandsTest : public ::testing::Test {
 protected:
  // Leaves dir/NAME.golden.new by a failed comparison of {key: value} with a missing golden.
  std::string LeavePending(const std::string& name, const std::string& value) {
    Snapshot s;
    s.entries["key"] = value;
    GoldenSettings settings;  // compare mode, pending files beside the golden
    const std::string golden = dir_.Join(name + ".golden");
    Result<GoldenResult> r = CheckGolden(s, golden, settings);
    EXPECT_TRUE(r.ok() && !r->passed);
    EXPECT_TRUE(std::filesystem::exists(golden + ".new"));
    return golden;
  }
  ScratchDir dir_;
};

TEST_F(GoldenCommandsTest, ListAcceptAndRejectPendingFiles) {
  const std::string a = LeavePending("a", "one");
  const std::string b = LeavePending("b", "two");
  CliRun list = RunMemdb({"golden", "list", dir_.path()});
  EXPECT_EQ(list.code, kExitOk) << list.err;
  EXPECT_THAT(list.out, HasSubstr(a + ".new -> " + a));
  EXPECT_THAT(list.out, HasSubstr("2 pending golden files"));

  CliRun accept = RunMemdb({"golden", "accept", dir_.path(), "--only", a});
  EXPECT_EQ(accept.code, kExitOk) << accept.err;
  EXPECT_THAT(ReadAll(a), HasSubstr("{\"key\":\"key\",\"value\":\"one\"}"));
  EXPECT_FALSE(std::filesystem::exists(a + ".new"));
  EXPECT_FALSE(std::filesystem::exists(b)) << "--only accepted another golden";

  CliRun reject = RunMemdb({"golden", "reject", "--json", dir_.path()});
  EXPECT_EQ(reject.code, kExitOk) << reject.err;
  EXPECT_THAT(reject.out, HasSubstr("\"rejected\":[{\"pending_path\":\"" + b + ".new\""));
  EXPECT_FALSE(std::filesystem::exists(b + ".new"));
  EXPECT_FALSE(std::filesystem::exists(b));
  EXPECT_THAT(RunMemdb({"golden", "list", "--json", dir_.path()}).out,
              HasSubstr("{\"pending\":[]}"));
}

TEST_F(GoldenCommandsTest, AcceptRefusesADamagedPendingFile) {
  const std::string a = LeavePending("a", "one");
  WriteAll(a + ".new", "not a golden\n");
  CliRun accept = RunMemdb({"golden", "accept", dir_.path()});
  EXPECT_EQ(accept.code, kExitError);
  EXPECT_THAT(accept.err, HasSubstr(a + ".new"));
  EXPECT_FALSE(std::filesystem::exists(a));
}

TEST_F(GoldenCommandsTest, PendingDirComesFromTheEnvironment) {
  ScratchDir pending;
  Snapshot s;
  s.entries["k"] = "v";
  GoldenSettings settings;
  settings.pending_dir = pending.Join("p");
  ASSERT_TRUE(CheckGolden(s, dir_.Join("x.golden"), settings).ok());
  EXPECT_THAT(RunMemdb({"golden", "list", dir_.path()}).out, HasSubstr("0 pending"));
  CliRun list =
      RunMemdb({"golden", "list", dir_.path()}, {{"MEMDB_GOLDEN_PENDING_DIR", pending.Join("p")}});
  EXPECT_THAT(list.out, HasSubstr("-> " + dir_.Join("x.golden")));
}

TEST_F(GoldenCommandsTest, ObsoleteListsGoldensNoRunUsed) {
  ScratchDir refs;
  WriteAll(dir_.Join("used.golden"), "{\"memdb_golden\":1,\"entries\":0}\n");
  WriteAll(dir_.Join("unused.golden"), "{\"memdb_golden\":1,\"entries\":0}\n");
  GoldenSettings settings;
  settings.references_dir = refs.path();
  Snapshot empty;
  ASSERT_TRUE(CheckGolden(empty, dir_.Join("used.golden"), settings).ok());

  EXPECT_EQ(RunMemdb({"golden", "obsolete", dir_.path()}).code, kExitUsage);
  CliRun run =
      RunMemdb({"golden", "obsolete", dir_.path()}, {{"MEMDB_GOLDEN_REFERENCES_DIR", refs.path()}});
  EXPECT_EQ(run.code, kExitFailed);
  EXPECT_THAT(run.out, HasSubstr("unused.golden\n1 obsolete golden file"));
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr("/used.golden")));
}

}  // namespace
}  // namespace memdb::cli::test
