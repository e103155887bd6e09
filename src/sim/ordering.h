// Forced orderings and step callbacks (docs/deterministic-scheduling.md, "Forced orderings").
//
// An edge "A before B" holds the step B back until step A has executed: a fiber whose next
// token is B is not a candidate of any decision while the edge is unmet. Tokens are schedule
// tokens ("t1:commit"), optionally with "#n" for the n-th occurrence. Without numbers the k-th
// B waits for the k-th A (every occurrence, not only the first); "A#m before B" holds every B
// until the m-th A; "A before B#n" holds the n-th B until the first A.
#ifndef MEMDB_SRC_SIM_ORDERING_H_
#define MEMDB_SRC_SIM_ORDERING_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace memdb::sim::internal {

// "t1:commit#2" -> {"t1:commit", 2}; no "#n" -> occurrence 0 ("each").
struct TokenPattern {
  std::string token;
  uint64_t occurrence = 0;
  std::string text;  // as written
};
TokenPattern ParseTokenPattern(std::string_view text);

class Orderings {
 public:
  void AddEdge(std::string_view before, std::string_view after);
  void AddCallback(std::string_view token, std::function<void()> callback);
  bool empty() const { return edges_.empty() && callbacks_.empty(); }

  // "" when every fiber named by an edge or callback is in `fibers`; else the error.
  std::string Validate(const std::vector<std::string>& fibers) const;
  // The edge holding `token` back now (its text), or nullptr when it may execute.
  const std::string* HeldBy(const std::string& token) const;
  // Records that `token` executed; returns the callbacks to run for this occurrence.
  std::vector<const std::function<void()>*> Executed(const std::string& token);
  // "'t1:a' before 't2:b' (t1:a executed 0 of 1 times)" for the edge text `edge`.
  std::string Explain(const std::string& edge) const;

 private:
  struct Edge {
    TokenPattern before;
    TokenPattern after;
    std::string text;
  };
  struct Callback {
    TokenPattern at;
    std::function<void()> fn;
  };
  uint64_t Count(const std::string& token) const;
  // How many times `before` must have executed for the occurrence `n` of edge.after.
  static uint64_t Required(const Edge& edge, uint64_t n);

  std::vector<Edge> edges_;
  std::vector<Callback> callbacks_;
  std::unordered_map<std::string, uint64_t> executed_;
};

}  // namespace memdb::sim::internal

#endif  // MEMDB_SRC_SIM_ORDERING_H_
