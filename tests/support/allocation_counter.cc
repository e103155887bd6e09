// The replaced global operator new/delete behind allocation_counter.h. In a file of its own so
// the compiler never inlines the malloc/free pair into code that uses new and delete.
#include "support/allocation_counter.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<bool> g_counting{false};
std::atomic<size_t> g_largest{0};
std::atomic<size_t> g_total{0};

void* CountedAllocate(size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_total.fetch_add(n, std::memory_order_relaxed);
    size_t largest = g_largest.load(std::memory_order_relaxed);
    while (n > largest && !g_largest.compare_exchange_weak(largest, n, std::memory_order_relaxed)) {
    }
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(size_t n) { return CountedAllocate(n); }
void* operator new[](size_t n) { return CountedAllocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace memdb::test {

AllocationCounter::AllocationCounter() {
  g_largest = 0;
  g_total = 0;
  g_counting = true;
}

AllocationCounter::~AllocationCounter() { g_counting = false; }

AllocationStats AllocationCounter::Stats() const {
  return AllocationStats{g_largest.load(), g_total.load()};
}

}  // namespace memdb::test
