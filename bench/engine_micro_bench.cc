// Micro-measurements of engine building blocks, moved here from tests that only printed them
// (a benchmark is never a timed test; see docs/benchmarks.md):
//  - CRC32C throughput of each implementation over 1 MiB, and which path Extend takes (the
//    context line crc32c_hardware_path);
//  - the WAL read path: a 32 MiB log of 100 B, 1 KB or 100 KB records read back from memory;
//  - SimFileSystem::Clone of a disk of 20 files x 32 KiB (synced, with an unsynced tail).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "memdb/io/sim_file_system.h"
#include "memdb/util/random.h"
#include "util/crc32c.h"
#include "wal/log_reader.h"
#include "wal/log_writer.h"

namespace {

using ExtendFunction = uint32_t (*)(uint32_t, const char*, size_t);

// Arg: 0 = Extend (whichever path it dispatches to), 1 = portable, 2 = SSE4.2.
void BM_crc32c_1MiB(benchmark::State& state) {
  namespace crc32c = memdb::crc32c;
  const std::pair<const char*, ExtendFunction> impls[] = {
      {"Extend", crc32c::Extend},
      {"portable", crc32c::internal::ExtendPortable},
      {"sse4.2", crc32c::internal::ExtendHardware}};
  const auto& [name, extend] = impls[state.range(0)];
  if (state.range(0) == 2 && !crc32c::internal::HardwareAvailable()) {
    state.SkipWithError("no SSE4.2 on this machine");
    return;
  }
  std::string data(1 << 20, '\0');
  memdb::Random rng(1);
  for (char& c : data) c = static_cast<char>(rng.Next());
  uint32_t crc = 0;
  for (auto _ : state) {
    crc = extend(crc, data.data(), data.size());
    benchmark::DoNotOptimize(crc);
  }
  state.SetLabel(name);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.size()));
}
BENCHMARK(BM_crc32c_1MiB)->DenseRange(0, 2);

// Arg: the record size. Reads a 32 MiB log back from a SimFileSystem (in memory); bytes/s are
// bytes of log.
void BM_wal_read_32MiB(benchmark::State& state) {
  using memdb::wal::LogReader;
  using memdb::wal::LogWriter;
  memdb::SimFileSystem fs;
  const std::string path = "wal-000001.log";
  uint64_t log_size = 0;
  {
    auto out = fs.NewWritableFile(path);
    if (!out.ok()) {
      state.SkipWithError("NewWritableFile failed");
      return;
    }
    LogWriter writer(out->get());
    memdb::Random rng(7);
    std::string payload(static_cast<size_t>(state.range(0)), '\0');
    for (char& c : payload) c = static_cast<char>(rng.Next());
    while (writer.size() < (32u << 20)) writer.AddRecord(payload);
    if (!writer.Flush().ok() || !(*out)->Close().ok()) {
      state.SkipWithError("writing the log failed");
      return;
    }
    log_size = writer.size();
  }
  size_t records = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto file = fs.NewSequentialFile(path);
    if (!file.ok()) {
      state.SkipWithError("NewSequentialFile failed");
      return;
    }
    LogReader reader(file->get(), log_size);
    std::string record;
    records = 0;
    state.ResumeTiming();
    while (reader.ReadRecord(&record) == LogReader::Outcome::kRecord) ++records;
    if (reader.valid_end() != log_size) {
      state.SkipWithError("the reader stopped before the end of an intact log");
      return;
    }
  }
  state.counters["records"] = static_cast<double>(records);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(log_size));
}
BENCHMARK(BM_wal_read_32MiB)->Arg(100)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_sim_clone_20x32KiB(benchmark::State& state) {
  memdb::SimFileSystem fs;
  if (!fs.CreateDir("db").ok()) {
    state.SkipWithError("CreateDir failed");
    return;
  }
  const std::string block(32 * 1024 - 100, 'x');
  for (int i = 0; i < 20; ++i) {
    auto file = fs.NewWritableFile("db/f" + std::to_string(i));
    if (!file.ok() || !(*file)->Append(block).ok() || !(*file)->Sync().ok() ||
        !(*file)->Append(std::string(100, 'y')).ok() || !(*file)->Close().ok()) {
      state.SkipWithError("writing the disk failed");
      return;
    }
  }
  if (!fs.SyncDir("db").ok()) {
    state.SkipWithError("SyncDir failed");
    return;
  }
  for (auto _ : state) {
    std::shared_ptr<memdb::SimFileSystem> clone = fs.Clone();
    benchmark::DoNotOptimize(clone.get());
  }
}
BENCHMARK(BM_sim_clone_20x32KiB)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::AddCustomContext("crc32c_hardware_path", memdb::crc32c::internal::HardwareAvailable()
                                                          ? "SSE4.2, used"
                                                          : "not available");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
