// The bank's test suite: one example of each thing memdb::testing offers, to copy from.
#include "bank.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "memdb/memdb.h"
#include "memdb/sim/database.h"
#include "memdb/testing/testing.h"

namespace bank {
namespace {

using memdb::IsolationLevel;
using memdb::Status;
using memdb::testing::DbContains;
using memdb::testing::IsOk;
using memdb::testing::IsOkAndHolds;
using memdb::testing::MatchesSnapshot;
using memdb::testing::StatusIs;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;

// 1. A plain fixture: a fresh in-memory database per test.
class BankTest : public memdb::testing::DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();  // opens db(): not available in the constructor or member initializers
    ASSERT_THAT(bank().OpenAccount("alice", 100), IsOk());
    ASSERT_THAT(bank().OpenAccount("bob", 50), IsOk());
  }
  Bank bank() { return Bank(db()); }  // a Bank is a cheap handle on the store
};

TEST_F(BankTest, TransferMovesMoney) {
  ASSERT_THAT(bank().Transfer("alice", "bob", 30), IsOk());
  EXPECT_THAT(bank().Balance("alice"), IsOkAndHolds(70));
  EXPECT_THAT(db(), DbContains({{"acct/alice", "70"}, {"acct/bob", "80"}}));
}

TEST_F(BankTest, OverdraftIsRefusedAndChangesNothing) {
  const memdb::testing::KvState before = memdb::testing::ReadState(db()).value();
  EXPECT_THAT(bank().Transfer("bob", "alice", 51),
              StatusIs(Status::Code::kInvalidArgument, HasSubstr("insufficient funds")));
  EXPECT_THAT(db(), MatchesSnapshot(before));
}

TEST_F(BankTest, UnknownAccountIsNotFound) {
  EXPECT_THAT(bank().Transfer("alice", "carol", 1), StatusIs(Status::Code::kNotFound));
}

// A golden file: the whole state after a day of transfers must equal the checked-in
// golden/BankTest.DayOfTransfersEndsInTheGoldenState.golden beside this file. A mismatch fails
// with a key-level diff and leaves NAME.golden.new; MEMDB_UPDATE_GOLDEN=1 rewrites the golden.
TEST_F(BankTest, DayOfTransfersEndsInTheGoldenState) {
  ASSERT_THAT(bank().Transfer("alice", "bob", 30), IsOk());
  ASSERT_THAT(bank().Transfer("bob", "alice", 5), IsOk());
  ASSERT_THAT(bank().OpenAccount("carol", 0), IsOk());
  ASSERT_THAT(bank().Transfer("alice", "carol", 25), IsOk());
  ExpectGoldenAtEnd();
}

// 2. A mock with expectations: calls are checked, the state stays real.
TEST(BankMockTest, ATransferIsExactlyOneTransaction) {
  ::testing::NiceMock<memdb::testing::MockKvStore> store;
  store.DelegateToFake();
  Bank bank(store);
  ASSERT_THAT(bank.OpenAccount("alice", 100), IsOk());
  ASSERT_THAT(bank.OpenAccount("bob", 0), IsOk());
  EXPECT_CALL(store, Update(_)).Times(1);
  EXPECT_CALL(store, Put(_, _)).Times(0);  // never outside a transaction
  ASSERT_THAT(bank.Transfer("alice", "bob", 40), IsOk());
  EXPECT_THAT(store.fake(), DbContains({{"acct/alice", "60"}, {"acct/bob", "40"}}));
}

TEST(BankMockTest, AStoreErrorReachesTheCaller) {
  ::testing::NiceMock<memdb::testing::MockKvStore> store;
  store.DelegateToFake();
  Bank bank(store);
  EXPECT_CALL(store, Update(_)).WillOnce(Return(Status::IOError("disk full")));
  EXPECT_THAT(bank.Transfer("alice", "bob", 40), StatusIs(Status::Code::kIOError, "disk full"));
}

// The spy and the faulty store: what the bank asked of the store, and how it copes with failure.
TEST(BankDoublesTest, TransferReadsBothAccountsBeforeWriting) {
  memdb::Db db = memdb::Db::Open({}).value();
  Bank(db).OpenAccount("a", 10).IgnoreError();
  Bank(db).OpenAccount("b", 0).IgnoreError();
  memdb::testing::RecordingKvStore spy(db);
  ASSERT_THAT(Bank(spy).Transfer("a", "b", 10), IsOk());
  EXPECT_THAT(spy.History(), ::testing::ElementsAre(
                                 "t1 begin", "t1 get(\"acct/a\") OK", "t1 get(\"acct/b\") OK",
                                 "t1 put(\"acct/a\") OK", "t1 put(\"acct/b\") OK", "t1 commit OK"));
}

TEST(BankDoublesTest, AFailedCommitMovesNothing) {
  memdb::Db db = memdb::Db::Open({}).value();
  Bank(db).OpenAccount("a", 10).IgnoreError();
  Bank(db).OpenAccount("b", 0).IgnoreError();
  memdb::testing::FaultyKvStore store(db);
  store.FailNextCommits(1);
  EXPECT_THAT(Bank(store).Transfer("a", "b", 10), StatusIs(Status::Code::kIOError));
  EXPECT_THAT(db, DbContains({{"acct/a", "10"}, {"acct/b", "0"}}));
}

// 3. A crash in the middle of a transfer, then recovery and the invariant: no money is created
// or lost, and the transfer is all or nothing. Over sync modes and crash models.
class BankCrashTest : public memdb::testing::DurableDbParamTest {};

TEST_P(BankCrashTest, CrashMidTransferKeepsTheTotal) {
  ASSERT_THAT(Bank(db()).OpenAccount("alice", 100), IsOk());
  ASSERT_THAT(Bank(db()).OpenAccount("bob", 100), IsOk());
  ASSERT_THAT(db().SyncLog(), IsOk());
  // The power fails after the transfer's log record is written, before it is synced.
  SetFaultPlan(memdb::FaultPlan().CrashAtPoint("wal.append.after"));
  Bank(db()).Transfer("alice", "bob", 30).IgnoreError();  // fails, or returns before the sync
  EXPECT_THAT(file_system().injected(), ::testing::SizeIs(1));  // the crash did happen
  ASSERT_THAT(CrashAndRecover(), IsOk());
  Bank bank(db());  // the database was replaced
  EXPECT_THAT(bank.TotalDeposits(), IsOkAndHolds(200));
  const int64_t alice = bank.Balance("alice").value();
  EXPECT_TRUE(alice == 100 || alice == 70) << "partial transfer: alice has " << alice;
}

INSTANTIATE_TEST_SUITE_P(
    Models, BankCrashTest,
    ::testing::ValuesIn(memdb::testing::DurableConfigs(
        {IsolationLevel::kSerializable}, {memdb::SyncMode::kAlways, memdb::SyncMode::kNone},
        {memdb::CrashModel{}, memdb::CrashModel::Parse("keep-unsynced").value(),
         memdb::CrashModel::Parse("torn-last-write(512,keep=0,fill=garbage)").value()})),
    memdb::testing::DurableConfigName);

// 4. A forced interleaving: both transfers read alice's balance before either commits. First
// committer wins; the other's commit conflicts, its Update runs again and finds too little left.
class BankRaceTest : public memdb::testing::SimulationTest {};

TEST_F(BankRaceTest, TwoTransfersFromOneAccountCannotBothSpendIt) {
  memdb::Db db = memdb::Db::Open({}).value();
  Bank bank(db);
  ASSERT_THAT(bank.OpenAccount("alice", 100), IsOk());
  ASSERT_THAT(bank.OpenAccount("bob", 0), IsOk());
  ASSERT_THAT(bank.OpenAccount("carol", 0), IsOk());
  memdb::sim::ScheduledDatabase scheduled(db);
  Status to_bob, to_carol;
  Spawn("t1", [&] { to_bob = bank.Transfer("alice", "bob", 60); });
  Spawn("t2", [&] { to_carol = bank.Transfer("alice", "carol", 60); });
  Order("t2:get(acct/alice)#1", "t1:commit#1");
  Order("t1:get(acct/alice)#1", "t2:commit#1");
  const memdb::sim::RunResult run = RunAll();
  EXPECT_THAT(run.trace, HasSubstr("commit"));
  EXPECT_NE(to_bob.ok(), to_carol.ok()) << "bob: " << to_bob << ", carol: " << to_carol;
  EXPECT_THAT(to_bob.ok() ? to_carol : to_bob, StatusIs(Status::Code::kInvalidArgument));
  EXPECT_THAT(bank.Balance("alice"), IsOkAndHolds(40));
  EXPECT_THAT(bank.TotalDeposits(), IsOkAndHolds(100));
}

// 5. An exploration over seeds: no schedule of two concurrent withdrawals may take a customer
// below zero. Serializable passes; snapshot isolation has the write-skew bug, and its instance
// is DISABLED_ so that the suite passes: run it with --gtest_also_run_disabled_tests to watch it
// fail with a seed, and MEMDB_SEED=<seed> to replay the same failing schedule
// (examples/bank/replay_check.sh does both).
class WithdrawRaceTest : public memdb::testing::SimulationTest,
                         public ::testing::WithParamInterface<IsolationLevel> {};

TEST_P(WithdrawRaceTest, NoScheduleOverdrawsACustomer) {
  const IsolationLevel isolation = GetParam();
  memdb::sim::ExploreOptions options;
  options.iterations = 2000;
  Explore(
      [isolation](memdb::sim::Simulation& s) {
        memdb::Options db_options;
        db_options.default_isolation = isolation;
        memdb::Db db = memdb::Db::Open(db_options).value();
        Bank bank(db);
        ASSERT_THAT(bank.OpenAccount("alice.checking", 100), IsOk());
        ASSERT_THAT(bank.OpenAccount("alice.savings", 100), IsOk());
        memdb::sim::ScheduledDatabase scheduled(db);
        s.Spawn("t1", [&] { bank.Withdraw("alice", "checking", 150).IgnoreError(); });
        s.Spawn("t2", [&] { bank.Withdraw("alice", "savings", 150).IgnoreError(); });
        s.Run();
        EXPECT_THAT(bank.TotalDeposits(), IsOkAndHolds(::testing::Ge(0)))
            << "write skew: both withdrawals saw the other account's old balance";
      },
      options);
}

std::string IsolationName(const ::testing::TestParamInfo<IsolationLevel>& info) {
  return info.param == IsolationLevel::kSerializable ? "Serializable" : "Snapshot";
}

INSTANTIATE_TEST_SUITE_P(Serializable, WithdrawRaceTest,
                         ::testing::Values(IsolationLevel::kSerializable), IsolationName);
INSTANTIATE_TEST_SUITE_P(DISABLED_SnapshotIsolationBug, WithdrawRaceTest,
                         ::testing::Values(IsolationLevel::kSnapshot), IsolationName);

}  // namespace
}  // namespace bank
