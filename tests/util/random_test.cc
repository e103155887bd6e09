// Random: the same seed gives the same sequence everywhere. The golden values below come from
// an independent implementation of splitmix64 seeding + xoshiro256** and Lemire's bounded
// mapping (Python, arbitrary-precision integers), not from this library.
#include "memdb/util/random.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

namespace memdb {
namespace {

TEST(RandomTest, MatchesTheReferenceXoshiro256StarStar) {
  Random r(42);
  EXPECT_EQ(r.seed(), 42u);
  EXPECT_EQ(r.Next(), 0x15780b2e0c2ec716ULL);
  EXPECT_EQ(r.Next(), 0x6104d9866d113a7eULL);
  EXPECT_EQ(r.Next(), 0xae17533239e499a1ULL);
  EXPECT_EQ(r.Next(), 0xecb8ad4703b360a1ULL);
  EXPECT_EQ(r.Next(), 0xfde6dc7fe2ec5e64ULL);
  Random zero(0);
  EXPECT_EQ(zero.Next(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(zero.Next(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(zero.Next(), 0x1a5f849d4933e6e0ULL);
}

TEST(RandomTest, UniformMatchesTheReferenceBoundedMapping) {
  Random r(12345);
  std::vector<uint64_t> got;
  for (int i = 0; i < 10; ++i) got.push_back(r.Uniform(10));
  EXPECT_EQ(got, (std::vector<uint64_t>{7, 1, 9, 0, 5, 0, 1, 2, 3, 9}));
  EXPECT_EQ(r.Uniform(1000003), 781846u);
  EXPECT_EQ(r.Uniform(1000003), 537197u);
  EXPECT_EQ(r.Uniform(1000003), 839543u);
}

TEST(RandomTest, SameSeedSameSequenceDifferentSeedDifferentSequence) {
  Random a(7), b(7), c(8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    differs |= x != c.Next();
  }
  EXPECT_TRUE(differs);
}

TEST(RandomTest, UniformStaysInRangeAndCoversIt) {
  Random r(1);
  EXPECT_EQ(r.Uniform(1), 0u);
  std::vector<int> buckets(6);
  constexpr int kDraws = 60000;
  for (int i = 0; i < kDraws; ++i) {
    const uint64_t x = r.Uniform(6);
    ASSERT_LT(x, 6u);
    ++buckets[x];
  }
  for (int count : buckets) {
    EXPECT_NEAR(count, kDraws / 6, kDraws / 6 / 10) << "far from uniform";
  }
  const uint64_t big = (uint64_t{1} << 63) + 12345;
  for (int i = 0; i < 1000; ++i) ASSERT_LT(r.Uniform(big), big);
}

TEST(RandomTest, RangeIsInclusiveAndHandlesExtremes) {
  Random r(2);
  std::set<int64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const int64_t x = r.Range(-3, 3);
    ASSERT_GE(x, -3);
    ASSERT_LE(x, 3);
    seen.insert(x);
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(r.Range(5, 5), 5);
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  bool negative = false, positive = false;
  for (int i = 0; i < 100; ++i) {
    const int64_t x = r.Range(kMin, kMax);
    negative |= x < 0;
    positive |= x > 0;
  }
  EXPECT_TRUE(negative && positive);
  EXPECT_GE(r.Range(kMax - 1, kMax), kMax - 1);
}

TEST(RandomTest, BernoulliAndNextDoubleRespectTheirBounds) {
  Random r(3);
  int heads = 0;
  for (int i = 0; i < 10000; ++i) {
    EXPECT_FALSE(r.Bernoulli(0.0));
    EXPECT_TRUE(r.Bernoulli(1.0));
    const double d = r.NextDouble();
    ASSERT_GE(d, 0.0);
    ASSERT_LT(d, 1.0);
    heads += r.Bernoulli(0.25);
  }
  EXPECT_NEAR(heads, 2500, 300);
}

TEST(RandomTest, AlphaNumericHasTheLengthAndAlphabet) {
  Random r(4);
  EXPECT_EQ(r.AlphaNumeric(0), "");
  const std::string s = r.AlphaNumeric(5000);
  ASSERT_EQ(s.size(), 5000u);
  std::set<char> chars(s.begin(), s.end());
  for (char c : chars) {
    EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << int{c};
  }
  EXPECT_EQ(chars.size(), 36u);
}

TEST(RandomTest, FreshSeedVariesBetweenCalls) {
  std::set<uint64_t> seeds;
  for (int i = 0; i < 100; ++i) seeds.insert(Random::FreshSeed());
  EXPECT_GT(seeds.size(), 1u);
}

}  // namespace
}  // namespace memdb
