#include "sim/ordering.h"

#include <charconv>
#include <utility>

namespace memdb::sim::internal {

TokenPattern ParseTokenPattern(std::string_view text) {
  TokenPattern p;
  p.text = std::string(text);
  const size_t hash = text.rfind('#');
  if (hash != std::string_view::npos && hash + 1 < text.size()) {
    uint64_t n = 0;
    const char* first = text.data() + hash + 1;
    const char* last = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(first, last, n);
    if (ec == std::errc() && ptr == last && n > 0) {
      p.token = std::string(text.substr(0, hash));
      p.occurrence = n;
      return p;
    }
  }
  p.token = std::string(text);
  return p;
}

void Orderings::AddEdge(std::string_view before, std::string_view after) {
  Edge e{ParseTokenPattern(before), ParseTokenPattern(after), {}};
  e.text = "'" + e.before.text + "' before '" + e.after.text + "'";
  edges_.push_back(std::move(e));
}

void Orderings::AddCallback(std::string_view token, std::function<void()> callback) {
  callbacks_.push_back({ParseTokenPattern(token), std::move(callback)});
}

std::string Orderings::Validate(const std::vector<std::string>& fibers) const {
  auto check = [&](const TokenPattern& p, const std::string& where) -> std::string {
    const size_t colon = p.token.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == p.token.size()) {
      return where + ": '" + p.text + "' is not a schedule token fiber:step";
    }
    const std::string fiber = p.token.substr(0, colon);
    for (const std::string& f : fibers) {
      if (f == fiber) return "";
    }
    return where + " names no spawned fiber '" + fiber + "'";
  };
  for (const Edge& e : edges_) {
    for (const TokenPattern* p : {&e.before, &e.after}) {
      if (std::string error = check(*p, "forced ordering " + e.text); !error.empty()) {
        return error;
      }
    }
  }
  for (const Callback& c : callbacks_) {
    if (std::string error = check(c.at, "callback at '" + c.at.text + "'"); !error.empty()) {
      return error;
    }
  }
  return "";
}

uint64_t Orderings::Count(const std::string& token) const {
  auto it = executed_.find(token);
  return it == executed_.end() ? 0 : it->second;
}

uint64_t Orderings::Required(const Edge& edge, uint64_t n) {
  if (edge.before.occurrence != 0) return edge.before.occurrence;
  return edge.after.occurrence != 0 ? 1 : n;
}

const std::string* Orderings::HeldBy(const std::string& token) const {
  for (const Edge& e : edges_) {
    if (e.after.token != token) continue;
    const uint64_t n = Count(token) + 1;  // the occurrence it would execute
    if (e.after.occurrence != 0 && e.after.occurrence != n) continue;
    if (Count(e.before.token) < Required(e, n)) return &e.text;
  }
  return nullptr;
}

std::vector<const std::function<void()>*> Orderings::Executed(const std::string& token) {
  const uint64_t n = ++executed_[token];
  std::vector<const std::function<void()>*> run;
  for (const Callback& c : callbacks_) {
    if (c.at.token == token && (c.at.occurrence == 0 || c.at.occurrence == n)) {
      run.push_back(&c.fn);
    }
  }
  return run;
}

std::string Orderings::Explain(const std::string& edge) const {
  for (const Edge& e : edges_) {
    if (e.text != edge) continue;
    const uint64_t n = Count(e.after.token) + 1;
    return e.text + " (" + e.before.token + " executed " + std::to_string(Count(e.before.token)) +
           " of " + std::to_string(Required(e, n)) + " times)";
  }
  return edge;
}

}  // namespace memdb::sim::internal
