// The one factory of Options for memdb's own suites: a durable database at `path` on `fs`
// (usually a SimFileSystem, or the fault layer's wrapper of one), everything else default.
// A test that needs more (a sync mode, an isolation level) sets it on the result, so what a
// test changes from the default is visible in the test.
#ifndef MEMDB_TESTS_SUPPORT_DB_OPTIONS_H_
#define MEMDB_TESTS_SUPPORT_DB_OPTIONS_H_

#include <memory>
#include <string>

#include "memdb/db/options.h"
#include "memdb/io/file_system.h"

namespace memdb::test {

Options DurableOptions(std::shared_ptr<FileSystem> fs, std::string path = "db");

}  // namespace memdb::test

#endif  // MEMDB_TESTS_SUPPORT_DB_OPTIONS_H_
