// Crash-recovery scenarios: small line-oriented scripts that open a database on a simulated
// disk, interleave named transactions, crash it at a named point, recover and check what
// survived. The language (grammar, commands, examples) is docs/scenario-language.md.
//
//   memdb::Result<memdb::Scenario> s = memdb::ParseScenarioFile("fixtures/scenarios/transfer.scn");
//   if (!s.ok()) ...;                        // "transfer.scn:7:12: expected ... \n  line\n  ^"
//   memdb::ScenarioResult r = memdb::RunScenario(*s);
//   if (!r.ok()) std::cerr << r.ToString();  // "transfer.scn:14: expect get a = "1": ..."
//   memdb::ExplorerReport e = memdb::ExploreScenario(*s);   // every crash point x model
//
// Thread safety: a Scenario is immutable once parsed; runs share nothing.
#ifndef MEMDB_SCENARIO_SCENARIO_H_
#define MEMDB_SCENARIO_SCENARIO_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/db/options.h"
#include "memdb/fault/crash_explorer.h"
#include "memdb/io/file_system.h"
#include "memdb/scenario/commands.h"
#include "memdb/snapshot/golden.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"

namespace memdb {

// Where a command came from: the script (after `include`s are resolved) and 1-based line.
struct ScriptLocation {
  std::string file;
  int line = 0;
  std::string ToString() const;  // "file:line"
};

// One parsed command: the typed statement the verb table made of it (memdb/scenario/commands.h),
// its verb ("put", "expect", "crash", ...) and arguments as written (quoted strings unescaped)
// and where it came from. `repeat` blocks are already unrolled.
struct ScenarioCommand {
  ScriptLocation location;
  std::string text;  // the source line, trimmed
  std::string verb;
  std::string txn;  // "t1" for "t1 put k v"; empty for an autocommit command
  std::vector<std::string> args;
  scenario::Statement statement;
};

// A parsed script: the options its `option` lines set, and its commands in order.
struct Scenario {
  std::string name;  // the file name without directory and extension
  std::string path;
  Options options;  // path/file_system are set by the runner
  std::vector<ScenarioCommand> commands;
};

// Parses `text` named `path` (for messages; `include` is resolved relative to its directory
// through `fs`, the real file system when null). InvalidArgument on a syntax error, whose
// message is "path:line:column: what was expected", then the line and a caret, and for an
// unknown command the nearest known one ("did you mean 'commit'?").
Result<Scenario> ParseScenario(std::string_view text, const std::string& path,
                               std::shared_ptr<FileSystem> fs = nullptr);
Result<Scenario> ParseScenarioFile(const std::string& path,
                                   std::shared_ptr<FileSystem> fs = nullptr);

struct ScenarioRunOptions {
  // Goldens named by `expect golden NAME` are NAME.golden in this directory (default: the
  // script's directory's sibling "golden", i.e. fixtures/scenarios -> fixtures/golden).
  std::string golden_dir;
  GoldenSettings golden = GoldenSettings::FromEnvironment();
  // Called with every command before it runs (tracing, progress); may be empty.
  std::function<void(const ScenarioCommand&)> trace;
};

struct ScenarioFailure {
  ScriptLocation location;
  std::string command;  // the line that failed
  std::string message;  // what was expected and what was found (a key-level diff for state)
  std::string ToString() const;  // "file:line: command\n  message"
};

struct ScenarioResult {
  std::vector<ScenarioFailure> failures;  // expectation failures, in order; the run goes on
  Status error;                           // a command that could not run at all stops the run
  uint64_t commands_run = 0;

  bool ok() const { return failures.empty() && error.ok(); }
  std::string ToString() const;
};

ScenarioResult RunScenario(const Scenario& scenario, const ScenarioRunOptions& options = {});

struct ScenarioExploreOptions {
  // Models, recovery modes, sector size, sharding and progress of the crash explorer; its
  // `db` and `invariant` are set from the script.
  ExplorerOptions explorer;
};

// Explore mode: ignores the script's own crash, recover and fault lines; runs it once to learn
// the transactions that commit (in commit order) and its checkpoints, then crashes that
// workload at every storage operation under every crash model, recovers under every recovery
// mode and checks the crash invariant and the script's `invariant` lines (ExploreCrashes).
// InvalidArgument when the script cannot be run to its end.
Result<ExplorerReport> ExploreScenario(const Scenario& scenario,
                                       const ScenarioExploreOptions& options = {});

}  // namespace memdb

#endif  // MEMDB_SCENARIO_SCENARIO_H_
