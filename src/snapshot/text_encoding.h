// Byte strings as text: the encodings shared by the golden format, the JSON/XML archives and
// diff messages (docs/golden-files.md, docs/snapshot-format.md).
//
// Keys and values are arbitrary bytes, but golden files must be valid UTF-8 that diffs cleanly,
// and cereal's JSON loses everything after a NUL byte (upstream #624) and writes invalid UTF-8
// raw. So a byte string is either "golden text" -- strict UTF-8 with no control character but
// tab, newline and carriage return -- shown as an escaped JSON string, or binary, shown as hex.
#ifndef MEMDB_SRC_SNAPSHOT_TEXT_ENCODING_H_
#define MEMDB_SRC_SNAPSHOT_TEXT_ENCODING_H_

#include <string>
#include <string_view>

namespace memdb::snapshot {

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. On failure
// *bad_offset (when given) is the offset of the first byte of the invalid sequence.
bool IsValidUtf8(std::string_view bytes, size_t* bad_offset = nullptr);

// Valid UTF-8 without C0 control characters other than \t \n \r, and without DEL.
bool IsGoldenText(std::string_view bytes);

// Appends `text` (golden text) as a JSON string: quotes, with only " \ \n \r \t escaped, so
// each string has exactly one spelling.
void AppendJsonString(std::string* out, std::string_view text);

// Lowercase hex, two digits per byte.
void AppendHex(std::string* out, std::string_view bytes);
// Decodes lowercase hex of even length; false (and *out unspecified) otherwise.
bool DecodeHex(std::string_view hex, std::string* out);

// The tagged form used inside JSON and XML archives: "t:" + the bytes when they are golden
// text without \t \n \r and without a trailing space (XML parsers trim and normalize
// whitespace), else "x:" + hex. Always printable, valid UTF-8 and free of NUL.
std::string TaggedEncode(std::string_view bytes);
// The inverse; false when `tagged` is not a valid tagged string.
bool TaggedDecode(std::string_view tagged, std::string* out);

// For messages: golden text as a JSON string, else hex:... ; abbreviated after about
// `max_chars` characters with the full byte length, e.g. "abc..."(300 bytes).
std::string DisplayBytes(std::string_view bytes, size_t max_chars = 80);

}  // namespace memdb::snapshot

#endif  // MEMDB_SRC_SNAPSHOT_TEXT_ENCODING_H_
