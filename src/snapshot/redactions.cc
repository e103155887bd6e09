// Redactions match with our own glob patterns (snapshot/glob.h), never std::regex: keys reach
// 65,535 bytes and values are larger, and std::regex recurses per character (a 40,000-byte key
// overflowed the stack of `memdb snapshot diff --ignore-keys`) and backtracks exponentially.
#include <utility>

#include "memdb/snapshot/diff.h"
#include "snapshot/glob.h"

namespace memdb {

struct Redactions::Rule {
  bool ignore = false;  // drop matching keys; else replace in values
  bool all_keys = false;
  snapshot::GlobPattern key;
  snapshot::GlobPattern value;
  std::string placeholder;  // literal text
};

namespace {

// Every match of `pattern` in `value` replaced by `placeholder`, leftmost first, matches not
// overlapping; the pattern never matches the empty string (ReplaceValues refuses it), so each
// step advances.
std::string ReplaceAll(const snapshot::GlobPattern& pattern, const std::string& value,
                       const std::string& placeholder) {
  std::string out;
  size_t pos = 0;
  size_t begin = 0;
  size_t end = 0;
  while (pos < value.size() && pattern.Find(value, pos, &begin, &end)) {
    out.append(value, pos, begin - pos);
    out += placeholder;
    pos = end;
  }
  if (pos == 0) return value;
  out.append(value, pos, std::string::npos);
  return out;
}

}  // namespace

Redactions::Redactions() = default;
Redactions::~Redactions() = default;
Redactions::Redactions(const Redactions&) = default;
Redactions& Redactions::operator=(const Redactions&) = default;

Status Redactions::IgnoreKeys(std::string_view key_pattern) {
  auto rule = std::make_shared<Rule>();
  rule->ignore = true;
  if (Status s = snapshot::GlobPattern::Compile(key_pattern, &rule->key); !s.ok()) {
    return Status::InvalidArgument("Redactions: " + std::string(s.message()));
  }
  rules_.push_back(std::move(rule));
  return Status::OK();
}

Status Redactions::ReplaceValues(std::string_view value_pattern, std::string_view placeholder,
                                 std::string_view key_pattern) {
  auto rule = std::make_shared<Rule>();
  rule->all_keys = key_pattern.empty();
  if (!rule->all_keys) {
    if (Status s = snapshot::GlobPattern::Compile(key_pattern, &rule->key); !s.ok()) {
      return Status::InvalidArgument("Redactions: " + std::string(s.message()));
    }
  }
  if (Status s = snapshot::GlobPattern::Compile(value_pattern, &rule->value); !s.ok()) {
    return Status::InvalidArgument("Redactions: " + std::string(s.message()));
  }
  if (rule->value.MatchesEmpty()) {
    return Status::InvalidArgument("Redactions: value pattern \"" + std::string(value_pattern) +
                                   "\" matches the empty string");
  }
  rule->placeholder = std::string(placeholder);
  rules_.push_back(std::move(rule));
  return Status::OK();
}

Snapshot Redactions::Apply(const Snapshot& snapshot) const {
  Snapshot out;
  out.metadata = snapshot.metadata;
  auto hint = out.entries.end();
  for (const auto& [key, value] : snapshot.entries) {
    bool dropped = false;
    std::string redacted = value;
    for (const auto& rule : rules_) {
      if (rule->ignore) {
        if (rule->key.Matches(key)) {
          dropped = true;
          break;
        }
      } else if (rule->all_keys || rule->key.Matches(key)) {
        redacted = ReplaceAll(rule->value, redacted, rule->placeholder);
      }
    }
    if (!dropped) hint = out.entries.emplace_hint(hint, key, std::move(redacted));
  }
  out.metadata.key_count = out.entries.size();
  return out;
}

}  // namespace memdb
