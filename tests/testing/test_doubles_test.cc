// MockKvStore delegates to a real database; RecordingKvStore records the history including
// retried transactions; FaultyKvStore fails commits, keys and writes on command.
#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <string>

#include "memdb/db/db.h"
#include "memdb/testing/db_matchers.h"
#include "memdb/testing/faulty_kv_store.h"
#include "memdb/testing/mock_kv_store.h"
#include "memdb/testing/printers.h"
#include "memdb/testing/recording_kv_store.h"
#include "memdb/testing/status_matchers.h"

namespace memdb::test {
namespace {

using ::memdb::testing::DbContains;
using ::memdb::testing::GlobMatch;
using ::memdb::testing::HasEntry;
using ::memdb::testing::HasKey;
using ::memdb::testing::IsOk;
using ::memdb::testing::IsOkAndHolds;
using ::memdb::testing::StatusIs;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Return;

Status Increment(KvStore& store, const std::string& key) {
  return store.Update([&](KvTransaction& txn) {
    Result<std::string> v = txn.Get(key);
    const int n = v.ok() ? std::stoi(*v) : 0;
    return txn.Put(key, std::to_string(n + 1));
  });
}

TEST(MockKvStoreTest, DelegatesToTheFakeWhileExpectationsCount) {
  ::testing::NiceMock<::memdb::testing::MockKvStore> store;
  store.DelegateToFake();
  EXPECT_CALL(store, Update(_)).Times(2);
  ASSERT_THAT(Increment(store, "n"), IsOk());
  ASSERT_THAT(Increment(store, "n"), IsOk());
  EXPECT_THAT(store.fake(), HasEntry("n", "2"));
  EXPECT_THAT(store.Get("n"), IsOkAndHolds("2"));
}

TEST(MockKvStoreTest, AnExpectationCanOverrideTheFake) {
  ::testing::NiceMock<::memdb::testing::MockKvStore> store;
  store.DelegateToFake();
  EXPECT_CALL(store, Update(_)).WillOnce(Return(Status::IOError("disk full")));
  EXPECT_THAT(Increment(store, "n"), StatusIs(Status::Code::kIOError, "disk full"));
  EXPECT_THAT(store.fake(), Not(HasKey("n")));
}

TEST(MockKvStoreTest, WithoutDelegationCallsSayWhatIsMissing) {
  ::testing::NiceMock<::memdb::testing::MockKvStore> store;
  EXPECT_THAT(store.Get("k"), StatusIs(Status::Code::kInvalidArgument,
                                       HasSubstr("no action for Get: call DelegateToFake()")));
  EXPECT_THAT(store.Put("k", "v"), StatusIs(Status::Code::kInvalidArgument));
}

TEST(MockKvStoreTest, UnmetExpectationFailsTheTest) {
  EXPECT_NONFATAL_FAILURE(
      {
        ::memdb::testing::MockKvStore store;
        store.DelegateToFake();
        EXPECT_CALL(store, Put("k", "v")).Times(1);
      },
      "Actual: never called - unsatisfied and active");
}

TEST(RecordingKvStoreTest, RecordsSingleOperationsAndTransactions) {
  Db db = Db::Open({}).value();
  ::memdb::testing::RecordingKvStore spy(db);
  ASSERT_THAT(spy.Put("a", "1"), IsOk());
  ASSERT_THAT(Increment(spy, "a"), IsOk());
  EXPECT_THAT(spy.Get("zz"), StatusIs(Status::Code::kNotFound));
  ASSERT_THAT(spy.View([](KvTransaction& txn) { return txn.Get("a").status(); }), IsOk());
  EXPECT_THAT(spy.History(), ElementsAre("put(\"a\") OK", "t1 begin", "t1 get(\"a\") OK",
                                         "t1 put(\"a\") OK", "t1 commit OK", "get(\"zz\") NotFound",
                                         "t2 begin read-only", "t2 get(\"a\") OK", "t2 commit OK"));
  EXPECT_EQ(spy.Transaction(1)[1].value, "1");  // what the get read
  EXPECT_EQ(spy.Transaction(1)[2].value, "2");  // what the put wrote
  EXPECT_EQ(spy.transactions(), 2u);
}

TEST(RecordingKvStoreTest, ARetriedUpdateIsTwoTransactions) {
  Db db = Db::Open({}).value();
  ASSERT_THAT(db.Put("n", "0"), IsOk());
  ::memdb::testing::RecordingKvStore spy(db);
  bool interfered = false;
  ASSERT_THAT(spy.Update([&](KvTransaction& txn) {
    Result<std::string> v = txn.Get("n");
    if (!interfered) {  // a concurrent commit between this read and the commit
      interfered = true;
      EXPECT_THAT(db.Put("n", "10"), IsOk());
    }
    return txn.Put("n", std::to_string(std::stoi(*v) + 1));
  }),
              IsOk());
  EXPECT_THAT(spy.History(),
              ElementsAre("t1 begin", "t1 get(\"n\") OK", "t1 put(\"n\") OK", "t1 commit Conflict",
                          "t2 begin", "t2 get(\"n\") OK", "t2 put(\"n\") OK", "t2 commit OK"));
  EXPECT_THAT(db, HasEntry("n", "11"));
}

TEST(RecordingKvStoreTest, ABodyErrorIsARollback) {
  Db db = Db::Open({}).value();
  ::memdb::testing::RecordingKvStore spy(db);
  EXPECT_THAT(spy.Update([](KvTransaction& txn) {
    txn.Put("x", "1").IgnoreError();
    return Status::InvalidArgument("insufficient funds");
  }),
              StatusIs(Status::Code::kInvalidArgument));
  EXPECT_THAT(spy.History(),
              ElementsAre("t1 begin", "t1 put(\"x\") OK", "t1 rollback InvalidArgument"));
  EXPECT_THAT(db, Not(HasKey("x")));
}

TEST(FaultyKvStoreTest, FailNextCommitsFailsExactlyNAndChangesNothing) {
  Db db = Db::Open({}).value();
  ::memdb::testing::FaultyKvStore store(db);
  store.FailNextCommits(2);
  EXPECT_THAT(Increment(store, "n"), StatusIs(Status::Code::kIOError, HasSubstr("injected")));
  EXPECT_THAT(store.Put("m", "1"), StatusIs(Status::Code::kIOError));
  EXPECT_THAT(db, Not(HasKey("n")));
  EXPECT_THAT(db, Not(HasKey("m")));
  EXPECT_THAT(Increment(store, "n"), IsOk());
  EXPECT_THAT(db, HasEntry("n", "1"));
  EXPECT_EQ(store.injected(), 2u);
}

TEST(FaultyKvStoreTest, KeyPatternFailsReadsWritesAndScans) {
  Db db = Db::Open({}).value();
  ASSERT_THAT(db.Put("acct/frozen1", "5"), IsOk());
  ASSERT_THAT(db.Put("acct/ok", "5"), IsOk());
  ::memdb::testing::FaultyKvStore store(db);
  store.FailKeys("acct/frozen*", Status::Busy("frozen"));
  EXPECT_THAT(store.Get("acct/frozen1"), StatusIs(Status::Code::kBusy, "frozen"));
  EXPECT_THAT(store.Get("acct/ok"), IsOkAndHolds("5"));
  EXPECT_THAT(Increment(store, "acct/frozen1"), StatusIs(Status::Code::kBusy));
  EXPECT_THAT(Increment(store, "acct/ok"), IsOk());
  EXPECT_THAT(store.Scan(ScanRange::Prefix("acct/"), [](auto, auto) { return true; }),
              StatusIs(Status::Code::kBusy));
  store.Reset();
  EXPECT_THAT(store.Get("acct/frozen1"), IsOk());
}

TEST(FaultyKvStoreTest, ReadOnlyFailsWritesOnly) {
  Db db = Db::Open({}).value();
  ASSERT_THAT(db.Put("k", "v"), IsOk());
  ::memdb::testing::FaultyKvStore store(db);
  store.SetReadOnly(true);
  EXPECT_THAT(store.Put("k", "w"), StatusIs(Status::Code::kIOError, HasSubstr("read-only")));
  EXPECT_THAT(store.Delete("k"), StatusIs(Status::Code::kIOError));
  EXPECT_THAT(Increment(store, "k2"), StatusIs(Status::Code::kIOError));
  EXPECT_THAT(store.Get("k"), IsOkAndHolds("v"));
  EXPECT_THAT(db, DbContains({{"k", "v"}}));
  store.SetReadOnly(false);
  EXPECT_THAT(store.Put("k", "w"), IsOk());
}

TEST(GlobMatchTest, StarsAndQuestionMarks) {
  EXPECT_TRUE(GlobMatch("acct/*", "acct/"));
  EXPECT_TRUE(GlobMatch("acct/*", "acct/x/y"));
  EXPECT_TRUE(GlobMatch("*frozen*", "acct/frozen1"));
  EXPECT_TRUE(GlobMatch("a?c", "abc"));
  EXPECT_FALSE(GlobMatch("a?c", "ac"));
  EXPECT_FALSE(GlobMatch("acct/*", "acc"));
  EXPECT_TRUE(GlobMatch("*a*b*c", "xxaxxbxxc"));
  EXPECT_FALSE(GlobMatch("*a*b*c", "xxaxxcxxb"));
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "x"));
}

}  // namespace
}  // namespace memdb::test
