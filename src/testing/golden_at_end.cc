#include "memdb/testing/golden_at_end.h"

#include <gtest/gtest.h>

#include <sstream>
#include <utility>

#include "memdb/testing/golden_names.h"

namespace memdb::testing {

namespace {
const std::string kNoPath;
}  // namespace

void GoldenAtEnd::Request(std::string path, GoldenOptions options, const char* file, int line) {
  if (path.empty()) path = NextGoldenPath();
  request_ = Pending{std::move(path), std::move(options), file != nullptr ? file : "", line};
}

void GoldenAtEnd::RequestForCurrentTest() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  Request("", {}, info != nullptr ? info->file() : nullptr, info != nullptr ? info->line() : 0);
}

const std::string& GoldenAtEnd::path() const {
  return request_.has_value() ? request_->path : kNoPath;
}

void GoldenAtEnd::Check(Db* db) {
  if (!request_.has_value()) return;
  const Pending request = std::move(*request_);
  request_.reset();  // once: a TearDown called twice must not compare twice
  if (::testing::Test::HasFailure() || ::testing::Test::IsSkipped()) return;
  const char* file = request.file.empty() ? nullptr : request.file.c_str();
  if (request.path.empty()) {
    ADD_FAILURE_AT(file, request.line)
        << "golden comparison at the end of the test: no golden path (asked for outside a test)";
    return;
  }
  if (db == nullptr) {
    ADD_FAILURE_AT(file, request.line)
        << "golden comparison at the end of the test with " << request.path
        << ": there is no database (the last Open, Reopen or CrashAndRecover failed)";
    return;
  }
  std::ostringstream why;
  Result<Snapshot> state = db->ExportSnapshot();
  if (!CheckGoldenAndExplain(state, request.path, request.options, &why)) {
    ADD_FAILURE_AT(file, request.line)
        << "golden comparison at the end of the test: the final state of db(), " << why.str();
  }
}

}  // namespace memdb::testing
