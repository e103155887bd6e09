// JsonWriter: the `--json` output of every memdb command (schemas in docs/cli.md).
//
// Promises: the output is one valid JSON document on one line (newline added by Finish), UTF-8
// whatever the input bytes; commas and nesting are tracked here so a command cannot emit
// malformed JSON. Byte strings from a database (keys, values) are written the way golden files
// write them: "name": "text" when the bytes are golden text (docs/golden-files.md), otherwise
// "name_hex": "lowercase hex" -- so no byte is lost and a reader knows which form it got.
//
// Thread safety: none; one writer per output.
#ifndef MEMDB_SRC_CLI_JSON_WRITER_H_
#define MEMDB_SRC_CLI_JSON_WRITER_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace memdb::cli {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // The name of the next member of the current object.
  JsonWriter& Key(std::string_view name);

  // Text (messages, paths): escaped as JSON; bytes that are not valid UTF-8 are written as
  // \u00XX (their Latin-1 reading), so the document stays valid.
  JsonWriter& String(std::string_view text);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A member holding database bytes: "name": text, or "name_hex": hex (see above).
  JsonWriter& Bytes(std::string_view name, std::string_view bytes);

  // Ends the document with a newline.
  void Finish() { out_ << '\n'; }

 private:
  // Writes the comma a value needs before it (none right after a key).
  void Separate();
  void WriteString(std::string_view text);

  std::ostream& out_;
  // Per open container: whether a value has been written in it yet.
  std::vector<bool> has_value_;
  bool after_key_ = false;
};

}  // namespace memdb::cli

#endif  // MEMDB_SRC_CLI_JSON_WRITER_H_
