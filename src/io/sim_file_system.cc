// The simulated disk. The model is prose in include/memdb/io/sim_file_system.h.
//
// File bytes are shared copy-on-write so that Clone costs O(files + directory entries) and Sync
// costs O(1). An inode's `current` and `durable` are each a View: the first `len` bytes of a
// reference-counted buffer (SharedBytes). Views share buffers in two ways:
//  - across disks: Clone copies the views, not the bytes. A buffer held by another disk (or by
//    any holder outside this inode) is immutable: the first mutation through this disk copies
//    the bytes it needs into a new buffer (CoW).
//  - within one inode: Sync and Crash make `durable` and `current` the same view, and they keep
//    sharing the buffer while `current` grows (Append) because `durable` is always a prefix of
//    it: while the two share a buffer, durable.len <= current.len and every byte of
//    [0, durable.len) is a byte of both. Damage that writes a shared byte (FlipBit, WriteAt)
//    thus changes both alike, which is what the model asks for.
// So a buffer may be written in place only when every reference to it is this inode's (one, or
// two when `current` and `durable` share it). All mutations run under the disk's mutex, and a
// reference can only be added by copying one of this inode's views, which also takes that mutex;
// so a count equal to this inode's own references cannot rise while the mutation runs, and the
// acquire load of the count orders the mutation after every other holder's last read.
// Bytes past a view's `len` in its buffer are garbage (left by a lazy truncation or Crash).
#include "memdb/io/sim_file_system.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace memdb {
namespace sim_internal {

// A reference-counted std::string; null for no buffer (the empty file).
class SharedBytes {
 public:
  SharedBytes() = default;
  explicit SharedBytes(std::string bytes) : rep_(new Rep{{1}, std::move(bytes)}) {}
  SharedBytes(const SharedBytes& other) : rep_(other.rep_) {
    if (rep_ != nullptr) rep_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  SharedBytes(SharedBytes&& other) noexcept : rep_(std::exchange(other.rep_, nullptr)) {}
  SharedBytes& operator=(SharedBytes other) noexcept {
    std::swap(rep_, other.rep_);
    return *this;
  }
  ~SharedBytes() {
    if (rep_ != nullptr && rep_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete rep_;
  }

  bool null() const { return rep_ == nullptr; }
  bool SameBuffer(const SharedBytes& other) const { return rep_ != nullptr && rep_ == other.rep_; }
  // Whether exactly `refs` references exist (see the file comment for why this is exact here).
  bool HasRefs(long refs) const {
    return rep_ != nullptr && rep_->refs.load(std::memory_order_acquire) == refs;
  }
  const std::string& str() const { return rep_->bytes; }  // not null
  std::string& mutable_str() { return rep_->bytes; }      // not null; the caller owns it alone

 private:
  struct Rep {
    std::atomic<long> refs;
    std::string bytes;
  };
  Rep* rep_ = nullptr;
};

// The first `len` bytes of `buf`.
struct View {
  SharedBytes buf;
  uint64_t len = 0;

  std::string_view str() const {
    return buf.null() ? std::string_view() : std::string_view(buf.str()).substr(0, len);
  }
};

struct Inode {
  View current;
  View durable;
  bool truncated = false;
  std::vector<SimFileSystem::UnsyncedWrite> unsynced;

  bool Shared() const { return current.buf.SameBuffer(durable.buf); }

  // `current`'s bytes, writable in place, exactly current.len long, with `extra` bytes of room
  // reserved when a copy is made. If `durable` shared the old buffer it shares the new one.
  std::string& WritableCurrent(uint64_t extra = 0) {
    const bool shared = Shared();
    if (current.buf.HasRefs(shared ? 2 : 1)) {
      current.buf.mutable_str().resize(current.len);
    } else {
      std::string copy;
      copy.reserve(current.len + extra);
      copy.append(current.str());
      current.buf = SharedBytes(std::move(copy));
      if (shared) durable.buf = current.buf;
    }
    return current.buf.mutable_str();
  }

  // `durable`'s bytes, writable in place, exactly durable.len long. Only when !Shared().
  std::string& WritableDurable() {
    if (durable.buf.HasRefs(1)) {
      durable.buf.mutable_str().resize(durable.len);
    } else {
      durable.buf = SharedBytes(std::string(durable.str()));
    }
    return durable.buf.mutable_str();
  }
};

struct Dir {
  std::map<std::string, std::shared_ptr<Inode>> visible;
  std::map<std::string, std::shared_ptr<Inode>> durable;
};

struct Disk {
  std::mutex mu;
  std::map<std::string, Dir> dirs;        // normalised path -> directory; "." and "/" always
  std::map<std::string, uint64_t> locks;  // normalised path -> token of the holding FileLock
  uint64_t next_lock_token = 1;
  uint64_t epoch = 0;  // bumped by Crash(); a handle from an older epoch is stale
  SimFileSystem::Stats stats;
};

}  // namespace sim_internal

namespace {

using sim_internal::Dir;
using sim_internal::Disk;
using sim_internal::Inode;
using sim_internal::SharedBytes;
using sim_internal::View;

std::string Normalize(std::string_view path) {
  const bool absolute = !path.empty() && path.front() == '/';
  std::string out = absolute ? "/" : "";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(start, end - start);
    if (!part.empty() && part != ".") {
      if (!out.empty() && out.back() != '/') out += '/';
      out += part;
    }
    start = end + 1;
  }
  return out.empty() ? "." : out;
}

// The last component of a normalised path (empty for "." and "/").
std::string BaseName(const std::string& norm) {
  if (norm == "." || norm == "/") return "";
  const size_t slash = norm.rfind('/');
  return slash == std::string::npos ? norm : norm.substr(slash + 1);
}

Status Stale(std::string_view operation, const std::string& path) {
  return Status::IOError(std::string(operation) + " " + path +
                         ": stale handle: the simulated machine crashed after it was opened");
}

Dir* FindDir(Disk& disk, const std::string& norm) {
  auto it = disk.dirs.find(norm);
  return it == disk.dirs.end() ? nullptr : &it->second;
}

// The inode visibly named `norm`, or null.
std::shared_ptr<Inode> FindFile(Disk& disk, const std::string& norm) {
  Dir* dir = FindDir(disk, DirName(norm));
  if (dir == nullptr) return nullptr;
  auto it = dir->visible.find(BaseName(norm));
  return it == dir->visible.end() ? nullptr : it->second;
}

// The visible file `path`, or NotFound / IOError (a directory) for `operation`.
Result<std::shared_ptr<Inode>> ExistingFile(Disk& disk, std::string_view operation,
                                            const std::string& path) {
  const std::string norm = Normalize(path);
  if (disk.dirs.count(norm) != 0) {
    return Status::IOError(std::string(operation) + " " + path + ": is a directory");
  }
  std::shared_ptr<Inode> inode = FindFile(disk, norm);
  if (inode == nullptr) {
    return Status::NotFound(std::string(operation) + " " + path + ": file does not exist");
  }
  return inode;
}

// The inode named `path`, created empty when missing (counted in stats), in a directory that
// must exist. `created` says whether it was.
Result<std::shared_ptr<Inode>> OpenOrCreate(Disk& disk, const std::string& path, bool* created) {
  const std::string norm = Normalize(path);
  if (disk.dirs.count(norm) != 0) return Status::IOError("open " + path + ": is a directory");
  const std::string dir_name = DirName(norm);
  Dir* dir = FindDir(disk, dir_name);
  if (dir == nullptr) {
    return Status::NotFound("open " + path + ": directory " + dir_name + " does not exist");
  }
  std::shared_ptr<Inode>& slot = dir->visible[BaseName(norm)];
  *created = slot == nullptr;
  if (*created) {
    slot = std::make_shared<Inode>();
    ++disk.stats.files_created;
  }
  return slot;
}

class SimWritableFile final : public WritableFile {
 public:
  SimWritableFile(std::shared_ptr<Disk> disk, std::shared_ptr<Inode> inode, std::string path)
      : disk_(std::move(disk)), inode_(std::move(inode)), path_(std::move(path)) {
    epoch_ = disk_->epoch;  // the caller holds disk_->mu
  }

  Status Append(std::string_view data) override {
    std::lock_guard<std::mutex> lock(disk_->mu);
    if (Status s = Check("append"); !s.ok()) return s;
    if (data.empty()) return Status::OK();
    inode_->unsynced.push_back({inode_->current.len, data.size()});
    inode_->WritableCurrent(data.size()).append(data);
    inode_->current.len += data.size();
    disk_->stats.bytes_appended += data.size();
    return Status::OK();
  }

  Status Sync() override {
    std::lock_guard<std::mutex> lock(disk_->mu);
    if (Status s = Check("sync"); !s.ok()) return s;
    Inode& f = *inode_;
    f.durable = f.current;  // O(1): the two share one buffer until one of them changes
    f.truncated = false;
    f.unsynced.clear();
    ++disk_->stats.syncs;
    return Status::OK();
  }

  Status Close() override {
    std::lock_guard<std::mutex> lock(disk_->mu);
    if (Status s = Check("close"); !s.ok()) {
      closed_ = true;
      return s;
    }
    closed_ = true;
    return Status::OK();
  }

  uint64_t Size() const override {
    std::lock_guard<std::mutex> lock(disk_->mu);
    return inode_->current.len;
  }

  const std::string& path() const override { return path_; }

 private:
  Status Check(std::string_view operation) const {
    if (closed_) {
      return Status::InvalidArgument(std::string(operation) + " " + path_ +
                                     ": the file was already closed");
    }
    if (epoch_ != disk_->epoch) return Stale(operation, path_);
    return Status::OK();
  }

  const std::shared_ptr<Disk> disk_;
  const std::shared_ptr<Inode> inode_;
  const std::string path_;
  uint64_t epoch_;
  bool closed_ = false;
};

class SimSequentialFile final : public SequentialFile {
 public:
  SimSequentialFile(std::shared_ptr<Disk> disk, std::shared_ptr<Inode> inode, std::string path)
      : disk_(std::move(disk)), inode_(std::move(inode)), path_(std::move(path)) {
    epoch_ = disk_->epoch;  // the caller holds disk_->mu
  }

  Status Read(size_t n, std::string* out) override {
    std::lock_guard<std::mutex> lock(disk_->mu);
    out->clear();
    if (epoch_ != disk_->epoch) return Stale("read", path_);
    const std::string_view data = inode_->current.str();
    if (offset_ >= data.size()) return Status::OK();  // also after a truncation behind us
    const size_t take = std::min<uint64_t>(n, data.size() - offset_);
    out->assign(data.substr(offset_, take));
    offset_ += take;
    return Status::OK();
  }

  Status Skip(uint64_t n) override {
    std::lock_guard<std::mutex> lock(disk_->mu);
    if (epoch_ != disk_->epoch) return Stale("seek", path_);
    const uint64_t size = inode_->current.len;
    if (offset_ < size) offset_ += std::min(n, size - offset_);
    return Status::OK();
  }

  const std::string& path() const override { return path_; }

 private:
  const std::shared_ptr<Disk> disk_;
  const std::shared_ptr<Inode> inode_;
  const std::string path_;
  uint64_t epoch_;
  uint64_t offset_ = 0;
};

class SimFileLock final : public FileLock {
 public:
  SimFileLock(std::shared_ptr<Disk> disk, std::string norm, uint64_t token)
      : disk_(std::move(disk)), norm_(std::move(norm)), token_(token) {}
  // Releases the lock unless a crash already did (and someone may have taken it since: the
  // token tells their entry from ours).
  ~SimFileLock() override {
    std::lock_guard<std::mutex> lock(disk_->mu);
    auto it = disk_->locks.find(norm_);
    if (it != disk_->locks.end() && it->second == token_) disk_->locks.erase(it);
  }

 private:
  const std::shared_ptr<Disk> disk_;
  const std::string norm_;
  const uint64_t token_;
};

}  // namespace

SimFileSystem::SimFileSystem() : disk_(std::make_shared<Disk>()) {
  disk_->dirs["."];
  disk_->dirs["/"];
}

SimFileSystem::SimFileSystem(std::shared_ptr<Disk> disk) : disk_(std::move(disk)) {}

SimFileSystem::~SimFileSystem() = default;

Result<std::unique_ptr<WritableFile>> SimFileSystem::NewWritableFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  bool created = false;
  Result<std::shared_ptr<Inode>> inode = OpenOrCreate(*disk_, path, &created);
  if (!inode.ok()) return inode.status();
  if (!created) {
    // O_TRUNC on the same inode: `durable` keeps the old content until the next Sync.
    (*inode)->current = View{};
    (*inode)->unsynced.clear();
    (*inode)->truncated = true;
  }
  return std::unique_ptr<WritableFile>(
      std::make_unique<SimWritableFile>(disk_, std::move(*inode), path));
}

Result<std::unique_ptr<WritableFile>> SimFileSystem::NewAppendableFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  bool created = false;
  Result<std::shared_ptr<Inode>> inode = OpenOrCreate(*disk_, path, &created);
  if (!inode.ok()) return inode.status();
  return std::unique_ptr<WritableFile>(
      std::make_unique<SimWritableFile>(disk_, std::move(*inode), path));
}

Result<std::unique_ptr<SequentialFile>> SimFileSystem::NewSequentialFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  Result<std::shared_ptr<Inode>> inode = ExistingFile(*disk_, "open", path);
  if (!inode.ok()) return inode.status();
  return std::unique_ptr<SequentialFile>(
      std::make_unique<SimSequentialFile>(disk_, std::move(*inode), path));
}

Status SimFileSystem::ReadFile(const std::string& path, std::string* contents) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  contents->clear();
  Result<std::shared_ptr<Inode>> inode = ExistingFile(*disk_, "open", path);
  if (!inode.ok()) return inode.status();
  contents->assign((*inode)->current.str());
  return Status::OK();
}

bool SimFileSystem::FileExists(const std::string& path) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  const std::string norm = Normalize(path);
  return disk_->dirs.count(norm) != 0 || FindFile(*disk_, norm) != nullptr;
}

Result<uint64_t> SimFileSystem::FileSize(const std::string& path) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  Result<std::shared_ptr<Inode>> inode = ExistingFile(*disk_, "stat", path);
  if (!inode.ok()) return inode.status();
  return (*inode)->current.len;
}

Result<std::vector<std::string>> SimFileSystem::ListDir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  const std::string norm = Normalize(dir);
  const Dir* d = FindDir(*disk_, norm);
  if (d == nullptr) {
    if (FindFile(*disk_, norm) != nullptr) {
      return Status::IOError("opendir " + dir + ": not a directory");
    }
    return Status::NotFound("opendir " + dir + ": directory does not exist");
  }
  std::vector<std::string> names;
  for (const auto& [name, inode] : d->visible) names.push_back(name);
  for (const auto& [path, child] : disk_->dirs) {
    if (path != norm && DirName(path) == norm) names.push_back(BaseName(path));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Status SimFileSystem::CreateDir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  const std::string norm = Normalize(dir);
  // Every prefix ending before a '/' (but not the root itself), then the whole path.
  for (size_t pos = norm.find('/', 1);; pos = norm.find('/', pos + 1)) {
    const std::string prefix = norm.substr(0, pos);
    if (disk_->dirs.count(prefix) == 0) {
      if (FindFile(*disk_, prefix) != nullptr) {
        return Status::IOError("mkdir " + prefix + ": a file is in the way");
      }
      disk_->dirs[prefix];  // durable at once: see the model
    }
    if (pos == std::string::npos) break;
  }
  return Status::OK();
}

Status SimFileSystem::Rename(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  const std::string what = "rename " + from + " to " + to;
  const std::string from_norm = Normalize(from);
  const std::string to_norm = Normalize(to);
  if (disk_->dirs.count(from_norm) != 0) {
    return Status::NotSupported(what + ": renaming a directory is not modelled");
  }
  if (disk_->dirs.count(to_norm) != 0) return Status::IOError(what + ": the target is a directory");
  std::shared_ptr<Inode> inode = FindFile(*disk_, from_norm);
  if (inode == nullptr) return Status::NotFound(what + ": " + from + " does not exist");
  Dir* to_dir = FindDir(*disk_, DirName(to_norm));
  if (to_dir == nullptr) {
    return Status::NotFound(what + ": directory " + DirName(to_norm) + " does not exist");
  }
  if (from_norm == to_norm) return Status::OK();
  FindDir(*disk_, DirName(from_norm))->visible.erase(BaseName(from_norm));
  to_dir->visible[BaseName(to_norm)] = std::move(inode);
  ++disk_->stats.renames;
  return Status::OK();
}

Status SimFileSystem::RemoveFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  Result<std::shared_ptr<Inode>> inode = ExistingFile(*disk_, "unlink", path);
  if (!inode.ok()) return inode.status();
  const std::string norm = Normalize(path);
  FindDir(*disk_, DirName(norm))->visible.erase(BaseName(norm));
  ++disk_->stats.removes;
  return Status::OK();
}

Status SimFileSystem::SyncDir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  const std::string norm = Normalize(dir);
  Dir* d = FindDir(*disk_, norm);
  if (d == nullptr) {
    if (FindFile(*disk_, norm) != nullptr) {
      return Status::IOError("open " + dir + ": not a directory");
    }
    return Status::NotFound("open " + dir + ": directory does not exist");
  }
  d->durable = d->visible;
  ++disk_->stats.dir_syncs;
  return Status::OK();
}

Result<std::unique_ptr<FileLock>> SimFileSystem::LockFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  std::string norm = Normalize(path);
  if (disk_->locks.count(norm) != 0) {
    return Status::Busy("database directory is locked by another Db or process: " + path);
  }
  bool created = false;
  Result<std::shared_ptr<Inode>> inode = OpenOrCreate(*disk_, path, &created);
  if (!inode.ok()) return inode.status();
  const uint64_t token = disk_->next_lock_token++;
  disk_->locks[norm] = token;
  return std::unique_ptr<FileLock>(std::make_unique<SimFileLock>(disk_, std::move(norm), token));
}

void SimFileSystem::Crash() {
  std::lock_guard<std::mutex> lock(disk_->mu);
  for (auto& [path, dir] : disk_->dirs) {
    dir.visible = dir.durable;
    for (auto& [name, inode] : dir.visible) {
      inode->current = inode->durable;  // O(1): shares the buffer
      inode->truncated = false;
      inode->unsynced.clear();
    }
  }
  disk_->locks.clear();
  ++disk_->epoch;
}

std::shared_ptr<SimFileSystem> SimFileSystem::Clone() const {
  auto copy = std::make_shared<Disk>();
  {
    std::lock_guard<std::mutex> lock(disk_->mu);
    // Each original inode maps to one copy, so entries sharing an inode share its copy. The
    // copy shares the original's byte buffers (copy-on-write), so no file bytes are copied.
    std::unordered_map<const Inode*, std::shared_ptr<Inode>> copies;
    auto copy_of = [&copies](const std::shared_ptr<Inode>& inode) -> const std::shared_ptr<Inode>& {
      std::shared_ptr<Inode>& slot = copies[inode.get()];
      if (slot == nullptr) slot = std::make_shared<Inode>(*inode);
      return slot;
    };
    for (const auto& [path, dir] : disk_->dirs) {
      Dir& out = copy->dirs.emplace_hint(copy->dirs.end(), path, Dir{})->second;
      for (const auto& [name, inode] : dir.visible) {
        out.visible.emplace_hint(out.visible.end(), name, copy_of(inode));
      }
      for (const auto& [name, inode] : dir.durable) {
        out.durable.emplace_hint(out.durable.end(), name, copy_of(inode));
      }
    }
    copy->stats = disk_->stats;
  }
  return std::shared_ptr<SimFileSystem>(new SimFileSystem(std::move(copy)));
}

Status SimFileSystem::SetDurableContents(const std::string& path, std::string bytes) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  Result<std::shared_ptr<Inode>> inode = ExistingFile(*disk_, "set durable contents of", path);
  if (!inode.ok()) return inode.status();
  const uint64_t len = bytes.size();
  (*inode)->durable = View{SharedBytes(std::move(bytes)), len};
  return Status::OK();
}

std::vector<SimFileSystem::PendingDirEntry> SimFileSystem::PendingDirEntries() const {
  std::lock_guard<std::mutex> lock(disk_->mu);
  std::vector<PendingDirEntry> pending;
  for (const auto& [path, dir] : disk_->dirs) {
    // Both maps are sorted by name: walk them together.
    auto v = dir.visible.begin();
    auto d = dir.durable.begin();
    while (v != dir.visible.end() || d != dir.durable.end()) {
      if (d == dir.durable.end() || (v != dir.visible.end() && v->first < d->first)) {
        pending.push_back({path, v->first, true, false, false});
        ++v;
      } else if (v == dir.visible.end() || d->first < v->first) {
        pending.push_back({path, d->first, false, true, false});
        ++d;
      } else {
        if (v->second != d->second) pending.push_back({path, v->first, true, true, false});
        ++v;
        ++d;
      }
    }
  }
  return pending;
}

Status SimFileSystem::MakeEntryDurable(const std::string& dir, const std::string& name) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  const std::string what = "make entry " + name + " of " + dir + " durable";
  if (name.empty() || name == "." || name.find('/') != std::string::npos) {
    return Status::InvalidArgument(what + ": not a single path component");
  }
  const std::string norm = Normalize(dir);
  Dir* d = FindDir(*disk_, norm);
  if (d == nullptr) {
    if (FindFile(*disk_, norm) != nullptr) return Status::IOError(what + ": not a directory");
    return Status::NotFound(what + ": directory does not exist");
  }
  auto it = d->visible.find(name);
  if (it == d->visible.end()) {
    d->durable.erase(name);
  } else {
    d->durable[name] = it->second;
  }
  return Status::OK();
}

bool SimFileSystem::IsDurableName(const std::string& path) const {
  std::lock_guard<std::mutex> lock(disk_->mu);
  const std::string norm = Normalize(path);
  const Dir* dir = FindDir(*disk_, DirName(norm));
  return dir != nullptr && dir->durable.count(BaseName(norm)) != 0;
}

Status SimFileSystem::FlipBit(const std::string& path, uint64_t bit_offset) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  Result<std::shared_ptr<Inode>> inode = ExistingFile(*disk_, "flip bit in", path);
  if (!inode.ok()) return inode.status();
  Inode& f = **inode;
  const uint64_t byte = bit_offset / 8;
  if (byte >= f.current.len) {
    return Status::InvalidArgument("flip bit " + std::to_string(bit_offset) + " of " + path +
                                   ": the file has only " + std::to_string(f.current.len) +
                                   " bytes");
  }
  const auto mask = static_cast<char>(1u << (bit_offset % 8));
  const bool shared = f.Shared();  // then the byte, if durable has it, is one byte of both
  f.WritableCurrent()[byte] ^= mask;
  if (!shared && byte < f.durable.len) f.WritableDurable()[byte] ^= mask;
  return Status::OK();
}

Status SimFileSystem::TruncateFile(const std::string& path, uint64_t size) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  Result<std::shared_ptr<Inode>> inode = ExistingFile(*disk_, "truncate", path);
  if (!inode.ok()) return inode.status();
  Inode& f = **inode;
  if (size > f.current.len) {
    return Status::InvalidArgument("truncate " + path + " to " + std::to_string(size) +
                                   " bytes: the file has only " + std::to_string(f.current.len));
  }
  // O(1): the bytes past each view's new length stay in its buffer, unread.
  f.current.len = size;
  f.durable.len = std::min(f.durable.len, size);
  std::vector<UnsyncedWrite> kept;
  for (UnsyncedWrite w : f.unsynced) {
    if (w.offset >= size) continue;
    w.length = std::min(w.length, size - w.offset);
    kept.push_back(w);
  }
  f.unsynced = std::move(kept);
  return Status::OK();
}

Status SimFileSystem::WriteAt(const std::string& path, uint64_t offset, std::string_view bytes) {
  std::lock_guard<std::mutex> lock(disk_->mu);
  Result<std::shared_ptr<Inode>> inode = ExistingFile(*disk_, "write into", path);
  if (!inode.ok()) return inode.status();
  Inode& f = **inode;
  if (offset > f.current.len) {
    return Status::InvalidArgument("write at offset " + std::to_string(offset) + " of " + path +
                                   ": the file has only " + std::to_string(f.current.len) +
                                   " bytes");
  }
  const uint64_t end = offset + bytes.size();
  if (f.Shared() && f.durable.len < offset) {
    // `durable` gets zeros where `current` has bytes: it stops being a prefix of `current`.
    f.durable.buf = SharedBytes(std::string(f.durable.str()));
  }
  auto write = [offset, end, bytes](std::string& s) {
    if (s.size() < end) s.resize(end, '\0');
    s.replace(offset, bytes.size(), bytes);
  };
  // When the two share a buffer, durable.len >= offset: one write changes both alike.
  const bool shared = f.Shared();
  write(f.WritableCurrent(bytes.size()));
  f.current.len = std::max(f.current.len, end);
  if (!shared) write(f.WritableDurable());
  f.durable.len = std::max(f.durable.len, end);
  return Status::OK();
}

Result<std::string> SimFileSystem::DurableContents(const std::string& path) const {
  std::lock_guard<std::mutex> lock(disk_->mu);
  const std::string norm = Normalize(path);
  const Dir* dir = FindDir(*disk_, DirName(norm));
  if (dir != nullptr) {
    auto it = dir->durable.find(BaseName(norm));
    if (it != dir->durable.end()) return std::string(it->second->durable.str());
  }
  return Status::NotFound(path + ": no durable directory entry");
}

uint64_t SimFileSystem::UnsyncedBytes(const std::string& path) const {
  std::lock_guard<std::mutex> lock(disk_->mu);
  const std::shared_ptr<Inode> inode = FindFile(*disk_, Normalize(path));
  uint64_t total = 0;
  if (inode != nullptr) {
    for (const UnsyncedWrite& w : inode->unsynced) total += w.length;
  }
  return total;
}

Result<SimFileSystem::FileState> SimFileSystem::InspectFile(const std::string& path) const {
  std::lock_guard<std::mutex> lock(disk_->mu);
  Result<std::shared_ptr<Inode>> inode = ExistingFile(*disk_, "inspect", path);
  if (!inode.ok()) return inode.status();
  const Inode& f = **inode;
  return FileState{std::string(f.current.str()), std::string(f.durable.str()), f.truncated,
                   f.unsynced};
}

uint64_t SimFileSystem::ContentDigest() const {
  std::lock_guard<std::mutex> lock(disk_->mu);
  // An order-sensitive combination of 64-bit hashes of each part and its length; a part's length
  // goes in too so that the boundaries between names and bytes are part of the digest.
  uint64_t digest = 0;
  auto mix = [&digest](std::string_view part) {
    digest = (digest ^ std::hash<std::string_view>{}(part)) * 0x9E3779B97F4A7C15ULL;
    digest = (digest ^ part.size()) * 0xC2B2AE3D27D4EB4FULL;
    digest ^= digest >> 29;
  };
  for (const auto& [path, dir] : disk_->dirs) {
    mix(path);
    mix("visible");
    for (const auto& [name, inode] : dir.visible) {
      mix(name);
      mix(inode->current.str());
    }
    mix("durable");
    for (const auto& [name, inode] : dir.durable) {
      mix(name);
      mix(inode->durable.str());
    }
  }
  return digest;
}

SimFileSystem::Stats SimFileSystem::stats() const {
  std::lock_guard<std::mutex> lock(disk_->mu);
  return disk_->stats;
}

std::vector<std::string> SimFileSystem::AllFiles() const {
  std::lock_guard<std::mutex> lock(disk_->mu);
  std::vector<std::string> paths;
  for (const auto& [dir_path, dir] : disk_->dirs) {
    for (const auto& [name, inode] : dir.visible) {
      paths.push_back(dir_path == "." ? name : JoinPath(dir_path, name));
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace memdb
