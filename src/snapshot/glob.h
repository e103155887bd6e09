// Glob patterns for redactions (docs/golden-files.md, "Redactions"): `*` any run of bytes,
// `?` any one byte, `[...]` one byte of a class (`[a-z0-9_]`, negated by `[!...]` or `[^...]`,
// `]` first is literal), `\` makes the next byte literal. Bytes, not characters: keys and
// values are byte strings.
//
// Why not std::regex: it recurses per character (a 40,000-byte key overflows the stack) and
// backtracks exponentially ('.*x' on 20,000 bytes runs for minutes). Both operations here are
// iterative with a bound: O(text length x pattern length) time and O(pattern length) memory,
// so a 65,535-byte key against any short pattern takes microseconds.
#ifndef MEMDB_SRC_SNAPSHOT_GLOB_H_
#define MEMDB_SRC_SNAPSHOT_GLOB_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/util/status.h"

namespace memdb::snapshot {

class GlobPattern {
 public:
  // Compiles `pattern` into *out. InvalidArgument naming the pattern and the byte offset for an
  // unterminated class, an empty or reversed range, or a trailing `\` (*out is unchanged then).
  [[nodiscard]] static Status Compile(std::string_view pattern, GlobPattern* out);

  // Whether the whole of `text` matches (a glob is anchored at both ends).
  bool Matches(std::string_view text) const;

  // Whether the empty string matches (the pattern is empty or only stars).
  bool MatchesEmpty() const;

  // The leftmost match in `text` starting at or after `from`, and of those the shortest (a star
  // takes as little as it can): true with [*begin, *end) set, or false when there is none.
  bool Find(std::string_view text, size_t from, size_t* begin, size_t* end) const;

 private:
  struct Token {
    enum class Kind : uint8_t { kByte, kAny, kClass, kStar };
    Kind kind = Kind::kByte;
    unsigned char byte = 0;  // kByte
    size_t set = 0;          // kClass: index into sets_
  };
  using ByteSet = std::array<bool, 256>;

  bool Accepts(const Token& token, unsigned char c) const;

  std::vector<Token> tokens_;  // consecutive stars folded into one
  std::vector<ByteSet> sets_;
};

}  // namespace memdb::snapshot

#endif  // MEMDB_SRC_SNAPSHOT_GLOB_H_
