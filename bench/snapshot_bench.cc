// memdb_snapshot_bench: saving and loading a 1,000,000-key snapshot (16-byte keys, 100-byte
// values) as a binary snapshot file and as a golden file, in bytes per second of file, next to
// a plain std::ofstream write of the same bytes -- the limit a save could reach.
// Files go to $MEMDB_BENCH_DIR (default /tmp). Results: docs/benchmarks.md, "Snapshots".
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "memdb/db/db.h"
#include "memdb/io/file_system.h"
#include "memdb/snapshot/snapshot.h"
#include "memdb/util/random.h"

namespace {

constexpr size_t kKeys = 1'000'000;

const memdb::Snapshot& BenchSnapshot() {
  static const memdb::Snapshot snap = [] {
    memdb::Snapshot s;
    memdb::Random rnd(42);
    char key[17];
    for (size_t i = 0; i < kKeys; ++i) {
      std::snprintf(key, sizeof(key), "key%013zu", i);
      s.entries.emplace_hint(s.entries.end(), std::string(key, 16), rnd.AlphaNumeric(100));
    }
    return s;
  }();
  return snap;
}

const std::string& Bytes(memdb::SnapshotFormat format) {
  static const std::string binary =
      SaveSnapshot(BenchSnapshot(), memdb::SnapshotFormat::kBinary).value();
  static const std::string golden =
      SaveSnapshot(BenchSnapshot(), memdb::SnapshotFormat::kGolden).value();
  return format == memdb::SnapshotFormat::kGolden ? golden : binary;
}

std::string PathFor(memdb::SnapshotFormat format) {
  const char* dir = std::getenv("MEMDB_BENCH_DIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/memdb-snapshot-bench." +
         std::string(SnapshotFormatName(format));
}

// The limit: the same bytes, already in memory, written with std::ofstream.
void BM_OfstreamWrite(benchmark::State& state, memdb::SnapshotFormat format) {
  const std::string& bytes = Bytes(format);
  const std::string path = PathFor(format) + ".ofstream";
  for (auto _ : state) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) state.SkipWithError("ofstream write failed");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  std::remove(path.c_str());
}

// Serialize + atomic write (temporary file, rename), no fsync -- like the ofstream baseline.
void BM_Save(benchmark::State& state, memdb::SnapshotFormat format) {
  const memdb::Snapshot& snap = BenchSnapshot();
  const size_t size = Bytes(format).size();
  auto fs = memdb::PosixFileSystem();
  const std::string path = PathFor(format);
  for (auto _ : state) {
    if (!WriteSnapshotFile(*fs, path, snap, format).ok()) state.SkipWithError("save failed");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
  state.counters["file_MB"] = static_cast<double>(size) / 1e6;
}

// Read + verify + parse into a Snapshot (a sorted std::map of 1M entries).
void BM_Load(benchmark::State& state, memdb::SnapshotFormat format) {
  const size_t size = Bytes(format).size();
  auto fs = memdb::PosixFileSystem();
  const std::string path = PathFor(format);
  if (!WriteSnapshotFile(*fs, path, BenchSnapshot(), format).ok()) state.SkipWithError("setup");
  for (auto _ : state) {
    memdb::Result<memdb::Snapshot> snap = ReadSnapshotFile(*fs, path);
    if (!snap.ok() || snap->entries.size() != kKeys) state.SkipWithError("load failed");
    benchmark::DoNotOptimize(snap);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

// Fixture preload end to end: a binary file to an open in-memory Db.
void BM_OpenFromSnapshot(benchmark::State& state) {
  const memdb::SnapshotFormat format = memdb::SnapshotFormat::kBinary;
  const std::string path = PathFor(format);
  if (!WriteSnapshotFile(*memdb::PosixFileSystem(), path, BenchSnapshot(), format).ok()) {
    state.SkipWithError("setup");
  }
  for (auto _ : state) {
    memdb::Result<memdb::Db> db = memdb::Db::OpenFromSnapshot(path);
    if (!db.ok()) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(db);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Bytes(format).size()));
}

using memdb::SnapshotFormat;
BENCHMARK_CAPTURE(BM_OfstreamWrite, binary, SnapshotFormat::kBinary)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Save, binary, SnapshotFormat::kBinary)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Load, binary, SnapshotFormat::kBinary)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_OfstreamWrite, golden, SnapshotFormat::kGolden)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Save, golden, SnapshotFormat::kGolden)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Load, golden, SnapshotFormat::kGolden)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_OpenFromSnapshot)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
