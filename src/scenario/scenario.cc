// RunScenario and ExploreScenario: the interpreter in its two modes.
#include "memdb/scenario/scenario.h"

#include <utility>

#include "scenario/interpreter.h"

namespace memdb {

std::string ScenarioFailure::ToString() const {
  return location.ToString() + ": " + command + "\n  " + message;
}

std::string ScenarioResult::ToString() const {
  if (ok()) return "passed (" + std::to_string(commands_run) + " commands)";
  std::string out;
  for (const ScenarioFailure& f : failures) out += f.ToString() + "\n";
  if (!error.ok()) out += "stopped: " + error.ToString() + "\n";
  return out;
}

ScenarioResult RunScenario(const Scenario& scenario, const ScenarioRunOptions& options) {
  return scenario::Interpreter(scenario, options, /*recording=*/false).Run();
}

Result<ExplorerReport> ExploreScenario(const Scenario& scenario,
                                       const ScenarioExploreOptions& options) {
  ScenarioRunOptions run_options;
  run_options.golden.mode = GoldenMode::kCi;  // never write a golden while learning the workload
  scenario::Interpreter recorder(scenario, run_options, /*recording=*/true);
  const ScenarioResult learned = recorder.Run();
  if (!learned.error.ok()) {
    return Status::InvalidArgument(
        "explore needs a script that runs to its end without its "
        "crash lines: " +
        learned.error.ToString());
  }
  ExplorerOptions explorer = options.explorer;
  explorer.db = scenario.options;
  explorer.db.path = "db";
  explorer.db.file_system = nullptr;
  if (explorer.workload_name.empty()) explorer.workload_name = scenario.path;
  std::vector<scenario::Invariant> invariants = recorder.invariants();
  if (!invariants.empty()) {
    // An invariant holds from the commit before which it was declared on.
    explorer.invariant_after = [invariants](Db& db, size_t commits) {
      for (const scenario::Invariant& inv : invariants) {
        if (commits < inv.from_commit) continue;
        if (std::string what = inv.Check(db); !what.empty()) return Status::Corruption(what);
      }
      return Status::OK();
    };
  }
  return ExploreCrashes(recorder.workload(), explorer);
}

}  // namespace memdb
