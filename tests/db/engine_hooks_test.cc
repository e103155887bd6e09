// The engine hooks installed through DbInternal::Open reach the one database they were
// installed for: its named points, its engine steps and its deliberate bugs. A default
// EngineHooks is production.
#include "util/engine_hooks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "db/db_internal.h"
#include "memdb/db/db.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/testing/status_matchers.h"
#include "support/db_options.h"
#include "support/test_support.h"

namespace memdb::test {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;

class RecordingPoints final : public PointObserver {
 public:
  Status OnPoint(std::string_view name) override {
    points.emplace_back(name);
    return name == fail_at ? Status::IOError("injected at " + std::string(name)) : Status::OK();
  }
  std::vector<std::string> points;
  std::string fail_at;
};

class CountingSteps final : public StepObserver {
 public:
  void OnStep(const Step& /*step*/) override { ++steps; }
  int steps = 0;
};

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(EngineHooksTest, AnInstalledPointObserverSeesTheCommitAndCheckpointPoints) {
  RecordingPoints points;
  EngineHooks hooks;
  hooks.points = &points;
  Db db = db::DbInternal::Open(DurableOptions(std::make_shared<SimFileSystem>()), hooks).value();
  ASSERT_THAT(db.Put("k", "v"), IsOk());
  ASSERT_THAT(db.Checkpoint(), IsOk());
  for (const char* name : {"wal.segment.create.before", "wal.append.before", "wal.sync.before",
                           "commit.publish.before", "checkpoint.write.before",
                           "checkpoint.dirsync.before", "checkpoint.cleanup.before"}) {
    EXPECT_TRUE(Contains(points.points, name)) << name;
  }
}

TEST(EngineHooksTest, AnErrorFromThePointObserverFailsTheCommit) {
  RecordingPoints points;
  EngineHooks hooks;
  hooks.points = &points;
  Db db = db::DbInternal::Open(DurableOptions(std::make_shared<SimFileSystem>()), hooks).value();
  points.fail_at = "wal.sync.before";
  EXPECT_THAT(db.Put("k", "v"), StatusIs(Status::Code::kIOError));
  EXPECT_THAT(db.WriteStatus(), StatusIs(Status::Code::kIOError)) << "the failure is sticky";
}

TEST(EngineHooksTest, AStepObserverInstalledAtOpenSeesSteps) {
  CountingSteps steps;
  EngineHooks hooks;
  hooks.steps = &steps;
  Db db = db::DbInternal::Open({}, hooks).value();
  ASSERT_THAT(db.Put("k", "v"), IsOk());
  EXPECT_EQ(steps.steps, 3) << "txn.begin, txn.put, txn.commit";
  db::DbInternal::SetStepObserver(db, nullptr);
  ASSERT_THAT(db.Put("k", "w"), IsOk());
  EXPECT_EQ(steps.steps, 3);
}

// Two transactions write the same key from the same snapshot; returns the second's commit.
Status SecondConflictingCommit(Db& db) {
  Txn t1 = db.Begin();
  Txn t2 = db.Begin();
  EXPECT_THAT(t1.Put("k", "1"), IsOk());
  EXPECT_THAT(t2.Put("k", "2"), IsOk());
  EXPECT_THAT(t1.Commit(), IsOk());
  return t2.Commit();
}

TEST(EngineHooksTest, DeliberateBugsAreOffByDefaultAndReachTheEngineWhenInstalled) {
  Db production = db::DbInternal::Open({}, EngineHooks{}).value();
  EXPECT_TRUE(SecondConflictingCommit(production).IsConflict());

  EngineHooks hooks;
  hooks.bugs.skip_write_conflicts = true;
  Db broken = db::DbInternal::Open({}, hooks).value();
  EXPECT_THAT(SecondConflictingCommit(broken), IsOk()) << "the lost update the bug allows";
}

}  // namespace
}  // namespace memdb::test
