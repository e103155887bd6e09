// Printable: bytes made safe for an error message.
#ifndef MEMDB_SRC_UTIL_PRINTABLE_H_
#define MEMDB_SRC_UTIL_PRINTABLE_H_

#include <string>
#include <string_view>

namespace memdb {

// `bytes` quoted, with non-printable bytes, quotes and backslashes escaped as \xNN, and cut
// after `max_bytes` input bytes with a note of the full length, e.g. "user:\x00\x01...(300 bytes)".
inline std::string Printable(std::string_view bytes, size_t max_bytes = 64) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  const size_t n = bytes.size() < max_bytes ? bytes.size() : max_bytes;
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  out += '"';
  if (n < bytes.size()) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

}  // namespace memdb

#endif  // MEMDB_SRC_UTIL_PRINTABLE_H_
