// GoogleTest printers for memdb's types, so that a failing assertion shows a status, a result
// or a whole (small) database in a readable, bounded form instead of raw object bytes.
//
//   Status          Conflict: key "a" was committed at ts 7 after this snapshot (ts 5)
//   Result<T>       OK: <the value, printed by GoogleTest>  |  NotFound: ...
//   Db              Db with 3 keys {"a"="1", "b"="\x00\x01", "c"="..."}  (16 entries at most)
//   Snapshot        Snapshot at ts 7 with 2 keys {"a"="1", "b"="2"}  (the same bounds)
//
// They are found by argument-dependent lookup, so include this header (memdb/testing/testing.h
// does) in every test file that prints these types: a file without it prints raw bytes.
#ifndef MEMDB_TESTING_PRINTERS_H_
#define MEMDB_TESTING_PRINTERS_H_

#include <gtest/gtest.h>

#include <ostream>

#include "memdb/db/db.h"
#include "memdb/snapshot/snapshot.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"

namespace memdb {

void PrintTo(const Status& status, std::ostream* os);

template <typename T>
void PrintTo(const Result<T>& result, std::ostream* os) {
  if (result.ok()) {
    *os << "OK: " << ::testing::PrintToString(*result);
  } else {
    PrintTo(result.status(), os);
  }
}

// IsolationLevelName: "snapshot", "serializable" (for parameterized tests).
void PrintTo(IsolationLevel level, std::ostream* os);

// The latest committed state, read in one snapshot; a closed database says so.
void PrintTo(const Db& db, std::ostream* os);

// The entries (at most 16, keys and values escaped and cut, the rest counted) and the commit
// timestamp when known ("Snapshot with ..." for one from a golden file, which has none).
void PrintTo(const Snapshot& snapshot, std::ostream* os);

}  // namespace memdb

#endif  // MEMDB_TESTING_PRINTERS_H_
