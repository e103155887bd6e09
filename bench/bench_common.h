// The shared half of memdb_bench: the key and value format every store sees, the per-thread
// PRNG, heap measurement, and the workloads written once as templates over a store adapter.
//
// A store adapter S (see store_*.cc) provides:
//   static constexpr const char* kName;        // "memdb", "lmdb", ... (the benchmark name suffix)
//   static constexpr bool kOrdered;            // supports scan100
//   static constexpr bool kMultiThreaded;      // gets the Threads(2) variants
//   S();                                       // an empty store, ready for writes
//   bool Load(uint64_t n);                     // keys 0..n-1 in key order, batched (kLoadBatch)
//   void Settle();                             // after Load: reach a steady state (untimed)
//   double NonHeapBytes();                     // bytes held outside malloc (files in /dev/shm)
//   double SelfReportedBytes();                // the store's own memory accounting, or -1
//   bool Put1(std::string_view k, std::string_view v);          // one-put transaction
//   bool ReadModifyWrite(const std::string_view* keys, int n, std::string* scratch);
//   class Reader {                             // one long-lived read snapshot, one thread
//     explicit Reader(S&);
//     bool Get(std::string_view key, std::string* value);      // copies into *value
//     uint64_t Scan(std::string_view start, int n, int* count); // ordered stores only
//   };
// and optionally bool AutoCommitPut(k, v) used by open_close instead of Put1.
#ifndef MEMDB_BENCH_BENCH_COMMON_H_
#define MEMDB_BENCH_BENCH_COMMON_H_

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace memdb_bench {

inline constexpr size_t kKeySize = 16;        // "user" + 12 zero-padded decimal digits
inline constexpr size_t kValueSize = 100;     // a window of a fixed pseudo-random pattern
inline constexpr uint64_t kLoadBatch = 1000;  // keys per transaction (or batch) while loading
inline constexpr int kRmwKeys = 10;
inline constexpr int kScanLength = 100;
inline constexpr int kOpenClosePuts = 10;

// The number of preloaded keys: MEMDB_BENCH_KEYS, default 1,000,000.
uint64_t NumKeys();

// Writes the 16-byte key of `i` ("user000000000042") to `out`.
inline void FormatKey(uint64_t i, char* out) {
  std::memcpy(out, "user", 4);
  for (size_t d = kKeySize - 1; d >= 4; --d) {
    out[d] = static_cast<char>('0' + i % 10);
    i /= 10;
  }
}

// A reusable buffer holding one key.
class KeyBuf {
 public:
  std::string_view Set(uint64_t i) {
    FormatKey(i, buf_);
    return view();
  }
  std::string_view view() const { return {buf_, kKeySize}; }

 private:
  char buf_[kKeySize] = {};
};

// The 100-byte value stored under key `i` at load time.
std::string_view ValueFor(uint64_t i);

// What read-modify-write does to a value it read: flips one bit of the first byte.
inline void ModifyValue(std::string* value) {
  if (!value->empty()) (*value)[0] = static_cast<char>((*value)[0] ^ 1);
}

// splitmix64: a fast, seeded, per-thread generator (identical sequences for every store).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // In [0, n); Lemire's multiply-shift without rejection (the bias is far below noise).
  uint64_t Uniform(uint64_t n) {
    __extension__ using U128 = unsigned __int128;
    return static_cast<uint64_t>((static_cast<U128>(Next()) * n) >> 64);
  }

 private:
  uint64_t state_;
};

// The same seed for the same workload and thread, whatever the store.
inline uint64_t SeedFor(const benchmark::State& state, uint64_t workload) {
  return 0x6d656d6462ULL * (workload + 1) + static_cast<uint64_t>(state.thread_index()) * 7919;
}

// Bytes malloc has handed out and not had back (glibc mallinfo2: uordblks + hblkhd, i.e.
// chunks in the arenas plus chunks served by mmap). 0 where unavailable.
uint64_t HeapBytesInUse();

// Folds a key/value pair into a checksum so scans really touch what they return.
inline uint64_t Touch(std::string_view key, std::string_view value) {
  return key.size() + value.size() + static_cast<unsigned char>(key.back()) +
         static_cast<unsigned char>(value.empty() ? 0 : value[0]);
}

// Hooks run by main after the benchmarks (shared stores are torn down there, before static
// destruction, so that libraries with their own static state are still alive).
void AtShutdown(std::function<void()> hook);
void RunShutdownHooks();

// The preloaded store of type S, built on first use (once per process) and shared by every
// benchmark and thread that needs it.
template <typename S>
S& SharedStore() {
  static S* const store = [] {
    const uint64_t n = NumKeys();
    std::fprintf(stderr, "memdb_bench: preloading %s with %llu keys...\n", S::kName,
                 static_cast<unsigned long long>(n));
    auto owned = std::make_unique<S>();
    if (!owned->Load(n)) {
      std::fprintf(stderr, "memdb_bench: preloading %s failed\n", S::kName);
      std::abort();
    }
    owned->Settle();
    S* raw = owned.release();
    AtShutdown([raw] { delete raw; });
    return raw;
  }();
  return *store;
}

template <typename S>
void BenchPointGet(benchmark::State& state) {
  S& store = SharedStore<S>();
  typename S::Reader reader(store);
  Rng rng(SeedFor(state, 1));
  KeyBuf key;
  std::string value;
  const uint64_t n = NumKeys();
  for (auto _ : state) {
    if (!reader.Get(key.Set(rng.Uniform(n)), &value)) {
      state.SkipWithError("point_get: a preloaded key was not found");
      break;
    }
    benchmark::DoNotOptimize(value.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

template <typename S>
void BenchTxnPut1(benchmark::State& state) {
  S& store = SharedStore<S>();
  Rng rng(SeedFor(state, 2));
  KeyBuf key;
  const uint64_t n = NumKeys();
  for (auto _ : state) {
    const uint64_t i = rng.Uniform(n);
    if (!store.Put1(key.Set(i), ValueFor(i))) {
      state.SkipWithError("txn_put1: the commit failed");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

template <typename S>
void BenchTxnRmw10(benchmark::State& state) {
  S& store = SharedStore<S>();
  Rng rng(SeedFor(state, 3));
  KeyBuf keys[kRmwKeys];
  std::string_view views[kRmwKeys];
  std::string scratch;
  const uint64_t n = NumKeys();
  for (auto _ : state) {
    for (int i = 0; i < kRmwKeys; ++i) views[i] = keys[i].Set(rng.Uniform(n));
    if (!store.ReadModifyWrite(views, kRmwKeys, &scratch)) {
      state.SkipWithError("txn_rmw10: a read or the commit failed");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

template <typename S>
void BenchScan100(benchmark::State& state) {
  S& store = SharedStore<S>();
  typename S::Reader reader(store);
  Rng rng(SeedFor(state, 4));
  KeyBuf key;
  const uint64_t n = NumKeys();
  const uint64_t starts = n > kScanLength ? n - kScanLength : 1;
  for (auto _ : state) {
    int count = 0;
    benchmark::DoNotOptimize(reader.Scan(key.Set(rng.Uniform(starts)), kScanLength, &count));
    if (count != kScanLength && n >= kScanLength) {
      state.SkipWithError("scan100: the scan returned fewer than 100 pairs");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

template <typename S>
void BenchOpenClose(benchmark::State& state) {
  KeyBuf keys[kOpenClosePuts];
  for (int i = 0; i < kOpenClosePuts; ++i) keys[i].Set(static_cast<uint64_t>(i));
  for (auto _ : state) {
    bool ok = true;
    {
      S store;
      for (int i = 0; i < kOpenClosePuts && ok; ++i) {
        if constexpr (requires { store.AutoCommitPut(keys[i].view(), ValueFor(0)); }) {
          ok = store.AutoCommitPut(keys[i].view(), ValueFor(static_cast<uint64_t>(i)));
        } else {
          ok = store.Put1(keys[i].view(), ValueFor(static_cast<uint64_t>(i)));
        }
      }
    }
    if (!ok) {
      state.SkipWithError("open_close: a put failed");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

template <typename S>
void BenchLoad(benchmark::State& state) {
  const uint64_t n = NumKeys();
  double heap = 0;
  double non_heap = 0;
  double self = -1;
  for (auto _ : state) {
    const uint64_t heap_before = HeapBytesInUse();
    auto store = std::make_unique<S>();
    if (!store->Load(n)) {
      state.SkipWithError("load: a write failed");
      break;
    }
    state.PauseTiming();
    store->Settle();
    heap = static_cast<double>(HeapBytesInUse()) - static_cast<double>(heap_before);
    non_heap = store->NonHeapBytes();
    self = store->SelfReportedBytes();
    store.reset();
    state.ResumeTiming();
  }
  const double keys = static_cast<double>(n);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.counters["bytes_per_key"] = (heap + non_heap) / keys;
  state.counters["heap_bytes_per_key"] = heap / keys;
  if (non_heap > 0) state.counters["file_bytes_per_key"] = non_heap / keys;
  if (self >= 0) state.counters["engine_bytes_per_key"] = self / keys;
}

using BenchFn = void (*)(benchmark::State&);

// One store's workloads; nullptr where the store cannot run a workload.
struct StoreSuite {
  const char* name = "";
  bool multithreaded = false;
  BenchFn point_get = nullptr;
  BenchFn txn_put1 = nullptr;
  BenchFn txn_rmw10 = nullptr;
  BenchFn scan100 = nullptr;
  BenchFn open_close = nullptr;
  BenchFn load = nullptr;
};

template <typename S>
StoreSuite MakeSuite() {
  StoreSuite suite;
  suite.name = S::kName;
  suite.multithreaded = S::kMultiThreaded;
  suite.point_get = &BenchPointGet<S>;
  suite.txn_put1 = &BenchTxnPut1<S>;
  suite.txn_rmw10 = &BenchTxnRmw10<S>;
  if constexpr (S::kOrdered) suite.scan100 = &BenchScan100<S>;
  suite.open_close = &BenchOpenClose<S>;
  suite.load = &BenchLoad<S>;
  return suite;
}

// One suite per store; defined in the store's own file.
StoreSuite MemdbSuite();
StoreSuite MapSuite();
StoreSuite UnorderedMapSuite();
#ifdef MEMDB_BENCH_HAVE_LMDB
StoreSuite LmdbSuite();
#endif
#ifdef MEMDB_BENCH_HAVE_ROCKSDB
StoreSuite RocksDbSuite();
#endif
#ifdef MEMDB_BENCH_HAVE_LEVELDB
StoreSuite LevelDbSuite();
#endif
#ifdef MEMDB_BENCH_HAVE_SQLITE
StoreSuite SqliteSuite();
#endif

}  // namespace memdb_bench

#endif  // MEMDB_BENCH_BENCH_COMMON_H_
