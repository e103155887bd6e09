// Helpers for the golden tests of the testing layer: environment variables set for one scope and
// restored, a whole file read as text (the temporary directory is support/temp_dir.h).
#ifndef MEMDB_TESTS_TESTING_GOLDEN_SUPPORT_H_
#define MEMDB_TESTS_TESTING_GOLDEN_SUPPORT_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "memdb/testing/golden_matchers.h"
#include "support/temp_dir.h"

namespace memdb::test {

// Sets (or, with nullptr, unsets) an environment variable; the destructor restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    Set(value);
  }
  ~ScopedEnv() { Set(old_.has_value() ? old_->c_str() : nullptr); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

  void Set(const char* value) {
    if (value != nullptr) {
      ::setenv(name_.c_str(), value, 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Options that fix the golden mode, whatever the environment of the test run says.
inline ::memdb::testing::GoldenOptions Mode(GoldenMode mode) {
  GoldenSettings settings;
  settings.mode = mode;
  return ::memdb::testing::GoldenOptions{.settings = settings};
}

}  // namespace memdb::test

#endif  // MEMDB_TESTS_TESTING_GOLDEN_SUPPORT_H_
