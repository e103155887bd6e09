// Capturing every GoogleTest result a statement raises, for tests of the testing layer that
// need more than gtest-spi.h's single-failure checks (e.g. a fatal failure and a summary).
#ifndef MEMDB_TESTS_TESTING_SPI_SUPPORT_H_
#define MEMDB_TESTS_TESTING_SPI_SUPPORT_H_

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace memdb::test {

struct Raised {
  ::testing::TestPartResult::Type type;
  std::string message;
  std::string file;  // "" when GoogleTest was given none
  int line = -1;
};

// Runs `fn` with every result raised on this thread captured instead of reported.
template <typename Fn>
std::vector<Raised> CaptureResults(Fn&& fn) {
  ::testing::TestPartResultArray array;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &array);
    fn();
  }
  std::vector<Raised> out;
  for (int i = 0; i < array.size(); ++i) {
    const ::testing::TestPartResult& r = array.GetTestPartResult(i);
    out.push_back(
        {r.type(), r.message(), r.file_name() != nullptr ? r.file_name() : "", r.line_number()});
  }
  return out;
}

// The messages of the failures among `results`.
inline std::vector<std::string> Failures(const std::vector<Raised>& results) {
  std::vector<std::string> out;
  for (const Raised& r : results) {
    if (r.type == ::testing::TestPartResult::kNonFatalFailure ||
        r.type == ::testing::TestPartResult::kFatalFailure) {
      out.push_back(r.message);
    }
  }
  return out;
}

}  // namespace memdb::test

#endif  // MEMDB_TESTS_TESTING_SPI_SUPPORT_H_
