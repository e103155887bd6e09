// The database matchers and printers: a mismatch is explained key by key, escaped and bounded.
#include "memdb/testing/db_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <string>

#include "memdb/db/db.h"
#include "memdb/testing/printers.h"

namespace memdb::test {
namespace {

using ::memdb::testing::DbContains;
using ::memdb::testing::DbIsEmpty;
using ::memdb::testing::DescribeDiff;
using ::memdb::testing::DiffStates;
using ::memdb::testing::HasEntry;
using ::memdb::testing::HasKey;
using ::memdb::testing::KeyDiff;
using ::memdb::testing::KvState;
using ::memdb::testing::MatchesSnapshot;
using ::testing::HasSubstr;
using ::testing::Not;

class DbMatchersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.Put("acct/a", "100").ok());
    ASSERT_TRUE(db_.Put("acct/b", "50").ok());
  }
  Db db_ = Db::Open({}).value();
};

TEST_F(DbMatchersTest, HasKeyAndHasEntry) {
  EXPECT_THAT(db_, HasKey("acct/a"));
  EXPECT_THAT(db_, Not(HasKey("acct/z")));
  EXPECT_THAT(db_, HasEntry("acct/a", "100"));
  EXPECT_THAT(db_, HasEntry("acct/b", HasSubstr("5")));
  EXPECT_THAT(db_, Not(HasEntry("acct/a", "99")));
  EXPECT_THAT((KvState{{"k", "v"}}), HasEntry("k", "v"));
}

TEST_F(DbMatchersTest, HasKeyFailureNamesTheMissingKey) {
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(db_, HasKey("acct/\x01z")),
                          "which has no key \"acct/\\x01z\"");
}

TEST_F(DbMatchersTest, HasEntryFailureShowsTheValueFound) {
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(db_, HasEntry("acct/a", "99")),
                          "whose key \"acct/a\" holds \"100\"");
}

TEST_F(DbMatchersTest, DbContainsAllowsOtherKeys) {
  EXPECT_THAT(db_, DbContains({{"acct/a", "100"}}));
  EXPECT_THAT(db_, Not(DbContains({{"acct/a", "100"}, {"acct/c", "1"}})));
  EXPECT_THAT(db_, Not(DbIsEmpty()));
  EXPECT_THAT(Db::Open({}).value(), DbIsEmpty());
}

TEST_F(DbMatchersTest, DbContainsFailureIsAKeyLevelDiff) {
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(db_, DbContains({{"acct/a", "90"}, {"acct/c", "1"}})),
                          "differs at 2 keys:\n"
                          "  ~ \"acct/a\": \"100\", expected \"90\"\n"
                          "  - \"acct/c\": missing, expected \"1\"");
}

TEST_F(DbMatchersTest, MatchesSnapshotComparesExactly) {
  const KvState before = {{"acct/a", "100"}, {"acct/b", "50"}};
  EXPECT_THAT(db_, MatchesSnapshot(before));
  Db copy = Db::Open({}).value();
  ASSERT_TRUE(copy.Put("acct/a", "100").ok());
  ASSERT_TRUE(copy.Put("acct/b", "50").ok());
  EXPECT_THAT(db_, MatchesSnapshot(copy));
  ASSERT_TRUE(copy.Put("acct/eve", "5").ok());
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(db_, MatchesSnapshot(copy)),
                          "  - \"acct/eve\": missing, expected \"5\"");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(copy, MatchesSnapshot(before)),
                          "  + \"acct/eve\": unexpected \"5\"");
}

TEST_F(DbMatchersTest, DbIsEmptyFailureListsTheKeys) {
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(db_, DbIsEmpty()), "  + \"acct/a\": unexpected \"100\"");
}

TEST(KvStateTest, DiffIsBoundedAndEscaped) {
  KvState actual;
  for (int i = 0; i < 30; ++i) actual["k" + std::to_string(i + 10)] = std::string("\x00v", 2);
  const std::vector<KeyDiff> diff = DiffStates(actual, {});
  ASSERT_EQ(diff.size(), 30u);
  const std::string text = DescribeDiff(diff, 20);
  EXPECT_THAT(text, HasSubstr("  + \"k10\": unexpected \"\\x00v\"\n"));
  EXPECT_THAT(text, HasSubstr("  ... and 10 more\n"));
  EXPECT_THAT(text, Not(HasSubstr("k39")));
}

TEST(KvStateTest, SubsetDiffIgnoresExtraKeysOnly) {
  const KvState actual = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  EXPECT_TRUE(DiffStates(actual, {{"b", "2"}}, true).empty());
  EXPECT_EQ(DiffStates(actual, {{"b", "2"}}, false).size(), 2u);
  EXPECT_EQ(DiffStates(actual, {{"b", "9"}}, true),
            (std::vector<KeyDiff>{{KeyDiff::Kind::kChanged, "b", "2", "9"}}));
}

TEST(PrintersTest, DbPrintsABoundedEscapedListing) {
  Db db = Db::Open({}).value();
  EXPECT_EQ(::testing::PrintToString(db), "Db with 0 keys {}");
  ASSERT_TRUE(db.Put("a", std::string("\x00\xff", 2)).ok());
  EXPECT_EQ(::testing::PrintToString(db), "Db with 1 key {\"a\"=\"\\x00\\xff\"}");
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(db.Put("k" + std::to_string(i + 10), "v").ok());
  EXPECT_THAT(::testing::PrintToString(db), HasSubstr(", ... 25 more}"));
}

}  // namespace
}  // namespace memdb::test
