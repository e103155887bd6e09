// Matching without recursion or backtracking blow-up (see glob.h): a whole-text match is the
// classic greedy star with a single resume point, and a search runs the pattern as a small
// NFA (one state per token) over the text once, keeping per state the leftmost start.
#include "snapshot/glob.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace memdb::snapshot {
namespace {

constexpr size_t kNone = std::numeric_limits<size_t>::max();

Status Invalid(std::string_view pattern, size_t offset, std::string_view what) {
  return Status::InvalidArgument("invalid pattern \"" + std::string(pattern) +
                                 "\": " + std::string(what) + " at byte " + std::to_string(offset));
}

}  // namespace

Status GlobPattern::Compile(std::string_view pattern, GlobPattern* out) {
  GlobPattern glob;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    Token token;
    if (c == '*') {
      if (!glob.tokens_.empty() && glob.tokens_.back().kind == Token::Kind::kStar) continue;
      token.kind = Token::Kind::kStar;
    } else if (c == '?') {
      token.kind = Token::Kind::kAny;
    } else if (c == '\\') {
      if (i + 1 == pattern.size()) return Invalid(pattern, i, "'\\' escapes nothing");
      token.byte = static_cast<unsigned char>(pattern[++i]);
    } else if (c == '[') {
      const size_t open = i;
      ByteSet set{};
      bool negated = false;
      size_t j = i + 1;
      if (j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^')) {
        negated = true;
        ++j;
      }
      bool closed = false;
      for (bool first = true; j < pattern.size(); first = false) {
        if (pattern[j] == ']' && !first) {
          closed = true;
          break;
        }
        unsigned char low = static_cast<unsigned char>(pattern[j]);
        if (pattern[j] == '\\') {
          if (++j == pattern.size()) break;
          low = static_cast<unsigned char>(pattern[j]);
        }
        ++j;
        unsigned char high = low;
        if (j + 1 < pattern.size() && pattern[j] == '-' && pattern[j + 1] != ']') {
          ++j;
          if (pattern[j] == '\\' && ++j == pattern.size()) break;
          high = static_cast<unsigned char>(pattern[j]);
          ++j;
          if (high < low) return Invalid(pattern, open, "reversed range in '[...]'");
        }
        for (unsigned v = low; v <= high; ++v) set[v] = true;
      }
      if (!closed) return Invalid(pattern, open, "unterminated '['");
      if (negated) {
        for (bool& member : set) member = !member;
      }
      i = j;  // the closing ']'
      token.kind = Token::Kind::kClass;
      token.set = glob.sets_.size();
      glob.sets_.push_back(set);
    } else {
      token.byte = static_cast<unsigned char>(c);
    }
    glob.tokens_.push_back(token);
  }
  *out = std::move(glob);
  return Status::OK();
}

bool GlobPattern::Accepts(const Token& token, unsigned char c) const {
  switch (token.kind) {
    case Token::Kind::kByte:
      return token.byte == c;
    case Token::Kind::kAny:
      return true;
    case Token::Kind::kClass:
      return sets_[token.set][c];
    case Token::Kind::kStar:
      return false;
  }
  return false;
}

bool GlobPattern::MatchesEmpty() const {
  return std::all_of(tokens_.begin(), tokens_.end(),
                     [](const Token& t) { return t.kind == Token::Kind::kStar; });
}

// Greedy star, resuming only at the most recent star: a later star's match never needs an
// earlier star to take more, so one resume point suffices and the work is O(n x m).
bool GlobPattern::Matches(std::string_view text) const {
  const size_t m = tokens_.size();
  size_t t = 0;
  size_t p = 0;
  size_t star_p = kNone;
  size_t star_t = 0;
  while (t < text.size()) {
    if (p < m && tokens_[p].kind == Token::Kind::kStar) {
      star_p = p++;
      star_t = t;
    } else if (p < m && Accepts(tokens_[p], static_cast<unsigned char>(text[t]))) {
      ++p;
      ++t;
    } else if (star_p != kNone) {
      p = star_p + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < m && tokens_[p].kind == Token::Kind::kStar) ++p;
  return p == m;
}

// An NFA whose state k means "tokens [0, k) matched"; start[k] is the leftmost text offset a
// match in state k began at (threads in one state have the same future, so only the leftmost
// matters). Every match passes every state in order, so once a match is found, any thread that
// began earlier has either died or merged into it within m steps: the scan stops there.
bool GlobPattern::Find(std::string_view text, size_t from, size_t* begin, size_t* end) const {
  const size_t m = tokens_.size();
  std::vector<size_t> start(m + 1, kNone);
  std::vector<size_t> next(m + 1, kNone);
  size_t best_begin = kNone;
  size_t best_end = kNone;
  for (size_t i = from; i <= text.size(); ++i) {
    if (best_begin == kNone) start[0] = std::min(start[0], i);
    for (size_t k = 0; k < m; ++k) {  // a star may match nothing
      if (start[k] != kNone && tokens_[k].kind == Token::Kind::kStar) {
        start[k + 1] = std::min(start[k + 1], start[k]);
      }
    }
    if (start[m] != kNone && start[m] < best_begin) {
      best_begin = start[m];
      best_end = i;
    }
    bool alive = false;
    for (size_t k = 0; k <= m; ++k) {
      if (start[k] >= best_begin) start[k] = kNone;  // cannot be leftmost any more
      alive = alive || start[k] != kNone;
    }
    if (i == text.size() || (best_begin != kNone && !alive)) break;
    std::fill(next.begin(), next.end(), kNone);
    const auto c = static_cast<unsigned char>(text[i]);
    for (size_t k = 0; k < m; ++k) {
      if (start[k] == kNone) continue;
      if (tokens_[k].kind == Token::Kind::kStar) {
        next[k] = std::min(next[k], start[k]);
      } else if (Accepts(tokens_[k], c)) {
        next[k + 1] = std::min(next[k + 1], start[k]);
      }
    }
    std::swap(start, next);
  }
  if (best_begin == kNone) return false;
  *begin = best_begin;
  *end = best_end;
  return true;
}

}  // namespace memdb::snapshot
