// Result<T>: a value of type T, or the non-OK Status saying why there is none.
//
//   Result<std::string> r = txn.Get("user:1");
//   if (r.ok()) Use(*r); else if (r.status().IsNotFound()) ...
//
// Reading the value of a failed Result is a programming error: it aborts the process with a
// message naming the status, rather than returning garbage (undefined behaviour is never an
// option). Constructing a Result from an OK Status is the same kind of error.
#ifndef MEMDB_UTIL_RESULT_H_
#define MEMDB_UTIL_RESULT_H_

#include <optional>
#include <type_traits>
#include <utility>

#include "memdb/util/status.h"

namespace memdb {

namespace result_internal {
[[noreturn]] void DieBadAccess(const Status& status);
[[noreturn]] void DieOkStatus();
}  // namespace result_internal

template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Status>, "Result<Status> is meaningless");

 public:
  Result(const T& value) : value_(value) {}             // NOLINT(google-explicit-constructor)
  Result(T&& value) : value_(std::move(value)) {}       // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) result_internal::DieOkStatus();
  }

  bool ok() const { return value_.has_value(); }
  // OK when a value is present.
  const Status& status() const { return status_; }

  const T& value() const& {
    Check();
    return *value_;
  }
  T& value() & {
    Check();
    return *value_;
  }
  T&& value() && {
    Check();
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? *value_ : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void Check() const {
    if (!value_.has_value()) result_internal::DieBadAccess(status_);
  }

  std::optional<T> value_;
  Status status_;
};

}  // namespace memdb

#endif  // MEMDB_UTIL_RESULT_H_
