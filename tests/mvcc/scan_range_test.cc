// ScanRange: half-open [begin, end) ranges, prefixes (including 0xff bytes), and reversal.
#include "memdb/mvcc/scan_range.h"

#include <gtest/gtest.h>

#include <string>

namespace memdb {
namespace {

TEST(ScanRangeTest, PrefixEndIncrementsTheLastByteBelowFF) {
  ScanRange r = ScanRange::Prefix("user:");
  EXPECT_EQ(r.begin, "user:");
  EXPECT_TRUE(r.has_end);
  EXPECT_EQ(r.end, "user;");
  EXPECT_FALSE(r.reverse);

  r = ScanRange::Prefix("a\xff");
  EXPECT_TRUE(r.has_end);
  EXPECT_EQ(r.end, "b");

  r = ScanRange::Prefix("ab\xff\xff");
  EXPECT_TRUE(r.has_end);
  EXPECT_EQ(r.end, "ac");

  r = ScanRange::Prefix(std::string("a\xfe", 2));
  EXPECT_TRUE(r.has_end);
  EXPECT_EQ(r.end, "a\xff");
}

TEST(ScanRangeTest, PrefixOfOnlyFFBytesOrEmptyIsUnbounded) {
  for (const std::string& p : {std::string(), std::string("\xff"), std::string("\xff\xff\xff")}) {
    const ScanRange r = ScanRange::Prefix(p);
    EXPECT_EQ(r.begin, p);
    EXPECT_FALSE(r.has_end) << "prefix of " << p.size() << " bytes";
  }
}

TEST(ScanRangeTest, PrefixContainsExactlyTheKeysStartingWithIt) {
  const ScanRange r = ScanRange::Prefix("a\xff");
  EXPECT_TRUE(r.Contains("a\xff"));
  EXPECT_TRUE(r.Contains(std::string("a\xff\x00", 3)));
  EXPECT_TRUE(r.Contains("a\xff\xff\xff"));
  EXPECT_FALSE(r.Contains("a"));
  EXPECT_FALSE(r.Contains("a\xfe\xff"));
  EXPECT_FALSE(r.Contains("b"));
  const ScanRange ff = ScanRange::Prefix("\xff\xff");
  EXPECT_TRUE(ff.Contains("\xff\xff"));
  EXPECT_TRUE(ff.Contains("\xff\xff\x01"));
  EXPECT_FALSE(ff.Contains("\xff\xfe"));
  EXPECT_FALSE(ff.Contains("\xff"));
}

TEST(ScanRangeTest, BetweenIsHalfOpenAndComparesUnsignedBytes) {
  const ScanRange r = ScanRange::Between("b", "d");
  EXPECT_FALSE(r.Contains("a"));
  EXPECT_TRUE(r.Contains("b"));
  EXPECT_TRUE(r.Contains("c\xff"));
  EXPECT_FALSE(r.Contains("d"));
  EXPECT_FALSE(r.Contains("\xff")) << "0xff sorts after 'd', not before (signed char)";
  const ScanRange empty = ScanRange::Between("x", "x");
  EXPECT_FALSE(empty.Contains("x"));
  const ScanRange inverted = ScanRange::Between("x", "a");
  EXPECT_FALSE(inverted.Contains("m"));
  EXPECT_FALSE(inverted.Contains("x"));
}

TEST(ScanRangeTest, AllAndFromAreUnboundedAbove) {
  EXPECT_TRUE(ScanRange::All().Contains(""));
  EXPECT_TRUE(ScanRange::All().Contains("\xff\xff\xff"));
  const ScanRange from = ScanRange::From("m");
  EXPECT_FALSE(from.has_end);
  EXPECT_FALSE(from.Contains("l\xff"));
  EXPECT_TRUE(from.Contains("m"));
  EXPECT_TRUE(from.Contains("\xff"));
}

TEST(ScanRangeTest, ReversedFlipsOnlyTheDirection) {
  const ScanRange r = ScanRange::Between("a", "c");
  const ScanRange rev = r.Reversed();
  EXPECT_TRUE(rev.reverse);
  EXPECT_EQ(rev.begin, r.begin);
  EXPECT_EQ(rev.end, r.end);
  EXPECT_EQ(rev.has_end, r.has_end);
  EXPECT_FALSE(rev.Reversed().reverse);
  EXPECT_TRUE(rev.Contains("b"));
}

}  // namespace
}  // namespace memdb
