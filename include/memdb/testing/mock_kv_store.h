// MockKvStore: a GoogleMock mock of KvStore whose calls, by default, go to a real in-memory
// database -- GoogleMock's "delegating calls to a fake" pattern. Set expectations on the calls
// the code under test makes while the state it reads and writes stays real:
//
//   memdb::testing::MockKvStore store;
//   store.DelegateToFake();
//   EXPECT_CALL(store, Update(_)).Times(1);     // the transfer is one transaction
//   bank::Bank bank(store);
//   ASSERT_THAT(bank.Transfer("a", "b", 50), IsOk());
//   EXPECT_THAT(store.fake(), DbContains({{"acct/b", "50"}}));
//
// Without DelegateToFake (or an action set by the test), a call returns InvalidArgument
// ("MockKvStore: no action for Get: call DelegateToFake() or give the expectation an action").
// Mock a failure the usual way: EXPECT_CALL(store, Update(_)).WillOnce(Return(
// Status::IOError("disk full"))). Wrap in ::testing::NiceMock to silence uninteresting calls.
//
// Thread safety: as GoogleMock's (calls from several threads are fine; set expectations first).
#ifndef MEMDB_TESTING_MOCK_KV_STORE_H_
#define MEMDB_TESTING_MOCK_KV_STORE_H_

#include <gmock/gmock.h>

#include <string>
#include <string_view>

#include "memdb/db/db.h"
#include "memdb/db/kv_store.h"

namespace memdb::testing {

class MockKvStore : public KvStore {
 public:
  // The fake is opened with `fake_options` (an in-memory database unless a path is given).
  explicit MockKvStore(const Options& fake_options = Options{});
  ~MockKvStore() override;

  MOCK_METHOD(Result<std::string>, Get, (std::string_view key), (override));
  MOCK_METHOD(Status, Put, (std::string_view key, std::string_view value), (override));
  MOCK_METHOD(Status, Delete, (std::string_view key), (override));
  MOCK_METHOD(Status, Scan, (const ScanRange& range, const ScanVisitor& visit), (override));
  MOCK_METHOD(Status, Update, (const TxnBody& body), (override));
  MOCK_METHOD(Status, View, (const TxnBody& body), (override));

  // Makes every method, by default, call the same method of fake(). Expectations set with
  // EXPECT_CALL and no action of their own then delegate as well.
  void DelegateToFake();
  // The real database behind the mock; reading it does not touch the mock's expectations.
  Db& fake() { return fake_; }

 private:
  Db fake_;
};

}  // namespace memdb::testing

#endif  // MEMDB_TESTING_MOCK_KV_STORE_H_
