// Allocation accounting for the memdb_wal_tests binary, which replaces the global operator new
// (allocation_counter.cc): between Start and Stop, every allocation's size is recorded.
#ifndef MEMDB_TESTS_WAL_ALLOCATION_COUNTER_H_
#define MEMDB_TESTS_WAL_ALLOCATION_COUNTER_H_

#include <cstddef>

namespace memdb::wal::test {

struct AllocationStats {
  size_t largest = 0;  // the largest single allocation, in bytes
  size_t total = 0;    // the sum of all allocations, in bytes
};

// Starts recording, from zero.
void StartCountingAllocations();
// Stops recording and returns what was recorded since the start.
AllocationStats StopCountingAllocations();

}  // namespace memdb::wal::test

#endif  // MEMDB_TESTS_WAL_ALLOCATION_COUNTER_H_
