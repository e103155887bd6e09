// Names derived from the running test, safe to use as a parameter name or a file name.
#ifndef MEMDB_TESTING_TEST_NAMES_H_
#define MEMDB_TESTING_TEST_NAMES_H_

#include <string>
#include <string_view>

namespace memdb::testing {

// `text` with every run of characters other than [A-Za-z0-9] replaced by one '_', and no '_' at
// either end ("torn-last-write(512,keep=1)" -> "torn_last_write_512_keep_1"); "_" when nothing
// is left. GoogleTest accepts the result as a parameter name.
std::string SanitizeName(std::string_view text);

// "Suite.Name" of the running test, with the '/' of typed and value-parameterized tests
// ("Prefix/Suite/0.Name/Param") sanitized as above per component: "Prefix_Suite_0.Name_Param".
// "" outside a test.
std::string CurrentTestName();

// The command that runs the current test alone with MEMDB_SEED=`seed`:
//   MEMDB_SEED=42 ./build/tests/memdb_testing_tests --gtest_filter='Suite.Name'
std::string ReplayCommand(uint64_t seed);

}  // namespace memdb::testing

#endif  // MEMDB_TESTING_TEST_NAMES_H_
