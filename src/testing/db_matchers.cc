#include "memdb/testing/db_matchers.h"

#include "util/printable.h"

namespace memdb::testing {

namespace matchers_internal {

bool ExplainEntry(const Result<std::string>& value, const std::string& key,
                  const ::testing::Matcher<const std::string&>* value_matcher, std::ostream* os) {
  if (!value.ok()) {
    if (os == nullptr) return false;
    if (value.status().IsNotFound()) {
      *os << "which has no key " << Printable(key);
    } else {
      *os << "which could not be read: " << value.status();
    }
    return false;
  }
  if (value_matcher == nullptr) return true;
  ::testing::StringMatchResultListener listener;
  const bool matched = value_matcher->MatchAndExplain(*value, &listener);
  if (os != nullptr) {
    *os << "whose key " << Printable(key) << " holds " << Printable(*value);
    if (!listener.str().empty()) *os << ", " << listener.str();
  }
  return matched;
}

bool ExplainState(const Result<Snapshot>& actual, const Result<Snapshot>& expected,
                  bool extra_keys_allowed, std::ostream* os) {
  if (!expected.ok()) {
    if (os != nullptr)
      *os << "but the state to compare with could not be read: " << expected.status();
    return false;
  }
  if (!actual.ok()) {
    if (os != nullptr) *os << "which could not be read: " << actual.status();
    return false;
  }
  const std::vector<KeyDiff> diff = DiffStates(*actual, *expected, extra_keys_allowed);
  if (os != nullptr) {
    if (diff.empty()) {
      *os << "whose " << actual->entries.size() << " keys are as expected";
    } else {
      *os << "which has " << actual->entries.size() << " keys and differs at " << diff.size()
          << (diff.size() == 1 ? " key" : " keys") << ":\n"
          << DescribeDiff(diff);
    }
  }
  return diff.empty();
}

}  // namespace matchers_internal

void HasEntryMatcher::DescribeTo(std::ostream* os) const {
  *os << "has key " << Printable(key_);
  if (!any_value_) {
    *os << " with a value that ";
    value_.DescribeTo(os);
  }
}

void HasEntryMatcher::DescribeNegationTo(std::ostream* os) const {
  *os << "has no key " << Printable(key_);
  if (!any_value_) {
    *os << ", or its value ";
    value_.DescribeNegationTo(os);
  }
}

void StateMatcher::DescribeTo(std::ostream* os) const {
  if (!expected_.ok()) {
    *os << "equals a state that could not be read (" << expected_.status() << ")";
  } else if (expected_->entries.empty() && !extra_keys_allowed_) {
    *os << "is empty";
  } else if (extra_keys_allowed_) {
    *os << "contains the " << expected_->entries.size() << " entries "
        << DescribeState(expected_->entries);
  } else {
    *os << "holds exactly the " << expected_->entries.size() << " entries "
        << DescribeState(expected_->entries);
  }
}

void StateMatcher::DescribeNegationTo(std::ostream* os) const {
  if (!expected_.ok()) {
    *os << "differs from a state that could not be read";
  } else if (expected_->entries.empty() && !extra_keys_allowed_) {
    *os << "is not empty";
  } else if (extra_keys_allowed_) {
    *os << "lacks one of the entries " << DescribeState(expected_->entries);
  } else {
    *os << "does not hold exactly the entries " << DescribeState(expected_->entries);
  }
}

StateMatcher MatchesSnapshot(KvStore& other) { return StateMatcher(SnapshotOf(other), false); }

}  // namespace memdb::testing
