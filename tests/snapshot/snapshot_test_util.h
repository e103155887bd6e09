// Helpers for the snapshot suites: random snapshots with hostile bytes, and a UTF-8 decoder
// written independently of the one under test.
#ifndef MEMDB_TESTS_SNAPSHOT_SNAPSHOT_TEST_UTIL_H_
#define MEMDB_TESTS_SNAPSHOT_SNAPSHOT_TEST_UTIL_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "memdb/snapshot/snapshot.h"
#include "memdb/util/random.h"

namespace memdb::test {

// Bytes of one of several kinds: empty, printable, multi-line text, UTF-8, NUL-laden, 0xFF,
// fully random, or (rarely) large.
inline std::string RandomBytes(Random& rnd, bool allow_large = true) {
  switch (rnd.Uniform(8)) {
    case 0:
      return "";
    case 1:
      return rnd.AlphaNumeric(1 + rnd.Uniform(20));
    case 2:
      return "line one\nline \"two\"\t\\ end\r\n" + rnd.AlphaNumeric(rnd.Uniform(5));
    case 3:
      return "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 " + rnd.AlphaNumeric(3);
    case 4:
      return std::string("a\0b\0", 4) + rnd.AlphaNumeric(rnd.Uniform(4));
    case 5:
      return std::string(1 + rnd.Uniform(4), '\xff');
    case 6: {
      std::string s(rnd.Uniform(40), '\0');
      for (char& c : s) c = static_cast<char>(rnd.Uniform(256));
      return s;
    }
    default:
      if (allow_large && rnd.Uniform(16) == 0) return std::string(100000 + rnd.Uniform(1000), 'L');
      return " padded " + rnd.AlphaNumeric(2) + " ";
  }
}

// A snapshot with just these entries.
inline Snapshot MakeSnapshot(
    std::initializer_list<std::pair<const std::string, std::string>> entries) {
  Snapshot snap;
  for (const auto& [k, v] : entries) snap.entries[k] = v;
  snap.metadata.key_count = snap.entries.size();
  return snap;
}

inline Snapshot RandomSnapshot(Random& rnd, size_t max_entries) {
  Snapshot snap;
  snap.metadata.commit_timestamp = rnd.Next();
  snap.metadata.memdb_version = "test-" + rnd.AlphaNumeric(3);
  snap.metadata.options["default_isolation"] = rnd.Uniform(2) ? "snapshot" : "serializable";
  snap.metadata.options[RandomBytes(rnd, false)] = RandomBytes(rnd, false);
  const size_t n = rnd.Uniform(max_entries + 1);
  for (size_t i = 0; i < n; ++i) snap.entries[RandomBytes(rnd, false)] = RandomBytes(rnd);
  snap.metadata.key_count = snap.entries.size();
  return snap;
}

// True when `bytes` is valid UTF-8: decodes every code point and rejects overlong forms,
// surrogates and values above U+10FFFF.
inline bool DecodesAsUtf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const auto b = static_cast<uint8_t>(bytes[i]);
    int extra = 0;
    uint32_t cp = 0;
    if (b < 0x80) {
      cp = b;
    } else if ((b & 0xe0) == 0xc0) {
      extra = 1;
      cp = b & 0x1f;
    } else if ((b & 0xf0) == 0xe0) {
      extra = 2;
      cp = b & 0x0f;
    } else if ((b & 0xf8) == 0xf0) {
      extra = 3;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (bytes.size() - i <= static_cast<size_t>(extra)) return false;  // sequence cut short
    for (int k = 1; k <= extra; ++k) {
      const auto c = static_cast<uint8_t>(bytes[i + k]);
      if ((c & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += 1 + extra;
  }
  return true;
}

}  // namespace memdb::test

#endif  // MEMDB_TESTS_SNAPSHOT_SNAPSHOT_TEST_UTIL_H_
