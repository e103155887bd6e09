// The history oracle (docs/deterministic-scheduling.md, "The history oracle").
//
// The direct serialization graph has one node per committed transaction and three kinds of
// edges, each labelled with the key that causes it:
//   ww  T1 -> T2: T2 installed the next version of a key after T1's;
//   wr  T1 -> T2: T2 read the version T1 installed;
//   rw  T1 -> T2: T1 read a version (or scanned a range) and T2 installed the next version
//                 of that key (a later version of a key in the range): an anti-dependency.
// Versions are ordered by commit timestamp. A version no recorded transaction installed was
// there before recording began (the test's set-up) and creates no edge.
//
// A cycle is forbidden under snapshot isolation unless it has two consecutive rw edges
// (Fekete et al., "Making snapshot isolation serializable", 2005); serializable transactions
// forbid every cycle. The search for a forbidden cycle through an edge is a breadth-first
// search over (transaction, was the last edge rw), so a cycle that would be allowed never
// hides a forbidden one through the same transactions.
#include "memdb/sim/history.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace memdb::sim {

std::string HistoryTxn::Name() const {
  std::string name = fiber.empty() ? std::string("txn") : fiber;
  name += "(txn ";
  name += std::to_string(id);
  name += ')';
  return name;
}

std::string History::ToString() const {
  std::string out;
  for (const HistoryTxn& t : transactions) {
    out += t.Name();
    out += " @";
    out += std::to_string(t.snapshot);
    out += ':';
    for (const HistoryOp& op : t.ops) {
      switch (op.kind) {
        case HistoryOp::Kind::kRead:
          out += " r(" + op.key + ")=";
          out += op.own_write ? std::string("own") : std::to_string(op.version);
          break;
        case HistoryOp::Kind::kWrite:
          out += " w(" + op.key + ")";
          break;
        case HistoryOp::Kind::kScan:
          out += " scan[" + op.key + "," + (op.has_end ? op.end : std::string("+inf")) + ")";
          break;
      }
    }
    switch (t.outcome) {
      case HistoryTxn::Outcome::kActive:
        out += " (unfinished)";
        break;
      case HistoryTxn::Outcome::kCommitted:
        out += " commit@" + std::to_string(t.commit_timestamp);
        break;
      case HistoryTxn::Outcome::kAborted:
        out += " abort";
        break;
      case HistoryTxn::Outcome::kRolledBack:
        out += " rollback";
        break;
    }
    out += '\n';
  }
  return out;
}

std::string Anomaly::ToString() const {
  std::string out = name + " between";
  for (size_t i = 0; i < transactions.size(); ++i) {
    out += i == 0 ? " " : (i + 1 == transactions.size() ? " and " : ", ");
    out += transactions[i];
  }
  out += ": " + explanation;
  return out;
}

namespace {

enum class EdgeKind { kWw, kWr, kRw };

struct Edge {
  size_t from;
  size_t to;
  EdgeKind kind;
  std::string key;
};

bool InRange(const HistoryOp& scan, const std::string& key) {
  return key >= scan.key && (!scan.has_end || key < scan.end);
}

class Oracle {
 public:
  Oracle(const History& history, std::optional<IsolationLevel> against)
      : history_(history), against_(against) {
    for (size_t i = 0; i < history.transactions.size(); ++i) {
      const HistoryTxn& t = history.transactions[i];
      if (t.outcome != HistoryTxn::Outcome::kCommitted) continue;
      committed_.push_back(i);  // read-only ones too: they can observe read skew
      if (t.commit_timestamp == 0) continue;
      by_timestamp_[t.commit_timestamp] = i;
      for (const HistoryOp& op : t.ops) {
        if (op.kind == HistoryOp::Kind::kWrite) writers_[op.key][t.commit_timestamp] = i;
      }
    }
  }

  std::vector<Anomaly> Check() {
    std::vector<Anomaly> found;
    for (size_t i = 0; i < history_.transactions.size(); ++i) CheckReads(i, &found);
    BuildEdges();
    std::set<std::vector<size_t>> reported;
    for (const Edge& first : edges_) {
      std::optional<std::vector<const Edge*>> cycle = ForbiddenCycleThrough(first);
      if (!cycle || IsRereadCycle(*cycle)) continue;
      std::vector<size_t> members;
      for (const Edge* e : *cycle) members.push_back(e->from);
      std::sort(members.begin(), members.end());
      if (!reported.insert(members).second) continue;
      found.push_back(Name(*cycle));
    }
    return found;
  }

 private:
  const HistoryTxn& Txn(size_t i) const { return history_.transactions[i]; }

  // Anomalies of a single transaction's reads: a version no committed transaction installed,
  // and one key read at two versions.
  void CheckReads(size_t i, std::vector<Anomaly>* found) const {
    const HistoryTxn& t = Txn(i);
    std::map<std::string, uint64_t> seen;
    for (const HistoryOp& op : t.ops) {
      if (op.kind != HistoryOp::Kind::kRead || op.own_write) continue;
      if (op.version != 0 && by_timestamp_.count(op.version) == 0 &&
          InstalledByRecordedTxn(op.version)) {
        found->push_back({"aborted read",
                          {t.Name()},
                          t.Name() + " read " + op.key + " at version " +
                              std::to_string(op.version) +
                              ", which no committed transaction "
                              "installed"});
      }
      auto [it, inserted] = seen.emplace(op.key, op.version);
      if (!inserted && it->second != op.version) {
        found->push_back({"non-repeatable read",
                          {t.Name()},
                          t.Name() + " read " + op.key + " twice and saw versions " +
                              std::to_string(it->second) + " and " + std::to_string(op.version)});
      }
    }
  }

  // A version stamped with a timestamp at or below the last recorded commit, not installed
  // by any committed transaction: it can only come from a transaction that did not commit.
  bool InstalledByRecordedTxn(uint64_t version) const {
    uint64_t first_recorded = UINT64_MAX;
    for (const HistoryTxn& t : history_.transactions)
      first_recorded = std::min(first_recorded, t.snapshot);
    return version > first_recorded;
  }

  // The committed writer of `key` with the smallest commit timestamp above `after`, if any.
  std::optional<size_t> NextWriter(const std::string& key, uint64_t after) const {
    auto w = writers_.find(key);
    if (w == writers_.end()) return std::nullopt;
    auto it = w->second.upper_bound(after);
    if (it == w->second.end()) return std::nullopt;
    return it->second;
  }

  void BuildEdges() {
    for (const auto& [key, versions] : writers_) {
      for (auto it = versions.begin(); std::next(it) != versions.end(); ++it) {
        edges_.push_back({it->second, std::next(it)->second, EdgeKind::kWw, key});
      }
    }
    for (size_t i : committed_) {
      const HistoryTxn& t = Txn(i);
      for (const HistoryOp& op : t.ops) {
        if (op.kind == HistoryOp::Kind::kRead && !op.own_write) {
          if (auto w = writers_.find(op.key); w != writers_.end()) {
            if (auto v = w->second.find(op.version); v != w->second.end() && v->second != i) {
              edges_.push_back({v->second, i, EdgeKind::kWr, op.key});
            }
          }
          if (std::optional<size_t> next = NextWriter(op.key, op.version); next && *next != i) {
            edges_.push_back({i, *next, EdgeKind::kRw, op.key});
          }
        } else if (op.kind == HistoryOp::Kind::kScan) {
          for (const auto& [key, versions] : writers_) {
            if (!InRange(op, key)) continue;
            std::optional<size_t> next = NextWriter(key, t.snapshot);
            if (next && *next != i) edges_.push_back({i, *next, EdgeKind::kRw, key});
          }
        }
      }
    }
  }

  bool AllowsConsecutiveRw(const std::vector<const Edge*>& cycle) const {
    if (against_) return *against_ == IsolationLevel::kSnapshot;
    for (const Edge* e : cycle) {
      if (!Txn(e->from).serializable) return true;  // judged by the weakest member
    }
    return false;
  }

  // The shortest cycle starting with `first` that the members' isolation forbids.
  std::optional<std::vector<const Edge*>> ForbiddenCycleThrough(const Edge& first) const {
    // Try the strict rule (any cycle) first; fall back to snapshot isolation's rule.
    for (bool allow_consecutive_rw : {false, true}) {
      std::optional<std::vector<const Edge*>> cycle = ShortestCycle(first, allow_consecutive_rw);
      if (!cycle) continue;
      if (!allow_consecutive_rw && AllowsConsecutiveRw(*cycle) && HasConsecutiveRw(*cycle)) {
        continue;  // allowed under its members' isolation; look for a forbidden one
      }
      return cycle;
    }
    return std::nullopt;
  }

  // t1 -rw(x)-> t2 -wr(x)-> t1: t1 read x twice around t2's write, which CheckReads already
  // reported as a non-repeatable read.
  static bool IsRereadCycle(const std::vector<const Edge*>& cycle) {
    if (cycle.size() != 2 || cycle[0]->key != cycle[1]->key) return false;
    const EdgeKind a = cycle[0]->kind;
    const EdgeKind b = cycle[1]->kind;
    return (a == EdgeKind::kRw && b == EdgeKind::kWr) || (a == EdgeKind::kWr && b == EdgeKind::kRw);
  }

  static bool HasConsecutiveRw(const std::vector<const Edge*>& cycle) {
    for (size_t i = 0; i < cycle.size(); ++i) {
      const Edge* next = cycle[(i + 1) % cycle.size()];
      if (cycle[i]->kind == EdgeKind::kRw && next->kind == EdgeKind::kRw) return true;
    }
    return false;
  }

  // BFS from first.to back to first.from over states (transaction, last edge was rw). With
  // `avoid_consecutive_rw`, no two consecutive rw edges (including around the cycle's end).
  std::optional<std::vector<const Edge*>> ShortestCycle(const Edge& first,
                                                        bool avoid_consecutive_rw) const {
    const size_t n = history_.transactions.size();
    auto index = [](size_t txn, bool rw) { return txn * 2 + (rw ? 1 : 0); };
    constexpr size_t kNone = SIZE_MAX;
    std::vector<const Edge*> via(2 * n, nullptr);  // the edge that reached a state
    std::vector<size_t> parent(2 * n, kNone);      // the state it came from
    std::vector<bool> visited(2 * n, false);
    const bool first_rw = first.kind == EdgeKind::kRw;
    const size_t start = index(first.to, first_rw);
    std::deque<size_t> queue{start};
    visited[start] = true;
    while (!queue.empty()) {
      const size_t state = queue.front();
      queue.pop_front();
      const size_t txn = state / 2;
      const bool last_rw = (state % 2) == 1;
      for (const Edge& e : edges_) {
        if (e.from != txn) continue;
        const bool rw = e.kind == EdgeKind::kRw;
        if (avoid_consecutive_rw && last_rw && rw) continue;
        if (e.to == first.from && !(avoid_consecutive_rw && rw && first_rw)) {
          std::vector<const Edge*> cycle{&e};
          for (size_t at = state; at != start; at = parent[at]) cycle.push_back(via[at]);
          cycle.push_back(&first);
          std::reverse(cycle.begin(), cycle.end());
          return cycle;
        }
        const size_t next = index(e.to, rw);
        if (visited[next]) continue;
        visited[next] = true;
        via[next] = &e;
        parent[next] = state;
        queue.push_back(next);
      }
    }
    return std::nullopt;
  }

  static const char* KindName(EdgeKind kind) {
    switch (kind) {
      case EdgeKind::kWw:
        return "ww";
      case EdgeKind::kWr:
        return "wr";
      case EdgeKind::kRw:
        return "rw";
    }
    return "?";
  }

  std::string Describe(const Edge& e) const {
    const std::string from = Txn(e.from).Name();
    const std::string to = Txn(e.to).Name();
    switch (e.kind) {
      case EdgeKind::kWw:
        return to + " overwrote " + from + "'s " + e.key + " (ww)";
      case EdgeKind::kWr:
        return to + " read " + from + "'s " + e.key + " (wr)";
      case EdgeKind::kRw:
        return from + " read " + e.key + " before " + to + " wrote it (rw)";
    }
    return KindName(e.kind);
  }

  Anomaly Name(const std::vector<const Edge*>& cycle) const {
    size_t rw = 0;
    size_t ww = 0;
    for (const Edge* e : cycle) {
      rw += e->kind == EdgeKind::kRw ? 1 : 0;
      ww += e->kind == EdgeKind::kWw ? 1 : 0;
    }
    std::string name;
    if (rw == 0) {
      name = ww == cycle.size() ? "dirty write" : "circular information flow";
    } else if (rw == 1) {
      // G-single. Two transactions that both read a key and both wrote it: a lost update.
      const Edge* anti = nullptr;
      const Edge* other = nullptr;
      for (const Edge* e : cycle) (e->kind == EdgeKind::kRw ? anti : other) = e;
      name = cycle.size() == 2 && other->kind == EdgeKind::kWw && other->key == anti->key
                 ? "lost update"
                 : "read skew";
    } else {
      name = cycle.size() == 2 && rw == 2 && cycle[0]->key != cycle[1]->key
                 ? "write skew"
                 : "anti-dependency cycle";
    }
    Anomaly anomaly;
    anomaly.name = name;
    std::string explanation;
    for (const Edge* e : cycle) {
      anomaly.transactions.push_back(Txn(e->from).Name());
      if (!explanation.empty()) explanation += "; ";
      explanation += Describe(*e);
    }
    anomaly.explanation = explanation;
    return anomaly;
  }

  const History& history_;
  const std::optional<IsolationLevel> against_;
  std::vector<size_t> committed_;
  std::map<uint64_t, size_t> by_timestamp_;
  std::map<std::string, std::map<uint64_t, size_t>> writers_;  // key -> commit ts -> txn
  std::vector<Edge> edges_;
};

}  // namespace

std::vector<Anomaly> CheckHistory(const History& history, std::optional<IsolationLevel> against) {
  return Oracle(history, against).Check();
}

}  // namespace memdb::sim
