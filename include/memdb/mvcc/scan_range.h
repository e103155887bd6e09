// ScanRange: which keys a scan visits, and in which direction.
//
// Keys are ordered bytewise (memcmp, shorter first on a tie). A range is half-open,
// [begin, end); an empty `end` with `has_end == false` means "to the last key". Reverse scans
// visit the same keys from the largest down.
#ifndef MEMDB_MVCC_SCAN_RANGE_H_
#define MEMDB_MVCC_SCAN_RANGE_H_

#include <string>
#include <string_view>

namespace memdb {

struct ScanRange {
  std::string begin;     // inclusive; "" is the smallest key
  std::string end;       // exclusive; ignored when has_end is false
  bool has_end = false;  // false: unbounded above
  bool reverse = false;  // true: largest key first

  // Every key.
  static ScanRange All() { return ScanRange{}; }
  // Keys in [begin, end).
  static ScanRange Between(std::string_view begin, std::string_view end) {
    return ScanRange{std::string(begin), std::string(end), true, false};
  }
  // Keys in [begin, +inf).
  static ScanRange From(std::string_view begin) {
    return ScanRange{std::string(begin), std::string(), false, false};
  }
  // Keys that start with `prefix`.
  static ScanRange Prefix(std::string_view prefix);

  // The same range, visited largest key first.
  ScanRange Reversed() const {
    ScanRange r = *this;
    r.reverse = !r.reverse;
    return r;
  }

  // True when `key` lies in [begin, end).
  bool Contains(std::string_view key) const {
    return key >= std::string_view(begin) && (!has_end || key < std::string_view(end));
  }
};

}  // namespace memdb

#endif  // MEMDB_MVCC_SCAN_RANGE_H_
