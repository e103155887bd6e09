#include "memdb/util/status.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ostream>

#include "memdb/util/enum_name.h"
#include "memdb/util/result.h"

namespace memdb {

Status::Status(Code code, std::string_view msg)
    : code_(code), msg_(std::make_unique<std::string>(msg)) {}

Status::Status(const Status& other)
    : code_(other.code_), msg_(other.msg_ ? std::make_unique<std::string>(*other.msg_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) {
    code_ = other.code_;
    msg_ = other.msg_ ? std::make_unique<std::string>(*other.msg_) : nullptr;
  }
  return *this;
}

std::string_view CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kNotFound:
      return "NotFound";
    case Status::Code::kConflict:
      return "Conflict";
    case Status::Code::kInvalidArgument:
      return "InvalidArgument";
    case Status::Code::kIOError:
      return "IOError";
    case Status::Code::kCorruption:
      return "Corruption";
    case Status::Code::kBusy:
      return "Busy";
    case Status::Code::kNotSupported:
      return "NotSupported";
  }
  return "Unknown";
}

std::string StatusCodeName(Status::Code code) {
  // A word starts at an upper-case letter followed by a lower-case one: "IOError" is io-error.
  const std::string_view camel = CodeName(code);
  std::string name;
  for (size_t i = 0; i < camel.size(); ++i) {
    const auto c = static_cast<unsigned char>(camel[i]);
    if (i > 0 && std::isupper(c) && i + 1 < camel.size() &&
        std::islower(static_cast<unsigned char>(camel[i + 1]))) {
      name += '-';
    }
    name += static_cast<char>(std::tolower(c));
  }
  return name;
}

std::optional<Status::Code> ParseStatusCode(std::string_view name) {
  return ParseEnumName(
      name,
      {Status::Code::kOk, Status::Code::kNotFound, Status::Code::kConflict,
       Status::Code::kInvalidArgument, Status::Code::kIOError, Status::Code::kCorruption,
       Status::Code::kBusy, Status::Code::kNotSupported},
      StatusCodeName);
}

Status Status::Annotate(std::string_view context) const {
  if (ok()) return Status();
  std::string msg(context);
  msg += ": ";
  msg += message();
  return Status(code_, msg);
}

std::string Status::ToString() const {
  std::string out(CodeName(code_));
  if (!ok() && !message().empty()) {
    out += ": ";
    out += message();
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, const Status& status) { return os << status.ToString(); }

std::ostream& operator<<(std::ostream& os, Status::Code code) { return os << CodeName(code); }

namespace result_internal {

void DieBadAccess(const Status& status) {
  std::fprintf(stderr, "memdb: Result::value() called on a failed Result: %s\n",
               status.ToString().c_str());
  std::abort();
}

void DieOkStatus() {
  std::fprintf(stderr, "memdb: a Result was constructed from an OK Status without a value\n");
  std::abort();
}

}  // namespace result_internal
}  // namespace memdb
