// AllocationCounter: what the test binary allocated while a counter was alive -- the largest
// single allocation and the sum of all of them.
//
// allocation_counter.cc replaces the global operator new/delete, so it is linked only into the
// binaries that use it (the memdb_test_allocation_counter target: wal and snapshot tests), never
// into every test binary. It lets a hostile-input test prove a reader never asked for a block
// of the size a damaged length claims -- not merely that it survived the request (a failed
// 2^40-byte request throws bad_alloc, which a reader would also turn into Corruption).
#ifndef MEMDB_TESTS_SUPPORT_ALLOCATION_COUNTER_H_
#define MEMDB_TESTS_SUPPORT_ALLOCATION_COUNTER_H_

#include <cstddef>

namespace memdb::test {

struct AllocationStats {
  size_t largest = 0;  // the largest single allocation, in bytes
  size_t total = 0;    // the sum of all allocations, in bytes
};

// Counts from zero on construction until destruction. One counter at a time; not meaningful
// with other threads allocating concurrently.
class AllocationCounter {
 public:
  AllocationCounter();
  ~AllocationCounter();
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;

  // What was allocated since construction.
  AllocationStats Stats() const;
  size_t Largest() const { return Stats().largest; }
};

}  // namespace memdb::test

#endif  // MEMDB_TESTS_SUPPORT_ALLOCATION_COUNTER_H_
