// `memdb scenario run|explore` (docs/cli.md, "scenario"; the language is
// docs/scenario-language.md) over ParseScenarioFile, RunScenario and ExploreScenario.
#include <charconv>
#include <cstdio>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "cli/json_writer.h"
#include "memdb/fault/crash_model.h"
#include "memdb/scenario/scenario.h"

namespace memdb::cli {
namespace {

// ---- memdb scenario run: parse, run one script, render ----

struct RunOptions {
  std::vector<std::string> files;
  std::string golden_dir;
  bool trace = false;
  bool json = false;
};

ArgParser RunParser(RunOptions* o) {
  ArgParser p("memdb scenario run",
              "Run crash-recovery scenario scripts and report each failed expectation as\n"
              "file:line, the command and what differs. Exit status 0 when every script\n"
              "passes, 1 when an expectation fails or a script stops, 3 when a script cannot\n"
              "be read or parsed (the message shows file:line:column and a caret).");
  p.AddPositional("FILE", "scenario scripts (*.scn)", &o->files, 1, 1000000);
  p.AddOption("golden-dir", "DIR", "where 'expect golden NAME' finds NAME.golden", &o->golden_dir);
  p.AddFlag("trace", "print each command before it runs (on stderr)", &o->trace);
  p.AddFlag("json", "one JSON document on stdout (schema in docs/cli.md)", &o->json);
  p.AddNotes(
      "Golden files follow MEMDB_UPDATE_GOLDEN, CI and MEMDB_GOLDEN_PENDING_DIR "
      "(docs/golden-files.md).\n");
  return p;
}

// One script's outcome: a parse error, or the run's result.
struct ScriptOutcome {
  std::string file;
  Status parse_error;
  ScenarioResult result;
};

// Parses and runs `file`; `trace` (may be empty) sees each command before it runs.
ScriptOutcome RunScript(const std::string& file, const RunOptions& o,
                        const std::function<void(const ScenarioCommand&)>& trace) {
  ScriptOutcome outcome{file, Status::OK(), {}};
  Result<Scenario> scenario = ParseScenarioFile(file);
  if (!scenario.ok()) {
    outcome.parse_error = scenario.status();
    return outcome;
  }
  ScenarioRunOptions options;
  options.golden_dir = o.golden_dir;
  options.trace = trace;
  outcome.result = RunScenario(*scenario, options);
  return outcome;
}

void RenderScriptText(const ScriptOutcome& s, std::ostream& out) {
  if (!s.parse_error.ok()) {
    out << "ERROR " << s.file << "\n" << s.parse_error.message() << "\n";
  } else if (s.result.ok()) {
    out << "PASS  " << s.file << " (" << s.result.commands_run << " commands)\n";
  } else {
    out << "FAIL  " << s.file << "\n" << s.result.ToString();
  }
}

void RenderScriptJson(const ScriptOutcome& s, JsonWriter& j) {
  if (!s.parse_error.ok()) {
    j.BeginObject().Key("file").String(s.file).Key("status").String("error");
    j.Key("error").String(s.parse_error.message()).EndObject();
    return;
  }
  const ScenarioResult& result = s.result;
  j.BeginObject().Key("file").String(s.file).Key("status").String(result.ok() ? "pass" : "fail");
  j.Key("commands_run").Uint(result.commands_run).Key("failures").BeginArray();
  for (const ScenarioFailure& f : result.failures) {
    j.BeginObject().Key("file").String(f.location.file).Key("line").Int(f.location.line);
    j.Key("command").String(f.command).Key("message").String(f.message).EndObject();
  }
  j.EndArray();
  if (!result.error.ok()) j.Key("error").String(result.error.ToString());
  j.EndObject();
}

// Scripts run and render one at a time, so a trace on stderr stays beside its script.
int Run(const std::vector<std::string>& args, const CliIo& io) {
  RunOptions o;
  ArgParser p = RunParser(&o);
  if (auto code = ParseOrExit(p, args, io)) return *code;

  std::function<void(const ScenarioCommand&)> trace;
  if (o.trace) {
    trace = [&io](const ScenarioCommand& c) {
      io.err << c.location.ToString() << ": " << c.text << "\n";
    };
  }
  int code = kExitOk;
  JsonWriter j(io.out);
  if (o.json) j.BeginObject().Key("scripts").BeginArray();
  size_t passed = 0;
  for (const std::string& file : o.files) {
    const ScriptOutcome outcome = RunScript(file, o, trace);
    if (!outcome.parse_error.ok()) {
      code = kExitError;
      // The report on stdout has the whole message (with its caret); stderr gets its first
      // line, which names the file, so a script that cannot be read is never reported only
      // in the middle of the output.
      const std::string_view message = outcome.parse_error.message();
      io.err << "memdb: " << message.substr(0, message.find('\n')) << "\n";
    } else if (outcome.result.ok()) {
      ++passed;
    } else if (code == kExitOk) {
      code = kExitFailed;
    }
    if (o.json) {
      RenderScriptJson(outcome, j);
    } else {
      RenderScriptText(outcome, io.out);
    }
  }
  if (o.json) {
    j.EndArray().Key("passed").Uint(passed).Key("total").Uint(o.files.size()).EndObject();
    j.Finish();
  } else {
    io.out << passed << " of " << o.files.size() << " scripts passed\n";
  }
  return code;
}

// ---- memdb scenario explore: parse, run, render ----

bool ParseUint32(std::string_view s, uint32_t* out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

// "i/n" with i < n.
bool ParseShard(const std::string& text, uint32_t* shard, uint32_t* shards) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  return ParseUint32(std::string_view(text).substr(0, slash), shard) &&
         ParseUint32(std::string_view(text).substr(slash + 1), shards) && *shards > 0 &&
         *shard < *shards;
}

struct ExploreCommandOptions {
  std::string file;
  ScenarioExploreOptions explore;
  uint64_t operation = 0;  // 0: every crash point
  bool json = false;
};

// The command line as explore options; a usage error's message, or an exit code for --help.
struct ExploreParse {
  std::optional<int> exit;
  std::string usage_error;
  ExploreCommandOptions options;
};

ExploreParse ParseExplore(const std::vector<std::string>& args, const CliIo& io) {
  ExploreParse parsed;
  std::vector<std::string> files;
  std::string shard_text;
  std::vector<std::string> models;
  std::vector<std::string> modes;
  uint64_t& operation = parsed.options.operation;
  uint64_t max_failures = 10;
  uint64_t sector_size = 512;
  bool progress = false;
  bool no_progress = false;
  ArgParser p("memdb scenario explore",
              "Ignore the script's own crash, recover, fail and flip lines; crash its workload\n"
              "before every storage operation under every crash model variant, recover under\n"
              "every recovery mode, and check the crash invariant and the script's invariants.\n"
              "Prints a table of states per model and mode, and for each failure a command\n"
              "that replays it. Exit status 0 when no crash state fails, 1 otherwise.");
  p.AddPositional("FILE", "a scenario script (*.scn)", &files, 1, 1);
  p.AddOption("shard", "I/N",
              "only crash points with index % N == I (default: from "
              "GTEST_SHARD_INDEX / GTEST_TOTAL_SHARDS, else 0/1)",
              &shard_text);
  p.AddList("model", "KIND",
            "only this crash model kind (drop-unsynced, keep-unsynced, "
            "byte-prefix, sector-prefix, torn-last-write, independent-sectors, "
            "reordered-writes)",
            &models);
  p.AddList("recovery", "MODE",
            "only this recovery mode (tolerate-torn-tail, "
            "absolute-consistency, point-in-time)",
            &modes);
  p.AddNumber("operation", "only the crash before storage operation N", &operation);
  p.AddNumber("max-failures", "stop after N failures (default 10)", &max_failures);
  p.AddNumber("sector-size", "sector size of the sector models (default 512)", &sector_size);
  p.AddFlag("progress", "draw progress on stderr even when it is not a terminal", &progress);
  p.AddFlag("no-progress", "never draw progress", &no_progress);
  p.AddFlag("json", "one JSON document on stdout (schema in docs/cli.md)", &parsed.options.json);
  if ((parsed.exit = ParseOrExit(p, args, io))) return parsed;

  auto usage = [&parsed](std::string what) {
    parsed.usage_error = std::move(what);
    return parsed;
  };
  parsed.options.file = files[0];
  ExplorerOptions& e = parsed.options.explore.explorer;
  e.shrink = false;  // failures name operations of the script's whole workload: replayable
  e.max_failures = static_cast<size_t>(max_failures == 0 ? 1 : max_failures);
  e.sector_size = static_cast<uint32_t>(sector_size);
  e.progress = !no_progress && (progress || io.err_is_tty);
  if (!models.empty()) e.models.clear();
  for (const std::string& m : models) {
    Result<CrashModel> model = CrashModel::Parse(m);
    if (!model.ok()) return usage("--model: " + std::string(model.status().message()));
    e.models.push_back(model->kind);
  }
  if (!modes.empty()) e.recovery_modes.clear();
  for (const std::string& m : modes) {
    const std::optional<RecoveryMode> mode = ParseRecoveryMode(m);
    if (!mode) {
      return usage(
          "--recovery expects tolerate-torn-tail, absolute-consistency or "
          "point-in-time, not '" +
          m + "'");
    }
    e.recovery_modes.push_back(*mode);
  }
  const auto env_index = io.env("GTEST_SHARD_INDEX");
  const auto env_total = io.env("GTEST_TOTAL_SHARDS");
  if (!shard_text.empty()) {
    if (!ParseShard(shard_text, &e.shard, &e.shards)) {
      return usage("--shard expects I/N with I < N, e.g. 0/4, not '" + shard_text + "'");
    }
  } else if (env_index && env_total) {
    if (!ParseShard(*env_index + "/" + *env_total, &e.shard, &e.shards)) {
      return usage("GTEST_SHARD_INDEX=" + *env_index + " GTEST_TOTAL_SHARDS=" + *env_total +
                   " is not a shard (index < total)");
    }
  }
  if (operation != 0) {
    if (e.shards != 1) return usage("--operation and sharding cannot be combined");
    // The crash point before operation N is the explorer's point N-1: a shard that big
    // selects it alone.
    e.shard = static_cast<uint32_t>(operation - 1);
    e.shards = std::numeric_limits<uint32_t>::max();
    if (operation >= e.shards) return usage("--operation is too large");
  }
  return parsed;
}

// The explored script: a parse error (reported as is), or the explorer's report or error.
struct ExploreOutcome {
  Status parse_error;
  Status error;
  ExplorerReport report;
};

ExploreOutcome RunExplore(const ExploreCommandOptions& o) {
  ExploreOutcome outcome;
  Result<Scenario> scenario = ParseScenarioFile(o.file);
  if (!scenario.ok()) {
    outcome.parse_error = scenario.status();
    return outcome;
  }
  Result<ExplorerReport> report = ExploreScenario(*scenario, o.explore);
  if (report.ok()) {
    outcome.report = std::move(*report);
  } else {
    outcome.error = report.status();
  }
  return outcome;
}

std::string Reproduction(const std::string& file, const CrashFailure& f) {
  const std::string model_name = f.model.substr(0, f.model.find('('));
  return "memdb scenario explore " + file + " --operation " + std::to_string(f.operation) +
         " --model " + model_name + " --recovery " + std::string(RecoveryModeName(f.mode));
}

uint64_t StatesPerSecond(const ExplorerReport& report) {
  return report.seconds > 0 ? static_cast<uint64_t>(report.states / report.seconds) : 0;
}

void RenderExploreJson(const ExploreCommandOptions& o, const ExplorerReport& report,
                       std::ostream& out) {
  const ExplorerOptions& e = o.explore.explorer;
  JsonWriter j(out);
  j.BeginObject().Key("file").String(o.file).Key("ok").Bool(report.ok());
  j.Key("shard")
      .Uint(o.operation != 0 ? 0 : e.shard)
      .Key("shards")
      .Uint(o.operation != 0 ? 1 : e.shards);
  j.Key("operations").Uint(report.operations).Key("crash_points").Uint(report.crash_points);
  j.Key("states").Uint(report.states).Key("recoveries").Uint(report.recoveries);
  j.Key("distinct_states").Uint(report.distinct_states);
  j.Key("seconds").Double(report.seconds).Key("states_per_second").Uint(StatesPerSecond(report));
  j.Key("matrix").BeginArray();
  for (const ConformanceCell& c : report.matrix) {
    j.BeginObject().Key("model").String(CrashModel::KindName(c.kind));
    j.Key("recovery").String(RecoveryModeName(c.mode)).Key("states").Uint(c.states);
    j.Key("recovered").Uint(c.recovered).Key("refused").Uint(c.refused);
    j.Key("failed").Uint(c.failures).EndObject();
  }
  j.EndArray().Key("failures").BeginArray();
  for (const CrashFailure& f : report.failures) {
    j.BeginObject()
        .Key("operation")
        .Uint(f.operation)
        .Key("operation_name")
        .String(f.operation_name);
    j.Key("model").String(f.model).Key("recovery").String(RecoveryModeName(f.mode));
    j.Key("what").String(f.what).Key("reproduce").String(Reproduction(o.file, f));
    j.EndObject();
  }
  j.EndArray().EndObject();
  j.Finish();
}

void RenderExploreText(const ExploreCommandOptions& o, const ExplorerReport& report,
                       std::ostream& out) {
  const ExplorerOptions& e = o.explore.explorer;
  out << o.file << ": " << report.states << " crash states at " << report.crash_points
      << " crash points (" << report.operations << " storage operations";
  if (e.shards > 1 && o.operation == 0) out << ", shard " << e.shard << "/" << e.shards;
  out << "; " << report.recoveries << " distinct disk images recovered), " << report.distinct_states
      << " distinct recovered states, " << report.seconds << " s (" << StatesPerSecond(report)
      << " states/s)\n";
  char line[160];
  std::snprintf(line, sizeof(line), "  %-22s %-22s %10s %10s %8s %7s\n", "crash model",
                "recovery mode", "states", "recovered", "refused", "failed");
  out << line;
  for (const ConformanceCell& c : report.matrix) {
    std::snprintf(
        line, sizeof(line), "  %-22s %-22s %10llu %10llu %8llu %7llu\n",
        std::string(CrashModel::KindName(c.kind)).c_str(),
        std::string(RecoveryModeName(c.mode)).c_str(), static_cast<unsigned long long>(c.states),
        static_cast<unsigned long long>(c.recovered), static_cast<unsigned long long>(c.refused),
        static_cast<unsigned long long>(c.failures));
    out << line;
  }
  for (const CrashFailure& f : report.failures) {
    out << "FAIL  crash before operation " << f.operation << " (" << f.operation_name << "), model "
        << f.model << ", recovery " << RecoveryModeName(f.mode) << ": " << f.what
        << "\n  reproduce: " << Reproduction(o.file, f) << "\n";
  }
  out << (report.ok() ? "no failure\n" : std::to_string(report.failures.size()) + " failure(s)\n");
}

int Explore(const std::vector<std::string>& args, const CliIo& io) {
  const ExploreParse parsed = ParseExplore(args, io);
  if (parsed.exit) return *parsed.exit;
  if (!parsed.usage_error.empty()) {
    io.err << "memdb: " << parsed.usage_error << "\n";
    return kExitUsage;
  }
  const ExploreOutcome outcome = RunExplore(parsed.options);
  if (!outcome.parse_error.ok()) {
    io.err << outcome.parse_error.message() << "\n";
    return kExitError;
  }
  if (!outcome.error.ok()) return ReportError(io, outcome.error);
  if (parsed.options.json) {
    RenderExploreJson(parsed.options, outcome.report, io.out);
  } else {
    RenderExploreText(parsed.options, outcome.report, io.out);
  }
  return outcome.report.ok() ? kExitOk : kExitFailed;
}

}  // namespace

const std::vector<Command>& ScenarioCommands() {
  static const std::vector<Command> commands = {
      {"scenario", "run", "run scenario scripts and report failed expectations", Run},
      {"scenario", "explore", "crash a script's workload at every point, model and mode", Explore},
  };
  return commands;
}

}  // namespace memdb::cli
