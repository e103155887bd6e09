#include "memdb/testing/kv_state.h"

#include <string_view>

#include "util/printable.h"

namespace memdb::testing {

Result<KvState> ReadState(KvStore& store) {
  KvState state;
  Status s = store.View([&state](KvTransaction& txn) {
    state.clear();  // View does not retry, but a body must not depend on that
    return txn.Scan(ScanRange::All(), [&state](std::string_view key, std::string_view value) {
      state.emplace(std::string(key), std::string(value));
      return true;
    });
  });
  if (!s.ok()) return s;
  return state;
}

std::vector<KeyDiff> DiffStates(const KvState& actual, const KvState& expected,
                                bool extra_keys_allowed) {
  std::vector<KeyDiff> diff;
  auto a = actual.begin();
  auto e = expected.begin();
  // A merge of the two ordered maps: one pass, key order.
  while (a != actual.end() || e != expected.end()) {
    if (e == expected.end() || (a != actual.end() && a->first < e->first)) {
      if (!extra_keys_allowed) {
        diff.push_back({KeyDiff::Kind::kUnexpected, a->first, a->second, ""});
      }
      ++a;
    } else if (a == actual.end() || e->first < a->first) {
      diff.push_back({KeyDiff::Kind::kMissing, e->first, "", e->second});
      ++e;
    } else {
      if (a->second != e->second) {
        diff.push_back({KeyDiff::Kind::kChanged, a->first, a->second, e->second});
      }
      ++a;
      ++e;
    }
  }
  return diff;
}

std::string DescribeDiff(const std::vector<KeyDiff>& diff, size_t max_lines) {
  std::string out;
  size_t shown = 0;
  for (const KeyDiff& d : diff) {
    if (shown == max_lines) {
      out.append("  ... and ").append(std::to_string(diff.size() - shown)).append(" more\n");
      break;
    }
    ++shown;
    switch (d.kind) {
      case KeyDiff::Kind::kMissing:
        out.append("  - ").append(Printable(d.key)).append(": missing, expected ");
        out.append(Printable(d.expected));
        break;
      case KeyDiff::Kind::kUnexpected:
        out.append("  + ").append(Printable(d.key)).append(": unexpected ");
        out.append(Printable(d.actual));
        break;
      case KeyDiff::Kind::kChanged:
        out.append("  ~ ").append(Printable(d.key)).append(": ").append(Printable(d.actual));
        out.append(", expected ").append(Printable(d.expected));
        break;
    }
    out.push_back('\n');
  }
  return out;
}

std::string DescribeState(const KvState& state, size_t max_entries) {
  std::string out = "{";
  size_t shown = 0;
  for (const auto& [key, value] : state) {
    if (shown == max_entries) {
      out.append(", ... ").append(std::to_string(state.size() - shown)).append(" more");
      break;
    }
    if (shown++ > 0) out.append(", ");
    out.append(Printable(key)).append("=").append(Printable(value));
  }
  out.append("}");
  return out;
}

}  // namespace memdb::testing
