#include "cli/cli.h"

#include <algorithm>
#include <cstdlib>
#include <exception>

#include "cli/command.h"

namespace memdb::cli {

const char kExitCodeNotes[] =
    "exit status: 0 ok, 1 check failed (corruption, differences, failed expectations),\n"
    "  2 usage error, 3 I/O or format error (unreadable, not a regular file, too large,\n"
    "  output not replaceable or not written), 4 (wal) intact but for a torn tail;\n"
    "  see docs/cli.md\n";

const std::vector<Command>& AllCommands() {
  static const std::vector<Command> all = [] {
    std::vector<Command> v;
    for (const auto* group :
         {&WalCommands(), &SnapshotCommands(), &GoldenCommands(), &ScenarioCommands()}) {
      v.insert(v.end(), group->begin(), group->end());
    }
    return v;
  }();
  return all;
}

std::optional<int> ParseOrExit(ArgParser& parser, const std::vector<std::string>& args,
                               const CliIo& io) {
  if (Status s = parser.Parse(args); !s.ok()) {
    io.err << "memdb: " << s.message() << "\n";
    return kExitUsage;
  }
  if (parser.help_requested()) {
    io.out << parser.Help();
    return kExitOk;
  }
  return std::nullopt;
}

int ReportError(const CliIo& io, const Status& status) {
  io.err << "memdb: " << status.ToString() << "\n";
  return kExitError;
}

namespace {

std::string Usage(const std::string& group) {
  std::string out = "usage: memdb " + (group.empty() ? "COMMAND" : group) +
                    " SUBCOMMAND [OPTIONS] [ARGS]\n\n"
                    "Inspect memdb's files and run crash-recovery scenarios (docs/cli.md).\n\n"
                    "commands:\n";
  for (const Command& c : AllCommands()) {
    if (!group.empty() && group != c.group) continue;
    std::string left = std::string("  ") + c.group + " " + c.name;
    left.resize(std::max<size_t>(left.size() + 2, 22), ' ');
    out += left + c.summary + "\n";
  }
  out += "\n'memdb GROUP SUBCOMMAND --help' describes one; every command takes --json.\n";
  return out + kExitCodeNotes;
}

bool IsHelp(const std::string& arg) { return arg == "-h" || arg == "--help" || arg == "help"; }

int Dispatch(const std::vector<std::string>& args, const CliIo& io) {
  if (args.empty()) {
    io.err << Usage("");
    return kExitUsage;
  }
  if (IsHelp(args[0])) {
    io.out << Usage("");
    return kExitOk;
  }
  if (args[0] == "--version") {
    io.out << "memdb " << MEMDB_CLI_VERSION << "\n";
    return kExitOk;
  }
  bool group_known = false;
  for (const Command& c : AllCommands()) group_known = group_known || args[0] == c.group;
  if (!group_known) {
    io.err << "memdb: unknown command '" << args[0] << "'\n" << Usage("");
    return kExitUsage;
  }
  if (args.size() < 2 || IsHelp(args[1])) {
    (args.size() < 2 ? io.err : io.out) << Usage(args[0]);
    return args.size() < 2 ? kExitUsage : kExitOk;
  }
  for (const Command& c : AllCommands()) {
    if (args[0] == c.group && args[1] == c.name) {
      return c.run(std::vector<std::string>(args.begin() + 2, args.end()), io);
    }
  }
  io.err << "memdb: unknown command '" << args[0] << " " << args[1] << "'\n" << Usage(args[0]);
  return kExitUsage;
}

}  // namespace

int RunCli(const std::vector<std::string>& args, const CliIo& io) {
  int code;
  try {
    code = Dispatch(args, io);
  } catch (const std::exception& e) {  // bad_alloc and the like: report, never abort
    io.err << "memdb: internal error: " << e.what() << "\n";
    code = kExitError;
  }
  // Output that did not reach its destination (a full disk, a closed descriptor) is a failure
  // whatever the command concluded: a caller must not take a truncated report or snapshot for
  // a whole one. A failed write or flush leaves the stream's badbit set, so one check after the
  // final flush covers every write the command made.
  io.out.flush();
  if (!io.out.good()) {
    io.err << "memdb: writing the output (standard output) failed: it is incomplete "
              "(is the device full or closed?)\n";
    return kExitError;
  }
  return code;
}

Environment ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

}  // namespace memdb::cli
