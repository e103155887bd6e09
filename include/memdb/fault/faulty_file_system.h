// FaultyFileSystem: a SimFileSystem with faults injected by a FaultPlan -- crashes at named
// points or storage operations, I/O errors, short writes, Linux's fsync failure semantics --
// and a Restart that applies a crash model to the disk (docs/fault-model.md).
//
//   auto fs = std::make_shared<memdb::FaultyFileSystem>();
//   fs->SetPlan(memdb::FaultPlan().CrashAtPoint("wal.sync.before", 3));
//   options.file_system = fs;
//   ... commits: the 3rd one fails with IOError, the machine is down ...
//   fs->Restart(memdb::CrashModel{...});   // what the crash keeps of unsynced data
//   memdb::Db db = memdb::Db::Open(options).value();   // recovery
//
// Everything is scoped to this object: databases on other storage are unaffected. With an
// empty plan every call goes straight to the disk (one branch per call).
//
// Thread safety: like SimFileSystem, usable from any thread.
#ifndef MEMDB_FAULT_FAULTY_FILE_SYSTEM_H_
#define MEMDB_FAULT_FAULTY_FILE_SYSTEM_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/fault/crash_model.h"
#include "memdb/fault/fault_plan.h"
#include "memdb/io/file_system.h"
#include "memdb/io/file_system_wrapper.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/util/points.h"
#include "memdb/util/random.h"

namespace memdb {

class FaultyFileSystem final : public FileSystemWrapper, public PointObserver {
 public:
  explicit FaultyFileSystem(std::shared_ptr<SimFileSystem> disk = nullptr);
  ~FaultyFileSystem() override;

  // Replaces the plan and restarts its counters.
  void SetPlan(FaultPlan plan);
  // True from a crash until Restart: every call fails.
  bool crashed() const;
  // What fired, one line per injected fault ("crash at point wal.sync.before #3 (call 12)").
  std::vector<std::string> injected() const;

  // After a crash (or at any time, to cut the power): applies `model` to the disk, crashes it
  // (every handle opened before turns stale) and powers the machine back on with an empty plan.
  void Restart(const CrashModel& model = CrashModel{});
  // Restart with a model per file (the first matching entry of `per_file`, else `model`).
  void Restart(const CrashModel& model, const std::vector<FileCrashModel>& per_file);

  SimFileSystem& disk() { return *disk_; }
  std::shared_ptr<SimFileSystem> shared_disk() const { return disk_; }

  // Called before each storage operation with its number (from 1, across all operations since
  // construction or the last SetPlan) -- the crash-state explorer records the disk here.
  using OperationObserver =
      std::function<void(uint64_t index, StorageOp op, std::string_view path)>;
  void SetOperationObserver(OperationObserver observer);
  uint64_t operations() const;

  // PointObserver.
  Status OnPoint(std::string_view name) override;

  // FileSystem (the rest forwards to the disk). Storage operations count, and the plan may
  // fail them or crash the machine at them; the handles opened here check their appends,
  // syncs and reads the same way.
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override;
  Status ReadFile(const std::string& path, std::string* contents) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status SyncDir(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;
  // Metadata calls are not storage operations: they fail only while the machine is down.
  bool FileExists(const std::string& path) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Status CreateDir(const std::string& dir) override;
  // This object, so the engine's named points reach the plan.
  PointObserver* point_observer() override { return this; }

  // Used by this file system's file handles (not for callers).
  struct Decision {
    bool fail = false;
    FaultAction action = FaultAction::kIoError;
    std::string error;  // the message to return
  };
  Decision Check(StorageOp op, std::string_view path);
  // What the disk stores differently from what was written, applied to the durable bytes after
  // each successful sync of the file: fsyncgate's dropped ranges (their pre-failure bytes), a
  // lost write's range (the old bytes), a misdirected write (its bytes at the wrong offset).
  void DropDirtyData(const std::string& path);
  void OverrideDurable(const std::string& path, uint64_t offset, std::string bytes);
  void AfterSuccessfulSync(const std::string& path);

 private:
  // Counts a match for each rule `matches` accepts, in plan order, and returns the first whose
  // occurrence or probability says it fires now (null when none). Requires mu_.
  const FaultRule* FirstFiring(const std::function<bool(const FaultRule&)>& matches);
  // Records a fault that fired; a crash stops the machine. Requires mu_.
  void Inject(const FaultRule& rule, const std::string& what);

  struct Override {
    std::string path;
    uint64_t offset;
    std::string bytes;
  };

  std::shared_ptr<SimFileSystem> disk_;
  mutable std::mutex mu_;
  FaultPlan plan_;
  std::vector<uint64_t> matches_;  // per rule
  Random rng_{0};
  bool crashed_ = false;
  std::string crash_reason_;
  uint64_t operations_ = 0;
  std::vector<std::string> injected_;
  std::vector<Override> overrides_;  // applied in order
  OperationObserver observer_;
};

}  // namespace memdb

#endif  // MEMDB_FAULT_FAULTY_FILE_SYSTEM_H_
