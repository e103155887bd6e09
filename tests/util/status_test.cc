#include "memdb/util/status.h"

#include <gtest/gtest.h>

#include "memdb/util/result.h"

namespace memdb {
namespace {

TEST(StatusTest, OkHasNoMessage) {
  Status s = Status::OK();
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  Status s = Status::Conflict("key \"a\" changed");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsConflict());
  EXPECT_EQ(s.code(), Status::Code::kConflict);
  EXPECT_EQ(s.ToString(), "Conflict: key \"a\" changed");
  Status copy = s;
  EXPECT_EQ(copy, s);
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<std::string> good = std::string("v");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, "v");
  Result<std::string> bad = Status::NotFound("nope");
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsNotFound());
  EXPECT_EQ(bad.value_or("fallback"), "fallback");
}

TEST(ResultDeathTest, ValueOfFailedResultAbortsWithStatus) {
  Result<int> bad = Status::Corruption("bad block");
  EXPECT_DEATH((void)bad.value(), "Corruption: bad block");
}

}  // namespace
}  // namespace memdb
