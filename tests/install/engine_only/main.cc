// A program that links only memdb::memdb: commits on a simulated disk, crashes it, recovers,
// and checks the committed value survived. Exits non-zero, saying why, on any failure.
#include <cstdio>
#include <memory>
#include <string>

#include "memdb/memdb.h"

namespace {

int Fail(const std::string& what, const memdb::Status& status) {
  std::fprintf(stderr, "engine_only: %s: %s\n", what.c_str(), status.ToString().c_str());
  return 1;
}

}  // namespace

int main() {
  auto disk = std::make_shared<memdb::SimFileSystem>();
  memdb::Options options;
  options.path = "/db";
  options.file_system = disk;
  {
    memdb::Result<memdb::Db> db = memdb::Db::Open(options);
    if (!db.ok()) return Fail("open", db.status());
    memdb::Txn txn = db->Begin();
    if (memdb::Status s = txn.Put("order:1", "paid"); !s.ok()) return Fail("put", s);
    if (memdb::Status s = txn.Commit(); !s.ok()) return Fail("commit", s);
  }
  disk->Crash();
  memdb::Result<memdb::Db> db = memdb::Db::Open(options);
  if (!db.ok()) return Fail("reopen after crash", db.status());
  memdb::Result<std::string> value = db->Begin().Get("order:1");
  if (!value.ok()) return Fail("get after recovery", value.status());
  if (*value != "paid") {
    std::fprintf(stderr, "engine_only: after recovery order:1 = '%s', expected 'paid'\n",
                 value->c_str());
    return 1;
  }
  std::printf("engine_only: committed value survived a crash (memdb::memdb alone)\n");
  return 0;
}
