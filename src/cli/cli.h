// RunCli: the `memdb` command-line tool as a function, so tests run it in-process and main.cc
// is three lines. Commands, options, output and exit codes are documented in docs/cli.md.
//
// Promises: RunCli never throws and never exits the process; everything it prints goes to
// `out` (results) and `err` (errors, progress); the environment is read only through `env`
// (tests pass a fixed one). The exit code is one of the kExit* constants below.
#ifndef MEMDB_SRC_CLI_CLI_H_
#define MEMDB_SRC_CLI_CLI_H_

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace memdb::cli {

// Exit codes (docs/cli.md, "Exit status").
inline constexpr int kExitOk = 0;        // done; the check passed (intact, equal, no failure)
inline constexpr int kExitFailed = 1;    // the check failed: corruption, differences, failures
inline constexpr int kExitUsage = 2;     // bad command line
inline constexpr int kExitError = 3;     // a file could not be read, written or parsed
inline constexpr int kExitTornTail = 4;  // wal: intact except for a torn tail

// The value of an environment variable, or nullopt when unset.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;

struct CliIo {
  std::ostream& out;
  std::ostream& err;
  Environment env;
  // Whether `err` is a terminal: progress is drawn only then (or with --progress).
  bool err_is_tty = false;
};

// `args` excludes the program name: {"wal", "dump", "db/wal-000001.log"}.
int RunCli(const std::vector<std::string>& args, const CliIo& io);

// The process environment (getenv).
Environment ProcessEnvironment();

}  // namespace memdb::cli

#endif  // MEMDB_SRC_CLI_CLI_H_
