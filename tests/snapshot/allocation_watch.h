// AllocationWatch: the largest single allocation the test binary made while a watch was alive.
//
// allocation_watch.cc replaces the global operator new/delete of the memdb_snapshot_tests binary
// so that the "claims 2^31 bytes" tests can prove a reader never asked for such a block -- not
// merely that it survived the request (a failed 2^40-byte request throws bad_alloc, which a
// reader would also turn into Corruption). Only one file of a binary may replace them.
#ifndef MEMDB_TESTS_SNAPSHOT_ALLOCATION_WATCH_H_
#define MEMDB_TESTS_SNAPSHOT_ALLOCATION_WATCH_H_

#include <cstddef>

namespace memdb::test {

// Resets the record on construction. Not meaningful with concurrent allocating threads.
class AllocationWatch {
 public:
  AllocationWatch();
  size_t Largest() const;
};

}  // namespace memdb::test

#endif  // MEMDB_TESTS_SNAPSHOT_ALLOCATION_WATCH_H_
