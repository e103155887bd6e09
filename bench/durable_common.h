// The shared half of memdb_durable_bench (durable_bench.cc): a store that makes every commit
// durable before it returns, the directory the stores live in, and the peers' factories.
//
// Every store commits one 16-byte key / 100-byte value put per call and returns only once that
// commit would survive a power cut (an fdatasync, or whatever the store uses for it, covered
// it). Commit may be called from several benchmark threads at once; `thread` is the caller's
// benchmark thread index (0 or 1), for stores that keep per-thread state.
#ifndef MEMDB_BENCH_DURABLE_COMMON_H_
#define MEMDB_BENCH_DURABLE_COMMON_H_

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <string_view>

namespace memdb_bench {

// The most benchmark threads a durable store serves (the suite registers 1 and 2).
inline constexpr int kMaxDurableThreads = 8;

class DurableStore {
 public:
  virtual ~DurableStore() = default;
  // One durable commit of one put.
  virtual bool Commit(int thread, std::string_view key, std::string_view value) = 0;
  // Called by benchmark thread 0 just before and just after its timed loop (all threads are
  // held at the loop's start and end barriers, so no commit runs in between); a store may add
  // counters of its own (memdb: group size, syncs per commit).
  virtual void BeginRun() {}
  virtual void EndRun(benchmark::State& state) { (void)state; }
};

// The directory every durable store and log lives under: MEMDB_BENCH_DIR, else the build
// directory's durable-tmp/ (compiled in as MEMDB_BENCH_DEFAULT_DIR). Created when missing.
const std::string& DurableBaseDir();
// A new, empty directory under DurableBaseDir() named `prefix`_XXXXXX; removed (with all its
// contents) by RunShutdownHooks.
std::string NewDurableDir(const std::string& prefix);

#ifdef MEMDB_BENCH_HAVE_ROCKSDB
// DB::Put with WriteOptions::sync = true, WAL on (fdatasync per write group).
std::unique_ptr<DurableStore> NewDurableRocksDb(const std::string& dir);
#endif
#ifdef MEMDB_BENCH_HAVE_LEVELDB
// DB::Put with WriteOptions::sync = true.
std::unique_ptr<DurableStore> NewDurableLevelDb(const std::string& dir);
#endif
#ifdef MEMDB_BENCH_HAVE_LMDB
// Default (durable) flags: a write txn per put, synced on commit.
std::unique_ptr<DurableStore> NewDurableLmdb(const std::string& dir);
#endif
#ifdef MEMDB_BENCH_HAVE_SQLITE
// journal_mode=WAL, synchronous=FULL, one autocommit INSERT OR REPLACE per commit, one
// connection shared by the threads under a mutex.
std::unique_ptr<DurableStore> NewDurableSqlite(const std::string& dir);
#endif

}  // namespace memdb_bench

#endif  // MEMDB_BENCH_DURABLE_COMMON_H_
