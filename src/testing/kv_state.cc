#include "memdb/testing/kv_state.h"

#include <string_view>
#include <utility>

#include "memdb/db/db.h"

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

Result<Snapshot> SnapshotOf(KvStore& store) {
  if (auto* db = dynamic_cast<Db*>(&store)) return db->ExportSnapshot();
  Result<KvState> state = ReadState(store);
  if (!state.ok()) return state.status();
  return SnapshotOf(std::move(state).value());
}

Snapshot SnapshotOf(KvState state) {
  Snapshot snapshot;
  snapshot.metadata.key_count = state.size();
  snapshot.entries = std::move(state);
  return snapshot;
}

std::vector<KeyDiff> DiffStates(const Snapshot& actual, const Snapshot& expected,
                                bool extra_keys_allowed) {
  // The comparison is the snapshot layer's; only the subset rule and the naming are ours
  // (its "added" is a key the expectation does not have: "unexpected" to a matcher).
  const SnapshotDiff diff = DiffSnapshots(expected, actual);
  std::vector<KeyDiff> out;
  out.reserve(diff.differences.size());
  for (const KeyDifference& d : diff.differences) {
    switch (d.kind) {
      case KeyDifference::Kind::kAdded:
        if (!extra_keys_allowed) out.push_back({KeyDiff::Kind::kUnexpected, d.key, d.actual, ""});
        break;
      case KeyDifference::Kind::kRemoved:
        out.push_back({KeyDiff::Kind::kMissing, d.key, "", d.expected});
        break;
      case KeyDifference::Kind::kChanged:
        out.push_back({KeyDiff::Kind::kChanged, d.key, d.actual, d.expected});
        break;
    }
  }
  return out;
}

std::vector<KeyDiff> DiffStates(const KvState& actual, const KvState& expected,
                                bool extra_keys_allowed) {
  return DiffStates(SnapshotOf(actual), SnapshotOf(expected), extra_keys_allowed);
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
