#include "cli/json_writer.h"

#include <cmath>
#include <cstdio>

#include "snapshot/text_encoding.h"

namespace memdb::cli {

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_value_.empty()) {
    if (has_value_.back()) out_ << ',';
    has_value_.back() = true;
  }
}

JsonWriter& JsonWriter::BeginObject() {
  Separate();
  out_ << '{';
  has_value_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  out_ << '}';
  has_value_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  Separate();
  out_ << '[';
  has_value_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  out_ << ']';
  has_value_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view name) {
  Separate();
  WriteString(name);
  out_ << ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view text) {
  Separate();
  WriteString(text);
  return *this;
}

void JsonWriter::WriteString(std::string_view text) {
  std::string out;
  if (snapshot::IsGoldenText(text)) {
    snapshot::AppendJsonString(&out, text);  // escapes exactly what golden text may hold
  } else {
    const bool utf8 = snapshot::IsValidUtf8(text);
    out += '"';
    for (const char ch : text) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += ch;
      } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\u%04x", c);
        out += buf;
      } else {
        out += ch;
      }
    }
    out += '"';
  }
  out_ << out;
}

JsonWriter& JsonWriter::Uint(uint64_t value) {
  Separate();
  out_ << value;
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  Separate();
  out_ << value;
  return *this;
}

JsonWriter& JsonWriter::Double(double value) {
  Separate();
  if (!std::isfinite(value)) {
    out_ << "null";  // JSON has no NaN or infinity
    return *this;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", value);
  out_ << buf;
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  Separate();
  out_ << (value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  Separate();
  out_ << "null";
  return *this;
}

JsonWriter& JsonWriter::Bytes(std::string_view name, std::string_view bytes) {
  if (snapshot::IsGoldenText(bytes)) return Key(name).String(bytes);
  std::string hex;
  snapshot::AppendHex(&hex, bytes);
  return Key(std::string(name) + "_hex").String(hex);
}

}  // namespace memdb::cli
