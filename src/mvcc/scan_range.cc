#include "memdb/mvcc/scan_range.h"

namespace memdb {

ScanRange ScanRange::Prefix(std::string_view prefix) {
  // The end of the prefix range is the prefix with its last byte that is not 0xff incremented
  // and the rest dropped; a prefix of only 0xff bytes (or empty) has no upper bound.
  ScanRange range{std::string(prefix), std::string(prefix), false, false};
  while (!range.end.empty()) {
    auto last = static_cast<unsigned char>(range.end.back());
    if (last != 0xff) {
      range.end.back() = static_cast<char>(last + 1);
      range.has_end = true;
      break;
    }
    range.end.pop_back();
  }
  return range;
}

}  // namespace memdb
