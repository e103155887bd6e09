#include "wal/segment.h"

#include <algorithm>

namespace memdb::wal {
namespace {

constexpr std::string_view kPrefix = "wal-";
constexpr std::string_view kSuffix = ".log";
constexpr size_t kMinDigits = 6;

}  // namespace

std::string SegmentFileName(uint64_t number) {
  const std::string digits = std::to_string(number);
  std::string name(kPrefix);
  if (digits.size() < kMinDigits) name.append(kMinDigits - digits.size(), '0');
  name += digits;
  name += kSuffix;
  return name;
}

bool LooksLikeSegmentFileName(std::string_view name) {
  return name.starts_with(kPrefix) && name.ends_with(kSuffix);
}

bool ParseSegmentFileName(std::string_view name, uint64_t* number) {
  if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return false;
  if (name.size() < kPrefix.size() + kSuffix.size() + kMinDigits) return false;
  const std::string_view digits =
      name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  // The canonical form: exactly kMinDigits digits, or more without a leading zero.
  if (digits.size() > kMinDigits && digits[0] == '0') return false;
  uint64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return false;  // overflow
    value = value * 10 + digit;
  }
  *number = value;
  return true;
}

std::vector<uint64_t> SegmentNumbers(const std::vector<std::string>& names) {
  std::vector<uint64_t> numbers;
  for (const std::string& name : names) {
    uint64_t number;
    if (ParseSegmentFileName(name, &number)) numbers.push_back(number);
  }
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

Result<std::vector<uint64_t>> ListSegments(FileSystem& fs, const std::string& dir) {
  Result<std::vector<std::string>> names = fs.ListDir(dir);
  if (!names.ok()) return names.status();
  return SegmentNumbers(*names);
}

}  // namespace memdb::wal
