// Scenario scripts as GoogleTest cases: one call registers every *.scn file of a folder as a
// test named after the file, so a folder of crash-recovery scripts runs (and shards) with the
// rest of a suite. An expectation that fails is reported at the script's file:line with the
// command and what differs; a parse error with its caret message.
//
//   // In a test file (before RUN_ALL_TESTS; a static initializer works):
//   static const int kScenarios =
//       memdb::testing::RegisterScenarioTests("tests/scenarios");
//   // -> Scenarios.transfer, Scenarios.fsync_failure, ...; with explore = true also
//   //    ScenarioExplore.transfer: every crash point x crash model x recovery mode.
//
// The language: docs/scenario-language.md.
#ifndef MEMDB_TESTING_SCENARIO_TESTS_H_
#define MEMDB_TESTING_SCENARIO_TESTS_H_

#include <string>
#include <vector>

#include "memdb/fault/crash_model.h"
#include "memdb/scenario/scenario.h"

namespace memdb::testing {

struct ScenarioTestOptions {
  std::string suite = "Scenarios";
  // Also register "<suite>Explore.<name>": ExploreScenario on the script, which must find no
  // violation of the crash invariant or of the script's invariants.
  bool explore = false;
  // The crash models explore tries (empty: all of them).
  std::vector<CrashModel::Kind> explore_models;
  // Where `expect golden` finds its goldens (default: ../golden beside the scripts).
  std::string golden_dir;
};

// Registers every *.scn file directly in `dir` (sorted by name); returns how many. A folder
// that cannot be read registers one failing test that says why.
int RegisterScenarioTests(const std::string& dir, const ScenarioTestOptions& options = {});

// The body of one registered run test: parses and runs `path`, reporting each failure with
// ADD_FAILURE_AT(script file, line). Usable directly in a TEST.
void RunScenarioTest(const std::string& path, const ScenarioTestOptions& options = {});
// The body of one registered explore test.
void ExploreScenarioTest(const std::string& path, const ScenarioTestOptions& options = {});

}  // namespace memdb::testing

#endif  // MEMDB_TESTING_SCENARIO_TESTS_H_
