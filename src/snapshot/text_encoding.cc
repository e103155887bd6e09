#include "snapshot/text_encoding.h"

#include <cstdint>

namespace memdb::snapshot {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// The length of the UTF-8 sequence starting at bytes[i], or 0 when it is invalid.
size_t Utf8SequenceLength(std::string_view bytes, size_t i) {
  const auto b0 = static_cast<uint8_t>(bytes[i]);
  if (b0 < 0x80) return 1;
  size_t n = 0;
  uint8_t lo = 0x80;
  uint8_t hi = 0xbf;  // the allowed range of the second byte (rules out overlongs, surrogates)
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    n = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    if (b0 == 0xe0) lo = 0xa0;
    if (b0 == 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    if (b0 == 0xf0) lo = 0x90;
    if (b0 == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (bytes.size() - i < n) return 0;
  const auto b1 = static_cast<uint8_t>(bytes[i + 1]);
  if (b1 < lo || b1 > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    const auto b = static_cast<uint8_t>(bytes[i + k]);
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return n;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

bool IsValidUtf8(std::string_view bytes, size_t* bad_offset) {
  for (size_t i = 0; i < bytes.size();) {
    const size_t n = Utf8SequenceLength(bytes, i);
    if (n == 0) {
      if (bad_offset != nullptr) *bad_offset = i;
      return false;
    }
    i += n;
  }
  return true;
}

bool IsGoldenText(std::string_view bytes) {
  for (const char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    if ((b < 0x20 && c != '\t' && c != '\n' && c != '\r') || b == 0x7f) return false;
  }
  return IsValidUtf8(bytes);
}

void AppendJsonString(std::string* out, std::string_view text) {
  out->push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendHex(std::string* out, std::string_view bytes) {
  const size_t start = out->size();
  out->resize(start + 2 * bytes.size());
  char* p = out->data() + start;
  for (const char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    *p++ = kHexDigits[b >> 4];
    *p++ = kHexDigits[b & 15];
  }
}

bool DecodeHex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->resize(hex.size() / 2);
  for (size_t i = 0; i < out->size(); ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<char>((hi << 4) | lo);
  }
  return true;
}

std::string TaggedEncode(std::string_view bytes) {
  std::string out;
  const bool text = IsGoldenText(bytes) &&
                    bytes.find_first_of("\t\n\r") == std::string_view::npos &&
                    (bytes.empty() || bytes.back() != ' ');
  if (text) {
    out.reserve(2 + bytes.size());
    out.append("t:");
    out.append(bytes);
  } else {
    out.reserve(2 + 2 * bytes.size());
    out.append("x:");
    AppendHex(&out, bytes);
  }
  return out;
}

bool TaggedDecode(std::string_view tagged, std::string* out) {
  if (tagged.size() < 2 || tagged[1] != ':') return false;
  const std::string_view body = tagged.substr(2);
  if (tagged[0] == 'x') return DecodeHex(body, out);
  if (tagged[0] != 't' || !IsGoldenText(body)) return false;
  out->assign(body);
  return true;
}

std::string DisplayBytes(std::string_view bytes, size_t max_chars) {
  std::string out;
  if (IsGoldenText(bytes)) {
    // Cut at a character boundary so the message stays valid UTF-8.
    size_t cut = 0;
    while (cut < bytes.size() && cut < max_chars) {
      const auto b = static_cast<uint8_t>(bytes[cut]);
      cut += b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    }
    AppendJsonString(&out, bytes.substr(0, cut));
    if (cut < bytes.size()) {
      out.insert(out.size() - 1, "...");
      out.append("(" + std::to_string(bytes.size()) + " bytes)");
    }
    return out;
  }
  const size_t shown = bytes.size() < max_chars / 2 ? bytes.size() : max_chars / 2;
  out.append("hex:");
  AppendHex(&out, bytes.substr(0, shown));
  if (shown < bytes.size()) out.append("...(" + std::to_string(bytes.size()) + " bytes)");
  return out;
}

}  // namespace memdb::snapshot
