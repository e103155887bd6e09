#include "memdb/testing/db_test.h"

#include <cstdio>
#include <cstdlib>

namespace memdb::testing {

void DbTest::SetUp() {
  const Options options = MakeOptions();
  ASSERT_TRUE(options.path.empty())
      << "DbTest is the in-memory fixture; MakeOptions() set path \"" << options.path
      << "\" -- use DurableDbTest for a durable database";
  Result<Db> opened = Db::Open(options);
  ASSERT_TRUE(opened.ok()) << "DbTest could not open its database: " << opened.status();
  db_.emplace(std::move(opened).value());
  RequestGoldenIfTheSuiteAsks();
}

void DbTest::TearDown() {
  CheckGoldenAtEnd(db_.has_value() ? &*db_ : nullptr);
  db_.reset();
}

Db& DbTest::db() {
  if (!db_.has_value()) {
    // A test body runs after a fatal SetUp failure only when the suite ignored it; there is no
    // database to hand out, and a reference cannot be null.
    std::fprintf(stderr, "memdb::testing::DbTest::db(): no database (SetUp failed or not run)\n");
    std::abort();
  }
  return *db_;
}

}  // namespace memdb::testing
