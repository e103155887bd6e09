// memdb_bench: memdb side by side with std::map / std::unordered_map behind a shared_mutex and,
// where their Debian packages were found at configure time, LMDB, RocksDB, LevelDB and SQLite.
// See README.md for the workloads and how to read the numbers.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench_common.h"

namespace memdb_bench {
namespace {

std::vector<StoreSuite> AllStores() {
  std::vector<StoreSuite> stores = {MemdbSuite(), UnorderedMapSuite(), MapSuite()};
#ifdef MEMDB_BENCH_HAVE_LMDB
  stores.push_back(LmdbSuite());
#endif
#ifdef MEMDB_BENCH_HAVE_ROCKSDB
  stores.push_back(RocksDbSuite());
#endif
#ifdef MEMDB_BENCH_HAVE_LEVELDB
  stores.push_back(LevelDbSuite());
#endif
#ifdef MEMDB_BENCH_HAVE_SQLITE
  stores.push_back(SqliteSuite());
#endif
  return stores;
}

// Registers workload by workload, so the console groups every store's run of one workload.
void RegisterAll() {
  const std::vector<StoreSuite> stores = AllStores();
  struct Workload {
    const char* name;
    BenchFn StoreSuite::*fn;
    bool two_threads;  // also register a Threads(2) variant
    bool once;         // a single iteration (load)
  };
  const Workload workloads[] = {
      {"point_get", &StoreSuite::point_get, true, false},
      {"txn_put1", &StoreSuite::txn_put1, true, false},
      {"txn_rmw10", &StoreSuite::txn_rmw10, false, false},
      {"scan100", &StoreSuite::scan100, false, false},
      {"open_close", &StoreSuite::open_close, false, false},
      {"load", &StoreSuite::load, false, true},
  };
  for (const Workload& w : workloads) {
    for (int threads : {1, 2}) {
      if (threads == 2 && !w.two_threads) continue;
      for (const StoreSuite& s : stores) {
        BenchFn fn = s.*(w.fn);
        if (fn == nullptr || (threads == 2 && !s.multithreaded)) continue;
        const std::string name = std::string("BM_") + w.name + "/" + s.name;
        // Real time everywhere: RocksDB and LevelDB do work on background threads, and the
        // 2-thread variants must report aggregate throughput (items / wall time).
        benchmark::internal::Benchmark* b = benchmark::RegisterBenchmark(name.c_str(), fn);
        b->UseRealTime()->Unit(benchmark::kNanosecond);
        if (threads == 2) b->Threads(2);
        if (w.once) b->Iterations(1)->Unit(benchmark::kMillisecond);
      }
    }
  }
}

}  // namespace
}  // namespace memdb_bench

int main(int argc, char** argv) {
  memdb_bench::RegisterAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("memdb_bench.keys", std::to_string(memdb_bench::NumKeys()));
  benchmark::AddCustomContext("memdb_bench.key_bytes", std::to_string(memdb_bench::kKeySize));
  benchmark::AddCustomContext("memdb_bench.value_bytes", std::to_string(memdb_bench::kValueSize));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  memdb_bench::RunShutdownHooks();
  return 0;
}
