#include "memdb/testing/golden_matchers.h"

#include <iostream>

#include "testing/pending_goldens.h"

namespace memdb::testing {

bool CheckGoldenAndExplain(const Result<Snapshot>& actual, const std::string& path,
                           const GoldenOptions& options, std::ostream* os) {
  if (!actual.ok()) {
    if (os != nullptr) *os << "which could not be read: " << actual.status();
    return false;
  }
  // Read per comparison, not when the matcher was made: a test (or a runner) that sets
  // MEMDB_UPDATE_GOLDEN or CI before the assertion gets that mode.
  const GoldenSettings settings =
      options.settings.has_value() ? *options.settings : GoldenSettings::FromEnvironment();
  Result<GoldenResult> result = CheckGolden(*actual, path, settings, options.redactions);
  if (!result.ok()) {
    if (os != nullptr) *os << "whose golden check failed: " << result.status();
    return false;
  }
  if (result->outcome == GoldenOutcome::kUpdated || result->outcome == GoldenOutcome::kCreated) {
    // A passing check that changed a file: the person running in update mode wants the list.
    std::cerr << "[memdb golden] " << result->message;
  }
  if (!result->passed && !result->pending_path.empty()) {
    internal::NotePendingGolden(result->pending_path);
  }
  if (os != nullptr) {
    if (result->passed) {
      *os << (result->message.empty() ? "which matches it" : result->message);
    } else {
      *os << "which does not match the golden file:\n" << result->message;
    }
  }
  return result->passed;
}

void GoldenMatcher::DescribeTo(std::ostream* os) const {
  *os << "matches the golden file " << path_;
}

void GoldenMatcher::DescribeNegationTo(std::ostream* os) const {
  *os << "does not match the golden file " << path_;
}

}  // namespace memdb::testing
