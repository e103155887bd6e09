// Byte coding: fixed-width little-endian integers, varints, length-prefixed strings, and the
// parsers' refusal of truncated or malformed input.
#include "util/coding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/util/random.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using memdb::test::SeedTrace;
using memdb::test::Show;
using memdb::test::TestSeed;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (const int b : bytes) s += static_cast<char>(b);
  return s;
}

TEST(CodingTest, FixedIntegersAreLittleEndian) {
  std::string s;
  PutFixed32(&s, 0x04030201u);
  PutFixed64(&s, 0x0807060504030201ull);
  EXPECT_EQ(Show(s), Show(Bytes({1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8})));
  EXPECT_EQ(DecodeFixed32(s.data()), 0x04030201u);
  EXPECT_EQ(DecodeFixed64(s.data() + 4), 0x0807060504030201ull);
  // Unaligned positions decode too.
  char buf[16] = {};
  EncodeFixed64(buf + 3, 0xfedcba9876543210ull);
  EXPECT_EQ(DecodeFixed64(buf + 3), 0xfedcba9876543210ull);
  EncodeFixed32(buf + 1, 0xdeadbeefu);
  EXPECT_EQ(DecodeFixed32(buf + 1), 0xdeadbeefu);
}

TEST(CodingTest, FixedIntegersRoundTripThroughAView) {
  std::string s;
  for (uint32_t v : {0u, 1u, 0xffu, 0x100u, 0xffffffffu}) PutFixed32(&s, v);
  for (uint64_t v : {uint64_t{0}, uint64_t{1} << 40, std::numeric_limits<uint64_t>::max()}) {
    PutFixed64(&s, v);
  }
  std::string_view in = s;
  uint32_t v32;
  uint64_t v64;
  for (uint32_t v : {0u, 1u, 0xffu, 0x100u, 0xffffffffu}) {
    ASSERT_TRUE(GetFixed32(&in, &v32));
    EXPECT_EQ(v32, v);
  }
  for (uint64_t v : {uint64_t{0}, uint64_t{1} << 40, std::numeric_limits<uint64_t>::max()}) {
    ASSERT_TRUE(GetFixed64(&in, &v64));
    EXPECT_EQ(v64, v);
  }
  EXPECT_TRUE(in.empty());
  std::string_view short_input = std::string_view(s).substr(0, 3);
  EXPECT_FALSE(GetFixed32(&short_input, &v32));
  EXPECT_EQ(short_input.size(), 3u);
}

TEST(CodingTest, VarintsHaveTheDocumentedBytes) {
  std::string s;
  PutVarint32(&s, 0);
  PutVarint32(&s, 127);
  PutVarint32(&s, 128);
  PutVarint32(&s, 300);
  PutVarint32(&s, 0xffffffffu);
  EXPECT_EQ(Show(s),
            Show(Bytes({0x00, 0x7f, 0x80, 0x01, 0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f})));
  s.clear();
  PutVarint64(&s, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(Show(s), Show(Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})));
}

TEST(CodingTest, VarintsRoundTripAndVarintLengthMatches) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  std::vector<uint64_t> values;
  for (int shift = 0; shift < 64; ++shift) {
    const uint64_t p = uint64_t{1} << shift;
    values.insert(values.end(), {p - 1, p, p + 1});
  }
  for (int i = 0; i < 1000; ++i) values.push_back(rng.Next() >> rng.Uniform(64));
  std::string s;
  for (const uint64_t v : values) {
    const size_t before = s.size();
    PutVarint64(&s, v);
    EXPECT_EQ(s.size() - before, static_cast<size_t>(VarintLength(v))) << v;
    if (v <= 0xffffffffu) {
      std::string s32;
      PutVarint32(&s32, static_cast<uint32_t>(v));
      EXPECT_EQ(s32, s.substr(before)) << v;
    }
  }
  std::string_view in = s;
  for (const uint64_t v : values) {
    uint64_t got;
    ASSERT_TRUE(GetVarint64(&in, &got));
    ASSERT_EQ(got, v);
  }
  EXPECT_TRUE(in.empty());
  for (const uint64_t v : values) {
    if (v > 0xffffffffu) continue;
    std::string one;
    PutVarint32(&one, static_cast<uint32_t>(v));
    std::string_view view = one;
    uint32_t got;
    ASSERT_TRUE(GetVarint32(&view, &got));
    ASSERT_EQ(got, v);
    EXPECT_TRUE(view.empty());
  }
}

TEST(CodingTest, TruncatedVarintsAreRejectedWithoutConsumingInput) {
  for (const uint64_t v :
       {uint64_t{128}, uint64_t{300}, uint64_t{1} << 35, std::numeric_limits<uint64_t>::max()}) {
    std::string s;
    PutVarint64(&s, v);
    for (size_t n = 0; n < s.size(); ++n) {
      std::string_view in = std::string_view(s).substr(0, n);
      uint64_t got64;
      EXPECT_FALSE(GetVarint64(&in, &got64)) << v << " cut to " << n;
      EXPECT_EQ(in.size(), n);
      uint32_t got32;
      EXPECT_FALSE(GetVarint32(&in, &got32)) << v << " cut to " << n;
      EXPECT_EQ(in.size(), n);
    }
  }
}

TEST(CodingTest, OverlongVarintsAreRejected) {
  uint32_t v32;
  uint64_t v64;
  const auto rejects32 = [&](const std::string& bytes) {
    std::string_view in = bytes;
    const bool ok = GetVarint32(&in, &v32);
    return !ok && in.size() == bytes.size();
  };
  const auto rejects64 = [&](const std::string& bytes) {
    std::string_view in = bytes;
    const bool ok = GetVarint64(&in, &v64);
    return !ok && in.size() == bytes.size();
  };
  // More groups than the type has.
  EXPECT_TRUE(rejects32(Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0x01})));
  EXPECT_TRUE(rejects64(Bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})));
  // Bits past the type's width in the last group.
  EXPECT_TRUE(rejects32(Bytes({0xff, 0xff, 0xff, 0xff, 0x1f})));
  EXPECT_TRUE(rejects64(Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02})));
  // Not the shortest encoding (a trailing zero group).
  EXPECT_TRUE(rejects32(Bytes({0x80, 0x00})));
  EXPECT_TRUE(rejects32(Bytes({0x81, 0x80, 0x00})));
  EXPECT_TRUE(rejects64(Bytes({0xff, 0x80, 0x80, 0x00})));
  // A lone continuation byte, and nothing at all.
  EXPECT_TRUE(rejects32(Bytes({0x80})));
  EXPECT_TRUE(rejects64(""));
  // The largest values are still accepted.
  std::string_view max32 = "\xff\xff\xff\xff\x0f";
  ASSERT_TRUE(GetVarint32(&max32, &v32));
  EXPECT_EQ(v32, 0xffffffffu);
}

TEST(CodingTest, LengthPrefixedRoundTripsAndRefusesShortInput) {
  std::string s;
  PutLengthPrefixed(&s, "");
  PutLengthPrefixed(&s, "abc");
  PutLengthPrefixed(&s, std::string(300, 'x'));
  EXPECT_EQ(s.substr(0, 5), Bytes({0x00, 0x03, 'a', 'b', 'c'}));
  std::string_view in = s;
  std::string_view out;
  ASSERT_TRUE(GetLengthPrefixed(&in, &out));
  EXPECT_EQ(out, "");
  ASSERT_TRUE(GetLengthPrefixed(&in, &out));
  EXPECT_EQ(out, "abc");
  ASSERT_TRUE(GetLengthPrefixed(&in, &out));
  EXPECT_EQ(out, std::string(300, 'x'));
  EXPECT_TRUE(in.empty());
  EXPECT_FALSE(GetLengthPrefixed(&in, &out));

  // A length larger than what follows (here 0xffffffff) is refused, the input left as it was.
  const std::string lying = Bytes({0xff, 0xff, 0xff, 0xff, 0x0f, 'a', 'b'});
  std::string_view lie = lying;
  EXPECT_FALSE(GetLengthPrefixed(&lie, &out));
  EXPECT_EQ(lie.size(), lying.size());
  // One byte short.
  std::string_view cut = std::string_view(s).substr(0, 4);
  ASSERT_TRUE(GetLengthPrefixed(&cut, &out));
  EXPECT_FALSE(GetLengthPrefixed(&cut, &out));
  EXPECT_EQ(cut.size(), 3u);
}

TEST(CodingTest, ParsersNeverReadPastTheView) {
  // Every prefix of random bytes, parsed from a view that ends where a heap copy ends (so ASan
  // would catch a read past it).
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng.Uniform(12), '\0');
    for (char& c : bytes)
      c = static_cast<char>(rng.Bernoulli(0.7) ? (rng.Next() | 0x80) : rng.Next());
    const auto copy = std::make_unique<char[]>(bytes.size() + 1);
    std::copy(bytes.begin(), bytes.end(), copy.get());
    const std::string_view view(copy.get(), bytes.size());
    uint32_t v32;
    uint64_t v64;
    std::string_view out;
    std::string_view in = view;
    while (GetVarint32(&in, &v32)) {
    }
    in = view;
    while (GetVarint64(&in, &v64)) {
    }
    in = view;
    while (GetLengthPrefixed(&in, &out)) {
      ASSERT_GE(out.data(), view.data());
      ASSERT_LE(out.data() + out.size(), view.data() + view.size());
    }
  }
}

}  // namespace
}  // namespace memdb
