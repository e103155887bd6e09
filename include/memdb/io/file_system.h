// FileSystem: the only way memdb touches storage (LevelDB's Env, RocksDB's FileSystem).
//
// Two implementations ship with memdb: the POSIX one (PosixFileSystem(), real files, real
// fsync) and SimFileSystem (sim_file_system.h), an in-memory disk with a volatile cache that
// tests crash on purpose. Paths are '/'-separated strings; a file's directory is the part before
// its last '/'.
//
// Durability model, which both implementations honour and the engine relies on:
//  - WritableFile::Append puts bytes in a volatile cache; they are readable at once but survive
//    a crash only after WritableFile::Sync (fdatasync) returns OK.
//  - Creating, renaming or removing a directory entry is durable only after SyncDir on the
//    directory that holds it returns OK.
//  - A failed Sync means the data it covered may be lost; it is never "fixed" by a later Sync
//    (Linux drops the dirty pages and clears the error -- "fsyncgate").
//
// Errors: every call returns IOError naming the path and the failed operation (with errno's
// text for POSIX), NotFound when a path that must exist does not.
//
// Only regular files are opened (for reading, writing or locking): a FIFO, a device, a socket or
// a directory named where a file is expected is IOError ("..., not a regular file"), found
// without blocking -- opening a FIFO would otherwise wait forever for a peer, and a device such
// as /dev/zero never ends. Directory listings still name every entry; opening one is the check.
//
// Thread safety: a FileSystem may be used from any thread. A WritableFile or SequentialFile has
// one user at a time.
#ifndef MEMDB_IO_FILE_SYSTEM_H_
#define MEMDB_IO_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/util/points.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"

namespace memdb {

// A file being written sequentially.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends `data` at the end of the file (into the volatile cache).
  virtual Status Append(std::string_view data) = 0;
  // Makes every byte appended so far durable (fdatasync). Says nothing about the directory
  // entry: see FileSystem::SyncDir.
  virtual Status Sync() = 0;
  // Releases the handle; bytes not synced stay in the cache (they are not synced by Close).
  // Calls after Close fail with InvalidArgument.
  virtual Status Close() = 0;
  // Bytes in the file, including unsynced ones.
  virtual uint64_t Size() const = 0;
  virtual const std::string& path() const = 0;
};

// A file being read from the start to the end.
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to `n` bytes into `*out` (replacing its contents); fewer only at the end of the
  // file, none once there.
  virtual Status Read(size_t n, std::string* out) = 0;
  // Skips `n` bytes (or to the end of the file).
  virtual Status Skip(uint64_t n) = 0;
  virtual const std::string& path() const = 0;
};

// An exclusive lock on a file, held until destroyed (so two processes, or two Db objects in one
// process, cannot open the same database directory).
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates `path`, or truncates it to empty when it exists, and opens it for appending.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Opens `path` for appending at its end, creating it empty when missing.
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) = 0;
  // Opens an existing file for sequential reading. NotFound when missing.
  virtual Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) = 0;
  // Reads a whole file. NotFound when missing. Unbounded: for files whose size an outsider
  // chooses, use ReadFileWithLimit.
  virtual Status ReadFile(const std::string& path, std::string* contents) = 0;

  virtual bool FileExists(const std::string& path) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // The names (not paths) of the entries of `dir`, sorted, without "." and "..".
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // Creates `dir` (and missing parents); OK when it already exists. The new entries become
  // durable once their parents are synced with SyncDir.
  virtual Status CreateDir(const std::string& dir) = 0;
  // Atomically replaces `to` (if any) by `from`.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Makes the directory's entries (creates, renames, removes) durable (fsync on the directory).
  virtual Status SyncDir(const std::string& dir) = 0;
  // Takes an exclusive lock on `path` (created when missing). Busy when already locked, by
  // this process or another.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;

  // The observer of the engine's named points for databases on this storage (fault injection
  // attaches one; see memdb/util/points.h). Null by default.
  virtual PointObserver* point_observer() { return nullptr; }
};

// Reads the whole file at `path` when it holds at most `max_bytes` bytes. A larger file is
// InvalidArgument naming the path, `kind` (what the file should be: "a scenario script"), its
// size and the limit -- found from its size before anything is read, and by never reading more
// than `max_bytes` + 1 bytes should it grow meanwhile. Otherwise as FileSystem::ReadFile
// (NotFound, IOError, regular files only).
Status ReadFileWithLimit(FileSystem& fs, const std::string& path, uint64_t max_bytes,
                         std::string_view kind, std::string* contents);

// The real file system (POSIX calls). Shared and stateless; never null.
std::shared_ptr<FileSystem> PosixFileSystem();

// "dir/name" (no doubled '/').
std::string JoinPath(std::string_view dir, std::string_view name);
// The directory part of `path` ("." when it has none).
std::string DirName(std::string_view path);

}  // namespace memdb

#endif  // MEMDB_IO_FILE_SYSTEM_H_
