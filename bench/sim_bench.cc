// The deterministic scheduler's costs (docs/deterministic-scheduling.md):
//  - schedules explored per second for 2 transactions x 5 operations on a fresh in-memory
//    database each (target: at least 50,000/s on one core);
//  - a scheduling point when no simulation runs (target: under 2 ns).
#include <benchmark/benchmark.h>

#include <string>

#include "memdb/db/db.h"
#include "memdb/sim/database.h"
#include "memdb/sim/explore.h"
#include "memdb/sim/simulation.h"

namespace {

// Each transaction: begin, get, put, put, commit (5 steps); both touch key "a". With
// `check`, the history oracle checks every schedule's history against serializability.
void TwoTransactions(memdb::sim::Simulation& simulation, bool check) {
  memdb::Db db = memdb::Db::Open({}).value();
  memdb::sim::ScheduledDatabase scheduled(db);
  for (const char* name : {"t1", "t2"}) {
    simulation.Spawn(name, [&db, name] {
      memdb::Txn txn = db.Begin();
      txn.Get("a").status().IgnoreError();
      txn.Put("a", name).IgnoreError();
      txn.Put(name, "x").IgnoreError();
      txn.Commit().IgnoreError();
    });
  }
  simulation.Run();
  if (check && !scheduled.CheckHistory(memdb::IsolationLevel::kSerializable).empty()) {
    simulation.Fail("anomaly");
  }
}

// Arg 0: plain; 1: every history checked by the oracle; 2: Reduction::kEveryPoint.
void BM_sim_schedules_2x5(benchmark::State& state) {
  memdb::sim::ExploreOptions options;
  options.iterations = 1000;
  options.shrink = false;  // a write-write race is found under kSnapshot: measure exploring
  if (state.range(0) == 2) options.reduction = memdb::sim::Reduction::kEveryPoint;
  const bool check = state.range(0) == 1;
  uint64_t schedules = 0;
  for (auto _ : state) {
    const memdb::sim::ExploreReport report = memdb::sim::Explore(
        options, [check](memdb::sim::Simulation& s) { TwoTransactions(s, check); });
    schedules += report.schedules_run;
    options.seed += 1;
  }
  state.counters["schedules_per_second"] =
      benchmark::Counter(static_cast<double>(schedules), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_sim_schedules_2x5)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void BM_sim_point_outside_simulation(benchmark::State& state) {
  for (auto _ : state) {
    memdb::sim::Point("txn.get");
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_sim_point_outside_simulation);

// A transaction's Put with no step observer installed: the step is one branch of it.
void BM_txn_put_without_observer(benchmark::State& state) {
  memdb::Db db = memdb::Db::Open({}).value();
  memdb::Txn txn = db.Begin();
  for (auto _ : state) {
    txn.Put("key", "value").IgnoreError();
  }
}
BENCHMARK(BM_txn_put_without_observer);

}  // namespace

BENCHMARK_MAIN();
