// quickstart: snapshot isolation in five steps, then a crash and recovery, printed as they happen.
#include <cstdio>
#include <memory>
#include <string>

#include "memdb/memdb.h"

namespace {

std::string Show(const memdb::Result<std::string>& r) {
  if (r.ok()) return *r;
  std::string shown = "<";  // appended, not concatenated: GCC 12 -O3 warns falsely (-Wrestrict)
  shown += r.status().ToString();
  shown += '>';
  return shown;
}

// A durable database on a simulated disk: what a commit returned OK for survives a power cut;
// a record torn by the crash is discarded, and recovery says what it found.
bool Durability() {
  auto disk = std::make_shared<memdb::SimFileSystem>();
  memdb::Options options;
  options.path = "bank";
  options.file_system = disk;
  {
    memdb::Db db = memdb::Db::Open(options).value();
    std::printf("6. durable db (SyncMode::kAlways): Put(alice=100) -> %s, Put(bob=50) -> %s\n",
                db.Put("alice", "100").ToString().c_str(), db.Put("bob", "50").ToString().c_str());
    // The power fails in the middle of writing a log record: part of it reached the platter.
    auto file = disk->NewAppendableFile("bank/wal-000001.log").value();
    file->Append(std::string(40, '\x5a')).IgnoreError();
    file->Sync().IgnoreError();
    std::printf("7. the power fails while a commit's log record is half written\n");
    disk->Crash();
  }
  memdb::Db db = memdb::Db::Open(options).value();
  std::printf("8. Open recovers:\n");
  std::string report = db.recovery_report().ToString();
  for (size_t start = 0, end; (end = report.find('\n', start)) != std::string::npos;
       start = end + 1) {
    std::printf("     %s\n", report.substr(start, end - start).c_str());
  }
  std::printf("   alice -> %s, bob -> %s\n", Show(db.Get("alice")).c_str(),
              Show(db.Get("bob")).c_str());
  const bool ok = Show(db.Get("alice")) == "100" && Show(db.Get("bob")) == "50";
  std::printf("%s\n", ok ? "every acknowledged commit survived the crash" : "UNEXPECTED RESULT");
  return ok;
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
  std::printf("%s\n\n", ok ? "snapshot isolation behaves as described" : "UNEXPECTED RESULT");
  return ok && Durability() ? 0 : 1;
}
