// The command groups of the memdb tool and what they share. Each group (wal, snapshot, golden,
// scenario) lives in its own file and is reached through RunCli (cli.h).
//
// Each command is three steps its function composes: a parse step that turns the command line
// into an options struct (through ArgParser; help and usage errors end there), a run step that
// returns a result struct and prints nothing, and render steps for text and for --json. Output
// that must stream (wal dump's records) is rendered by the callbacks the run step calls.
#ifndef MEMDB_SRC_CLI_COMMAND_H_
#define MEMDB_SRC_CLI_COMMAND_H_

#include <optional>
#include <string>
#include <vector>

#include "cli/arg_parser.h"
#include "cli/cli.h"
#include "memdb/util/status.h"

namespace memdb::cli {

// One subcommand: `memdb GROUP NAME ARGS...`.
struct Command {
  const char* group;
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args, const CliIo& io);
};

// Every subcommand, in the order --help lists them.
const std::vector<Command>& AllCommands();

// Group tables, defined in their own files.
const std::vector<Command>& WalCommands();
const std::vector<Command>& SnapshotCommands();
const std::vector<Command>& GoldenCommands();
const std::vector<Command>& ScenarioCommands();

// Parses `args` with `parser`: prints help (returns kExitOk) or a usage error (returns
// kExitUsage); nullopt means go on.
std::optional<int> ParseOrExit(ArgParser& parser, const std::vector<std::string>& args,
                               const CliIo& io);

// Reports `status` on err as "memdb: <message>" and returns kExitError (usage errors are
// ParseOrExit's).
int ReportError(const CliIo& io, const Status& status);

// The exit-code table every --help ends with.
extern const char kExitCodeNotes[];

}  // namespace memdb::cli

#endif  // MEMDB_SRC_CLI_COMMAND_H_
