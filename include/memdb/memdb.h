// The whole public engine API in one include.
#ifndef MEMDB_MEMDB_H_
#define MEMDB_MEMDB_H_

#include "memdb/db/db.h"
#include "memdb/db/kv_store.h"
#include "memdb/db/options.h"
#include "memdb/io/file_system.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/mvcc/iterator.h"
#include "memdb/mvcc/kv_transaction.h"
#include "memdb/mvcc/scan_range.h"
#include "memdb/mvcc/txn.h"
#include "memdb/util/random.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"

#endif  // MEMDB_MEMDB_H_
