// DurableDbTest: a durable database on a simulated disk that a test can crash.
//
//   class LedgerTest : public memdb::testing::DurableDbTest {};
//   TEST_F(LedgerTest, AcknowledgedCommitSurvivesACrash) {
//     ASSERT_THAT(db().Put("k", "v"), IsOk());
//     ASSERT_THAT(CrashAndRecover(), IsOk());   // power cut, then Db::Open recovers
//     EXPECT_THAT(db(), HasEntry("k", "v"));
//   }
//
// The disk is a FaultyFileSystem over a SimFileSystem (memdb/fault/faulty_file_system.h): it
// keeps volatile and durable bytes apart, so a crash loses exactly what the crash model says
// (docs/fault-model.md). SetFaultPlan makes a named point or storage operation crash or fail.
//
// Parameterized: DurableDbParamTest runs a suite over isolation levels, sync modes and crash
// models, with readable test names:
//
//   class LedgerParamTest : public memdb::testing::DurableDbParamTest {};
//   TEST_P(LedgerParamTest, ...) { ... CrashAndRecover() uses GetParam().crash_model ... }
//   INSTANTIATE_TEST_SUITE_P(All, LedgerParamTest,
//       ::testing::ValuesIn(memdb::testing::DurableConfigs(
//           {IsolationLevel::kSnapshot, IsolationLevel::kSerializable},
//           {SyncMode::kAlways}, {CrashModel{}, CrashModel::Parse("keep-unsynced").value()})),
//       memdb::testing::DurableConfigName);
//   // -> All/LedgerParamTest.X/Snapshot_Always_drop_unsynced, ...
//
// Lifetime: Reopen and CrashAndRecover replace the database; db() then returns the new one, so
// objects holding a reference to the old database must be made again.
#ifndef MEMDB_TESTING_DURABLE_DB_TEST_H_
#define MEMDB_TESTING_DURABLE_DB_TEST_H_

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/db/options.h"
#include "memdb/fault/crash_model.h"
#include "memdb/fault/fault_plan.h"
#include "memdb/fault/faulty_file_system.h"
#include "memdb/testing/golden_at_end.h"

namespace memdb::testing {

// One configuration of a durable database under test.
struct DurableConfig {
  IsolationLevel isolation = IsolationLevel::kSnapshot;
  SyncMode sync_mode = SyncMode::kAlways;
  CrashModel crash_model;  // what CrashAndRecover() keeps of unsynced data
};

// "Snapshot_Always_drop_unsynced", "Serializable_None_torn_last_write_512_keep_1_fill_zeros".
std::string DurableConfigName(const ::testing::TestParamInfo<DurableConfig>& info);
// Every combination, isolation outermost, crash model innermost.
std::vector<DurableConfig> DurableConfigs(const std::vector<IsolationLevel>& isolations,
                                          const std::vector<SyncMode>& sync_modes,
                                          const std::vector<CrashModel>& crash_models);
void PrintTo(const DurableConfig& config, std::ostream* os);

// Golden files at the end of a test: ExpectGoldenAtEnd, CompareWithGoldenAtEnd (GoldenFixture).
class DurableDbTest : public GoldenFixture {
 protected:
  DurableDbTest();
  ~DurableDbTest() override;

  // Opens the database (fatal failure if it cannot be opened).
  void SetUp() override;
  void TearDown() override;

  // The configuration: defaults here; DurableDbParamTest returns GetParam().
  virtual DurableConfig config() const { return DurableConfig{}; }
  // The options of every Open; by default config()'s isolation and sync mode. The fixture sets
  // `path` ("db") and `file_system` itself, after this returns.
  virtual Options MakeOptions() const;

  // The current database. Requires a successful SetUp, Reopen or CrashAndRecover.
  Db& db();
  // Closes the database cleanly (syncing the log) and opens it again. Open's error, if any.
  Status Reopen();
  // Cuts the power: the disk keeps what `model` says of unsynced data (every handle of the old
  // database turns stale), then the old database is discarded and Db::Open recovers. Open's
  // error, if any (db() is then unusable until a successful Reopen).
  Status CrashAndRecover(const CrashModel& model);
  // The same with config().crash_model.
  Status CrashAndRecover();
  // What the last Open recovered.
  const RecoveryReport& recovery_report();

  // Installs `plan` on the disk (replacing any earlier plan and its counters).
  void SetFaultPlan(FaultPlan plan);
  FaultyFileSystem& file_system() { return *fs_; }
  SimFileSystem& disk() { return fs_->disk(); }
  const Options& options() const { return options_; }

 private:
  Status Open();

  std::shared_ptr<FaultyFileSystem> fs_;
  Options options_;
  std::optional<Db> db_;
};

// DurableDbTest for TEST_P over DurableConfig values.
class DurableDbParamTest : public DurableDbTest,
                           public ::testing::WithParamInterface<DurableConfig> {
 protected:
  DurableConfig config() const override { return GetParam(); }
};

}  // namespace memdb::testing

#endif  // MEMDB_TESTING_DURABLE_DB_TEST_H_
