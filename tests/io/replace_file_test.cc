// ReplaceFileAtomically on the simulated disk: the steps run in order, a failure at any step
// leaves the old file and no temporary, and only the directory sync makes the new file survive
// a crash.
#include "memdb/io/replace_file.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "memdb/io/sim_file_system.h"
#include "memdb/testing/status_matchers.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;

constexpr char kPath[] = "db/data";

class ReplaceFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(fs_.CreateDir("db"), IsOk());
    ASSERT_THAT(fs_.SyncDir("."), IsOk());
    ASSERT_THAT(ReplaceFileAtomically(fs_, kPath, "old"), IsOk());
  }

  std::string Contents() {
    std::string contents;
    EXPECT_THAT(fs_.ReadFile(kPath, &contents), IsOk());
    return contents;
  }

  SimFileSystem fs_;
};

TEST_F(ReplaceFileTest, StepsRunInOrderAndTheNewFileSurvivesACrash) {
  std::vector<ReplaceStep> steps;
  ReplaceFileOptions options;
  options.before_step = [&](ReplaceStep step) {
    steps.push_back(step);
    return Status::OK();
  };
  ASSERT_THAT(ReplaceFileAtomically(fs_, kPath, "new", options), IsOk());
  EXPECT_EQ(steps, (std::vector<ReplaceStep>{ReplaceStep::kWrite, ReplaceStep::kSync,
                                             ReplaceStep::kRename, ReplaceStep::kDirSync}));
  EXPECT_EQ(Contents(), "new");
  EXPECT_EQ(fs_.AllFiles(), std::vector<std::string>{kPath});
  fs_.Crash();
  EXPECT_EQ(Contents(), "new");
}

TEST_F(ReplaceFileTest, AFailedStepLeavesTheOldFileAndNoTemporary) {
  for (ReplaceStep failing : {ReplaceStep::kWrite, ReplaceStep::kSync, ReplaceStep::kRename}) {
    SCOPED_TRACE(static_cast<int>(failing));
    ReplaceFileOptions options;
    options.before_step = [&](ReplaceStep step) {
      return step == failing ? Status::IOError("injected") : Status::OK();
    };
    EXPECT_THAT(ReplaceFileAtomically(fs_, kPath, "new", options), StatusIs(Status::Code::kIOError));
    EXPECT_EQ(Contents(), "old");
    EXPECT_EQ(fs_.AllFiles(), std::vector<std::string>{kPath});
  }
}

TEST_F(ReplaceFileTest, AFailedWriteIsReturnedAsItIs) {
  ReplaceFileOptions options;
  options.tmp_path = "db/data.tmp";
  Status s = ReplaceFileAtomically(
      fs_, kPath, [](WritableFile&) { return Status::Corruption("the writer gave up"); }, options);
  EXPECT_EQ(s.ToString(), Status::Corruption("the writer gave up").ToString());
  EXPECT_EQ(Contents(), "old");
  EXPECT_FALSE(fs_.FileExists("db/data.tmp"));
}

TEST_F(ReplaceFileTest, WithoutTheDirectorySyncACrashMayUndoTheRename) {
  const uint64_t dir_syncs = fs_.stats().dir_syncs;
  std::vector<ReplaceStep> steps;
  ReplaceFileOptions options;
  options.sync_dir = false;
  options.before_step = [&](ReplaceStep step) {
    steps.push_back(step);
    return Status::OK();
  };
  ASSERT_THAT(ReplaceFileAtomically(fs_, kPath, "new", options), IsOk());
  // The point before the skipped step still passes, so crash points keep their order.
  EXPECT_EQ(steps.back(), ReplaceStep::kDirSync);
  EXPECT_EQ(fs_.stats().dir_syncs, dir_syncs);
  EXPECT_EQ(Contents(), "new");
  fs_.Crash();
  EXPECT_EQ(Contents(), "old");
}

}  // namespace
}  // namespace memdb
