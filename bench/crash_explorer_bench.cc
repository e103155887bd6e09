// crash_explorer: crash states checked per second by the crash-state explorer on the issue's
// workload -- 100 transactions of mixed sizes with one checkpoint in the middle -- under every
// crash model and recovery mode. Target: at least 10,000 states/s on one core.
#include <benchmark/benchmark.h>

#include "memdb/fault/crash_explorer.h"

namespace {

void BM_crash_explorer(benchmark::State& state) {
  const memdb::Workload workload = memdb::RandomWorkload(20261124, 100);
  memdb::ExplorerOptions options;
  options.shrink = false;
  uint64_t states = 0;
  uint64_t points = 0;
  uint64_t distinct = 0;
  uint64_t recoveries = 0;
  bool ok = true;
  for (auto _ : state) {
    const memdb::ExplorerReport report = memdb::ExploreCrashes(workload, options);
    states += report.states;
    points = report.crash_points;
    distinct = report.distinct_states;
    recoveries = report.recoveries;
    ok = ok && report.ok();
  }
  state.counters["states_per_second"] =
      benchmark::Counter(static_cast<double>(states), benchmark::Counter::kIsRate);
  state.counters["states_per_run"] = static_cast<double>(states) / state.iterations();
  state.counters["crash_points"] = static_cast<double>(points);
  state.counters["distinct_states"] = static_cast<double>(distinct);
  state.counters["recoveries_per_run"] = static_cast<double>(recoveries);
  if (!ok) state.SkipWithError("the explorer reported a failure");
}
BENCHMARK(BM_crash_explorer)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
