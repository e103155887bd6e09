#include "memdb/testing/golden_names.h"

#include <gtest/gtest.h>

#include <mutex>

#include "memdb/testing/test_names.h"

namespace memdb::testing {

namespace {

// How many goldens the running test has named. GoogleTest runs one test at a time per process,
// so one count suffices; it is reset by a listener at every test start, because the same
// TestInfo runs again under --gtest_repeat and nothing else tells the two runs apart.
struct GoldenCount {
  std::mutex mu;
  bool listener_installed = false;
  const ::testing::TestInfo* test = nullptr;
  int taken = 0;
};

GoldenCount& Count() {
  static GoldenCount* count = new GoldenCount();  // never destroyed: listeners outlive statics
  return *count;
}

class ResetGoldenCount : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo& info) override {
    GoldenCount& count = Count();
    std::lock_guard<std::mutex> lock(count.mu);
    count.test = &info;
    count.taken = 0;
  }
};

std::string_view DirName(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

std::string GoldenDirectoryForCurrentTest() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr || info->file() == nullptr) return "";
  std::string dir(DirName(info->file()));
  return dir + "/golden";
}

std::string NextGoldenPath(std::string_view directory) {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return "";
  int taken;
  {
    GoldenCount& count = Count();
    std::lock_guard<std::mutex> lock(count.mu);
    if (!count.listener_installed) {
      // Installed on first use, from a test body or fixture: no listener loop is running then.
      // The current test started before it existed, hence the check of `test` below.
      ::testing::UnitTest::GetInstance()->listeners().Append(new ResetGoldenCount());
      count.listener_installed = true;
    }
    if (count.test != info) {
      count.test = info;
      count.taken = 0;
    }
    taken = ++count.taken;
  }
  std::string path = directory.empty() ? GoldenDirectoryForCurrentTest() : std::string(directory);
  if (!path.empty() && path.back() != '/') path.push_back('/');
  path.append(CurrentTestName());
  if (taken > 1) path.append("_").append(std::to_string(taken));
  path.append(".golden");
  return path;
}

}  // namespace memdb::testing
