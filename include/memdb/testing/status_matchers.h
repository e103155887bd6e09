// GoogleMock matchers for Status and Result<T>, modelled on abseil's status_matchers.h.
//
//   EXPECT_THAT(db.Put("k", "v"), memdb::testing::IsOk());
//   EXPECT_THAT(txn.Commit(), StatusIs(Status::Code::kConflict));
//   EXPECT_THAT(db.Get("k"), StatusIs(Status::Code::kNotFound, HasSubstr("k")));
//   EXPECT_THAT(db.Get("k"), IsOkAndHolds("v"));
//
// Assert the exact outcome, not "not OK": StatusIs names the code (and, optionally, what the
// message must satisfy), and a mismatch prints the status that was returned instead.
//
// The matchers are duck-typed (`using is_gtest_matcher = void`), the matcher protocol of
// GoogleTest 1.12 and later; IsOk and StatusIs accept a Status or any Result<T>.
#ifndef MEMDB_TESTING_STATUS_MATCHERS_H_
#define MEMDB_TESTING_STATUS_MATCHERS_H_

#include <gmock/gmock.h>

#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include "memdb/util/result.h"
#include "memdb/util/status.h"

namespace memdb::testing {

namespace matchers_internal {

inline const Status& StatusOf(const Status& status) { return status; }
template <typename T>
const Status& StatusOf(const Result<T>& result) {
  return result.status();
}

template <typename R>
struct ResultValue {
  static_assert(sizeof(R) == 0, "IsOkAndHolds matches a memdb::Result<T>");
};
template <typename T>
struct ResultValue<Result<T>> {
  using type = T;
};

}  // namespace matchers_internal

// Matches an OK Status, or a Result<T> that holds a value.
class IsOkMatcher {
 public:
  using is_gtest_matcher = void;

  template <typename T>
  bool MatchAndExplain(const T& value, std::ostream* os) const {
    const Status& status = matchers_internal::StatusOf(value);
    if (!status.ok() && os != nullptr) *os << "which is " << status;
    return status.ok();
  }
  void DescribeTo(std::ostream* os) const { *os << "is OK"; }
  void DescribeNegationTo(std::ostream* os) const { *os << "is not OK"; }
};

inline IsOkMatcher IsOk() { return IsOkMatcher(); }

// Matches a Status (or the status of a Result<T>) with `code` whose message satisfies
// `message` (any message when StatusIs is given only a code).
class StatusIsMatcher {
 public:
  using is_gtest_matcher = void;

  StatusIsMatcher(Status::Code code, ::testing::Matcher<const std::string&> message)
      : code_(code), message_(std::move(message)) {}

  template <typename T>
  bool MatchAndExplain(const T& value, std::ostream* os) const {
    return MatchStatus(matchers_internal::StatusOf(value), os);
  }
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  bool MatchStatus(const Status& status, std::ostream* os) const;

  Status::Code code_;
  ::testing::Matcher<const std::string&> message_;
};

inline StatusIsMatcher StatusIs(Status::Code code) {
  return StatusIsMatcher(code, ::testing::A<const std::string&>());
}
// `message` is a string (equality) or any matcher of std::string, e.g. HasSubstr("wal-").
template <typename MessageMatcher>
StatusIsMatcher StatusIs(Status::Code code, MessageMatcher&& message) {
  return StatusIsMatcher(
      code, ::testing::MatcherCast<const std::string&>(std::forward<MessageMatcher>(message)));
}

// The monomorphic matcher behind IsOkAndHolds, for one Result<T>.
template <typename T>
class IsOkAndHoldsMatcherImpl {
 public:
  using is_gtest_matcher = void;

  explicit IsOkAndHoldsMatcherImpl(::testing::Matcher<const T&> inner) : inner_(std::move(inner)) {}

  bool MatchAndExplain(const Result<T>& result, std::ostream* os) const {
    if (!result.ok()) {
      if (os != nullptr) *os << "which is not OK: " << result.status();
      return false;
    }
    ::testing::StringMatchResultListener listener;
    const bool matched = inner_.MatchAndExplain(*result, &listener);
    if (os != nullptr) {
      *os << "which holds " << ::testing::PrintToString(*result);
      if (!listener.str().empty()) *os << ", " << listener.str();
    }
    return matched;
  }
  void DescribeTo(std::ostream* os) const {
    *os << "is OK and holds a value that ";
    inner_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "is not OK, or holds a value that ";
    inner_.DescribeNegationTo(os);
  }

 private:
  ::testing::Matcher<const T&> inner_;
};

// Polymorphic: becomes an IsOkAndHoldsMatcherImpl<T> for whichever Result<T> it is matched
// against, because the inner matcher's type depends on T.
template <typename InnerMatcher>
class IsOkAndHoldsMatcher {
 public:
  explicit IsOkAndHoldsMatcher(InnerMatcher inner) : inner_(std::move(inner)) {}

  template <typename R>
  operator ::testing::Matcher<R>() const {  // NOLINT(google-explicit-constructor)
    using T =
        typename matchers_internal::ResultValue<std::remove_cv_t<std::remove_reference_t<R>>>::type;
    return ::testing::Matcher<R>(
        IsOkAndHoldsMatcherImpl<T>(::testing::MatcherCast<const T&>(inner_)));
  }

 private:
  InnerMatcher inner_;
};

// Matches a Result<T> that holds a value matching `inner` (a value, compared with ==, or a
// matcher of T).
template <typename InnerMatcher>
IsOkAndHoldsMatcher<std::decay_t<InnerMatcher>> IsOkAndHolds(InnerMatcher&& inner) {
  return IsOkAndHoldsMatcher<std::decay_t<InnerMatcher>>(std::forward<InnerMatcher>(inner));
}

}  // namespace memdb::testing

#endif  // MEMDB_TESTING_STATUS_MATCHERS_H_
