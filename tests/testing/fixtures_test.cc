// DbTest and DurableDbTest: fresh state per test, options per suite, crashes that lose exactly
// what the crash model says, and readable parameter names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "memdb/testing/db_matchers.h"
#include "memdb/testing/db_test.h"
#include "memdb/testing/durable_db_test.h"
#include "memdb/testing/status_matchers.h"
#include "memdb/testing/test_names.h"
#include "spi_support.h"

namespace memdb::test {
namespace {

using ::memdb::testing::DbIsEmpty;
using ::memdb::testing::DurableConfig;
using ::memdb::testing::HasEntry;
using ::memdb::testing::HasKey;
using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

class FreshDbTest : public ::memdb::testing::DbTest {};

// Two tests writing the same key: whichever runs second still starts empty.
TEST_F(FreshDbTest, FirstWriterSeesAnEmptyDatabase) {
  EXPECT_THAT(db(), DbIsEmpty());
  ASSERT_THAT(db().Put("k", "1"), IsOk());
}
TEST_F(FreshDbTest, SecondWriterSeesAnEmptyDatabase) {
  EXPECT_THAT(db(), DbIsEmpty());
  ASSERT_THAT(db().Put("k", "2"), IsOk());
}

class SerializableDbTest : public ::memdb::testing::DbTest {
 protected:
  Options MakeOptions() const override {
    Options options;
    options.default_isolation = IsolationLevel::kSerializable;
    return options;
  }
};

TEST_F(SerializableDbTest, SuiteOptionsApply) {
  EXPECT_EQ(db().options().default_isolation, IsolationLevel::kSerializable);
  EXPECT_EQ(db().Begin().isolation(), IsolationLevel::kSerializable);
}

class DurablePathDbTest : public ::memdb::testing::DbTest {
 protected:
  Options MakeOptions() const override {
    Options options;
    options.path = "somewhere";
    return options;
  }

 public:
  void TestBody() override {}
  void RunSetUp() { SetUp(); }
};

TEST(DbTestMisuseTest, DurableOptionsAreAFatalFailureOfSetUp) {
  DurablePathDbTest fixture;
  const std::vector<std::string> failures = Failures(CaptureResults([&] { fixture.RunSetUp(); }));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_THAT(failures[0], HasSubstr("use DurableDbTest for a durable database"));
}

class LedgerTest : public ::memdb::testing::DurableDbTest {};

TEST_F(LedgerTest, AcknowledgedCommitSurvivesACrash) {
  ASSERT_THAT(db().Put("k", "v"), IsOk());
  ASSERT_THAT(CrashAndRecover(), IsOk());
  EXPECT_THAT(db(), HasEntry("k", "v"));
  EXPECT_TRUE(recovery_report().existing);
  EXPECT_EQ(recovery_report().records_replayed, 1u);
}

TEST_F(LedgerTest, ReopenKeepsEverything) {
  ASSERT_THAT(db().Put("k", "v"), IsOk());
  ASSERT_THAT(Reopen(), IsOk());
  EXPECT_THAT(db(), HasEntry("k", "v"));
}

TEST_F(LedgerTest, CrashAtTheSyncLosesTheUnacknowledgedCommit) {
  ASSERT_THAT(db().Put("before", "1"), IsOk());
  SetFaultPlan(FaultPlan().CrashAtPoint("wal.sync.before"));
  EXPECT_THAT(db().Put("during", "2"), StatusIs(Status::Code::kIOError));
  EXPECT_TRUE(file_system().crashed());
  ASSERT_THAT(CrashAndRecover(), IsOk());
  EXPECT_THAT(db(), HasKey("before"));
  EXPECT_THAT(db(), Not(HasKey("during")));
}

class NoSyncLedgerTest : public ::memdb::testing::DurableDbTest {
 protected:
  DurableConfig config() const override {
    DurableConfig c;
    c.sync_mode = SyncMode::kNone;
    return c;
  }
};

// The crash model decides: dropping unsynced data loses an unsynced commit, keeping it does not.
TEST_F(NoSyncLedgerTest, CrashModelDecidesWhatUnsyncedCommitsSurvive) {
  ASSERT_THAT(db().Put("k", "v"), IsOk());
  ASSERT_THAT(CrashAndRecover(CrashModel::Parse("keep-unsynced").value()), IsOk());
  EXPECT_THAT(db(), HasEntry("k", "v"));
  ASSERT_THAT(db().Put("k2", "v2"), IsOk());
  ASSERT_THAT(CrashAndRecover(CrashModel{}), IsOk());
  EXPECT_THAT(db(), Not(HasKey("k2")));
}

class ParamLedgerTest : public ::memdb::testing::DurableDbParamTest {};

TEST_P(ParamLedgerTest, ConfigReachesTheDatabase) {
  EXPECT_EQ(db().options().default_isolation, GetParam().isolation);
  EXPECT_EQ(db().options().sync_mode, GetParam().sync_mode);
  ASSERT_THAT(db().Put("k", "v"), IsOk());
  ASSERT_THAT(db().SyncLog(), IsOk());
  ASSERT_THAT(CrashAndRecover(), IsOk());
  EXPECT_THAT(db(), HasEntry("k", "v"));  // synced: every crash model keeps it
}

INSTANTIATE_TEST_SUITE_P(
    Configs, ParamLedgerTest,
    ::testing::ValuesIn(::memdb::testing::DurableConfigs(
        {IsolationLevel::kSnapshot, IsolationLevel::kSerializable},
        {SyncMode::kAlways, SyncMode::kNone},
        {CrashModel{}, CrashModel::Parse("torn-last-write(512,keep=1,fill=garbage)").value()})),
    ::memdb::testing::DurableConfigName);

TEST(DurableConfigNameTest, NamesAreReadableAndDistinct) {
  const auto configs = ::memdb::testing::DurableConfigs(
      {IsolationLevel::kSerializable}, {SyncMode::kInterval},
      {CrashModel{}, CrashModel::Parse("torn-last-write(512,keep=1,fill=garbage)").value()});
  ASSERT_EQ(configs.size(), 2u);
  EXPECT_EQ(::memdb::testing::DurableConfigName({configs[0], 0}),
            "Serializable_Interval_drop_unsynced");
  EXPECT_EQ(::memdb::testing::DurableConfigName({configs[1], 1}),
            "Serializable_Interval_torn_last_write_512_keep_1_fill_garbage");
}

TEST(TestNamesTest, SanitizeAndCurrentTestName) {
  EXPECT_EQ(::memdb::testing::SanitizeName("torn-last-write(512,keep=1)"),
            "torn_last_write_512_keep_1");
  EXPECT_EQ(::memdb::testing::SanitizeName("--"), "_");
  EXPECT_EQ(::memdb::testing::CurrentTestName(), "TestNamesTest.SanitizeAndCurrentTestName");
  EXPECT_THAT(::memdb::testing::ReplayCommand(7), HasSubstr("MEMDB_SEED=7 "));
  EXPECT_THAT(::memdb::testing::ReplayCommand(7),
              HasSubstr("--gtest_filter='TestNamesTest.SanitizeAndCurrentTestName'"));
}

TEST_P(ParamLedgerTest, CurrentTestNameSanitizesParameterizedNames) {
  EXPECT_THAT(::memdb::testing::CurrentTestName(),
              ::testing::MatchesRegex("Configs_ParamLedgerTest\\."
                                      "CurrentTestNameSanitizesParameterizedNames_[A-Za-z0-9_]+"));
}

}  // namespace
}  // namespace memdb::test
