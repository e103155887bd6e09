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
// Durability: with Options::path set, every commit is written to a write-ahead log in that
// directory before it becomes visible (synced per Options::sync_mode), checkpoints bound the
// log, and Open recovers the committed state after a crash (see docs/durability.md).
//
// Lifetime: Db is a movable handle. Destroying it closes the database; transactions and
// iterators still open keep their memory safe and report InvalidArgument ("database is closed")
// from then on.
//
// Thread safety: every method may be called from any thread concurrently.
#ifndef MEMDB_DB_DB_H_
#define MEMDB_DB_DB_H_

#include <istream>
#include <memory>
#include <string>
#include <string_view>

#include "memdb/db/kv_store.h"
#include "memdb/db/options.h"
#include "memdb/mvcc/iterator.h"
#include "memdb/mvcc/txn.h"
#include "memdb/snapshot/snapshot.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"

namespace memdb {

struct EngineHooks;
namespace mvcc {
class Engine;
}
namespace db {
class DurableLog;
class DbInternal;
}  // namespace db

class Db final : public KvStore {
 public:
  // Opens a database: an empty in-memory one when options.path is empty, else the one in that
  // directory, recovered (see recovery_report()) or created. Errors: InvalidArgument for
  // invalid options (naming the field; an enum field outside its enumerators too); NotFound when
  // the directory is missing and !create_if_missing; Busy when another Db or process has it open;
  // Corruption naming the file and offset when the log or checkpoint is damaged beyond what
  // options.recovery_mode tolerates (no file is changed then); NotSupported for files from a newer
  // memdb; IOError (a directory that cannot be written says so, with the cause).
  static Result<Db> Open(const Options& options);
  // Opens an in-memory database (options.path must be empty: InvalidArgument otherwise) whose
  // initial state is the snapshot's entries, committed at its commit timestamp (at least 1).
  // The snapshot's recorded options are not applied; `options` are. For fixture preload.
  static Result<Db> OpenFromSnapshot(const Snapshot& snapshot, const Options& options = {});
  // The same from a snapshot file in any format (binary, JSON, XML or a golden file), read
  // through options.file_system (the real file system when null); ReadSnapshotFile's errors.
  static Result<Db> OpenFromSnapshot(const std::string& path, const Options& options = {});
  // The same from a stream holding a snapshot in any format; ReadSnapshot's errors.
  static Result<Db> OpenFromSnapshot(std::istream& in, const Options& options = {});

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

  // The latest committed state as data: every live pair at one commit timestamp (a read-only
  // snapshot, so concurrent commits are either wholly in it or not at all), with metadata.
  // Errors: InvalidArgument when the database is closed or moved from.
  Result<Snapshot> ExportSnapshot();

  // Durable databases. Writes a checkpoint of the latest committed state and removes the log
  // it covers; commits continue meanwhile. NotSupported for an in-memory database; IOError
  // when writing it failed (the log still holds everything).
  Status Checkpoint();
  // Makes every commit so far durable (useful with SyncMode::kInterval and kNone).
  // OK at once for an in-memory database.
  Status SyncLog();
  // OK while commits are accepted. After a failed log append or sync the database is
  // read-only until reopened: reads work, and every commit reports this IOError.
  Status WriteStatus() const;
  // What Open recovered; default-constructed for an in-memory database.
  const RecoveryReport& recovery_report() const { return recovery_report_; }
  const Options& options() const { return options_; }

 private:
  friend class db::DbInternal;  // test-only plumbing (src/db/db_internal.h)
  Db(const Options& options, std::shared_ptr<mvcc::Engine> engine);
  // Open, with the engine hooks `hooks` (src/util/engine_hooks.h) installed for this database.
  static Result<Db> Open(const Options& options, const EngineHooks& hooks);
  static Result<Db> OpenDurable(const Options& options, const EngineHooks& hooks);
  void Close();

  Options options_;
  std::shared_ptr<mvcc::Engine> engine_;
  db::DurableLog* log_ = nullptr;  // owned by engine_; null for an in-memory database
  RecoveryReport recovery_report_;
};

}  // namespace memdb

#endif  // MEMDB_DB_DB_H_
