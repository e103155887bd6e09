// `memdb snapshot show|convert|diff` (docs/cli.md, "snapshot").
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/json_writer.h"
#include "cli/snapshot_loader.h"
#include "memdb/snapshot/diff.h"
#include "memdb/snapshot/snapshot.h"
#include "snapshot/text_encoding.h"

namespace memdb::cli {
namespace {

constexpr char kSnapshotNotes[] =
    "FILE may be a snapshot in any form (binary, portable-binary, json, xml, golden) or a\n"
    "checkpoint file of a database directory (*.ckpt); the form is recognised by its bytes.\n";

std::optional<SnapshotFormat> FormatNamed(const std::string& name) {
  // "portable" is kept as an abbreviation that scripts already use.
  if (name == "portable") return SnapshotFormat::kPortableBinary;
  return ParseSnapshotFormat(name);
}

int Show(const std::vector<std::string>& args, const CliIo& io) {
  std::vector<std::string> files;
  bool json = false;
  uint64_t limit = 100;
  uint64_t max_chars = 80;
  ArgParser p("memdb snapshot show",
              "Print a snapshot's or checkpoint's metadata and entries (keys and values\n"
              "escaped: text as a JSON string, binary as hex:..., abbreviated).");
  p.AddPositional("FILE", "a snapshot or checkpoint file", &files, 1, 1);
  p.AddNumber("limit", "entries shown (default 100; 0 = all; JSON shows all)", &limit);
  p.AddNumber("max-chars", "characters shown per key or value (default 80)", &max_chars);
  p.AddFlag("json", "one JSON document on stdout (schema in docs/cli.md)", &json);
  p.AddNotes(kSnapshotNotes);
  if (auto code = ParseOrExit(p, args, io)) return *code;

  Result<LoadedSnapshot> loaded = LoadSnapshotOrCheckpoint(files[0]);
  if (!loaded.ok()) return ReportError(io, loaded.status());
  const SnapshotMetadata& m = loaded->snapshot.metadata;
  const auto& entries = loaded->snapshot.entries;
  if (json) {
    JsonWriter j(io.out);
    j.BeginObject().Key("file").String(files[0]).Key("format").String(loaded->format);
    j.Key("bytes").Uint(loaded->file_bytes).Key("format_version").Uint(m.format_version);
    j.Key("memdb_version").String(m.memdb_version);
    j.Key("commit_timestamp").Uint(m.commit_timestamp).Key("key_count").Uint(entries.size());
    if (loaded->replay_from_segment) {
      j.Key("replay_from_segment").Uint(*loaded->replay_from_segment);
    }
    j.Key("options").BeginObject();
    for (const auto& [name, value] : m.options) j.Key(name).String(value);
    j.EndObject().Key("entries").BeginArray();
    for (const auto& [key, value] : entries) {
      j.BeginObject().Bytes("key", key).Bytes("value", value).EndObject();
    }
    j.EndArray().EndObject();
    j.Finish();
    return kExitOk;
  }
  io.out << files[0] << ": " << loaded->format << ", format version " << m.format_version;
  if (!m.memdb_version.empty()) io.out << ", written by memdb " << m.memdb_version;
  io.out << ", commit timestamp " << m.commit_timestamp << ", " << entries.size()
         << (entries.size() == 1 ? " key" : " keys") << ", " << loaded->file_bytes << " bytes\n";
  if (loaded->replay_from_segment) {
    io.out << "replay from WAL segment " << *loaded->replay_from_segment << "\n";
  }
  for (const auto& [name, value] : m.options) io.out << "option " << name << " = " << value << "\n";
  const size_t chars = static_cast<size_t>(max_chars);
  uint64_t shown = 0;
  for (const auto& [key, value] : entries) {
    if (limit != 0 && shown == limit) {
      io.out << "  ... " << entries.size() - shown << " more (--limit 0 shows all)\n";
      break;
    }
    io.out << "  " << snapshot::DisplayBytes(key, chars) << " = "
           << snapshot::DisplayBytes(value, chars) << "\n";
    ++shown;
  }
  return kExitOk;
}

int Convert(const std::vector<std::string>& args, const CliIo& io) {
  std::vector<std::string> paths;
  std::string to;
  bool json = false;
  ArgParser p("memdb snapshot convert",
              "Rewrite a snapshot or checkpoint in another form. OUT is written atomically\n"
              "(a temporary file renamed over it); '-' writes to stdout.");
  p.AddPositional("IN", "a snapshot or checkpoint file", &paths, 1, 1);
  p.AddPositional("OUT", "the file to write, or -", &paths, 1, 1);
  p.AddOption("to", "FORMAT", "binary, portable, json, xml or golden (required)", &to);
  p.AddFlag("json", "report what was written as JSON", &json);
  p.AddNotes(kSnapshotNotes);
  if (auto code = ParseOrExit(p, args, io)) return *code;
  const std::optional<SnapshotFormat> format = FormatNamed(to);
  if (!format) {
    io.err << "memdb: --to expects binary, portable, json, xml or golden"
           << (to.empty() ? "" : ", not '" + to + "'") << "\n";
    return kExitUsage;
  }
  Result<LoadedSnapshot> loaded = LoadSnapshotOrCheckpoint(paths[0]);
  if (!loaded.ok()) return ReportError(io, loaded.status());
  Result<std::string> bytes = SaveSnapshot(loaded->snapshot, *format);
  if (!bytes.ok()) return ReportError(io, bytes.status());
  if (paths[1] == "-") {
    io.out << *bytes;
    return kExitOk;
  }
  if (Status s = WriteFileAtomically(*PosixFileSystem(), paths[1], *bytes); !s.ok()) {
    return ReportError(io, s);
  }
  const size_t keys = loaded->snapshot.entries.size();
  if (json) {
    JsonWriter j(io.out);
    j.BeginObject().Key("input").String(paths[0]).Key("input_format").String(loaded->format);
    j.Key("output").String(paths[1]).Key("format").String(SnapshotFormatName(*format));
    j.Key("key_count").Uint(keys).Key("bytes").Uint(bytes->size()).EndObject();
    j.Finish();
  } else {
    io.out << "wrote " << paths[1] << " (" << SnapshotFormatName(*format) << ", " << keys
           << (keys == 1 ? " key, " : " keys, ") << bytes->size() << " bytes) from " << paths[0]
           << " (" << loaded->format << ")\n";
  }
  return kExitOk;
}

int Diff(const std::vector<std::string>& args, const CliIo& io) {
  std::vector<std::string> paths;
  std::vector<std::string> ignore;
  bool json = false;
  uint64_t max_lines = 20;
  uint64_t max_chars = 80;
  ArgParser p("memdb snapshot diff",
              "Compare two snapshots key by key: keys only in B (+ added), only in A\n"
              "(- removed), and in both with different values (~ changed). Metadata is not\n"
              "compared. Exit status 0 when the entries are equal, 1 when they differ.");
  p.AddPositional("A", "the expected state (e.g. a golden file)", &paths, 1, 1);
  p.AddPositional("B", "the actual state", &paths, 1, 1);
  p.AddList("ignore-keys", "REGEX", "drop keys matching REGEX on both sides", &ignore);
  p.AddNumber("max-lines", "differences shown (default 20; JSON shows all)", &max_lines);
  p.AddNumber("max-chars", "characters shown per value (default 80)", &max_chars);
  p.AddFlag("json", "one JSON document on stdout (schema in docs/cli.md)", &json);
  p.AddNotes(kSnapshotNotes);
  if (auto code = ParseOrExit(p, args, io)) return *code;
  Redactions redactions;
  for (const std::string& pattern : ignore) {
    if (Status s = redactions.IgnoreKeys(pattern); !s.ok()) {
      io.err << "memdb: --ignore-keys: " << s.message() << "\n";
      return kExitUsage;
    }
  }
  Result<LoadedSnapshot> a = LoadSnapshotOrCheckpoint(paths[0]);
  if (!a.ok()) return ReportError(io, a.status());
  Result<LoadedSnapshot> b = LoadSnapshotOrCheckpoint(paths[1]);
  if (!b.ok()) return ReportError(io, b.status());
  const SnapshotDiff diff =
      DiffSnapshots(redactions.Apply(a->snapshot), redactions.Apply(b->snapshot));
  if (json) {
    JsonWriter j(io.out);
    j.BeginObject().Key("a").String(paths[0]).Key("b").String(paths[1]);
    j.Key("equal").Bool(diff.empty()).Key("added").Uint(diff.added);
    j.Key("removed").Uint(diff.removed).Key("changed").Uint(diff.changed);
    j.Key("differences").BeginArray();
    for (const KeyDifference& d : diff.differences) {
      j.BeginObject().Key("kind").String(KeyDifference::KindName(d.kind)).Bytes("key", d.key);
      if (d.kind != KeyDifference::Kind::kAdded) j.Bytes("expected", d.expected);
      if (d.kind != KeyDifference::Kind::kRemoved) j.Bytes("actual", d.actual);
      j.EndObject();
    }
    j.EndArray().EndObject();
    j.Finish();
  } else {
    const std::string text =
        diff.Describe(static_cast<size_t>(max_lines), static_cast<size_t>(max_chars));
    io.out << "--- " << paths[0] << "\n+++ " << paths[1] << "\n"
           << text << (text.ends_with('\n') ? "" : "\n");
  }
  return diff.empty() ? kExitOk : kExitFailed;
}

}  // namespace

const std::vector<Command>& SnapshotCommands() {
  static const std::vector<Command> commands = {
      {"snapshot", "show", "print a snapshot's or checkpoint's metadata and entries", Show},
      {"snapshot", "convert", "rewrite a snapshot as binary, portable, json, xml or golden",
       Convert},
      {"snapshot", "diff", "key-level difference of two snapshots (exit 1 if any)", Diff},
  };
  return commands;
}

}  // namespace memdb::cli
