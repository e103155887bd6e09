// Db: an in-memory, transactional, ordered key-value database.
//
//   memdb::Db db = memdb::Db::Open({}).value();
//   memdb::Status s = db.Update([](memdb::KvTransaction& txn) {
//     return txn.Put("user:1001", R"({"name":"Alice","balance":100})");
//   });
//
// Keys and values are byte strings; keys are ordered bytewise. Transactions are MVCC with
// snapshot isolation or serializable isolation (see Txn and docs/isolation.md). Versions no
// open snapshot can see are reclaimed as commits proceed and when the oldest snapshot ends.
//
// Lifetime: Db is a movable handle. Destroying it closes the database; transactions and
// iterators still open keep their memory safe and report InvalidArgument ("database is closed")
// from then on.
//
// Thread safety: every method may be called from any thread concurrently.
#ifndef MEMDB_DB_DB_H_
#define MEMDB_DB_DB_H_

#include <memory>
#include <string>
#include <string_view>

#include "memdb/db/kv_store.h"
#include "memdb/db/options.h"
#include "memdb/mvcc/iterator.h"
#include "memdb/mvcc/txn.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"

namespace memdb {

namespace mvcc {
class Engine;
}

class Db final : public KvStore {
 public:
  // Opens an empty in-memory database. InvalidArgument for invalid options.
  static Result<Db> Open(const Options& options);

  Db(Db&&) noexcept;
  Db& operator=(Db&&) noexcept;
  ~Db() override;

  // Starts a transaction at the latest committed snapshot.
  Txn Begin();
  Txn Begin(const TxnOptions& options);

  Result<std::string> Get(std::string_view key) override;
  // Like Get, reusing `value`'s storage.
  Status Get(std::string_view key, std::string* value);
  Status Put(std::string_view key, std::string_view value) override;
  Status Delete(std::string_view key) override;
  Status Scan(const ScanRange& range, const ScanVisitor& visit) override;
  // An iterator over the latest committed snapshot.
  Iterator NewIterator(const ScanRange& range = ScanRange::All());
  Status Update(const TxnBody& body) override;
  Status View(const TxnBody& body) override;

  // Reclaims every version no open snapshot can see, now. The engine also does this on its
  // own; tests call it to observe memory deterministically.
  void CollectGarbage();
  DbStats GetStats() const;
  const Options& options() const { return options_; }

 private:
  Db(const Options& options, std::shared_ptr<mvcc::Engine> engine);

  Options options_;
  std::shared_ptr<mvcc::Engine> engine_;
};

}  // namespace memdb

#endif  // MEMDB_DB_DB_H_
