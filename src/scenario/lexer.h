// Splits one line of a scenario script into tokens (docs/scenario-language.md, "Lexical
// rules"): words separated by blanks, double-quoted strings with C-style escapes, and a
// comment from '#' to the end of the line.
#ifndef MEMDB_SRC_SCENARIO_LEXER_H_
#define MEMDB_SRC_SCENARIO_LEXER_H_

#include <string>
#include <string_view>
#include <vector>

namespace memdb::scenario {

struct Token {
  std::string text;  // unescaped
  int column = 0;    // 1-based, where the token starts
  bool quoted = false;
};

struct LexResult {
  std::vector<Token> tokens;
  std::string error;  // empty on success
  int error_column = 0;
};

LexResult Tokenize(std::string_view line);

// `text` quoted for display: "a b" -> "\"a b\"", bare words as they are.
std::string QuoteIfNeeded(std::string_view text);
// For messages: QuoteIfNeeded of at most the first 48 bytes, then "...(N bytes)".
std::string Abbreviated(std::string_view text);

}  // namespace memdb::scenario

#endif  // MEMDB_SRC_SCENARIO_LEXER_H_
