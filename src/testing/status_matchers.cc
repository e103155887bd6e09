#include "memdb/testing/status_matchers.h"

namespace memdb::testing {

void StatusIsMatcher::DescribeTo(std::ostream* os) const {
  *os << "has code " << code_ << " and a message that ";
  message_.DescribeTo(os);
}

void StatusIsMatcher::DescribeNegationTo(std::ostream* os) const {
  *os << "has a code other than " << code_ << ", or a message that ";
  message_.DescribeNegationTo(os);
}

bool StatusIsMatcher::MatchStatus(const Status& status, std::ostream* os) const {
  if (status.code() != code_) {
    if (os != nullptr) *os << "which has code " << status.code() << ": " << status;
    return false;
  }
  const std::string message(status.message());
  ::testing::StringMatchResultListener listener;
  if (!message_.MatchAndExplain(message, &listener)) {
    if (os != nullptr) {
      *os << "whose message " << ::testing::PrintToString(message) << " does not match";
      if (!listener.str().empty()) *os << ", " << listener.str();
    }
    return false;
  }
  return true;
}

}  // namespace memdb::testing
