#include "memdb/fault/faulty_file_system.h"

#include <algorithm>
#include <utility>

namespace memdb {
namespace {

Status Injected(const FaultyFileSystem::Decision& d) { return Status::IOError(d.error); }

// How far before its place a misdirected write lands.
constexpr uint64_t kMisdirection = 4096;

class FaultyWritableFile final : public WritableFileWrapper {
 public:
  FaultyWritableFile(FaultyFileSystem* fs, std::unique_ptr<WritableFile> file)
      : WritableFileWrapper(std::move(file)), fs_(fs) {}

  Status Append(std::string_view data) override {
    const FaultyFileSystem::Decision d = fs_->Check(StorageOp::kAppend, path());
    if (!d.fail) return target().Append(data);
    const uint64_t offset = target().Size();
    switch (d.action) {
      case FaultAction::kShortWrite:
        target().Append(data.substr(0, data.size() / 2)).IgnoreError();
        return Injected(d);
      case FaultAction::kLostWrite:
      case FaultAction::kMisdirectedWrite: {
        // Silent: the call succeeds; the disk stores something else (see fault_plan.h).
        Status s = target().Append(data);
        if (!s.ok()) return s;
        fs_->OverrideDurable(path(), offset, std::string(data.size(), '\0'));
        if (d.action == FaultAction::kMisdirectedWrite && offset >= kMisdirection) {
          fs_->OverrideDurable(path(), offset - kMisdirection, std::string(data));
        }
        return Status::OK();
      }
      default:
        return Injected(d);
    }
  }
  Status Sync() override {
    const FaultyFileSystem::Decision d = fs_->Check(StorageOp::kSync, path());
    if (d.fail) {
      if (d.action == FaultAction::kFsyncgate) fs_->DropDirtyData(path());
      return Injected(d);
    }
    Status s = target().Sync();
    if (s.ok()) fs_->AfterSuccessfulSync(path());
    return s;
  }

 private:
  FaultyFileSystem* fs_;
};

class FaultySequentialFile final : public SequentialFileWrapper {
 public:
  FaultySequentialFile(FaultyFileSystem* fs, std::unique_ptr<SequentialFile> file)
      : SequentialFileWrapper(std::move(file)), fs_(fs) {}
  Status Read(size_t n, std::string* out) override {
    if (const auto d = fs_->Check(StorageOp::kRead, path()); d.fail) return Injected(d);
    return target().Read(n, out);
  }

 private:
  FaultyFileSystem* fs_;
};

std::string ErrnoText(FaultAction action) {
  switch (action) {
    case FaultAction::kNoSpace:
    case FaultAction::kShortWrite:
      return "No space left on device";
    default:
      return "Input/output error";
  }
}

}  // namespace

FaultyFileSystem::FaultyFileSystem(std::shared_ptr<SimFileSystem> disk)
    // The base is initialised first: it gets the new disk, then disk_ takes the same one.
    : FileSystemWrapper(disk != nullptr ? disk : (disk = std::make_shared<SimFileSystem>())),
      disk_(std::move(disk)) {}

FaultyFileSystem::~FaultyFileSystem() = default;

void FaultyFileSystem::SetPlan(FaultPlan plan) {
  std::lock_guard<std::mutex> lock(mu_);
  plan_ = std::move(plan);
  matches_.assign(plan_.rules().size(), 0);
  rng_ = Random(plan_.seed());
  operations_ = 0;
}

bool FaultyFileSystem::crashed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return crashed_;
}

std::vector<std::string> FaultyFileSystem::injected() const {
  std::lock_guard<std::mutex> lock(mu_);
  return injected_;
}

uint64_t FaultyFileSystem::operations() const {
  std::lock_guard<std::mutex> lock(mu_);
  return operations_;
}

void FaultyFileSystem::SetOperationObserver(OperationObserver observer) {
  std::lock_guard<std::mutex> lock(mu_);
  observer_ = std::move(observer);
}

void FaultyFileSystem::Restart(const CrashModel& model) { Restart(model, {}); }

void FaultyFileSystem::Restart(const CrashModel& model,
                               const std::vector<FileCrashModel>& per_file) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    crashed_ = false;
    crash_reason_.clear();
    plan_ = FaultPlan();
    matches_.clear();
    overrides_.clear();
  }
  CrashWithModels(*disk_, model, per_file);
}

FaultyFileSystem::Decision FaultyFileSystem::Check(StorageOp op, std::string_view path) {
  OperationObserver observer;
  uint64_t index = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (crashed_) {
      return {true, FaultAction::kCrash,
              std::string(StorageOpName(op)) + " " + std::string(path) +
                  ": the simulated machine is down (" + crash_reason_ + ")"};
    }
    index = ++operations_;
    observer = observer_;
  }
  if (observer) observer(index, op, path);
  std::lock_guard<std::mutex> lock(mu_);
  const FaultRule* rule = FirstFiring([&](const FaultRule& r) {
    return r.point.empty() && (r.op == op || r.op == StorageOp::kAny) &&
           (r.file.empty() || path.find(r.file) != std::string_view::npos);
  });
  if (rule == nullptr) return {};
  const std::string what =
      rule->ToString() + " (operation " + std::to_string(index) + ", " + std::string(path) + ")";
  Inject(*rule, what);
  const std::string call = std::string(StorageOpName(op)) + " " + std::string(path);
  if (rule->action == FaultAction::kCrash) {
    return {true, FaultAction::kCrash, call + ": simulated crash (" + what + ")"};
  }
  return {true, rule->action, call + ": " + ErrnoText(rule->action) + " (injected: " + what + ")"};
}

const FaultRule* FaultyFileSystem::FirstFiring(
    const std::function<bool(const FaultRule&)>& matches) {
  const std::vector<FaultRule>& rules = plan_.rules();
  for (size_t i = 0; i < rules.size(); ++i) {
    const FaultRule& rule = rules[i];
    if (!matches(rule)) continue;
    ++matches_[i];
    if (rule.nth > 0 ? matches_[i] == rule.nth : rng_.Bernoulli(rule.probability)) return &rule;
  }
  return nullptr;
}

void FaultyFileSystem::Inject(const FaultRule& rule, const std::string& what) {
  injected_.push_back(what);
  if (rule.action == FaultAction::kCrash) {
    crashed_ = true;
    crash_reason_ = "crashed at " + what;
  }
}

Status FaultyFileSystem::OnPoint(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (crashed_) {
    return Status::IOError("point " + std::string(name) + ": the simulated machine is down (" +
                           crash_reason_ + ")");
  }
  const FaultRule* rule = FirstFiring([&](const FaultRule& r) { return r.point == name; });
  if (rule == nullptr) return Status::OK();
  const std::string what = rule->ToString();
  Inject(*rule, what);
  if (rule->action == FaultAction::kCrash) {
    return Status::IOError("simulated crash at point " + std::string(name) + " (" + what + ")");
  }
  return Status::IOError("point " + std::string(name) + ": " + ErrnoText(rule->action) +
                         " (injected: " + what + ")");
}

void FaultyFileSystem::DropDirtyData(const std::string& path) {
  Result<SimFileSystem::FileState> state = disk_->InspectFile(path);
  if (!state.ok()) return;
  for (const SimFileSystem::UnsyncedWrite& w : state->unsynced) {
    // What the disk held there before: the durable bytes, zeros past their end.
    std::string old(w.length, '\0');
    if (w.offset < state->durable.size()) {
      const std::string_view before = std::string_view(state->durable).substr(w.offset, w.length);
      std::copy(before.begin(), before.end(), old.begin());
    }
    OverrideDurable(path, w.offset, std::move(old));
  }
}

void FaultyFileSystem::OverrideDurable(const std::string& path, uint64_t offset,
                                       std::string bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  overrides_.push_back({path, offset, std::move(bytes)});
}

void FaultyFileSystem::AfterSuccessfulSync(const std::string& path) {
  std::vector<Override> mine;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Override& o : overrides_) {
      if (o.path == path) mine.push_back(o);
    }
  }
  if (mine.empty()) return;
  // The sync made everything durable as written; the disk holds something else where the
  // overrides say. They stay in force for later syncs of the file too.
  Result<std::string> durable = disk_->DurableContents(path);
  if (!durable.ok()) return;
  std::string bytes = std::move(*durable);
  for (const Override& o : mine) {
    if (o.offset >= bytes.size()) continue;
    const size_t n = std::min<size_t>(o.bytes.size(), bytes.size() - o.offset);
    bytes.replace(o.offset, n, o.bytes, 0, n);
  }
  disk_->SetDurableContents(path, std::move(bytes)).IgnoreError();
}

Result<std::unique_ptr<WritableFile>> FaultyFileSystem::NewWritableFile(const std::string& path) {
  if (const auto d = Check(StorageOp::kCreate, path); d.fail) return Injected(d);
  auto file = FileSystemWrapper::NewWritableFile(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultyWritableFile>(this, std::move(*file)));
}

Result<std::unique_ptr<WritableFile>> FaultyFileSystem::NewAppendableFile(const std::string& path) {
  if (const auto d = Check(StorageOp::kCreate, path); d.fail) return Injected(d);
  auto file = FileSystemWrapper::NewAppendableFile(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<WritableFile>(
      std::make_unique<FaultyWritableFile>(this, std::move(*file)));
}

Result<std::unique_ptr<SequentialFile>> FaultyFileSystem::NewSequentialFile(
    const std::string& path) {
  if (const auto d = Check(StorageOp::kRead, path); d.fail) return Injected(d);
  auto file = FileSystemWrapper::NewSequentialFile(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<SequentialFile>(
      std::make_unique<FaultySequentialFile>(this, std::move(*file)));
}

Status FaultyFileSystem::ReadFile(const std::string& path, std::string* contents) {
  if (const auto d = Check(StorageOp::kRead, path); d.fail) return Injected(d);
  return FileSystemWrapper::ReadFile(path, contents);
}

bool FaultyFileSystem::FileExists(const std::string& path) {
  return !crashed() && FileSystemWrapper::FileExists(path);
}

Result<uint64_t> FaultyFileSystem::FileSize(const std::string& path) {
  if (crashed()) return Status::IOError("size " + path + ": the simulated machine is down");
  return FileSystemWrapper::FileSize(path);
}

Result<std::vector<std::string>> FaultyFileSystem::ListDir(const std::string& dir) {
  if (crashed()) return Status::IOError("list " + dir + ": the simulated machine is down");
  return FileSystemWrapper::ListDir(dir);
}

Status FaultyFileSystem::CreateDir(const std::string& dir) {
  if (crashed()) return Status::IOError("mkdir " + dir + ": the simulated machine is down");
  return FileSystemWrapper::CreateDir(dir);
}

Status FaultyFileSystem::Rename(const std::string& from, const std::string& to) {
  if (const auto d = Check(StorageOp::kRename, to); d.fail) return Injected(d);
  return FileSystemWrapper::Rename(from, to);
}

Status FaultyFileSystem::RemoveFile(const std::string& path) {
  if (const auto d = Check(StorageOp::kRemove, path); d.fail) return Injected(d);
  return FileSystemWrapper::RemoveFile(path);
}

Status FaultyFileSystem::SyncDir(const std::string& dir) {
  if (const auto d = Check(StorageOp::kSyncDir, dir); d.fail) return Injected(d);
  return FileSystemWrapper::SyncDir(dir);
}

Result<std::unique_ptr<FileLock>> FaultyFileSystem::LockFile(const std::string& path) {
  if (const auto d = Check(StorageOp::kCreate, path); d.fail) return Injected(d);
  return FileSystemWrapper::LockFile(path);
}

}  // namespace memdb
