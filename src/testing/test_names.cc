#include "memdb/testing/test_names.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

namespace memdb::testing {

namespace {
bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The name the test binary was started with; GoogleTest keeps argv only internally.
std::string ProgramName() {
#if defined(__GLIBC__)
  return program_invocation_name;
#else
  return "<test binary>";
#endif
}
}  // namespace

std::string SanitizeName(std::string_view text) {
  std::string out;
  bool gap = false;
  for (char c : text) {
    if (IsAlnum(c)) {
      if (gap && !out.empty()) out.push_back('_');
      out.push_back(c);
      gap = false;
    } else {
      gap = true;
    }
  }
  return out.empty() ? "_" : out;
}

std::string CurrentTestName() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return "";
  std::string name = SanitizeName(info->test_suite_name());
  name.push_back('.');
  name.append(SanitizeName(info->name()));
  return name;
}

std::string ReplayCommand(uint64_t seed) {
  std::string command = "MEMDB_SEED=";
  command.append(std::to_string(seed)).append(" ").append(ProgramName());
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info != nullptr) {
    // The filter takes GoogleTest's own full name, '/' and all.
    const std::string suite = info->test_suite_name();
    const std::string name = info->name();
    if (suite.rfind("DISABLED_", 0) == 0 || suite.find("/DISABLED_") != std::string::npos ||
        name.rfind("DISABLED_", 0) == 0) {
      command.append(" --gtest_also_run_disabled_tests");
    }
    command.append(" --gtest_filter='").append(info->test_suite_name()).append(".");
    command.append(info->name()).append("'");
  }
  return command;
}

}  // namespace memdb::testing
