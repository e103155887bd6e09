// Golden text: writer and a strict single-pass parser (docs/golden-files.md).
//
// The parser is our own rather than cereal's RapidJSON: the layout is fixed (one flat object
// per line), so a strict reader is short, has no recursion for hostile nesting to overflow,
// names line and column, and decodes \u0000 instead of truncating at it (cereal #624).
#include "snapshot/golden_format.h"

#include <cstdint>
#include <utility>

#include "memdb/mvcc/txn.h"
#include "snapshot/text_encoding.h"

namespace memdb::snapshot {
namespace {

// Appends a key or value as `"<field>":"..."` or `"<field>_hex":"..."`.
void AppendField(std::string* out, std::string_view field, std::string_view bytes) {
  out->push_back('"');
  out->append(field);
  if (IsGoldenText(bytes)) {
    out->append("\":");
    AppendJsonString(out, bytes);
  } else {
    out->append("_hex\":\"");
    AppendHex(out, bytes);
    out->push_back('"');
  }
}

// A cursor over the text that knows its line and column for error messages.
class GoldenParser {
 public:
  GoldenParser(std::string_view text, std::string_view name) : text_(text), name_(name) {}

  Result<Snapshot> Parse() {
    Snapshot snapshot;
    uint64_t version = 0;
    uint64_t count = 0;
    if (!Expect(kGoldenPrefix) || !Number(&version, "the format version")) return error_;
    if (version == 0) {
      Fail("format version 0 is not a valid version");
      return error_;
    }
    if (version > kSnapshotFormatVersion) {
      return Status::NotSupported(std::string(name_) + ": golden format version " +
                                  std::to_string(version) +
                                  " was written by a newer memdb (this one reads versions up to " +
                                  std::to_string(kSnapshotFormatVersion) + ")");
    }
    if (!Expect(",\"entries\":") || !Number(&count, "the entry count") || !Expect("}") ||
        !EndOfLine()) {
      return error_;
    }
    snapshot.metadata.format_version = static_cast<uint32_t>(version);
    std::string key;
    std::string value;
    auto hint = snapshot.entries.end();
    while (pos_ < text_.size()) {
      const size_t entry_line = line_;
      if (!Expect("{")) return error_;
      const size_t key_pos = pos_;
      if (!Field("key", &key)) return error_;
      // A key no Db can hold (no writer makes one): refused here, not by the Db it reaches.
      if (key.size() > kMaxKeySize) {
        pos_ = key_pos;
        Fail("a key of " + std::to_string(key.size()) + " bytes exceeds the key limit of " +
             std::to_string(kMaxKeySize) + " bytes");
        return error_;
      }
      if (!Expect(",") || !Field("value", &value) || !Expect("}") || !EndOfLine()) {
        return error_;
      }
      if (!snapshot.entries.empty() && key <= snapshot.entries.rbegin()->first) {
        line_ = entry_line;
        line_start_ = 0;
        Fail("key " + DisplayBytes(key) + " is not greater than the previous key " +
                 DisplayBytes(snapshot.entries.rbegin()->first) +
                 " (entries are sorted bytewise, each key once)",
             /*with_column=*/false);
        return error_;
      }
      hint = snapshot.entries.emplace_hint(hint, std::move(key), std::move(value));
      key.clear();
      value.clear();
    }
    if (snapshot.entries.size() != count) {
      Fail("the header counts " + std::to_string(count) + " entries, the file has " +
               std::to_string(snapshot.entries.size()) + " (truncated or edited?)",
           /*with_column=*/false);
      return error_;
    }
    snapshot.metadata.key_count = count;
    return snapshot;
  }

 private:
  // Records the error (the first one wins) and returns false, so failures chain through &&.
  bool Fail(std::string_view what, bool with_column = true) {
    if (!error_.ok()) return false;
    std::string where = std::string(name_) + ":" + std::to_string(line_);
    if (with_column) where += ":" + std::to_string(pos_ - line_start_ + 1);
    error_ = Status::Corruption(where + ": " + std::string(what));
    return false;
  }

  // What is at the cursor, for "expected X, found Y" messages.
  std::string Found() const {
    if (pos_ >= text_.size()) return "the end of the file";
    return DisplayBytes(text_.substr(pos_, 12), 12);
  }

  bool Expect(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) == literal) {
      pos_ += literal.size();
      return true;
    }
    Fail("expected " + std::string(literal) + ", found " + Found());
    return false;
  }

  bool EndOfLine() {
    if (pos_ < text_.size() && text_[pos_] == '\n') {
      ++pos_;
      ++line_;
      line_start_ = pos_;
      return true;
    }
    if (pos_ < text_.size() && text_[pos_] == '\r') {
      Fail("carriage return before the newline (CRLF line endings; golden files use LF)");
    } else if (pos_ >= text_.size()) {
      Fail("missing newline at the end of the file");
    } else {
      Fail("expected the end of the line, found " + Found());
    }
    return false;
  }

  // A decimal without leading zeros, at most 19 digits.
  bool Number(uint64_t* out, std::string_view what) {
    const size_t start = pos_;
    *out = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9' && pos_ - start < 19) {
      *out = *out * 10 + static_cast<uint64_t>(text_[pos_] - '0');
      ++pos_;
    }
    const bool more_digits = pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9';
    if (pos_ == start || more_digits || (text_[start] == '0' && pos_ - start > 1)) {
      pos_ = start;
      Fail("expected " + std::string(what) + " (a decimal number), found " + Found());
      return false;
    }
    return true;
  }

  // `"<field>":<json string>` or `"<field>_hex":"<hex>"`.
  bool Field(std::string_view field, std::string* out) {
    const std::string hex_name = "\"" + std::string(field) + "_hex\":";
    if (text_.substr(pos_, hex_name.size()) == hex_name) {
      pos_ += hex_name.size();
      return HexString(out);
    }
    std::string text_name = "\"";
    text_name.append(field).append("\":");
    if (text_.substr(pos_, text_name.size()) != text_name) {
      Fail("expected " + text_name + " or " + hex_name + ", found " + Found());
      return false;
    }
    pos_ += text_name.size();
    return JsonString(out);
  }

  bool HexString(std::string* out) {
    if (!Expect("\"")) return false;
    const size_t end = text_.find('"', pos_);
    if (end == std::string_view::npos || text_.substr(pos_, end - pos_).find('\n') != npos) {
      Fail("unterminated hex string");
      return false;
    }
    if (!DecodeHex(text_.substr(pos_, end - pos_), out)) {
      Fail("expected an even number of lowercase hex digits");
      return false;
    }
    pos_ = end + 1;
    return true;
  }

  bool Hex4(uint32_t* code) {
    *code = 0;
    for (int i = 0; i < 4; ++i, ++pos_) {
      const char c = pos_ < text_.size() ? text_[pos_] : '\0';
      const int v = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
      if (v < 0) {
        Fail("expected 4 hex digits after \\u");
        return false;
      }
      *code = *code << 4 | static_cast<uint32_t>(v);
    }
    return true;
  }

  static void AppendUtf8(std::string* out, uint32_t cp) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xc0 | cp >> 6));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xe0 | cp >> 12));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out->push_back(static_cast<char>(0xf0 | cp >> 18));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }

  // One escape after the backslash (JSON's set; the writer only emits \" \\ \n \r \t).
  bool Escape(std::string* out) {
    const char c = pos_ < text_.size() ? text_[pos_] : '\0';
    ++pos_;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out->push_back(c);
        return true;
      case 'b':
        out->push_back('\b');
        return true;
      case 'f':
        out->push_back('\f');
        return true;
      case 'n':
        out->push_back('\n');
        return true;
      case 'r':
        out->push_back('\r');
        return true;
      case 't':
        out->push_back('\t');
        return true;
      case 'u':
        break;
      default:
        --pos_;
        Fail("invalid escape \\" + DisplayBytes(std::string_view(&c, 1)));
        return false;
    }
    uint32_t cp = 0;
    if (!Hex4(&cp)) return false;
    if (cp >= 0xdc00 && cp <= 0xdfff) {
      Fail("\\u escape of a lone low surrogate");
      return false;
    }
    if (cp >= 0xd800 && cp <= 0xdbff) {
      uint32_t low = 0;
      if (text_.substr(pos_, 2) != "\\u") {
        Fail("a high surrogate \\u escape must be followed by a low one");
        return false;
      }
      pos_ += 2;
      if (!Hex4(&low)) return false;
      if (low < 0xdc00 || low > 0xdfff) {
        Fail("a high surrogate \\u escape must be followed by a low one");
        return false;
      }
      cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
    }
    AppendUtf8(out, cp);
    return true;
  }

  bool JsonString(std::string* out) {
    if (!Expect("\"")) return false;
    for (;;) {
      if (pos_ >= text_.size()) {
        Fail("unterminated string");
        return false;
      }
      const auto b = static_cast<uint8_t>(text_[pos_]);
      if (b == '"') {
        ++pos_;
        return true;
      }
      if (b == '\\') {
        ++pos_;
        if (!Escape(out)) return false;
        continue;
      }
      if (b < 0x20) {
        Fail(b == '\n' ? std::string("unterminated string (strings end on their line)")
                       : "raw control byte " + DisplayBytes(text_.substr(pos_, 1)) +
                             " in a string (it must be escaped)");
        return false;
      }
      // Copy the run of plain bytes up to the next quote, backslash or control byte, checking
      // that it is UTF-8: a golden file is valid UTF-8 by definition.
      size_t end = pos_;
      while (end < text_.size()) {
        const auto c = static_cast<uint8_t>(text_[end]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++end;
      }
      const std::string_view run = text_.substr(pos_, end - pos_);
      size_t bad = 0;
      if (!IsValidUtf8(run, &bad)) {
        pos_ += bad;
        Fail("invalid UTF-8 in a string (binary bytes belong in a _hex field)");
        return false;
      }
      out->append(run);
      pos_ = end;
    }
  }

  static constexpr size_t npos = std::string_view::npos;
  const std::string_view text_;
  const std::string_view name_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t line_start_ = 0;
  Status error_;
};

}  // namespace

std::string GoldenText(const Snapshot& snapshot) {
  std::string out;
  size_t estimate = 64;
  for (const auto& [key, value] : snapshot.entries) estimate += 24 + key.size() + value.size();
  out.reserve(estimate);
  out.append(kGoldenPrefix);
  out.append(std::to_string(kSnapshotFormatVersion));
  out.append(",\"entries\":");
  out.append(std::to_string(snapshot.entries.size()));
  out.append("}\n");
  for (const auto& [key, value] : snapshot.entries) {
    out.push_back('{');
    AppendField(&out, "key", key);
    out.push_back(',');
    AppendField(&out, "value", value);
    out.append("}\n");
  }
  return out;
}

Result<Snapshot> ParseGolden(std::string_view text, std::string_view name) {
  return GoldenParser(text, name).Parse();
}

}  // namespace memdb::snapshot
