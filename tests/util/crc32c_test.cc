// CRC32C: known vectors (RFC 3720, B.4), the hardware and portable paths against each other and
// against a bit-at-a-time reference, composition, and masking.
#include "util/crc32c.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "memdb/util/random.h"
#include "support/test_support.h"

namespace memdb::crc32c {
namespace {

using memdb::test::SeedTrace;
using memdb::test::TestSeed;

using ExtendFunction = uint32_t (*)(uint32_t, const char*, size_t);

// The definition, one bit at a time: reflected polynomial 0x82F63B78, initial value and final
// xor 0xFFFFFFFF.
uint32_t ReferenceCrc(const std::string& data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (const char c : data) {
    crc ^= static_cast<uint8_t>(c);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? 0x82F63B78u : 0u);
  }
  return crc ^ 0xFFFFFFFFu;
}

// Every implementation under test, by name: the dispatching Extend, the portable path, and the
// hardware path when this CPU has it.
std::vector<std::pair<std::string, ExtendFunction>> Implementations() {
  std::vector<std::pair<std::string, ExtendFunction>> impls = {
      {"Extend", Extend}, {"portable", internal::ExtendPortable}};
  if (internal::HardwareAvailable()) impls.emplace_back("sse4.2", internal::ExtendHardware);
  return impls;
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (const int b : bytes) s += static_cast<char>(b);
  return s;
}

TEST(Crc32cTest, MatchesKnownVectors) {
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending += static_cast<char>(i);
    descending += static_cast<char>(31 - i);
  }
  // RFC 3720, B.4: a SCSI read command PDU.
  const std::string iscsi_read =
      Bytes({0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
             0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
             0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
             0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
  const std::vector<std::pair<std::string, uint32_t>> vectors = {
      {"", 0x00000000u},
      {"a", 0xC1D04330u},
      {"123456789", 0xE3069283u},
      {std::string(32, '\0'), 0x8A9136AAu},
      {std::string(32, '\xff'), 0x62A8AB43u},
      {ascending, 0x46DD794Eu},
      {descending, 0x113FDB5Cu},
      {iscsi_read, 0xD9963A56u},
      {"The quick brown fox jumps over the lazy dog", 0x22620404u},
  };
  for (const auto& [name, extend] : Implementations()) {
    for (const auto& [data, crc] : vectors) {
      EXPECT_EQ(extend(0, data.data(), data.size()), crc)
          << name << " on " << memdb::test::Show(data);
    }
  }
  EXPECT_EQ(Value("123456789", 9), 0xE3069283u);
}

TEST(Crc32cTest, PathsAgreeOnRandomDataOfRandomLengthsAndAlignments) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  std::string buffer(70000, '\0');
  for (char& c : buffer) c = static_cast<char>(rng.Next());
  const auto impls = Implementations();
  for (int i = 0; i < 3000; ++i) {
    const size_t offset = rng.Uniform(64);
    const size_t length = rng.Bernoulli(0.1) ? rng.Uniform(buffer.size() - 64) : rng.Uniform(300);
    const uint32_t start = rng.Bernoulli(0.5) ? 0 : static_cast<uint32_t>(rng.Next());
    const char* data = buffer.data() + offset;
    const uint32_t expected = impls[1].second(start, data, length);
    for (const auto& [name, extend] : impls) {
      ASSERT_EQ(extend(start, data, length), expected)
          << name << ": offset " << offset << ", length " << length << ", start " << start;
    }
    if (length < 2000 && start == 0) {
      ASSERT_EQ(expected, ReferenceCrc(std::string(data, length))) << "length " << length;
    }
  }
}

TEST(Crc32cTest, ExtendComposesPieces) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  const std::string data = rng.AlphaNumeric(5000);
  const uint32_t whole = Value(data.data(), data.size());
  for (int i = 0; i < 200; ++i) {
    const size_t split = rng.Uniform(data.size() + 1);
    for (const auto& [name, extend] : Implementations()) {
      const uint32_t first = extend(0, data.data(), split);
      EXPECT_EQ(extend(first, data.data() + split, data.size() - split), whole) << name;
    }
  }
  EXPECT_EQ(Extend(Value("hello ", 6), "world", 5), Value("hello world", 11));
}

TEST(Crc32cTest, MaskIsInvertibleAndChangesTheValue) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  const uint32_t crc = Value("foo", 3);
  EXPECT_NE(crc, Mask(crc));
  EXPECT_NE(crc, Mask(Mask(crc)));
  EXPECT_EQ(crc, Unmask(Mask(crc)));
  EXPECT_EQ(crc, Unmask(Unmask(Mask(Mask(crc)))));
  // Rotate right by 15, then add the delta.
  EXPECT_EQ(Mask(0), 0xa282ead8u);
  EXPECT_EQ(Mask(0x00008000u), 0xa282ead9u);
  for (int i = 0; i < 1000; ++i) {
    const auto x = static_cast<uint32_t>(rng.Next());
    ASSERT_EQ(Unmask(Mask(x)), x);
  }
}

}  // namespace
}  // namespace memdb::crc32c
