// Engine steps: each transactional step reaches the engine's observer, in order, with the
// transaction's id and key; each step's name parses back to the step.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "db/db_internal.h"
#include "memdb/db/db.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/testing/status_matchers.h"
#include "support/db_options.h"
#include "support/test_support.h"
#include "util/steps.h"

namespace memdb::test {
namespace {

using ::memdb::testing::IsOk;

class RecordingSteps final : public StepObserver {
 public:
  void OnStep(const Step& step) override {
    std::string line =
        "t" + std::to_string(step.txn) + ":" + std::string(EngineStepName(step.step));
    if (!step.key.empty()) line += "(" + std::string(step.key) + ")";
    steps.push_back(std::move(line));
  }
  std::vector<std::string> steps;
};

TEST(StepsTest, EveryTransactionalStepReachesTheObserverInOrder) {
  Db db = Db::Open({}).value();
  RecordingSteps observer;
  db::DbInternal::SetStepObserver(db, &observer);
  Txn t1 = db.Begin();
  Txn t2 = db.Begin();
  ASSERT_THAT(t1.Put("a", "1"), IsOk());
  EXPECT_TRUE(t2.Get("a").status().IsNotFound());
  ASSERT_THAT(t2.Delete("b"), IsOk());
  t2.NewIterator(ScanRange::Prefix("p"));
  ASSERT_THAT(t1.Commit(), IsOk());
  ASSERT_THAT(t2.Commit(), IsOk());
  EXPECT_EQ(observer.steps,
            (std::vector<std::string>{"t1:txn.begin", "t2:txn.begin", "t1:txn.put(a)",
                                      "t2:txn.get(a)", "t2:txn.delete(b)", "t2:txn.scan(p)",
                                      "t1:txn.commit", "t2:txn.commit"}));
  db::DbInternal::SetStepObserver(db, nullptr);
  ASSERT_THAT(db.Put("c", "3"), IsOk());
  EXPECT_EQ(observer.steps.size(), 8u) << "a removed observer sees nothing";
}

TEST(StepsTest, DurableCommitsPassTheLogAndPublishSteps) {
  Db db = Db::Open(DurableOptions(std::make_shared<SimFileSystem>())).value();
  RecordingSteps observer;
  db::DbInternal::SetStepObserver(db, &observer);
  ASSERT_THAT(db.Put("k", "v"), IsOk());
  ASSERT_THAT(db.Checkpoint(), IsOk());
  EXPECT_EQ(observer.steps,
            (std::vector<std::string>{"t1:txn.begin", "t1:txn.put(k)", "t1:txn.commit",
                                      "t1:commit.persist", "t1:commit.publish", "t0:checkpoint"}));
  db::DbInternal::SetStepObserver(db, nullptr);
}

TEST(StepsTest, EveryStepNameParsesBackToItsStep) {
  const std::vector<EngineStep> all = {EngineStep::kTxnBegin,      EngineStep::kTxnGet,
                                       EngineStep::kTxnPut,        EngineStep::kTxnDelete,
                                       EngineStep::kTxnScan,       EngineStep::kTxnCommit,
                                       EngineStep::kTxnRollback,   EngineStep::kCommitPersist,
                                       EngineStep::kCommitPublish, EngineStep::kCheckpoint};
  std::vector<std::string> names;
  for (EngineStep step : all) {
    names.emplace_back(EngineStepName(step));
    EXPECT_EQ(ParseEngineStep(names.back()), step) << names.back();
  }
  // The spellings schedules, traces and docs use.
  EXPECT_EQ(names, (std::vector<std::string>{"txn.begin", "txn.get", "txn.put", "txn.delete",
                                             "txn.scan", "txn.commit", "txn.rollback",
                                             "commit.persist", "commit.publish", "checkpoint"}));
  EXPECT_EQ(ParseEngineStep("get"), std::nullopt);
  EXPECT_EQ(ParseEngineStep("txn.GET"), std::nullopt);
  EXPECT_EQ(ParseEngineStep(""), std::nullopt);
}

}  // namespace
}  // namespace memdb::test
