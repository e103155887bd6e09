// `memdb scenario explore` on the transfer scenario (fixtures/scenarios/transfer.scn): crash
// states checked per second, script interpretation included (parse + the recording run + every
// crash point x crash model x recovery mode). Target: at least 5,000 states/s on one core.
#include <benchmark/benchmark.h>

#include <string>

#include "memdb/scenario/scenario.h"

namespace {

void BM_scenario_explore_transfer(benchmark::State& state) {
  const std::string path = std::string(MEMDB_FIXTURES_DIR) + "/scenarios/transfer.scn";
  uint64_t states = 0;
  for (auto _ : state) {
    memdb::Result<memdb::Scenario> scenario = memdb::ParseScenarioFile(path);
    if (!scenario.ok()) {
      state.SkipWithError(scenario.status().ToString().c_str());
      return;
    }
    memdb::Result<memdb::ExplorerReport> report = memdb::ExploreScenario(*scenario);
    if (!report.ok() || !report->ok()) {
      state.SkipWithError("explore failed");
      return;
    }
    states += report->states;
  }
  state.counters["crash_states_per_second"] =
      benchmark::Counter(static_cast<double>(states), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_scenario_explore_transfer)->Unit(benchmark::kMillisecond)->MinTime(3);

}  // namespace

BENCHMARK_MAIN();
