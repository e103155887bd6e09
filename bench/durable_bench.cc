// memdb_durable_bench: memdb with a write-ahead log on a real disk, side by side with a raw
// write()+fdatasync() loop (what the disk can do) and the durable modes of RocksDB, LevelDB,
// LMDB and SQLite (where their packages were found), in one process and one run; plus the time
// Db::Open takes to replay a large log. See README.md ("Durable benchmarks") for the workloads.
//
//   BM_durable_commit/<store>              one durable commit of one put per iteration
//   BM_recovery_replay/<N>MiB_{warm,cold}  Db::Open replaying an N MiB log
//
// Every store lives in its own directory under MEMDB_BENCH_DIR (default: the build
// directory's durable-tmp/), which must be on the disk being measured -- not a tmpfs.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "bench_common.h"
#include "durable_common.h"
#include "memdb/memdb.h"

#ifndef MEMDB_BENCH_DEFAULT_DIR
#define MEMDB_BENCH_DEFAULT_DIR "durable-tmp"
#endif

namespace memdb_bench {

// ---------------------------------------------------------------------------------------------
// The benchmark directory.

const std::string& DurableBaseDir() {
  static const std::string dir = [] {
    const char* env = std::getenv("MEMDB_BENCH_DIR");
    std::string d = env != nullptr && *env != '\0' ? env : MEMDB_BENCH_DEFAULT_DIR;
    std::error_code ec;
    std::filesystem::create_directories(d, ec);
    if (ec) {
      std::fprintf(stderr, "memdb_durable_bench: cannot create %s: %s\n", d.c_str(),
                   ec.message().c_str());
      std::exit(2);
    }
    return std::filesystem::canonical(d).string();
  }();
  return dir;
}

std::string NewDurableDir(const std::string& prefix) {
  std::string tmpl = DurableBaseDir() + "/" + prefix + "_XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    std::fprintf(stderr, "memdb_durable_bench: mkdtemp %s: %s\n", tmpl.c_str(),
                 std::strerror(errno));
    std::abort();
  }
  AtShutdown([tmpl] {
    std::error_code ec;
    std::filesystem::remove_all(tmpl, ec);
  });
  return tmpl;
}

namespace {

// The mount holding `path` (longest mount point prefix in /proc/self/mounts): "fstype on
// source (mount point)"; the statfs magic number when /proc is unavailable.
std::string DescribeFileSystem(const std::string& path) {
  std::ifstream mounts("/proc/self/mounts");
  std::string line;
  std::string best_point;
  std::string best;
  while (std::getline(mounts, line)) {
    std::istringstream fields(line);
    std::string source, point, type;
    if (!(fields >> source >> point >> type)) continue;
    const bool prefix = path == point || point == "/" ||
                        (path.compare(0, point.size(), point) == 0 && path.size() > point.size() &&
                         path[point.size()] == '/');
    if (prefix && point.size() >= best_point.size()) {
      best_point = point;
      best = type + " on " + source + " (mounted at " + point + ")";
    }
  }
  if (!best.empty()) return best;
  struct statfs fs;
  if (statfs(path.c_str(), &fs) != 0) return "unknown";
  char buf[64];
  std::snprintf(buf, sizeof buf, "statfs f_type 0x%lx", static_cast<unsigned long>(fs.f_type));
  return buf;
}

bool IsTmpfs(const std::string& path) {
  struct statfs fs;
  return statfs(path.c_str(), &fs) == 0 && fs.f_type == 0x01021994;  // TMPFS_MAGIC
}

// ---------------------------------------------------------------------------------------------
// memdb and the raw baselines.

// memdb, SyncMode::kAlways: a commit returns after the fdatasync of its log record; commits
// that queue up while one syncs go out together in the next append + sync (group commit).
// No automatic checkpoint (checkpoint_log_bytes = 0), so none runs mid-benchmark.
class DurableMemdb final : public DurableStore {
 public:
  explicit DurableMemdb(const std::string& dir) : db_(Open(dir)) {}

  bool Commit(int, std::string_view key, std::string_view value) override {
    return db_.Put(key, value).ok();
  }

  void BeginRun() override { before_ = db_.GetStats(); }

  void EndRun(benchmark::State& state) override {
    const memdb::DbStats after = db_.GetStats();
    const double commits = static_cast<double>(after.commits - before_.commits);
    const double groups = static_cast<double>(after.commit_groups - before_.commit_groups);
    const double syncs = static_cast<double>(after.log_syncs - before_.log_syncs);
    const double bytes = static_cast<double>(after.log_bytes - before_.log_bytes);
    if (groups > 0) state.counters["group_size"] = commits / groups;
    if (commits > 0) {
      state.counters["syncs_per_commit"] = syncs / commits;
      state.counters["log_bytes_per_commit"] = bytes / commits;
    }
  }

 private:
  static memdb::Db Open(const std::string& dir) {
    memdb::Options options;
    options.path = dir;
    options.sync_mode = memdb::SyncMode::kAlways;
    options.checkpoint_log_bytes = 0;
    auto db = memdb::Db::Open(options);
    if (!db.ok()) {
      std::fprintf(stderr, "memdb_durable_bench: memdb open %s: %s\n", dir.c_str(),
                   db.status().ToString().c_str());
      std::abort();
    }
    return std::move(db).value();
  }

  memdb::Db db_;
  memdb::DbStats before_;
};

// The disk's raw rate: per commit, one write() of a 100-byte record (the key and the first 84
// bytes of the value) appended to a file, then fdatasync. Each benchmark thread has its own
// file (thread i: raw-i.log), so with 2 threads two append+sync streams run in parallel and the
// file system may merge their journal commits; the 1-thread number is the reference.
//
// kOverwrite: the same, but into a file preallocated (written with zeros and synced) up front,
// overwriting it in a ring, so an fdatasync never has a file size to persist. Not a database
// pattern by itself; it shows what appending costs on this file system.
class RawFdatasync final : public DurableStore {
 public:
  static constexpr size_t kRecordBytes = 100;
  static constexpr off_t kRingBytes = off_t{1} << 20;

  RawFdatasync(const std::string& dir, bool overwrite) : overwrite_(overwrite) {
    for (int t = 0; t < kMaxDurableThreads; ++t) {
      const std::string path = dir + "/raw-" + std::to_string(t) + ".log";
      const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0) Fail("open", path);
      if (overwrite_) {
        const std::string zeros(static_cast<size_t>(kRingBytes), '\0');
        if (::write(fd, zeros.data(), zeros.size()) != static_cast<ssize_t>(zeros.size())) {
          Fail("write", path);
        }
        if (::fsync(fd) != 0) Fail("fsync", path);
      }
      slots_[t].fd = fd;
    }
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);  // the files' directory entries, once
      ::close(dfd);
    }
  }
  ~RawFdatasync() override {
    for (Slot& s : slots_) {
      if (s.fd >= 0) ::close(s.fd);
    }
  }
  RawFdatasync(const RawFdatasync&) = delete;
  RawFdatasync& operator=(const RawFdatasync&) = delete;

  bool Commit(int thread, std::string_view key, std::string_view value) override {
    Slot& s = slots_[thread];
    char record[kRecordBytes];
    std::memcpy(record, key.data(), key.size());
    std::memcpy(record + key.size(), value.data(), kRecordBytes - key.size());
    ssize_t n;
    if (overwrite_) {
      n = ::pwrite(s.fd, record, kRecordBytes, s.offset);
      s.offset += static_cast<off_t>(kRecordBytes);
      if (s.offset + static_cast<off_t>(kRecordBytes) > kRingBytes) s.offset = 0;
    } else {
      n = ::write(s.fd, record, kRecordBytes);
    }
    return n == static_cast<ssize_t>(kRecordBytes) && ::fdatasync(s.fd) == 0;
  }

 private:
  [[noreturn]] static void Fail(const char* what, const std::string& path) {
    std::fprintf(stderr, "memdb_durable_bench: %s %s: %s\n", what, path.c_str(),
                 std::strerror(errno));
    std::abort();
  }

  struct Slot {
    int fd = -1;
    off_t offset = 0;
  };
  const bool overwrite_;
  Slot slots_[kMaxDurableThreads];
};

// ---------------------------------------------------------------------------------------------
// durable_commit

struct DurableSpec {
  const char* name;
  std::unique_ptr<DurableStore> (*make)(const std::string& dir);
};

const std::vector<DurableSpec>& DurableSpecs() {
  static const std::vector<DurableSpec> specs = {
      {"memdb",
       [](const std::string& d) -> std::unique_ptr<DurableStore> {
         return std::make_unique<DurableMemdb>(d);
       }},
      {"raw_append_fdatasync",
       [](const std::string& d) -> std::unique_ptr<DurableStore> {
         return std::make_unique<RawFdatasync>(d, /*overwrite=*/false);
       }},
      {"raw_overwrite_fdatasync",
       [](const std::string& d) -> std::unique_ptr<DurableStore> {
         return std::make_unique<RawFdatasync>(d, /*overwrite=*/true);
       }},
#ifdef MEMDB_BENCH_HAVE_LMDB
      {"lmdb", &NewDurableLmdb},
#endif
#ifdef MEMDB_BENCH_HAVE_ROCKSDB
      {"rocksdb", &NewDurableRocksDb},
#endif
#ifdef MEMDB_BENCH_HAVE_LEVELDB
      {"leveldb", &NewDurableLevelDb},
#endif
#ifdef MEMDB_BENCH_HAVE_SQLITE
      {"sqlite", &NewDurableSqlite},
#endif
  };
  return specs;
}

// One store per spec, created on first use in a fresh directory and shared by every benchmark
// and thread (the 1- and 2-thread runs and all repetitions write into the same store).
DurableStore& SharedDurable(const DurableSpec& spec) {
  static std::mutex mu;
  static std::map<std::string, DurableStore*> stores;
  std::lock_guard<std::mutex> lock(mu);
  DurableStore*& store = stores[spec.name];
  if (store == nullptr) {
    const std::string dir = NewDurableDir(std::string("memdb_durable_") + spec.name);
    DurableStore* raw = spec.make(dir).release();
    AtShutdown([raw] { delete raw; });  // runs before the directory's removal (registered later)
    store = raw;
  }
  return *store;
}

void BenchDurableCommit(benchmark::State& state, const DurableSpec* spec) {
  DurableStore& store = SharedDurable(*spec);
  Rng rng(SeedFor(state, 10));
  KeyBuf key;
  const uint64_t n = NumKeys();
  const int thread = state.thread_index();
  if (thread >= kMaxDurableThreads) {
    state.SkipWithError("too many threads");
    return;
  }
  if (thread == 0) store.BeginRun();
  for (auto _ : state) {
    const uint64_t i = rng.Uniform(n);
    if (!store.Commit(thread, key.Set(i), ValueFor(i))) {
      state.SkipWithError("durable_commit: the commit failed");
      break;
    }
  }
  if (thread == 0) store.EndRun(state);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// ---------------------------------------------------------------------------------------------
// recovery_replay

constexpr size_t kReplayValueBytes = 200;

struct ReplayLog {
  std::string dir;
  uint64_t log_bytes = 0;
  uint64_t commits = 0;
};

// A log of at least `mib` MiB: commits of one put each (16-byte key i, 200-byte value), written
// with SyncMode::kNone (synced once at the end) and no checkpoint, so Open must replay all of
// it. Built once per size, on first use; untimed.
const ReplayLog& ReplayLogOf(uint64_t mib) {
  static std::mutex mu;
  static std::map<uint64_t, std::unique_ptr<ReplayLog>> logs;
  std::lock_guard<std::mutex> lock(mu);
  std::unique_ptr<ReplayLog>& log = logs[mib];
  if (log != nullptr) return *log;
  log = std::make_unique<ReplayLog>();
  log->dir = NewDurableDir("memdb_replay_" + std::to_string(mib) + "MiB");
  const auto start = std::chrono::steady_clock::now();
  memdb::Options options;
  options.path = log->dir;
  options.sync_mode = memdb::SyncMode::kNone;
  options.checkpoint_log_bytes = 0;
  {
    auto db = memdb::Db::Open(options);
    if (!db.ok()) {
      std::fprintf(stderr, "memdb_durable_bench: replay log open: %s\n",
                   db.status().ToString().c_str());
      std::abort();
    }
    const uint64_t target = mib << 20;
    KeyBuf key;
    std::string value(kReplayValueBytes, ' ');
    uint64_t i = 0;
    for (;; ++i) {
      if (i % 4096 == 0 && db->GetStats().log_bytes >= target) break;
      const std::string_view a = ValueFor(i);
      const std::string_view b = ValueFor(i + 37);
      std::memcpy(value.data(), a.data(), a.size());
      std::memcpy(value.data() + a.size(), b.data(), kReplayValueBytes - a.size());
      const memdb::Status s = db->Put(key.Set(i), value);
      if (!s.ok()) {
        std::fprintf(stderr, "memdb_durable_bench: replay log put: %s\n", s.ToString().c_str());
        std::abort();
      }
    }
    if (!db->SyncLog().ok()) std::abort();
    log->log_bytes = db->GetStats().log_bytes;
    log->commits = i;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr,
               "memdb_durable_bench: built a %.1f MiB log of %llu commits in %s in %.1f s\n",
               static_cast<double>(log->log_bytes) / (1 << 20),
               static_cast<unsigned long long>(log->commits), log->dir.c_str(), secs);
  return *log;
}

// Drops `dir`'s files from the page cache (synced first: only clean pages can be dropped), so
// the next read comes from the disk. Per file (posix_fadvise), not system-wide.
void EvictFromPageCache(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
}

// Times Db::Open (recovery plus starting a new segment) on the log of ReplayLogOf(mib); the
// database is closed outside the timed part. bytes_per_second = log bytes replayed / time.
void BenchRecoveryReplay(benchmark::State& state, uint64_t mib, bool cold) {
  const ReplayLog& log = ReplayLogOf(mib);
  memdb::Options options;
  options.path = log.dir;
  options.checkpoint_log_bytes = 0;
  uint64_t bytes = 0;
  uint64_t records = 0;
  uint64_t report_micros = 0;
  for (auto _ : state) {
    if (cold) EvictFromPageCache(log.dir);
    const auto start = std::chrono::steady_clock::now();
    auto db = memdb::Db::Open(options);
    const auto stop = std::chrono::steady_clock::now();
    if (!db.ok()) {
      state.SkipWithError(("recovery_replay: Open failed: " + db.status().ToString()).c_str());
      break;
    }
    const memdb::RecoveryReport& report = db->recovery_report();
    if (report.records_replayed != log.commits || report.log_bytes_replayed < log.log_bytes) {
      state.SkipWithError("recovery_replay: Open did not replay the whole log");
      break;
    }
    state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
    bytes += report.log_bytes_replayed;
    records += report.records_replayed;
    report_micros += report.micros;
  }  // the Db is destroyed here, untimed (manual time)
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(records));
  const double iterations = static_cast<double>(state.iterations());
  if (iterations > 0) {
    state.counters["log_MiB"] = static_cast<double>(bytes) / iterations / (1 << 20);
    state.counters["records"] = static_cast<double>(records) / iterations;
  }
  // The recovery's own clock (RecoveryReport::micros), without the new segment Open starts.
  if (report_micros > 0) {
    state.counters["recovery_MBps"] = static_cast<double>(bytes) / static_cast<double>(report_micros);
  }
}

// MEMDB_BENCH_REPLAY_MIB: comma-separated log sizes in MiB (default "64,256").
std::vector<uint64_t> ReplaySizes() {
  const char* env = std::getenv("MEMDB_BENCH_REPLAY_MIB");
  std::string text = env != nullptr && *env != '\0' ? env : "64,256";
  std::vector<uint64_t> sizes;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const unsigned long long v = std::strtoull(item.c_str(), nullptr, 10);
    if (v > 0) sizes.push_back(v);
  }
  return sizes;
}

void RegisterAll() {
  for (int threads : {1, 2}) {
    for (const DurableSpec& spec : DurableSpecs()) {
      const std::string name = std::string("BM_durable_commit/") + spec.name;
      benchmark::RegisterBenchmark(name.c_str(), BenchDurableCommit, &spec)
          ->UseRealTime()
          ->Threads(threads)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  for (uint64_t mib : ReplaySizes()) {
    for (bool cold : {false, true}) {
      const std::string name = "BM_recovery_replay/" + std::to_string(mib) + "MiB_" +
                               (cold ? "cold" : "warm");
      benchmark::RegisterBenchmark(name.c_str(), BenchRecoveryReplay, mib, cold)
          ->UseManualTime()
          ->Iterations(1)
          ->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace
}  // namespace memdb_bench

int main(int argc, char** argv) {
  memdb_bench::RegisterAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const std::string& dir = memdb_bench::DurableBaseDir();
  const std::string fs = memdb_bench::DescribeFileSystem(dir);
  std::fprintf(stderr, "memdb_durable_bench: directory %s: %s\n", dir.c_str(), fs.c_str());
  if (memdb_bench::IsTmpfs(dir)) {
    std::fprintf(stderr,
                 "memdb_durable_bench: WARNING: %s is a tmpfs: fdatasync is a no-op there and "
                 "the numbers say nothing about a disk (set MEMDB_BENCH_DIR)\n",
                 dir.c_str());
  }
  benchmark::AddCustomContext("memdb_bench.suite", "durable");
  benchmark::AddCustomContext("memdb_bench.dir", dir);
  benchmark::AddCustomContext("memdb_bench.filesystem", fs);
  benchmark::AddCustomContext("memdb_bench.keys", std::to_string(memdb_bench::NumKeys()));
  benchmark::AddCustomContext("memdb_bench.key_bytes", std::to_string(memdb_bench::kKeySize));
  benchmark::AddCustomContext("memdb_bench.value_bytes", std::to_string(memdb_bench::kValueSize));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  memdb_bench::RunShutdownHooks();
  return 0;
}
