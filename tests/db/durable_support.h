// Shared pieces of the durability suites: a model of the committed state, random workloads,
// and a file system wrapper that crashes the simulated machine or fails a call at the Nth
// storage operation (a minimal stand-in until the fault layer exists).
#ifndef MEMDB_TESTS_DB_DURABLE_SUPPORT_H_
#define MEMDB_TESTS_DB_DURABLE_SUPPORT_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/io/file_system.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/util/random.h"

namespace memdb::test {

using State = std::map<std::string, std::string>;

// Every key and value of `db`'s latest state.
State Dump(Db& db);

// One transaction of a random workload: the writes (nullopt value = delete).
struct TxnWrites {
  std::vector<std::pair<std::string, std::optional<std::string>>> writes;
};

// A random transaction over `keys` distinct keys; values are 0 bytes to `max_value` bytes,
// occasionally large (`big_value` bytes) when big_value > 0.
TxnWrites RandomTxn(Random& rng, int keys, size_t max_value, size_t big_value);
void ApplyTo(const TxnWrites& txn, State* state);
Status Commit(Db& db, const TxnWrites& txn);

// Forwards to a SimFileSystem; storage operations ("create", "append", "sync", "syncdir",
// "rename", "remove") are numbered from 1, and at number `crash_at` -- or at the first one
// `crash_when(operation, path)` accepts -- the machine crashes (SimFileSystem::Crash) and the
// call fails, as a power cut in the middle of it would. With `fail_syncs_from` set, every
// WritableFile::Sync from that sync number on fails with EIO instead, without a crash.
class CrashingFileSystem final : public FileSystem {
 public:
  explicit CrashingFileSystem(std::shared_ptr<SimFileSystem> sim) : sim_(std::move(sim)) {}

  using Predicate = std::function<bool(std::string_view operation, std::string_view path)>;
  void CrashAt(uint64_t op) { crash_at_ = op; }
  void CrashWhen(Predicate predicate) { crash_when_ = std::move(predicate); }
  void FailSyncsFrom(uint64_t sync) { fail_syncs_from_ = sync; }
  // At the crash, each 512-byte sector of every unsynced append survives with probability 1/2
  // (drawn from `seed`); sectors that do not are zeros or the old content. This makes holes
  // and reorderings of unsynced writes, not just a lost suffix.
  void KeepRandomUnsyncedSectors(uint64_t seed) {
    keep_sectors_ = true;
    sector_rng_ = Random(seed);
  }
  uint64_t operations() const { return ops_.load(); }
  bool crashed() const { return crashed_.load(); }
  SimFileSystem& sim() { return *sim_; }

  // Counts one operation; true when it must fail (the machine crashed at or before it).
  bool Tick(std::string_view operation, std::string_view path);
  bool FailSync();

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    return sim_->NewSequentialFile(path);
  }
  Status ReadFile(const std::string& path, std::string* contents) override {
    return sim_->ReadFile(path, contents);
  }
  bool FileExists(const std::string& path) override { return sim_->FileExists(path); }
  Result<uint64_t> FileSize(const std::string& path) override { return sim_->FileSize(path); }
  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    return sim_->ListDir(dir);
  }
  Status CreateDir(const std::string& dir) override { return sim_->CreateDir(dir); }
  Status Rename(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status SyncDir(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    return sim_->LockFile(path);
  }

 private:
  std::shared_ptr<SimFileSystem> sim_;
  std::atomic<uint64_t> ops_{0};
  std::atomic<uint64_t> syncs_{0};
  std::atomic<bool> crashed_{false};
  uint64_t crash_at_ = 0;
  uint64_t fail_syncs_from_ = 0;
  Predicate crash_when_;
  bool keep_sectors_ = false;
  Random sector_rng_{0};
  void PersistRandomUnsyncedSectors();
};

}  // namespace memdb::test

#endif  // MEMDB_TESTS_DB_DURABLE_SUPPORT_H_
