// Helpers shared by memdb's own test suites: replayable seeds and bytes shown in full. Status
// assertions use the public matchers we ship (memdb/testing/status_matchers.h: IsOk, StatusIs);
// the rest of the test vocabulary is beside this file: temp_dir.h, db_options.h and
// allocation_counter.h (tests/CMakeLists.txt, target memdb_test_support).
#ifndef MEMDB_TESTS_SUPPORT_TEST_SUPPORT_H_
#define MEMDB_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "memdb/util/random.h"
#include "util/printable.h"

namespace memdb::test {

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

#endif  // MEMDB_TESTS_SUPPORT_TEST_SUPPORT_H_
