// The POSIX FileSystem. Every call is a thin wrapper over one or two system calls; what is worth
// explaining is which errors are retried and which are not:
//  - read(2) and write(2) are retried on EINTR and continued after a short count, because both
//    leave the file in a well-defined state (nothing, or a prefix, was transferred).
//  - fdatasync(2)/fsync(2) are never retried: after a failure Linux may already have dropped the
//    dirty pages and cleared the error, so a second call could return OK over lost data
//    ("fsyncgate"). A failed Sync stays failed for the life of the handle.
//  - close(2) is never retried either: on Linux the descriptor is gone even on EINTR, and a retry
//    could close a descriptor another thread has just been given.
// and which files are opened at all: only regular files. Opening a FIFO blocks until a peer
// opens the other end (forever, in recovery or the tool), and a device such as /dev/zero never
// ends. So every open adds O_NONBLOCK (a FIFO then opens at once, or fails with ENXIO for a
// writer without a reader) and O_NOCTTY, checks the descriptor with fstat -- the file opened,
// not a name that may have changed since a stat -- and only then clears O_NONBLOCK.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "io/posix_file_type.h"
#include "memdb/io/file_system.h"

namespace memdb {
namespace {

// strerror_r comes in two flavours (GNU returns the text, XSI fills the buffer); these overloads
// accept either without a feature-test macro.
[[maybe_unused]] const char* StrErrorResult(const char* text, const char* /*buf*/) { return text; }
[[maybe_unused]] const char* StrErrorResult(int rc, const char* buf) {
  return rc == 0 ? buf : "unknown error";
}

std::string ErrnoText(int err) {
  char buf[256] = {};
  return StrErrorResult(strerror_r(err, buf, sizeof(buf)), buf);
}

// "<operation> <path>: <strerror>"; NotFound for ENOENT when `missing_is_not_found`.
Status PosixError(std::string_view operation, std::string_view path, int err,
                  bool missing_is_not_found = false) {
  std::string msg(operation);
  msg += ' ';
  msg += path;
  msg += ": ";
  msg += ErrnoText(err);
  if (missing_is_not_found && err == ENOENT) return Status::NotFound(msg);
  return Status::IOError(msg);
}

int OpenRetrying(const char* path, int flags, mode_t mode = 0644) {
  int fd;
  do {
    fd = ::open(path, flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

Status NotRegular(std::string_view path, std::string_view what) {
  return Status::IOError("open " + std::string(path) + ": " + std::string(what) +
                         ", not a regular file (memdb reads and writes only regular files)");
}

// Opens `path` (with `flags`) if it is a regular file, never blocking on a FIFO or device:
// the descriptor, or IOError naming the path and what it is instead. `*st` receives its stat.
Result<int> OpenRegular(const std::string& path, int flags, struct stat* st) {
  const int fd = OpenRetrying(path.c_str(), flags | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    // A FIFO without a reader refuses a non-blocking writer with ENXIO (and a device node
    // without its driver says the same): either way, not a file memdb can use.
    if (errno == ENXIO) return NotRegular(path, "a FIFO or device");
    if (errno == EISDIR) return NotRegular(path, "a directory");
    return PosixError("open", path, errno, /*missing_is_not_found=*/true);
  }
  Status s;
  if (::fstat(fd, st) != 0) {
    s = PosixError("stat", path, errno);
  } else if (!S_ISREG(st->st_mode)) {
    s = NotRegular(path, PosixFileTypeName(st->st_mode));
  } else {
    const int fl = ::fcntl(fd, F_GETFL);
    if (fl < 0 || ::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) s = PosixError("fcntl", path, errno);
  }
  if (!s.ok()) {
    ::close(fd);
    return s;
  }
  return fd;
}

// Reads up to `n` bytes at the current offset of `fd`, appending them to `*out`; stops early only
// at the end of the file.
Status ReadFully(int fd, const std::string& path, size_t n, std::string* out) {
  constexpr size_t kChunk = size_t{1} << 20;  // bounds the zero-fill when `n` is far too large
  while (n > 0) {
    const size_t old_size = out->size();
    const size_t want = std::min(n, kChunk);
    out->resize(old_size + want);
    const ssize_t got = ::read(fd, out->data() + old_size, want);
    if (got < 0) {
      out->resize(old_size);
      if (errno == EINTR) continue;
      return PosixError("read", path, errno);
    }
    out->resize(old_size + static_cast<size_t>(got));
    if (got == 0) break;
    n -= static_cast<size_t>(got);
  }
  return Status::OK();
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Closed("append");
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return PosixError("write", path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
      size_ += static_cast<uint64_t>(n);
    }
    return Status::OK();
  }

  Status Sync() override {
    if (fd_ < 0) return Closed("sync");
    if (!sync_error_.ok()) return sync_error_;
    if (::fdatasync(fd_) != 0) {
      sync_error_ = PosixError("fdatasync", path_, errno);
      return sync_error_;
    }
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Closed("close");
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) return PosixError("close", path_, errno);
    return Status::OK();
  }

  uint64_t Size() const override { return size_; }
  const std::string& path() const override { return path_; }

 private:
  Status Closed(std::string_view operation) const {
    return Status::InvalidArgument(std::string(operation) + " " + path_ +
                                   ": the file was already closed");
  }

  const std::string path_;
  int fd_;
  uint64_t size_;
  Status sync_error_;  // the first failed fdatasync; every later Sync returns it
};

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }

  Status Read(size_t n, std::string* out) override {
    out->clear();
    return ReadFully(fd_, path_, n, out);
  }

  Status Skip(uint64_t n) override {
    const off_t pos = ::lseek(fd_, 0, SEEK_CUR);
    struct stat st;
    if (pos < 0 || ::fstat(fd_, &st) != 0) return PosixError("seek", path_, errno);
    // Clamp to the end of the file (and so never overflow off_t).
    const auto remaining = static_cast<uint64_t>(std::max<off_t>(st.st_size - pos, 0));
    const off_t target = pos + static_cast<off_t>(std::min(n, remaining));
    if (::lseek(fd_, target, SEEK_SET) < 0) return PosixError("seek", path_, errno);
    return Status::OK();
  }

  const std::string& path() const override { return path_; }

 private:
  const std::string path_;
  const int fd_;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  // Closing the only descriptor of the open file description releases the flock.
  ~PosixFileLock() override { ::close(fd_); }

 private:
  const int fd_;
};

class PosixFileSystemImpl final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    // O_TRUNC on a FIFO or device does nothing, and OpenRegular refuses them before any write.
    struct stat st;
    Result<int> fd = OpenRegular(path, O_WRONLY | O_CREAT | O_TRUNC, &st);
    if (!fd.ok()) return fd.status();
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(path, *fd, 0));
  }

  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    struct stat st;
    Result<int> fd = OpenRegular(path, O_WRONLY | O_CREAT | O_APPEND, &st);
    if (!fd.ok()) return fd.status();
    return std::unique_ptr<WritableFile>(
        std::make_unique<PosixWritableFile>(path, *fd, static_cast<uint64_t>(st.st_size)));
  }

  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    struct stat st;
    Result<int> fd = OpenRegular(path, O_RDONLY, &st);
    if (!fd.ok()) return fd.status();
    return std::unique_ptr<SequentialFile>(std::make_unique<PosixSequentialFile>(path, *fd));
  }

  Status ReadFile(const std::string& path, std::string* contents) override {
    contents->clear();
    struct stat st;
    Result<int> fd = OpenRegular(path, O_RDONLY, &st);
    if (!fd.ok()) return fd.status();
    // Reserve the size fstat saw plus one byte and read no more than that first: every chunk
    // then stays inside the reservation (a chunk past it would reallocate, briefly holding two
    // copies of a large file), and the extra byte tells a file that grew since.
    const size_t expected = static_cast<size_t>(st.st_size) + 1;
    contents->reserve(expected);
    Status s = ReadFully(*fd, path, expected, contents);
    // Read to the end of the file, not to the size fstat saw: the file may be growing.
    if (s.ok() && contents->size() == expected) {
      s = ReadFully(*fd, path, static_cast<size_t>(-1), contents);
    }
    ::close(*fd);
    return s;
  }

  bool FileExists(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }

  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      return PosixError("stat", path, errno, /*missing_is_not_found=*/true);
    }
    return static_cast<uint64_t>(st.st_size);
  }

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return PosixError("opendir", dir, errno, /*missing_is_not_found=*/true);
    std::vector<std::string> names;
    while (true) {
      errno = 0;
      const struct dirent* entry = ::readdir(d);
      if (entry == nullptr) break;
      const std::string_view name(entry->d_name);
      if (name != "." && name != "..") names.emplace_back(name);
    }
    const int err = errno;
    ::closedir(d);
    if (err != 0) return PosixError("readdir", dir, err);
    std::sort(names.begin(), names.end());
    return names;
  }

  Status CreateDir(const std::string& dir) override {
    // mkdir -p: every prefix ending before a '/', then the whole path.
    for (size_t pos = dir.find('/', 1);; pos = dir.find('/', pos + 1)) {
      const std::string prefix = dir.substr(0, pos);
      if (!prefix.empty() && prefix.back() != '/') {
        if (Status s = MakeOneDir(prefix); !s.ok()) return s;
      }
      if (pos == std::string::npos) break;
    }
    return Status::OK();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return PosixError("rename", from + " to " + to, errno, /*missing_is_not_found=*/true);
    }
    return Status::OK();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) {
      return PosixError("unlink", path, errno, /*missing_is_not_found=*/true);
    }
    return Status::OK();
  }

  Status SyncDir(const std::string& dir) override {
    const int fd = OpenRetrying(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return PosixError("open", dir, errno, /*missing_is_not_found=*/true);
    Status s;
    if (::fsync(fd) != 0) s = PosixError("fsync", dir, errno);
    ::close(fd);
    return s;
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    struct stat st;
    Result<int> opened = OpenRegular(path, O_RDWR | O_CREAT, &st);
    if (!opened.ok()) return opened.status();
    const int fd = *opened;
    // flock, not fcntl: fcntl locks belong to the process, so a second Db in this process would
    // be granted the lock; flock locks belong to the open file description.
    int rc;
    do {
      rc = ::flock(fd, LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      const int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) {
        return Status::Busy("database directory is locked by another Db or process: " + path);
      }
      return PosixError("flock", path, err);
    }
    return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(fd));
  }

 private:
  static Status MakeOneDir(const std::string& dir) {
    if (::mkdir(dir.c_str(), 0755) == 0) return Status::OK();
    const int err = errno;
    if (err == EEXIST) {
      struct stat st;
      if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Status::OK();
      return PosixError("mkdir", dir, ENOTDIR);
    }
    return PosixError("mkdir", dir, err, /*missing_is_not_found=*/true);
  }
};

}  // namespace

std::shared_ptr<FileSystem> PosixFileSystem() {
  // Never destroyed, so a Db closed by another static destructor can still use it.
  static const auto* const fs =
      new std::shared_ptr<FileSystem>(std::make_shared<PosixFileSystemImpl>());
  return *fs;
}

}  // namespace memdb
