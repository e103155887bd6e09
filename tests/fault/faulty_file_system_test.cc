// Fault plans on one FaultyFileSystem: crashes at named points and storage operations, I/O
// errors, short writes, fsyncgate -- each gives a clear error and loses no acknowledged commit.
#include "memdb/fault/faulty_file_system.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/testing/status_matchers.h"
#include "support/db_options.h"
#include "support/test_support.h"

namespace memdb::test {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;

std::string Key(int i) { return "key" + std::to_string(i); }

TEST(FaultyFileSystemTest, CrashAtANamedPointFailsTheCommitAndStopsTheMachine) {
  auto fs = std::make_shared<FaultyFileSystem>();
  fs->SetPlan(FaultPlan().CrashAtPoint("wal.sync.before", 3));
  {
    Db db = Db::Open(DurableOptions(fs)).value();
    ASSERT_THAT(db.Put("a", "1"), IsOk());
    ASSERT_THAT(db.Put("b", "2"), IsOk());
    EXPECT_THAT(db.Put("c", "3"), StatusIs(Status::Code::kIOError, HasSubstr("wal.sync.before")));
    EXPECT_TRUE(fs->crashed());
    EXPECT_THAT(db.Put("d", "4"), StatusIs(Status::Code::kIOError, HasSubstr("read-only")));
    EXPECT_TRUE(db.Get("c").status().IsNotFound()) << "a failed commit is never visible";
  }
  ASSERT_EQ(fs->injected().size(), 1u);
  fs->Restart();
  Db db = Db::Open(DurableOptions(fs)).value();
  EXPECT_EQ(db.Get("a").value(), "1");
  EXPECT_EQ(db.Get("b").value(), "2");
  EXPECT_TRUE(db.Get("c").status().IsNotFound());
}

// Every documented point: a crash there fails the operation in flight with a clear error, and
// recovery keeps every commit acknowledged before it.
class CrashPointTest : public ::testing::TestWithParam<const char*> {};

TEST_P(CrashPointTest, CrashThereKeepsEveryAcknowledgedCommit) {
  auto fs = std::make_shared<FaultyFileSystem>();
  fs->SetPlan(FaultPlan().CrashAtPoint(GetParam(), 2));
  Options options = DurableOptions(fs);
  options.wal_segment_bytes = 200;  // segment switches every few commits
  std::vector<std::string> acknowledged;
  {
    Db db = Db::Open(options).value();
    for (int i = 0; i < 20 && !fs->crashed(); ++i) {
      Status s = db.Put(Key(i), std::string(40, 'v'));
      if (s.ok()) acknowledged.push_back(Key(i));
      if (i % 5 == 4) db.Checkpoint().IgnoreError();
    }
  }
  ASSERT_TRUE(fs->crashed()) << GetParam() << " was never passed";
  EXPECT_NE(fs->injected().front().find(GetParam()), std::string::npos);
  fs->Restart();
  Result<Db> db = Db::Open(options);
  ASSERT_THAT(db.status(), IsOk());
  for (const std::string& key : acknowledged) {
    EXPECT_TRUE(db->Get(key).ok()) << key << " was acknowledged and lost";
  }
}

INSTANTIATE_TEST_SUITE_P(Points, CrashPointTest,
                         ::testing::Values("wal.append.before", "wal.append.after",
                                           "wal.sync.before", "wal.sync.after",
                                           "commit.publish.before", "wal.segment.create.before",
                                           "wal.segment.dirsync.before", "checkpoint.write.before",
                                           "checkpoint.sync.before", "checkpoint.rename.before",
                                           "checkpoint.dirsync.before",
                                           "checkpoint.cleanup.before"),
                         [](const ::testing::TestParamInfo<const char*>& p) {
                           std::string name = p.param;
                           for (char& c : name) {
                             if (c == '.') c = '_';
                           }
                           return name;
                         });

TEST(FaultyFileSystemTest, ErrorsOnTheLogMakeTheDatabaseReadOnlyAndLoseNothing) {
  for (FaultAction action :
       {FaultAction::kIoError, FaultAction::kNoSpace, FaultAction::kShortWrite}) {
    SCOPED_TRACE(std::string(FaultActionName(action)));
    auto fs = std::make_shared<FaultyFileSystem>();
    fs->SetPlan(FaultPlan().FailOp(StorageOp::kAppend, 3, action, "wal-"));
    {
      Db db = Db::Open(DurableOptions(fs)).value();
      ASSERT_THAT(db.Put("a", "1"), IsOk());
      ASSERT_THAT(db.Put("b", "2"), IsOk());
      const std::string expected =
          action == FaultAction::kIoError ? "Input/output error" : "No space left on device";
      EXPECT_THAT(db.Put("c", "3"), StatusIs(Status::Code::kIOError, HasSubstr(expected)));
      EXPECT_THAT(db.WriteStatus(), StatusIs(Status::Code::kIOError, HasSubstr("read-only")));
      EXPECT_EQ(db.Get("b").value(), "2");
    }
    Db db = Db::Open(DurableOptions(fs)).value();  // no crash: the machine still runs
    EXPECT_EQ(db.Get("a").value(), "1");
    EXPECT_EQ(db.Get("b").value(), "2");
    EXPECT_TRUE(db.Get("c").status().IsNotFound());
    if (action == FaultAction::kShortWrite) {
      EXPECT_GT(db.recovery_report().torn_tail_bytes, 0u) << db.recovery_report().ToString();
    }
  }
}

TEST(FaultyFileSystemTest, FsyncgateDropsTheDirtyDataAndTheNextSyncSucceeds) {
  auto fs = std::make_shared<FaultyFileSystem>();
  ASSERT_THAT(fs->CreateDir("d"), IsOk());
  auto file = fs->NewWritableFile("d/f").value();
  ASSERT_THAT(fs->SyncDir("d"), IsOk());
  ASSERT_THAT(file->Append("abc"), IsOk());
  ASSERT_THAT(file->Sync(), IsOk());
  ASSERT_THAT(file->Append("def"), IsOk());
  fs->SetPlan(FaultPlan().FailOp(StorageOp::kSync, 1, FaultAction::kFsyncgate));
  EXPECT_THAT(file->Sync(), StatusIs(Status::Code::kIOError, HasSubstr("Input/output error")));
  EXPECT_THAT(file->Sync(), IsOk()) << "Linux reports a writeback error once";
  std::string contents;
  ASSERT_THAT(fs->ReadFile("d/f", &contents), IsOk());
  EXPECT_EQ(contents, "abcdef") << "the dropped pages stay readable until the crash";
  fs->Restart();
  ASSERT_THAT(fs->ReadFile("d/f", &contents), IsOk());
  EXPECT_EQ(Show(contents), Show(std::string("abc\0\0\0", 6)))
      << "the data the failed sync covered never reached the disk";
}

TEST(FaultyFileSystemTest, FsyncgateOnTheLogLosesNoAcknowledgedCommit) {
  auto fs = std::make_shared<FaultyFileSystem>();
  fs->SetPlan(FaultPlan().FailOp(StorageOp::kSync, 3, FaultAction::kFsyncgate, "wal-"));
  {
    Db db = Db::Open(DurableOptions(fs)).value();
    ASSERT_THAT(db.Put("a", "1"), IsOk());
    ASSERT_THAT(db.Put("b", "2"), IsOk());
    EXPECT_THAT(db.Put("c", "3"), StatusIs(Status::Code::kIOError));
    EXPECT_THAT(db.Put("d", "4"), StatusIs(Status::Code::kIOError, HasSubstr("never retried")));
  }
  fs->Restart();
  Db db = Db::Open(DurableOptions(fs)).value();
  EXPECT_EQ(db.Get("a").value(), "1");
  EXPECT_EQ(db.Get("b").value(), "2");
  EXPECT_TRUE(db.Get("d").status().IsNotFound());
}

// A lost or misdirected write of a synced log record is damage to durable data: records after
// it say their segment was synced past it, so recovery reports Corruption at its offset instead
// of discarding acknowledged commits as a torn tail.
class SilentWriteFaultTest : public ::testing::TestWithParam<FaultAction> {};

TEST_P(SilentWriteFaultTest, DamageToASyncedRecordIsCorruptionNamingItsOffset) {
  auto fs = std::make_shared<FaultyFileSystem>();
  fs->SetPlan(FaultPlan().FailOp(StorageOp::kAppend, 40, GetParam(), "wal-"));
  uint64_t damaged_at = 0;
  {
    Db db = Db::Open(DurableOptions(fs)).value();
    for (int i = 0; i < 50; ++i) {
      if (i == 39) damaged_at = fs->FileSize("db/wal-000001.log").value();
      ASSERT_THAT(db.Put(Key(i), std::string(150, 'v')), IsOk()) << "the fault is silent";
    }
  }
  ASSERT_EQ(fs->injected().size(), 1u);
  fs->Restart();
  // A lost write damages its own record; a misdirected one first the record 4 KiB earlier,
  // which it overwrote.
  const bool lost = GetParam() == FaultAction::kLostWrite;
  const Status opened = Db::Open(DurableOptions(fs)).status();
  EXPECT_THAT(opened,
              StatusIs(Status::Code::kCorruption,
                       HasSubstr(lost ? "wal-000001.log at offset " + std::to_string(damaged_at)
                                      : "wal-000001.log at offset ")));
  // Point-in-time recovery keeps the commits before the first damaged record.
  Options options = DurableOptions(fs);
  options.recovery_mode = RecoveryMode::kPointInTime;
  Db db = Db::Open(options).value();
  if (lost) {
    EXPECT_EQ(db.GetStats().live_keys, 39u) << db.recovery_report().ToString();
  } else {
    EXPECT_LT(db.GetStats().live_keys, 39u) << db.recovery_report().ToString();
    EXPECT_GT(db.GetStats().live_keys, 0u) << db.recovery_report().ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(Faults, SilentWriteFaultTest,
                         ::testing::Values(FaultAction::kLostWrite, FaultAction::kMisdirectedWrite),
                         [](const ::testing::TestParamInfo<FaultAction>& p) {
                           return p.param == FaultAction::kLostWrite ? "LostWrite"
                                                                     : "MisdirectedWrite";
                         });

TEST(FaultyFileSystemTest, CrashModelsAreSelectablePerFile) {
  auto fs = std::make_shared<FaultyFileSystem>();
  ASSERT_THAT(fs->CreateDir("d"), IsOk());
  auto log = fs->NewWritableFile("d/wal-1.log").value();
  auto other = fs->NewWritableFile("d/data").value();
  ASSERT_THAT(fs->SyncDir("d"), IsOk());
  ASSERT_THAT(log->Append("0123456789"), IsOk());
  ASSERT_THAT(other->Append("abcdefghij"), IsOk());
  CrashModel keep_three;
  keep_three.kind = CrashModel::Kind::kBytePrefix;
  keep_three.keep = 3;
  CrashModel keep_all;
  keep_all.kind = CrashModel::Kind::kKeepUnsynced;
  fs->Restart(keep_all, {{"wal-", keep_three}});
  std::string contents;
  ASSERT_THAT(fs->ReadFile("d/wal-1.log", &contents), IsOk());
  EXPECT_EQ(contents, "012");
  ASSERT_THAT(fs->ReadFile("d/data", &contents), IsOk());
  EXPECT_EQ(contents, "abcdefghij");
}

TEST(FaultyFileSystemTest, ReadErrorDuringRecoveryFailsOpenAndChangesNothing) {
  auto fs = std::make_shared<FaultyFileSystem>();
  {
    Db db = Db::Open(DurableOptions(fs)).value();
    ASSERT_THAT(db.Put("a", "1"), IsOk());
  }
  fs->SetPlan(FaultPlan().FailOp(StorageOp::kRead, 1, FaultAction::kIoError, "wal-"));
  EXPECT_THAT(Db::Open(DurableOptions(fs)).status(),
              StatusIs(Status::Code::kIOError, HasSubstr("wal-")));
  fs->SetPlan(FaultPlan());
  Db db = Db::Open(DurableOptions(fs)).value();
  EXPECT_EQ(db.Get("a").value(), "1");
}

TEST(FaultyFileSystemTest, PlansAreScopedToTheirFileSystem) {
  auto faulty = std::make_shared<FaultyFileSystem>();
  auto healthy = std::make_shared<FaultyFileSystem>();
  faulty->SetPlan(FaultPlan().CrashAtPoint("wal.sync.before", 1));
  Db a = Db::Open(DurableOptions(faulty)).value();
  Db b = Db::Open(DurableOptions(healthy)).value();
  EXPECT_THAT(a.Put("k", "v"), StatusIs(Status::Code::kIOError, HasSubstr("simulated crash")));
  EXPECT_THAT(b.Put("k", "v"), IsOk());
  EXPECT_FALSE(healthy->crashed());
}

TEST(FaultyFileSystemTest, ProbabilisticFaultsReplayFromTheSeed) {
  auto run = [](uint64_t seed) {
    auto fs = std::make_shared<FaultyFileSystem>();
    fs->SetPlan(
        FaultPlan().FailOpRandomly(StorageOp::kAppend, 0.3, FaultAction::kIoError).Seed(seed));
    auto file = fs->NewWritableFile("f").value();
    std::string outcomes;
    for (int i = 0; i < 64; ++i) outcomes += file->Append("x").ok() ? '.' : 'E';
    return outcomes;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
  EXPECT_NE(run(7).find('E'), std::string::npos);
}

}  // namespace
}  // namespace memdb::test
