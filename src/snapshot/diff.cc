#include "memdb/snapshot/diff.h"

#include <algorithm>

#include "snapshot/text_encoding.h"

namespace memdb {

SnapshotDiff DiffSnapshots(const Snapshot& expected, const Snapshot& actual) {
  SnapshotDiff diff;
  auto e = expected.entries.begin();
  auto a = actual.entries.begin();
  // A merge of the two sorted maps: one pass, key order.
  while (e != expected.entries.end() || a != actual.entries.end()) {
    if (a == actual.entries.end() || (e != expected.entries.end() && e->first < a->first)) {
      diff.differences.push_back({KeyDifference::Kind::kRemoved, e->first, e->second, {}});
      ++diff.removed;
      ++e;
    } else if (e == expected.entries.end() || a->first < e->first) {
      diff.differences.push_back({KeyDifference::Kind::kAdded, a->first, {}, a->second});
      ++diff.added;
      ++a;
    } else {
      if (e->second != a->second) {
        diff.differences.push_back({KeyDifference::Kind::kChanged, e->first, e->second, a->second});
        ++diff.changed;
      }
      ++e;
      ++a;
    }
  }
  return diff;
}

std::string_view KeyDifference::KindName(Kind kind) {
  switch (kind) {
    case Kind::kAdded:
      return "added";
    case Kind::kRemoved:
      return "removed";
    case Kind::kChanged:
      return "changed";
  }
  return "?";
}

std::string SnapshotDiff::Describe(size_t max_differences, size_t max_value_chars) const {
  if (empty()) return "no differences";
  using snapshot::DisplayBytes;
  std::string out = std::to_string(differences.size()) +
                    (differences.size() == 1 ? " key differs (" : " keys differ (");
  const std::pair<size_t, KeyDifference::Kind> counts[] = {
      {added, KeyDifference::Kind::kAdded},
      {removed, KeyDifference::Kind::kRemoved},
      {changed, KeyDifference::Kind::kChanged}};
  bool first = true;
  for (const auto& [n, what] : counts) {
    if (n == 0) continue;
    if (!first) out.append(", ");
    out.append(std::to_string(n)).append(" ").append(KeyDifference::KindName(what));
    first = false;
  }
  out.append("):\n");
  const size_t shown = std::min(max_differences, differences.size());
  for (size_t i = 0; i < shown; ++i) {
    const KeyDifference& d = differences[i];
    const std::string key = DisplayBytes(d.key, max_value_chars);
    switch (d.kind) {
      case KeyDifference::Kind::kAdded:
        out.append("  + ").append(key).append(" = ").append(
            DisplayBytes(d.actual, max_value_chars));
        break;
      case KeyDifference::Kind::kRemoved:
        out.append("  - ").append(key).append(" = ").append(
            DisplayBytes(d.expected, max_value_chars));
        break;
      case KeyDifference::Kind::kChanged: {
        const auto mismatch =
            std::mismatch(d.expected.begin(), d.expected.end(), d.actual.begin(), d.actual.end());
        out.append("  ~ ")
            .append(key)
            .append(": ")
            .append(DisplayBytes(d.expected, max_value_chars))
            .append(" -> ")
            .append(DisplayBytes(d.actual, max_value_chars))
            .append(" (first difference at byte ")
            .append(std::to_string(mismatch.first - d.expected.begin()))
            .append(")");
        break;
      }
    }
    out.push_back('\n');
  }
  if (shown < differences.size()) {
    out.append("  ... and ").append(std::to_string(differences.size() - shown)).append(" more\n");
  }
  return out;
}

}  // namespace memdb
