#include "scenario/lexer.h"

namespace memdb::scenario {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

}  // namespace

LexResult Tokenize(std::string_view line) {
  LexResult r;
  size_t i = 0;
  while (i < line.size()) {
    if (IsBlank(line[i])) {
      ++i;
      continue;
    }
    if (line[i] == '#') break;
    Token t;
    t.column = static_cast<int>(i) + 1;
    if (line[i] != '"') {
      while (i < line.size() && !IsBlank(line[i]) && line[i] != '"') t.text += line[i++];
      if (i < line.size() && line[i] == '"') {
        r.error = "expected a blank before the opening quote";
        r.error_column = static_cast<int>(i) + 1;
        return r;
      }
      r.tokens.push_back(std::move(t));
      continue;
    }
    t.quoted = true;
    ++i;
    bool closed = false;
    while (i < line.size()) {
      const char c = line[i];
      if (c == '"') {
        closed = true;
        ++i;
        break;
      }
      if (c != '\\') {
        t.text += c;
        ++i;
        continue;
      }
      if (i + 1 >= line.size()) break;
      const char e = line[i + 1];
      switch (e) {
        case 'n':
          t.text += '\n';
          i += 2;
          continue;
        case 't':
          t.text += '\t';
          i += 2;
          continue;
        case 'r':
          t.text += '\r';
          i += 2;
          continue;
        case '0':
          t.text += '\0';
          i += 2;
          continue;
        case '\\':
          t.text += '\\';
          i += 2;
          continue;
        case '"':
          t.text += '"';
          i += 2;
          continue;
        case 'x': {
          const int hi = i + 2 < line.size() ? HexDigit(line[i + 2]) : -1;
          const int lo = i + 3 < line.size() ? HexDigit(line[i + 3]) : -1;
          if (hi >= 0 && lo >= 0) {
            t.text += static_cast<char>(hi * 16 + lo);
            i += 4;
            continue;
          }
          r.error = "expected two hex digits after \\x";
          r.error_column = static_cast<int>(i) + 1;
          return r;
        }
        default:
          r.error = std::string("unknown escape \\") + e +
                    " (expected \\n, \\t, \\r, \\0, \\\\, \\\" or \\xHH)";
          r.error_column = static_cast<int>(i) + 1;
          return r;
      }
    }
    if (!closed) {
      r.error = "expected a closing quote";
      r.error_column = static_cast<int>(line.size()) + 1;
      return r;
    }
    if (i < line.size() && !IsBlank(line[i]) && line[i] != '#') {
      r.error = "expected a blank after the closing quote";
      r.error_column = static_cast<int>(i) + 1;
      return r;
    }
    r.tokens.push_back(std::move(t));
  }
  return r;
}

std::string QuoteIfNeeded(std::string_view text) {
  bool plain = !text.empty();
  for (char c : text) {
    if (IsBlank(c) || c == '"' || c == '#' || c == '\\' || static_cast<unsigned char>(c) < 0x20 ||
        static_cast<unsigned char>(c) >= 0x7f) {
      plain = false;
    }
  }
  if (plain) return std::string(text);
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u >= 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string Abbreviated(std::string_view text) {
  constexpr size_t kShown = 48;
  if (text.size() <= kShown) return QuoteIfNeeded(text);
  return QuoteIfNeeded(text.substr(0, kShown)) + "...(" + std::to_string(text.size()) + " bytes)";
}

}  // namespace memdb::scenario
