// Db and snapshots: exporting the committed state, and opening a database preloaded from one
// (memdb/snapshot/snapshot.h, docs/golden-files.md).
#include <utility>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/io/file_system.h"
#include "mvcc/engine.h"
#include "mvcc/write_buffer.h"

namespace memdb {
Result<Snapshot> Db::ExportSnapshot() {
  if (engine_ == nullptr) return Status::InvalidArgument("Db::ExportSnapshot on a moved-from Db");
  if (engine_->closed()) return mvcc::Engine::ClosedError();
  // A read-only transaction pins one commit timestamp for the whole walk.
  Txn txn = Begin(TxnOptions{options_.default_isolation, /*read_only=*/true});
  Snapshot snapshot;
  snapshot.metadata.commit_timestamp = txn.snapshot_timestamp();
  snapshot.metadata.options["default_isolation"] = IsolationLevelName(options_.default_isolation);
  auto hint = snapshot.entries.end();
  Status s = txn.Scan(ScanRange::All(), [&](std::string_view key, std::string_view value) {
    hint = snapshot.entries.emplace_hint(hint, key, value);
    return true;
  });
  if (!s.ok()) return s;
  snapshot.metadata.key_count = snapshot.entries.size();
  return snapshot;
}

Result<Db> Db::OpenFromSnapshot(const Snapshot& snapshot, const Options& options) {
  if (!options.path.empty()) {
    return Status::InvalidArgument(
        "Db::OpenFromSnapshot opens an in-memory database; Options::path must be empty (got " +
        options.path + ")");
  }
  Result<Db> db = Open(options);
  if (!db.ok()) return db;
  // Restore installs committed versions without validation or log, in bounded batches so the
  // engine's scratch space stays small; the timestamp is at least 1 so that it is a commit.
  const uint64_t timestamp = std::max<uint64_t>(snapshot.metadata.commit_timestamp, 1);
  constexpr size_t kBatch = 4096;
  std::vector<mvcc::WriteBuffer::Entry> batch;
  batch.reserve(std::min(kBatch, snapshot.entries.size()));
  for (const auto& [key, value] : snapshot.entries) {
    batch.push_back({key, value, false});
    if (batch.size() == kBatch) {
      db->engine_->Restore(timestamp, batch);
      batch.clear();
    }
  }
  db->engine_->Restore(timestamp, batch);
  return db;
}

Result<Db> Db::OpenFromSnapshot(const std::string& path, const Options& options) {
  std::shared_ptr<FileSystem> fs =
      options.file_system != nullptr ? options.file_system : PosixFileSystem();
  Result<Snapshot> snapshot = ReadSnapshotFile(*fs, path);
  if (!snapshot.ok()) return snapshot.status();
  return OpenFromSnapshot(*snapshot, options);
}

Result<Db> Db::OpenFromSnapshot(std::istream& in, const Options& options) {
  Result<Snapshot> snapshot = ReadSnapshot(in, "snapshot stream");
  if (!snapshot.ok()) return snapshot.status();
  return OpenFromSnapshot(*snapshot, options);
}

}  // namespace memdb
