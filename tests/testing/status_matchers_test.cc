// The status matchers: each passes on what it promises and fails with a message that says what
// was returned instead (checked with gtest-spi.h).
#include "memdb/testing/status_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <string>

#include "memdb/testing/printers.h"

namespace memdb::test {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::IsOkAndHolds;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(StatusMatchersTest, IsOkAcceptsOkStatusAndResultWithValue) {
  EXPECT_THAT(Status::OK(), IsOk());
  EXPECT_THAT(Result<int>(7), IsOk());
  EXPECT_THAT(Status::NotFound("x"), Not(IsOk()));
  EXPECT_THAT(Result<int>(Status::Conflict("lost")), Not(IsOk()));
}

TEST(StatusMatchersTest, IsOkFailureNamesTheStatusReturned) {
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(Status::Conflict("key \"a\" changed"), IsOk()),
                          "which is Conflict: key \"a\" changed");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(Result<std::string>(Status::NotFound("no k")), IsOk()),
                          "Expected: is OK");
}

TEST(StatusMatchersTest, StatusIsChecksCodeAndMessage) {
  const Status s = Status::IOError("wal-000001.log: short write");
  EXPECT_THAT(s, StatusIs(Status::Code::kIOError));
  EXPECT_THAT(s, StatusIs(Status::Code::kIOError, HasSubstr("short write")));
  EXPECT_THAT(s, StatusIs(Status::Code::kIOError, "wal-000001.log: short write"));
  EXPECT_THAT(s, Not(StatusIs(Status::Code::kCorruption)));
  EXPECT_THAT(s, Not(StatusIs(Status::Code::kIOError, HasSubstr("checksum"))));
  EXPECT_THAT(Result<int>(Status::Busy("locked")), StatusIs(Status::Code::kBusy, "locked"));
  EXPECT_THAT(Status::OK(), StatusIs(Status::Code::kOk));
}

TEST(StatusMatchersTest, StatusIsFailureShowsWrongCode) {
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(Status::NotFound("no key"), StatusIs(Status::Code::kConflict)),
      "which has code NotFound: NotFound: no key");
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(Status::NotFound("no key"), StatusIs(Status::Code::kConflict)),
      "Expected: has code Conflict");
}

TEST(StatusMatchersTest, StatusIsFailureShowsMessageMismatch) {
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(Status::IOError("disk full"), StatusIs(Status::Code::kIOError, HasSubstr("EIO"))),
      "whose message \"disk full\" does not match");
}

TEST(StatusMatchersTest, IsOkAndHoldsMatchesTheValue) {
  EXPECT_THAT(Result<std::string>(std::string("v1")), IsOkAndHolds("v1"));
  EXPECT_THAT(Result<std::string>(std::string("hello world")), IsOkAndHolds(HasSubstr("world")));
  EXPECT_THAT(Result<int>(3), IsOkAndHolds(::testing::Gt(2)));
  EXPECT_THAT(Result<int>(3), Not(IsOkAndHolds(4)));
  EXPECT_THAT(Result<int>(Status::NotFound("x")), Not(IsOkAndHolds(::testing::_)));
}

TEST(StatusMatchersTest, IsOkAndHoldsFailureShowsTheValueOrTheError) {
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(Result<std::string>(std::string("v2")), IsOkAndHolds("v1")),
                          "which holds \"v2\"");
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(Result<std::string>(Status::NotFound("no key k")), IsOkAndHolds("v1")),
      "which is not OK: NotFound: no key k");
  EXPECT_NONFATAL_FAILURE(
      EXPECT_THAT(Result<std::string>(Status::NotFound("no key k")), IsOkAndHolds("v1")),
      "Expected: is OK and holds a value that is equal to \"v1\"");
}

TEST(StatusMatchersTest, ResultsPrintTheirValueOrStatus) {
  EXPECT_EQ(::testing::PrintToString(Result<std::string>(std::string("v"))), "OK: \"v\"");
  EXPECT_EQ(::testing::PrintToString(Result<int>(Status::Conflict("lost"))), "Conflict: lost");
  EXPECT_EQ(::testing::PrintToString(Status::OK()), "OK");
}

}  // namespace
}  // namespace memdb::test
