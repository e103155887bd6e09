// `memdb golden list|accept|reject|obsolete` (docs/cli.md, "golden"): the review workflow of
// docs/golden-files.md over the snapshot layer's functions, settings from the environment
// (GoldenSettings::FromEnvironment through CliIo::env) unless options override them.
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "cli/file_checks.h"
#include "cli/json_writer.h"
#include "memdb/io/file_system.h"
#include "memdb/snapshot/golden.h"
#include "memdb/snapshot/snapshot.h"

namespace memdb::cli {
namespace {

constexpr char kGoldenNotes[] =
    "Environment: MEMDB_GOLDEN_PENDING_DIR (where pending NAME.golden.new files are, when not\n"
    "beside their goldens), MEMDB_GOLDEN_REFERENCES_DIR (where test runs record the goldens\n"
    "they used; needed by 'obsolete'). --pending-dir and --references-dir override them.\n";

struct GoldenArgs {
  std::vector<std::string> root;
  std::vector<std::string> only;
  std::string pending_dir;
  std::string references_dir;
  bool json = false;
};

// The settings of the environment `io.env` describes (the tests pass their own), with the
// command line's overrides.
GoldenSettings Settings(const GoldenArgs& a, const CliIo& io) {
  GoldenSettings settings;
  if (auto dir = io.env("MEMDB_GOLDEN_PENDING_DIR")) settings.pending_dir = *dir;
  if (auto dir = io.env("MEMDB_GOLDEN_REFERENCES_DIR")) settings.references_dir = *dir;
  if (!a.pending_dir.empty()) settings.pending_dir = a.pending_dir;
  if (!a.references_dir.empty()) settings.references_dir = a.references_dir;
  return settings;
}

ArgParser Parser(const char* command, const char* summary, GoldenArgs* a, bool selectable) {
  ArgParser p(command, summary);
  p.AddPositional("ROOT", "the folder searched recursively (default: .)", &a->root, 0, 1);
  if (selectable) {
    p.AddList("only", "PATH", "only the pending file of this golden (or this pending file)",
              &a->only);
  }
  p.AddOption("pending-dir", "DIR", "pending files are under DIR", &a->pending_dir);
  p.AddOption("references-dir", "DIR", "golden references recorded by test runs",
              &a->references_dir);
  p.AddFlag("json", "one JSON document on stdout (schema in docs/cli.md)", &a->json);
  p.AddNotes(kGoldenNotes);
  return p;
}

std::string Root(const GoldenArgs& a) { return a.root.empty() ? "." : a.root[0]; }

bool Selected(const GoldenArgs& a, const PendingGolden& pending) {
  if (a.only.empty()) return true;
  for (const std::string& path : a.only) {
    if (path == pending.golden_path || path == pending.pending_path) return true;
    if (pending.golden_path.ends_with("/" + path)) return true;
  }
  return false;
}

// ---- memdb golden list ----

void RenderListJson(const std::vector<PendingGolden>& pending, std::ostream& out) {
  JsonWriter j(out);
  j.BeginObject().Key("pending").BeginArray();
  for (const PendingGolden& g : pending) {
    j.BeginObject().Key("pending_path").String(g.pending_path);
    j.Key("golden_path").String(g.golden_path).EndObject();
  }
  j.EndArray().EndObject();
  j.Finish();
}

void RenderListText(const std::vector<PendingGolden>& pending, std::ostream& out) {
  for (const PendingGolden& g : pending) out << g.pending_path << " -> " << g.golden_path << "\n";
  out << pending.size() << " pending golden file" << (pending.size() == 1 ? "" : "s")
      << (pending.empty() ? "\n" : "; review with 'diff GOLDEN PENDING', then accept or reject\n");
}

// The run step of list is ListPendingGoldens itself.
int List(const std::vector<std::string>& args, const CliIo& io) {
  GoldenArgs a;
  ArgParser p = Parser("memdb golden list",
                       "List the pending golden files (NAME.golden.new) a failed comparison\n"
                       "left, with the golden each would replace.",
                       &a, false);
  if (auto code = ParseOrExit(p, args, io)) return *code;
  Result<std::vector<PendingGolden>> pending = ListPendingGoldens(Root(a), Settings(a, io));
  if (!pending.ok()) return ReportError(io, pending.status());
  if (a.json) {
    RenderListJson(*pending, io.out);
  } else {
    RenderListText(*pending, io.out);
  }
  return kExitOk;
}

// ---- memdb golden accept|reject ----

// OK when the first bytes of `path` are a golden file's header: a pending file that is no
// golden (a 1 GiB file of zeros, say) is refused after reading 4 KiB, not read whole first.
Status CheckGoldenHead(const std::string& path) {
  Result<std::unique_ptr<SequentialFile>> file = PosixFileSystem()->NewSequentialFile(path);
  if (!file.ok()) return file.status();
  std::string head;
  if (Status s = (*file)->Read(4096, &head); !s.ok()) return s;
  Result<SnapshotFormat> format = DetectSnapshotFormat(head, path);
  if (!format.ok()) return format.status();
  if (*format != SnapshotFormat::kGolden) {
    return Status::InvalidArgument(path + ": not a golden file (it is a " +
                                   std::string(SnapshotFormatName(*format)) + " snapshot)");
  }
  return Status::OK();
}

// What accept or reject did to the selected pending files: those done, and those that failed.
struct Resolution {
  std::vector<PendingGolden> done;
  std::vector<std::pair<std::string, Status>> errors;  // pending path, why
};

Result<Resolution> RunResolve(const GoldenArgs& a, const GoldenSettings& settings, bool accept) {
  Result<std::vector<PendingGolden>> pending = ListPendingGoldens(Root(a), settings);
  if (!pending.ok()) return pending.status();
  Resolution r;
  for (const PendingGolden& g : *pending) {
    if (!Selected(a, g)) continue;
    // Accepting renames over the golden: never over a directory, FIFO or device; and never
    // reads a pending file whole before its first bytes say it is a golden file.
    Status s = accept ? CheckReplaceable(g.golden_path) : Status::OK();
    if (s.ok() && accept) s = CheckGoldenHead(g.pending_path);
    if (s.ok()) s = accept ? AcceptPendingGolden(g, settings) : RejectPendingGolden(g, settings);
    if (s.ok()) {
      r.done.push_back(g);
    } else {
      r.errors.emplace_back(g.pending_path, std::move(s));
    }
  }
  return r;
}

void RenderResolveJson(const Resolution& r, bool accept, std::ostream& out) {
  JsonWriter j(out);
  j.BeginObject().Key(accept ? "accepted" : "rejected").BeginArray();
  for (const PendingGolden& g : r.done) {
    j.BeginObject().Key("pending_path").String(g.pending_path);
    j.Key("golden_path").String(g.golden_path).EndObject();
  }
  j.EndArray().Key("errors").BeginArray();
  for (const auto& [path, s] : r.errors) {
    j.BeginObject().Key("pending_path").String(path).Key("error").String(s.ToString());
    j.EndObject();
  }
  j.EndArray().EndObject();
  j.Finish();
}

void RenderResolveText(const Resolution& r, bool accept, std::ostream& out) {
  for (const PendingGolden& g : r.done) {
    out << (accept ? "accepted " : "rejected ") << g.pending_path
        << (accept ? " -> " + g.golden_path : std::string()) << "\n";
  }
  out << r.done.size() << (accept ? " accepted" : " rejected") << "\n";
}

int Resolve(const std::vector<std::string>& args, const CliIo& io, bool accept) {
  GoldenArgs a;
  ArgParser p = Parser(accept ? "memdb golden accept" : "memdb golden reject",
                       accept ? "Install pending golden files over their goldens (atomically,\n"
                                "after checking each parses) and remove them."
                              : "Remove pending golden files, keeping the goldens.",
                       &a, true);
  if (auto code = ParseOrExit(p, args, io)) return *code;
  Result<Resolution> r = RunResolve(a, Settings(a, io), accept);
  if (!r.ok()) return ReportError(io, r.status());
  if (a.json) {
    RenderResolveJson(*r, accept, io.out);
  } else {
    RenderResolveText(*r, accept, io.out);
  }
  for (const auto& [path, s] : r->errors)
    io.err << "memdb: " << path << ": " << s.ToString() << "\n";
  if (!r->errors.empty()) return kExitError;
  if (r->done.empty() && !a.only.empty()) {
    io.err << "memdb: no pending golden file matches --only\n";
    return kExitFailed;
  }
  return kExitOk;
}

int Accept(const std::vector<std::string>& args, const CliIo& io) {
  return Resolve(args, io, true);
}
int Reject(const std::vector<std::string>& args, const CliIo& io) {
  return Resolve(args, io, false);
}

// ---- memdb golden obsolete ----

void RenderObsoleteJson(const std::vector<std::string>& obsolete, std::ostream& out) {
  JsonWriter j(out);
  j.BeginObject().Key("obsolete").BeginArray();
  for (const std::string& path : obsolete) j.String(path);
  j.EndArray().EndObject();
  j.Finish();
}

void RenderObsoleteText(const std::vector<std::string>& obsolete, std::ostream& out) {
  for (const std::string& path : obsolete) out << path << "\n";
  out << obsolete.size() << " obsolete golden file" << (obsolete.size() == 1 ? "" : "s") << "\n";
}

// The run step of obsolete is FindObsoleteGoldens itself.
int Obsolete(const std::vector<std::string>& args, const CliIo& io) {
  GoldenArgs a;
  ArgParser p = Parser("memdb golden obsolete",
                       "List the *.golden files under ROOT that no test run recorded in the\n"
                       "references directory: goldens no test uses. Exit status 1 when there\n"
                       "are any.",
                       &a, false);
  if (auto code = ParseOrExit(p, args, io)) return *code;
  const GoldenSettings settings = Settings(a, io);
  if (settings.references_dir.empty()) {
    io.err << "memdb: golden obsolete needs the references a test run recorded: set "
              "MEMDB_GOLDEN_REFERENCES_DIR for the run and here, or pass --references-dir\n";
    return kExitUsage;
  }
  Result<std::vector<std::string>> obsolete = FindObsoleteGoldens(Root(a), settings);
  if (!obsolete.ok()) return ReportError(io, obsolete.status());
  if (a.json) {
    RenderObsoleteJson(*obsolete, io.out);
  } else {
    RenderObsoleteText(*obsolete, io.out);
  }
  return obsolete->empty() ? kExitOk : kExitFailed;
}

}  // namespace

const std::vector<Command>& GoldenCommands() {
  static const std::vector<Command> commands = {
      {"golden", "list", "list pending golden files and the goldens they replace", List},
      {"golden", "accept", "install pending golden files over their goldens", Accept},
      {"golden", "reject", "remove pending golden files", Reject},
      {"golden", "obsolete", "list goldens no test run used (exit 1 if any)", Obsolete},
  };
  return commands;
}

}  // namespace memdb::cli
