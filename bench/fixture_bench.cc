// memdb_fixture_bench: what memdb::testing's fixtures cost a test (docs/testing.md, "Cost").
//   BM_DbTest_SetUpTearDown            a DbTest's SetUp + TearDown (target: < 20 us)
//   BM_DurableDbTest_CrashRecover1000  a DurableDbTest with 1,000 committed keys: crash and
//                                      recover them (target: < 2 ms)
// The fixtures are driven directly (SetUp/TearDown), without GoogleTest's runner around them.
#include <benchmark/benchmark.h>

#include <string>

#include "memdb/testing/db_test.h"
#include "memdb/testing/durable_db_test.h"

namespace {

class DbFixture : public memdb::testing::DbTest {
 public:
  void TestBody() override {}
  void Up() { SetUp(); }
  void Down() { TearDown(); }
  memdb::Db& database() { return db(); }
};

class DurableFixture : public memdb::testing::DurableDbTest {
 public:
  void TestBody() override {}
  void Up() { SetUp(); }
  void Down() { TearDown(); }
  memdb::Db& database() { return db(); }
  memdb::Status Crash() { return CrashAndRecover(); }
};

void BM_DbTest_SetUpTearDown(benchmark::State& state) {
  for (auto _ : state) {
    DbFixture fixture;  // a test object per test, as GoogleTest makes one
    fixture.Up();
    benchmark::DoNotOptimize(&fixture.database());
    fixture.Down();
  }
}
BENCHMARK(BM_DbTest_SetUpTearDown)->Unit(benchmark::kMicrosecond);

void BM_DurableDbTest_CrashRecover1000(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    DurableFixture fixture;
    fixture.Up();
    for (int i = 0; i < 1000; ++i) {
      const std::string key = "key" + std::to_string(i);
      if (!fixture.database().Put(key, std::string(100, 'v')).ok()) state.SkipWithError("put");
    }
    state.ResumeTiming();
    if (!fixture.Crash().ok()) state.SkipWithError("recovery failed");
    state.PauseTiming();
    if (fixture.database().GetStats().live_keys != 1000) state.SkipWithError("keys lost");
    fixture.Down();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_DurableDbTest_CrashRecover1000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
