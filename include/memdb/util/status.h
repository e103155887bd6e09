// Status: the outcome of an engine call that can fail in an expected way.
//
// Expected outcomes (a key that is absent, a commit that lost a conflict, an I/O error, a damaged
// file) are values, never exceptions. A Status is cheap to copy when OK: the message is only
// allocated on failure. Every non-OK Status carries a message meant for a human: what was
// attempted, on what, and what was expected instead.
//
// Thread safety: a Status is a value; distinct objects may be used from distinct threads.
#ifndef MEMDB_UTIL_STATUS_H_
#define MEMDB_UTIL_STATUS_H_

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace memdb {

class [[nodiscard]] Status {
 public:
  enum class Code : uint8_t {
    kOk = 0,
    kNotFound,
    kConflict,         // a transaction aborted: a concurrent commit won (retry it)
    kInvalidArgument,  // bad input or misuse of the API (e.g. writing after Commit)
    kIOError,
    kCorruption,
    kBusy,
    kNotSupported,
  };

  Status() noexcept = default;
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg) { return Status(Code::kNotFound, msg); }
  static Status Conflict(std::string_view msg) { return Status(Code::kConflict, msg); }
  static Status InvalidArgument(std::string_view msg) {
    return Status(Code::kInvalidArgument, msg);
  }
  static Status IOError(std::string_view msg) { return Status(Code::kIOError, msg); }
  static Status Corruption(std::string_view msg) { return Status(Code::kCorruption, msg); }
  static Status Busy(std::string_view msg) { return Status(Code::kBusy, msg); }
  static Status NotSupported(std::string_view msg) { return Status(Code::kNotSupported, msg); }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsConflict() const { return code_ == Code::kConflict; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsBusy() const { return code_ == Code::kBusy; }
  bool IsNotSupported() const { return code_ == Code::kNotSupported; }

  Code code() const { return code_; }
  // The human-readable detail; empty for OK.
  std::string_view message() const { return msg_ ? std::string_view(*msg_) : std::string_view(); }
  // "Conflict: <message>", or "OK".
  std::string ToString() const;

  // The same code with "<context>: <message>"; OK stays OK.
  Status Annotate(std::string_view context) const;

  // Explicitly drops a status the caller has decided not to inspect.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message() == b.message();
  }

 private:
  Status(Code code, std::string_view msg);

  Code code_ = Code::kOk;
  std::unique_ptr<std::string> msg_;
};

// The name of a code, e.g. "Conflict": the label Status::ToString puts before the message.
std::string_view CodeName(Status::Code code);
// The same name as a word of a script or a command line: CodeName in kebab case ("ok",
// "not-found", "io-error"), derived from it so the two cannot drift. ParseStatusCode is its
// inverse.
std::string StatusCodeName(Status::Code code);
std::optional<Status::Code> ParseStatusCode(std::string_view name);

std::ostream& operator<<(std::ostream& os, const Status& status);
std::ostream& operator<<(std::ostream& os, Status::Code code);

}  // namespace memdb

#endif  // MEMDB_UTIL_STATUS_H_
