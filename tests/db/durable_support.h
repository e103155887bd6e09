// Shared pieces of the durability suites: a model of the committed state and random workloads.
// Crashes and I/O errors come from the fault layer (memdb/fault/faulty_file_system.h).
#ifndef MEMDB_TESTS_DB_DURABLE_SUPPORT_H_
#define MEMDB_TESTS_DB_DURABLE_SUPPORT_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/fault/crash_explorer.h"
#include "memdb/util/random.h"

namespace memdb::test {

using State = std::map<std::string, std::string>;

// Every key and value of `db`'s latest state.
State Dump(Db& db);

// One transaction of a random workload: the writes (nullopt value = delete).
using TxnWrites = WorkloadStep;

// A random transaction over `keys` distinct keys; values are 0 bytes to `max_value` bytes,
// occasionally large (`big_value` bytes) when big_value > 0.
TxnWrites RandomTxn(Random& rng, int keys, size_t max_value, size_t big_value);
void ApplyTo(const TxnWrites& txn, State* state);
Status Commit(Db& db, const TxnWrites& txn);

}  // namespace memdb::test

#endif  // MEMDB_TESTS_DB_DURABLE_SUPPORT_H_
