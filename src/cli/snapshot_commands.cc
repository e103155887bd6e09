// `memdb snapshot show|convert|diff` (docs/cli.md, "snapshot").
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "cli/file_checks.h"
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

// ---- memdb snapshot show ----

struct ShowOptions {
  std::vector<std::string> files;
  bool json = false;
  uint64_t limit = 100;
  uint64_t max_chars = 80;
};

// Each command's parse step: nullopt to go on, else the exit code (help, usage error).
std::optional<int> ParseShow(const std::vector<std::string>& args, const CliIo& io,
                             ShowOptions* o) {
  ArgParser p("memdb snapshot show",
              "Print a snapshot's or checkpoint's metadata and entries (keys and values\n"
              "escaped: text as a JSON string, binary as hex:..., abbreviated).");
  p.AddPositional("FILE", "a snapshot or checkpoint file", &o->files, 1, 1);
  p.AddNumber("limit", "entries shown (default 100; 0 = all; JSON shows all)", &o->limit);
  p.AddNumber("max-chars", "characters shown per key or value (default 80)", &o->max_chars);
  p.AddFlag("json", "one JSON document on stdout (schema in docs/cli.md)", &o->json);
  p.AddNotes(kSnapshotNotes);
  return ParseOrExit(p, args, io);
}

void RenderShowJson(const ShowOptions& o, const LoadedSnapshot& loaded, std::ostream& out) {
  const SnapshotMetadata& m = loaded.snapshot.metadata;
  const auto& entries = loaded.snapshot.entries;
  JsonWriter j(out);
  j.BeginObject().Key("file").String(o.files[0]).Key("format").String(loaded.format);
  j.Key("bytes").Uint(loaded.file_bytes).Key("format_version").Uint(m.format_version);
  j.Key("memdb_version").String(m.memdb_version);
  j.Key("commit_timestamp").Uint(m.commit_timestamp).Key("key_count").Uint(entries.size());
  if (loaded.replay_from_segment) j.Key("replay_from_segment").Uint(*loaded.replay_from_segment);
  j.Key("options").BeginObject();
  for (const auto& [name, value] : m.options) j.Key(name).String(value);
  j.EndObject().Key("entries").BeginArray();
  for (const auto& [key, value] : entries) {
    j.BeginObject().Bytes("key", key).Bytes("value", value).EndObject();
  }
  j.EndArray().EndObject();
  j.Finish();
}

void RenderShowText(const ShowOptions& o, const LoadedSnapshot& loaded, std::ostream& out) {
  const SnapshotMetadata& m = loaded.snapshot.metadata;
  const auto& entries = loaded.snapshot.entries;
  out << o.files[0] << ": " << loaded.format << ", format version " << m.format_version;
  if (!m.memdb_version.empty()) out << ", written by memdb " << m.memdb_version;
  out << ", commit timestamp " << m.commit_timestamp << ", " << entries.size()
      << (entries.size() == 1 ? " key" : " keys") << ", " << loaded.file_bytes << " bytes\n";
  if (loaded.replay_from_segment) {
    out << "replay from WAL segment " << *loaded.replay_from_segment << "\n";
  }
  for (const auto& [name, value] : m.options) out << "option " << name << " = " << value << "\n";
  const size_t chars = static_cast<size_t>(o.max_chars);
  uint64_t shown = 0;
  for (const auto& [key, value] : entries) {
    if (o.limit != 0 && shown == o.limit) {
      out << "  ... " << entries.size() - shown << " more (--limit 0 shows all)\n";
      break;
    }
    out << "  " << snapshot::DisplayBytes(key, chars) << " = "
        << snapshot::DisplayBytes(value, chars) << "\n";
    ++shown;
  }
}

// The run step of show is LoadSnapshotOrCheckpoint itself.
int Show(const std::vector<std::string>& args, const CliIo& io) {
  ShowOptions o;
  if (auto code = ParseShow(args, io, &o)) return *code;
  Result<LoadedSnapshot> loaded = LoadSnapshotOrCheckpoint(o.files[0]);
  if (!loaded.ok()) return ReportError(io, loaded.status());
  if (o.json) {
    RenderShowJson(o, *loaded, io.out);
  } else {
    RenderShowText(o, *loaded, io.out);
  }
  return kExitOk;
}

// ---- memdb snapshot convert ----

struct ConvertOptions {
  std::vector<std::string> paths;  // IN, OUT
  SnapshotFormat format = SnapshotFormat::kBinary;
  bool json = false;
};

std::optional<int> ParseConvert(const std::vector<std::string>& args, const CliIo& io,
                                ConvertOptions* o) {
  std::string to;
  ArgParser p("memdb snapshot convert",
              "Rewrite a snapshot or checkpoint in another form. OUT is written atomically\n"
              "(a temporary file renamed over it); '-' writes to stdout. OUT must be a regular\n"
              "file or missing: a directory, FIFO or device is refused (exit status 3).");
  p.AddPositional("IN", "a snapshot or checkpoint file", &o->paths, 1, 1);
  p.AddPositional("OUT", "the file to write, or -", &o->paths, 1, 1);
  p.AddOption("to", "FORMAT", "binary, portable-binary, json, xml or golden (required)", &to);
  p.AddFlag("json", "report what was written as JSON", &o->json);
  p.AddNotes(kSnapshotNotes);
  if (auto code = ParseOrExit(p, args, io)) return *code;
  const std::optional<SnapshotFormat> format = FormatNamed(to);
  if (!format) {
    io.err << "memdb: --to expects binary, portable-binary, json, xml or golden"
           << (to.empty() ? "" : ", not '" + to + "'") << "\n";
    return kExitUsage;
  }
  o->format = *format;
  return std::nullopt;
}

// What convert read and wrote.
struct Converted {
  LoadedSnapshot loaded;
  std::string bytes;
};

Result<Converted> RunConvert(const ConvertOptions& o) {
  // Before reading anything: the rename at the end would replace a device node, FIFO or
  // directory entry with a file.
  if (o.paths[1] != "-") {
    if (Status s = CheckReplaceable(o.paths[1]); !s.ok()) return s;
  }
  Result<LoadedSnapshot> loaded = LoadSnapshotOrCheckpoint(o.paths[0]);
  if (!loaded.ok()) return loaded.status();
  Result<std::string> bytes = SaveSnapshot(loaded->snapshot, o.format);
  if (!bytes.ok()) return bytes.status();
  if (o.paths[1] != "-") {
    if (Status s = WriteFileAtomically(*PosixFileSystem(), o.paths[1], *bytes); !s.ok()) return s;
  }
  return Converted{std::move(*loaded), std::move(*bytes)};
}

void RenderConvertJson(const ConvertOptions& o, const Converted& c, std::ostream& out) {
  JsonWriter j(out);
  j.BeginObject().Key("input").String(o.paths[0]).Key("input_format").String(c.loaded.format);
  j.Key("output").String(o.paths[1]).Key("format").String(SnapshotFormatName(o.format));
  j.Key("key_count").Uint(c.loaded.snapshot.entries.size()).Key("bytes").Uint(c.bytes.size());
  j.EndObject();
  j.Finish();
}

void RenderConvertText(const ConvertOptions& o, const Converted& c, std::ostream& out) {
  const size_t keys = c.loaded.snapshot.entries.size();
  out << "wrote " << o.paths[1] << " (" << SnapshotFormatName(o.format) << ", " << keys
      << (keys == 1 ? " key, " : " keys, ") << c.bytes.size() << " bytes) from " << o.paths[0]
      << " (" << c.loaded.format << ")\n";
}

int Convert(const std::vector<std::string>& args, const CliIo& io) {
  ConvertOptions o;
  if (auto code = ParseConvert(args, io, &o)) return *code;
  Result<Converted> converted = RunConvert(o);
  if (!converted.ok()) return ReportError(io, converted.status());
  if (o.paths[1] == "-") {
    io.out << converted->bytes;  // the snapshot itself is the output
  } else if (o.json) {
    RenderConvertJson(o, *converted, io.out);
  } else {
    RenderConvertText(o, *converted, io.out);
  }
  return kExitOk;
}

// ---- memdb snapshot diff ----

struct DiffOptions {
  std::vector<std::string> paths;  // A, B
  Redactions redactions;
  bool json = false;
  uint64_t max_lines = 20;
  uint64_t max_chars = 80;
};

std::optional<int> ParseDiff(const std::vector<std::string>& args, const CliIo& io,
                             DiffOptions* o) {
  std::vector<std::string> ignore;
  ArgParser p("memdb snapshot diff",
              "Compare two snapshots key by key: keys only in B (+ added), only in A\n"
              "(- removed), and in both with different values (~ changed). Metadata is not\n"
              "compared. Exit status 0 when the entries are equal, 1 when they differ.");
  p.AddPositional("A", "the expected state (e.g. a golden file)", &o->paths, 1, 1);
  p.AddPositional("B", "the actual state", &o->paths, 1, 1);
  p.AddList("ignore-keys", "GLOB",
            "drop keys GLOB matches as a whole, on both sides (e.g. 'session:*'; * ? [...] \\)",
            &ignore);
  p.AddNumber("max-lines", "differences shown (default 20; JSON shows all)", &o->max_lines);
  p.AddNumber("max-chars", "characters shown per value (default 80)", &o->max_chars);
  p.AddFlag("json", "one JSON document on stdout (schema in docs/cli.md)", &o->json);
  p.AddNotes(kSnapshotNotes);
  if (auto code = ParseOrExit(p, args, io)) return *code;
  for (const std::string& pattern : ignore) {
    if (Status s = o->redactions.IgnoreKeys(pattern); !s.ok()) {
      io.err << "memdb: --ignore-keys: " << s.message() << "\n";
      return kExitUsage;
    }
  }
  return std::nullopt;
}

Result<SnapshotDiff> RunDiff(const DiffOptions& o) {
  Result<LoadedSnapshot> a = LoadSnapshotOrCheckpoint(o.paths[0]);
  if (!a.ok()) return a.status();
  Result<LoadedSnapshot> b = LoadSnapshotOrCheckpoint(o.paths[1]);
  if (!b.ok()) return b.status();
  return DiffSnapshots(o.redactions.Apply(a->snapshot), o.redactions.Apply(b->snapshot));
}

void RenderDiffJson(const DiffOptions& o, const SnapshotDiff& diff, std::ostream& out) {
  JsonWriter j(out);
  j.BeginObject().Key("a").String(o.paths[0]).Key("b").String(o.paths[1]);
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
}

void RenderDiffText(const DiffOptions& o, const SnapshotDiff& diff, std::ostream& out) {
  const std::string text =
      diff.Describe(static_cast<size_t>(o.max_lines), static_cast<size_t>(o.max_chars));
  out << "--- " << o.paths[0] << "\n+++ " << o.paths[1] << "\n"
      << text << (text.ends_with('\n') ? "" : "\n");
}

int Diff(const std::vector<std::string>& args, const CliIo& io) {
  DiffOptions o;
  if (auto code = ParseDiff(args, io, &o)) return *code;
  Result<SnapshotDiff> diff = RunDiff(o);
  if (!diff.ok()) return ReportError(io, diff.status());
  if (o.json) {
    RenderDiffJson(o, *diff, io.out);
  } else {
    RenderDiffText(o, *diff, io.out);
  }
  return diff->empty() ? kExitOk : kExitFailed;
}

}  // namespace

const std::vector<Command>& SnapshotCommands() {
  static const std::vector<Command> commands = {
      {"snapshot", "show", "print a snapshot's or checkpoint's metadata and entries", Show},
      {"snapshot", "convert", "rewrite a snapshot as binary, portable-binary, json, xml or golden",
       Convert},
      {"snapshot", "diff", "key-level difference of two snapshots (exit 1 if any)", Diff},
  };
  return commands;
}

}  // namespace memdb::cli
