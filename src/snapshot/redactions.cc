// Redactions use std::regex: patterns come from the test author, not from untrusted input, and
// the engine takes no dependency for it. Every std::regex_error becomes InvalidArgument.
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12 with -fsanitize=address warns -Wmaybe-uninitialized inside libstdc++'s <regex>
// (std::function in _State's move constructor, GCC bug 105562); the warning comes from inlined
// library code, so it is silenced for this file only, which does nothing else.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <regex>
#include <utility>

#include "memdb/snapshot/diff.h"

namespace memdb {

struct Redactions::Rule {
  bool ignore = false;  // drop matching keys; else replace in values
  bool all_keys = false;
  std::regex key;
  std::regex value;
  std::string format;  // the placeholder with '$' doubled: literal text, not $1 references
};

namespace {

Status Compile(std::string_view pattern, std::regex* out) {
  try {
    *out = std::regex(pattern.begin(), pattern.end(), std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return Status::InvalidArgument("Redactions: invalid pattern \"" + std::string(pattern) +
                                   "\": " + e.what());
  }
  return Status::OK();
}

}  // namespace

Redactions::Redactions() = default;
Redactions::~Redactions() = default;
Redactions::Redactions(const Redactions&) = default;
Redactions& Redactions::operator=(const Redactions&) = default;

Status Redactions::IgnoreKeys(std::string_view key_pattern) {
  auto rule = std::make_shared<Rule>();
  rule->ignore = true;
  if (Status s = Compile(key_pattern, &rule->key); !s.ok()) return s;
  rules_.push_back(std::move(rule));
  return Status::OK();
}

Status Redactions::ReplaceValues(std::string_view value_pattern, std::string_view placeholder,
                                 std::string_view key_pattern) {
  auto rule = std::make_shared<Rule>();
  rule->all_keys = key_pattern.empty();
  if (!rule->all_keys) {
    if (Status s = Compile(key_pattern, &rule->key); !s.ok()) return s;
  }
  if (Status s = Compile(value_pattern, &rule->value); !s.ok()) return s;
  if (std::regex_match(std::string(), rule->value)) {
    return Status::InvalidArgument("Redactions: value pattern \"" + std::string(value_pattern) +
                                   "\" matches the empty string");
  }
  for (const char c : placeholder) {
    if (c == '$') rule->format.push_back('$');
    rule->format.push_back(c);
  }
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
        if (std::regex_search(key, rule->key)) {
          dropped = true;
          break;
        }
      } else if (rule->all_keys || std::regex_search(key, rule->key)) {
        redacted = std::regex_replace(redacted, rule->value, rule->format);
      }
    }
    if (!dropped) hint = out.entries.emplace_hint(hint, key, std::move(redacted));
  }
  out.metadata.key_count = out.entries.size();
  return out;
}

}  // namespace memdb
