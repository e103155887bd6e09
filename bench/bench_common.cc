#include "bench_common.h"

#include <malloc.h>

#include <cerrno>
#include <mutex>
#include <utility>

namespace memdb_bench {

uint64_t NumKeys() {
  static const uint64_t n = [] {
    const char* env = std::getenv("MEMDB_BENCH_KEYS");
    if (env == nullptr || *env == '\0') return uint64_t{1000000};
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(env, &end, 10);
    if (errno != 0 || end == env || *end != '\0' || v == 0) {
      std::fprintf(stderr, "memdb_bench: MEMDB_BENCH_KEYS must be a positive integer, got '%s'\n",
                   env);
      std::exit(2);
    }
    return static_cast<uint64_t>(v);
  }();
  return n;
}

std::string_view ValueFor(uint64_t i) {
  // 200 bytes of a fixed pseudo-random alphanumeric pattern; key i gets the 100-byte window
  // starting at i % 100, so neighbouring values differ and nothing compresses trivially.
  static const std::string pattern = [] {
    static constexpr char kAlphabet[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    Rng rng(42);
    std::string p(2 * kValueSize, ' ');
    for (char& c : p) c = kAlphabet[rng.Uniform(sizeof(kAlphabet) - 1)];
    return p;
  }();
  return std::string_view(pattern).substr(i % kValueSize, kValueSize);
}

uint64_t HeapBytesInUse() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  const struct mallinfo2 info = mallinfo2();
  return static_cast<uint64_t>(info.uordblks) + static_cast<uint64_t>(info.hblkhd);
#else
  return 0;
#endif
}

namespace {
std::mutex& HooksMutex() {
  static std::mutex mu;
  return mu;
}
std::vector<std::function<void()>>& Hooks() {
  static std::vector<std::function<void()>> hooks;
  return hooks;
}
}  // namespace

void AtShutdown(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(HooksMutex());
  Hooks().push_back(std::move(hook));
}

void RunShutdownHooks() {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard<std::mutex> lock(HooksMutex());
    hooks.swap(Hooks());
  }
  for (auto it = hooks.rbegin(); it != hooks.rend(); ++it) (*it)();
}

}  // namespace memdb_bench
