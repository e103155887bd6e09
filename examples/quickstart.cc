// quickstart: snapshot isolation in four steps, printed as it happens.
#include <cstdio>
#include <string>

#include "memdb/memdb.h"

namespace {

std::string Show(const memdb::Result<std::string>& r) {
  return r.ok() ? *r : "<" + r.status().ToString() + ">";
}

}  // namespace

int main() {
  memdb::Db db = memdb::Db::Open(memdb::Options{}).value();
  const std::string key = "user:1001";

  std::printf("1. tx1 = Begin(); tx1.Put(\"%s\", Alice's record)\n", key.c_str());
  memdb::Txn tx1 = db.Begin();
  if (memdb::Status s = tx1.Put(key, R"({"name":"Alice","balance":100})"); !s.ok()) {
    std::printf("   put failed: %s\n", s.ToString().c_str());
    return 1;
  }

  memdb::Txn tx2 = db.Begin();
  std::printf("2. tx2 = Begin(); tx2.Get(\"%s\") -> %s   (tx1 has not committed: isolation)\n",
              key.c_str(), Show(tx2.Get(key)).c_str());

  memdb::Status committed = tx1.Commit();
  std::printf("3. tx1.Commit() -> %s; tx2.Get -> %s   (tx2 still reads its snapshot)\n",
              committed.ToString().c_str(), Show(tx2.Get(key)).c_str());

  memdb::Txn tx3 = db.Begin();
  std::printf("4. Begin().Get(\"%s\") -> %s   (a new snapshot sees the commit)\n", key.c_str(),
              Show(tx3.Get(key)).c_str());

  // First committer wins: two transactions that write the same key cannot both commit.
  memdb::Txn a = db.Begin();
  memdb::Txn b = db.Begin();
  a.Put(key, R"({"name":"Alice","balance":90})").IgnoreError();
  b.Put(key, R"({"name":"Alice","balance":80})").IgnoreError();
  memdb::Status sa = a.Commit();
  memdb::Status sb = b.Commit();
  std::printf("5. two writers of one key: first -> %s, second -> %s\n", sa.ToString().c_str(),
              sb.ToString().c_str());
  std::printf("   final value: %s\n", Show(db.Get(key)).c_str());

  const bool ok = !tx2.Get(key).ok() && tx3.Get(key).ok() && sa.ok() && sb.IsConflict();
  std::printf("%s\n", ok ? "snapshot isolation behaves as described" : "UNEXPECTED RESULT");
  return ok ? 0 : 1;
}
