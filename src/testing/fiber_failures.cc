#include "testing/fiber_failures.h"

#include <string_view>
#include <utility>

namespace memdb::testing::internal {

namespace {

// GoogleTest appends the thread's SCOPED_TRACE stack to a message when it is raised; reporting
// it again appends the stack once more. Keep one copy: the one added when reported again.
std::string WithoutTrace(std::string_view message) {
  const size_t trace = message.find("\nGoogle Test trace:");
  return std::string(trace == std::string_view::npos ? message : message.substr(0, trace));
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

FiberFailureCollector::FiberFailureCollector(bool every_failure_ends_run)
    : UnusedResultArray(),
      ::testing::ScopedFakeTestPartResultReporter(
          ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD,
          &unused_results),
      every_failure_ends_run_(every_failure_ends_run) {}

FiberFailureCollector::~FiberFailureCollector() = default;

void FiberFailureCollector::ReportTestPartResult(const ::testing::TestPartResult& result) {
  CapturedResult captured;
  captured.type = result.type();
  captured.file = result.file_name() != nullptr ? result.file_name() : "";
  captured.line = result.line_number();
  captured.fiber = std::string(sim::CurrentFiber());
  captured.message = WithoutTrace(result.message());
  results_.push_back(captured);
  if (simulation_ == nullptr || captured.fiber.empty() || !captured.failed()) return;
  if (captured.type == ::testing::TestPartResult::kFatalFailure || every_failure_ends_run_) {
    // Fail inside a fiber ends the run: it unwinds this fiber from here, through GoogleTest's
    // reporting frames (which hold no lock across this call but a scoped one), to the fiber's
    // entry. The result is already recorded above.
    std::string what = "GoogleTest failure in fiber ";
    what.append(captured.fiber).append(" at ").append(captured.file).append(":");
    what.append(std::to_string(captured.line)).append(": ").append(captured.message);
    simulation_->Fail(std::move(what));
  }
}

std::vector<CapturedResult> FiberFailureCollector::TakeResults() {
  return std::exchange(results_, {});
}

bool FiberFailureCollector::HasFailure() const {
  for (const CapturedResult& r : results_) {
    if (r.failed()) return true;
  }
  return false;
}

std::string FiberFailureCollector::FirstFailure() const {
  for (const CapturedResult& r : results_) {
    if (!r.failed()) continue;
    std::string s;
    if (!r.fiber.empty()) s.append("<fiber ").append(r.fiber).append("> ");
    s.append(r.file).append(":").append(std::to_string(r.line)).append(": ");
    return s.append(FirstLine(r.message));
  }
  return "";
}

void ReportAgain(const std::vector<CapturedResult>& results) {
  for (const CapturedResult& r : results) {
    std::string message;
    if (!r.fiber.empty()) message.append("[fiber ").append(r.fiber).append("] ");
    message.append(r.message);
    GTEST_MESSAGE_AT_(r.file.empty() ? nullptr : r.file.c_str(), r.line, message.c_str(), r.type);
  }
}

}  // namespace memdb::testing::internal
