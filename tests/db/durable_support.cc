#include "db/durable_support.h"

#include <algorithm>
#include <utility>

namespace memdb::test {

State Dump(Db& db) {
  State state;
  db.Scan(ScanRange::All(), [&](std::string_view key, std::string_view value) {
      state.emplace(key, value);
      return true;
    }).IgnoreError();
  return state;
}

TxnWrites RandomTxn(Random& rng, int keys, size_t max_value, size_t big_value) {
  TxnWrites txn;
  const int n = 1 + static_cast<int>(rng.Uniform(rng.Bernoulli(0.1) ? 40 : 4));
  std::map<std::string, std::optional<std::string>> writes;
  for (int i = 0; i < n; ++i) {
    std::string key = "key" + std::to_string(rng.Uniform(static_cast<uint64_t>(keys)));
    if (rng.Bernoulli(0.2)) {
      writes[key] = std::nullopt;
      continue;
    }
    size_t size = rng.Uniform(max_value + 1);
    if (big_value > 0 && rng.Bernoulli(0.02)) size = big_value;
    std::string value(size, '\0');
    for (char& c : value) c = static_cast<char>(rng.Uniform(256));
    writes[key] = std::move(value);
  }
  txn.writes.assign(writes.begin(), writes.end());
  return txn;
}

void ApplyTo(const TxnWrites& txn, State* state) {
  for (const auto& [key, value] : txn.writes) {
    if (value.has_value()) {
      (*state)[key] = *value;
    } else {
      state->erase(key);
    }
  }
}

Status Commit(Db& db, const TxnWrites& txn) {
  Txn t = db.Begin();
  for (const auto& [key, value] : txn.writes) {
    Status s = value.has_value() ? t.Put(key, *value) : t.Delete(key);
    if (!s.ok()) return s;
  }
  return t.Commit();
}

namespace {

class CrashingFile final : public WritableFile {
 public:
  CrashingFile(CrashingFileSystem* fs, std::unique_ptr<WritableFile> file)
      : fs_(fs), file_(std::move(file)) {}
  Status Append(std::string_view data) override {
    if (fs_->Tick("append", path()))
      return Status::IOError("append " + path() + ": simulated crash");
    return file_->Append(data);
  }
  Status Sync() override {
    if (fs_->Tick("sync", path()))
      return Status::IOError("fdatasync " + path() + ": simulated crash");
    if (fs_->FailSync()) return Status::IOError("fdatasync " + path() + ": Input/output error");
    return file_->Sync();
  }
  Status Close() override { return file_->Close(); }
  uint64_t Size() const override { return file_->Size(); }
  const std::string& path() const override { return file_->path(); }

 private:
  CrashingFileSystem* fs_;
  std::unique_ptr<WritableFile> file_;
};

}  // namespace

bool CrashingFileSystem::Tick(std::string_view operation, std::string_view path) {
  const uint64_t op = ops_.fetch_add(1) + 1;
  if (crashed_.load()) return true;
  if ((crash_at_ != 0 && op >= crash_at_) || (crash_when_ && crash_when_(operation, path))) {
    crashed_.store(true);
    if (keep_sectors_) PersistRandomUnsyncedSectors();
    sim_->Crash();
    return true;
  }
  return false;
}

void CrashingFileSystem::PersistRandomUnsyncedSectors() {
  constexpr uint64_t kSector = 512;
  for (const std::string& path : sim_->AllFiles()) {
    Result<SimFileSystem::FileState> state = sim_->InspectFile(path);
    if (!state.ok() || state->truncated) continue;
    for (const SimFileSystem::UnsyncedWrite& w : state->unsynced) {
      for (uint64_t at = w.offset; at < w.offset + w.length;) {
        const uint64_t end = std::min(w.offset + w.length, (at / kSector + 1) * kSector);
        if (sector_rng_.Bernoulli(0.5)) {
          sim_->WriteAt(path, at, std::string_view(state->current).substr(at, end - at))
              .IgnoreError();
        }
        at = end;
      }
    }
  }
}

bool CrashingFileSystem::FailSync() {
  const uint64_t sync = syncs_.fetch_add(1) + 1;
  return fail_syncs_from_ != 0 && sync >= fail_syncs_from_;
}

Result<std::unique_ptr<WritableFile>> CrashingFileSystem::NewWritableFile(const std::string& path) {
  if (Tick("create", path)) return Status::IOError("create " + path + ": simulated crash");
  auto file = sim_->NewWritableFile(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<WritableFile>(std::make_unique<CrashingFile>(this, std::move(*file)));
}

Result<std::unique_ptr<WritableFile>> CrashingFileSystem::NewAppendableFile(
    const std::string& path) {
  if (Tick("create", path)) return Status::IOError("open " + path + ": simulated crash");
  auto file = sim_->NewAppendableFile(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<WritableFile>(std::make_unique<CrashingFile>(this, std::move(*file)));
}

Status CrashingFileSystem::Rename(const std::string& from, const std::string& to) {
  if (Tick("rename", to)) return Status::IOError("rename " + from + ": simulated crash");
  return sim_->Rename(from, to);
}

Status CrashingFileSystem::RemoveFile(const std::string& path) {
  if (Tick("remove", path)) return Status::IOError("remove " + path + ": simulated crash");
  return sim_->RemoveFile(path);
}

Status CrashingFileSystem::SyncDir(const std::string& dir) {
  if (Tick("syncdir", dir)) return Status::IOError("fsync directory " + dir + ": simulated crash");
  return sim_->SyncDir(dir);
}

}  // namespace memdb::test
