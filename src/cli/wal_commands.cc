// `memdb wal dump` and `memdb wal check` (docs/cli.md, "wal").
#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "cli/json_writer.h"
#include "cli/wal_inspector.h"
#include "snapshot/text_encoding.h"

namespace memdb::cli {
namespace {

constexpr char kWalNotes[] =
    "The verdict is the exit status: 0 intact, 4 intact but for a torn tail (what a crash\n"
    "during an append leaves; recovery discards it), 1 corrupt (damage with intact records\n"
    "after it, a payload that is not a transaction, or a commit timestamp out of sequence),\n"
    "3 the file cannot be read.\n";

int ExitFor(WalVerdict verdict, bool allow_torn_tail) {
  switch (verdict) {
    case WalVerdict::kIntact:
      return kExitOk;
    case WalVerdict::kTornTail:
      return allow_torn_tail ? kExitOk : kExitTornTail;
    case WalVerdict::kCorrupt:
      return kExitFailed;
  }
  return kExitError;
}

std::string FragmentsText(uint32_t fragments) {
  return fragments == 1 ? "full" : std::to_string(fragments) + " fragments";
}

std::string Padded(std::string s, size_t width) {
  if (s.size() < width) s.resize(width, ' ');
  return s;
}

std::string DamageText(const WalDamage& d) {
  std::string out = d.kind == WalDamage::Kind::kTornTail ? "TORN TAIL" : "CORRUPTION";
  out += " at offset " + std::to_string(d.offset) + ": " + d.what;
  if (d.kind == WalDamage::Kind::kTornTail) {
    out += "; " + std::to_string(d.torn_bytes) + " bytes discarded";
  }
  if (d.partial_bytes > 0) {
    out += "; " + std::to_string(d.partial_bytes) + " payload bytes of an unfinished record";
  }
  return out;
}

std::string SummaryText(const WalSegmentSummary& s) {
  std::string out = std::to_string(s.records) + " records";
  if (s.first_timestamp) {
    out += ", commit timestamps " + std::to_string(*s.first_timestamp) + ".." +
           std::to_string(*s.last_timestamp);
  }
  out += ", valid to offset " + std::to_string(s.valid_end) + " of " + std::to_string(s.size) +
         ": " + WalVerdictName(s.verdict);
  for (const WalDamage& d : s.damages) {
    if (d.in_unsynced_bytes) {
      out += "\n  note: the corruption at offset " + std::to_string(d.offset) +
             " lies in bytes no later record says were synced; recovery "
             "(tolerate-torn-tail, point-in-time) discards it as a torn tail";
    }
  }
  return out;
}

void DamageJson(JsonWriter& j, const WalDamage& d) {
  j.BeginObject();
  j.Key("kind").String(d.kind == WalDamage::Kind::kTornTail ? "torn-tail" : "corruption");
  j.Key("file").String(d.file);
  j.Key("offset").Uint(d.offset);
  j.Key("what").String(d.what);
  j.Key("torn_bytes").Uint(d.torn_bytes);
  j.Key("partial_bytes").Uint(d.partial_bytes);
  j.Key("in_unsynced_bytes").Bool(d.in_unsynced_bytes);
  j.EndObject();
}

// The members of a segment summary (inside an object the caller opened).
void SummaryJson(JsonWriter& j, const WalSegmentSummary& s) {
  j.Key("record_count").Uint(s.records);
  j.Key("valid_end").Uint(s.valid_end);
  j.Key("first_timestamp");
  s.first_timestamp ? j.Uint(*s.first_timestamp) : j.Null();
  j.Key("last_timestamp");
  s.last_timestamp ? j.Uint(*s.last_timestamp) : j.Null();
  j.Key("verdict").String(WalVerdictName(s.verdict));
  j.Key("damages").BeginArray();
  for (const WalDamage& d : s.damages) DamageJson(j, d);
  j.EndArray();
}

// ---- parse: the options of both commands ----

struct WalArgs {
  std::vector<std::string> paths;
  bool json = false;
  bool allow_torn_tail = false;
  uint64_t max_writes = 8;
  uint64_t max_chars = 60;
};

void AddCommonOptions(ArgParser& p, WalArgs* a) {
  p.AddFlag("json", "one JSON document on stdout (schema in docs/cli.md)", &a->json);
  p.AddFlag("allow-torn-tail", "exit 0, not 4, when the only damage is a torn tail",
            &a->allow_torn_tail);
  p.AddNotes(kWalNotes);
}

ArgParser DumpParser(WalArgs* a) {
  ArgParser p("memdb wal dump",
              "Print every record of a WAL segment (or of every segment of a database\n"
              "directory): offset, fragments, length, checksum, the transaction's commit\n"
              "timestamp and writes (escaped, abbreviated), and the offset and nature of any\n"
              "damage, the torn tail included.");
  p.AddPositional("FILE|DIR", "a wal-NNNNNN.log file, or a database directory", &a->paths, 1, 1);
  p.AddNumber("max-writes", "writes shown per record (default 8; JSON shows all)", &a->max_writes);
  p.AddNumber("max-chars", "characters shown per key or value (default 60)", &a->max_chars);
  AddCommonOptions(p, a);
  return p;
}

ArgParser CheckParser(WalArgs* a) {
  ArgParser p("memdb wal check",
              "Check a WAL segment, or every segment of a database directory in order: say\n"
              "whether it is intact, ends in a torn tail, or is corrupt, naming the file and\n"
              "the offset of each damage.");
  p.AddPositional("FILE|DIR", "a wal-NNNNNN.log file, or a database directory", &a->paths, 1, 1);
  AddCommonOptions(p, a);
  return p;
}

// ---- run: the inspector over the segments (WalFilesAt lists them first) ----

// What inspecting the log found: its segments' summaries and the overall verdict, or the error
// that stopped it. `cb` sees each record as it is read (dump renders them as they stream by, so
// a large log is never held in memory).
struct WalInspection {
  Status error;
  std::vector<WalSegmentSummary> segments;
  WalVerdict verdict = WalVerdict::kIntact;
};

WalInspection Inspect(FileSystem& fs, const std::vector<std::string>& files,
                      const WalCallbacks& cb) {
  WalInspection inspection;
  Result<std::vector<WalSegmentSummary>> segments = InspectWal(fs, files, cb);
  if (!segments.ok()) {
    inspection.error = segments.status();
    return inspection;
  }
  inspection.segments = std::move(*segments);
  inspection.verdict = OverallVerdict(inspection.segments);
  return inspection;
}

// ---- render: dump (streamed through the inspector's callbacks) and check ----

WalCallbacks DumpJson(JsonWriter& j) {
  WalCallbacks cb;
  cb.segment_begin = [&j](const WalSegmentSummary& s) {
    j.BeginObject().Key("file").String(s.file).Key("size").Uint(s.size);
    j.Key("records").BeginArray();
  };
  cb.record = [&j](const WalRecordInfo& r) {
    j.BeginObject().Key("offset").Uint(r.offset).Key("end").Uint(r.end);
    j.Key("length").Uint(r.length).Key("fragments").Uint(r.fragments);
    j.Key("checksum_ok").Bool(true).Key("payload_ok").Bool(r.payload.ok());
    if (!r.payload.ok()) {
      j.Key("payload_error").String(r.payload.message());
    } else {
      j.Key("commit_timestamp").Uint(r.header.timestamp);
      j.Key("synced_before").Uint(r.header.synced_before);
      j.Key("writes").BeginArray();
      for (const auto& w : r.writes) {
        j.BeginObject().Key("op").String(w.tombstone ? "delete" : "put").Bytes("key", w.key);
        if (!w.tombstone) j.Bytes("value", w.value);
        j.EndObject();
      }
      j.EndArray();
    }
    j.EndObject();
  };
  cb.segment_end = [&j](const WalSegmentSummary& s) {
    j.EndArray();
    SummaryJson(j, s);
    j.EndObject();
  };
  return cb;
}

WalCallbacks DumpText(const WalArgs& a, std::ostream& out) {
  const size_t chars = static_cast<size_t>(a.max_chars);
  const uint64_t max_writes = a.max_writes;
  WalCallbacks cb;
  cb.segment_begin = [&out](const WalSegmentSummary& s) {
    out << s.file << " (" << s.size << " bytes)\n";
  };
  cb.record = [&out, chars, max_writes](const WalRecordInfo& r) {
    out << "  @" << Padded(std::to_string(r.offset), 9) << Padded(FragmentsText(r.fragments), 13)
        << "length " << Padded(std::to_string(r.length), 8) << "crc ok  ";
    if (!r.payload.ok()) {
      out << "NOT A TRANSACTION: " << r.payload.message() << "\n";
      return;
    }
    out << "commit " << r.header.timestamp << "  synced-before " << r.header.synced_before << "  "
        << r.writes.size() << (r.writes.size() == 1 ? " write\n" : " writes\n");
    for (size_t i = 0; i < r.writes.size() && i < max_writes; ++i) {
      const auto& w = r.writes[i];
      out << "      " << (w.tombstone ? "delete " : "put    ")
          << snapshot::DisplayBytes(w.key, chars);
      if (!w.tombstone) out << " = " << snapshot::DisplayBytes(w.value, chars);
      out << "\n";
    }
    if (r.writes.size() > max_writes) {
      out << "      ... " << r.writes.size() - max_writes << " more\n";
    }
  };
  cb.damage = [&out](const WalDamage& d) { out << "  " << DamageText(d) << "\n"; };
  cb.segment_end = [&out](const WalSegmentSummary& s) { out << "  " << SummaryText(s) << "\n"; };
  return cb;
}

void RenderCheckJson(const WalInspection& w, std::ostream& out) {
  JsonWriter j(out);
  j.BeginObject().Key("verdict").String(WalVerdictName(w.verdict)).Key("segments").BeginArray();
  for (const WalSegmentSummary& s : w.segments) {
    j.BeginObject().Key("file").String(s.file).Key("size").Uint(s.size);
    SummaryJson(j, s);
    j.EndObject();
  }
  j.EndArray().EndObject();
  j.Finish();
}

void RenderCheckText(const WalInspection& w, std::ostream& out) {
  for (const WalSegmentSummary& s : w.segments) {
    out << s.file << ": " << SummaryText(s) << "\n";
    for (const WalDamage& d : s.damages) out << "  " << DamageText(d) << "\n";
  }
  if (w.segments.size() > 1) out << "log: " << WalVerdictName(w.verdict) << "\n";
}

int Dump(const std::vector<std::string>& args, const CliIo& io) {
  WalArgs a;
  ArgParser p = DumpParser(&a);
  if (auto code = ParseOrExit(p, args, io)) return *code;

  std::shared_ptr<FileSystem> fs = PosixFileSystem();
  Result<std::vector<std::string>> files = WalFilesAt(*fs, a.paths[0]);
  if (!files.ok()) return ReportError(io, files.status());
  JsonWriter j(io.out);
  if (a.json) j.BeginObject().Key("segments").BeginArray();
  const WalInspection w = Inspect(*fs, *files, a.json ? DumpJson(j) : DumpText(a, io.out));
  if (!w.error.ok()) {
    if (a.json) io.out << "\n";
    return ReportError(io, w.error);
  }
  if (a.json) {
    j.EndArray().Key("verdict").String(WalVerdictName(w.verdict)).EndObject();
    j.Finish();
  }
  return ExitFor(w.verdict, a.allow_torn_tail);
}

int Check(const std::vector<std::string>& args, const CliIo& io) {
  WalArgs a;
  ArgParser p = CheckParser(&a);
  if (auto code = ParseOrExit(p, args, io)) return *code;

  std::shared_ptr<FileSystem> fs = PosixFileSystem();
  Result<std::vector<std::string>> files = WalFilesAt(*fs, a.paths[0]);
  if (!files.ok()) return ReportError(io, files.status());
  const WalInspection w = Inspect(*fs, *files, {});
  if (!w.error.ok()) return ReportError(io, w.error);
  if (a.json) {
    RenderCheckJson(w, io.out);
  } else {
    RenderCheckText(w, io.out);
  }
  return ExitFor(w.verdict, a.allow_torn_tail);
}

}  // namespace

const std::vector<Command>& WalCommands() {
  static const std::vector<Command> commands = {
      {"wal", "dump", "print every record of a log, its damage and torn tail", Dump},
      {"wal", "check", "say whether a log is intact, torn or corrupt (exit status)", Check},
  };
  return commands;
}

}  // namespace memdb::cli
