// Helpers shared by memdb's own test suites: exact status assertions and replayable seeds.
#ifndef MEMDB_TESTS_TEST_SUPPORT_H_
#define MEMDB_TESTS_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "memdb/util/random.h"
#include "memdb/util/status.h"
#include "util/printable.h"

namespace memdb::test {

// Passes when `s` has `code` and its message contains `substr`; the failure shows both.
inline ::testing::AssertionResult HasCode(const Status& s, Status::Code code,
                                          std::string_view substr = {}) {
  if (s.code() != code) {
    return ::testing::AssertionFailure() << "expected code " << code << ", got " << s;
  }
  if (s.message().find(substr) == std::string_view::npos) {
    return ::testing::AssertionFailure()
           << "expected a message containing \"" << substr << "\", got " << s;
  }
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult IsOk(const Status& s) { return HasCode(s, Status::Code::kOk); }

// The seed of a randomized test: $MEMDB_SEED when set (to replay a failure), else a fresh one.
inline uint64_t TestSeed() {
  if (const char* env = std::getenv("MEMDB_SEED"); env != nullptr && *env != '\0') {
    return std::strtoull(env, nullptr, 0);
  }
  return Random::FreshSeed();
}

// For SCOPED_TRACE: names the seed and how to replay it.
inline std::string SeedTrace(uint64_t seed) {
  return "seed=" + std::to_string(seed) + " (replay with MEMDB_SEED=" + std::to_string(seed) + ")";
}

// Bytes quoted and escaped for a failure message, in full.
inline std::string Show(std::string_view bytes) { return Printable(bytes, bytes.size()); }

}  // namespace memdb::test

#endif  // MEMDB_TESTS_TEST_SUPPORT_H_
