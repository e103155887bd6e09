// DbTest: a fresh in-memory database for every test.
//
//   class AccountTest : public memdb::testing::DbTest {};
//   TEST_F(AccountTest, DepositIsVisible) {
//     ASSERT_THAT(db().Put("acct/a", "100"), IsOk());
//     EXPECT_THAT(db(), HasEntry("acct/a", "100"));
//   }
//
// Options per suite: override MakeOptions() (for example to default to serializable isolation).
// The database is opened in SetUp -- a suite that overrides SetUp calls DbTest::SetUp() first --
// and closed in TearDown. An Open failure (invalid options) is a fatal failure of the test.
// Cost: set-up plus tear-down is a few microseconds (docs/testing.md, "Cost").
#ifndef MEMDB_TESTING_DB_TEST_H_
#define MEMDB_TESTING_DB_TEST_H_

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "memdb/db/db.h"
#include "memdb/db/options.h"
#include "memdb/testing/golden_at_end.h"

namespace memdb::testing {

// Golden files at the end of a test: ExpectGoldenAtEnd, CompareWithGoldenAtEnd (GoldenFixture).
class DbTest : public GoldenFixture {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The options of the database SetUp opens; Options{} by default. Must keep `path` empty: an
  // in-memory database (DurableDbTest is the durable fixture).
  virtual Options MakeOptions() const { return Options{}; }

  // The database of this test. Requires a successful SetUp.
  Db& db();

 private:
  std::optional<Db> db_;
};

}  // namespace memdb::testing

#endif  // MEMDB_TESTING_DB_TEST_H_
