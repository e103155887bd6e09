// SimFileSystem: an in-memory disk with a volatile cache, for tests that crash on purpose.
//
// The model (the fault layer builds its crash models on it, so it is exact rather than
// approximate):
//
//  Files. A name maps to an inode; Rename moves the inode, and open handles keep writing to
//  and reading from the inode they opened, wherever its name has gone (as in POSIX). An inode
//  has two contents:
//   - `current`: everything written; what every read sees before a crash.
//   - `durable`: the content as of the inode's last successful WritableFile::Sync (empty for a
//     file never synced). This is what a crash keeps.
//  and, for crash models that keep more than the durable bytes, the record of what happened
//  since the last Sync: one UnsyncedWrite {offset, length} per Append, oldest first, and whether
//  NewWritableFile truncated the file. Without a truncation, `current` is `durable` with the
//  unsynced writes applied in order; after one, it is the empty file with them applied. (The
//  one exception: SetDurableContents replaces `durable` with whatever a crash model computed,
//  after which this relation need not hold until the next Sync or Crash.)
//  NewWritableFile on an existing name keeps the inode (O_TRUNC): `current` becomes empty while
//  `durable` keeps the old content until the next Sync, so a crash before it brings the old
//  content back.
//
//  Directories. Each directory has visible entries (name -> inode) and durable entries.
//  Creating, renaming and removing a file change the visible entries at once; SyncDir(dir)
//  copies that directory's visible entries into its durable entries. A rename across
//  directories is durable in each directory once that directory is synced. Directories
//  themselves are modelled as durable at once: CreateDir's new directories (and "." and "/",
//  which always exist) survive every crash; only file entries are volatile. Directories are
//  never removed or renamed (the FileSystem interface has no call for that).
//  A (directory, name) whose visible entry differs from its durable entry -- absent from one,
//  or naming a different inode in each -- is pending: PendingDirEntries lists them, and
//  MakeEntryDurable settles one of them alone, so a crash model can keep some directory
//  operations and lose others.
//
//  Crash(). The machine loses power: every directory's visible entries become its durable
//  entries; every inode still named somewhere gets current = durable and forgets its unsynced
//  writes; inodes no longer named are gone. Every WritableFile, SequentialFile and FileLock
//  opened before the crash turns stale: its calls return IOError("... stale handle: the
//  simulated machine crashed ..."), and its lock is released, so a reopen after Crash can lock
//  again. Counters (stats()) survive a crash.
//
//  Clone(). A copy of the disk (every inode's two contents and unsynced record, every
//  directory's two entry sets, the counters) that behaves as a deep copy: no later call on
//  either disk affects the other. File bytes are shared copy-on-write, read-only between disks,
//  so cloning copies no bytes: a crash explorer clones the disk once per crash state it tries,
//  and crashes or writes the clone.
//
// Paths are normalised: empty and "." components are dropped ("./db//x/" is "db/x"); ".." is
// kept as a plain name, not resolved. A path without '/' lives in ".". Files and directories
// share one namespace: a file cannot be created where a directory is, and vice versa.
//
// Errors: NotFound when a file, or the directory a new file would go in, does not exist; Busy
// when LockFile finds the path locked (same wording as the POSIX file system); IOError for a
// stale handle or a file/directory mix-up; InvalidArgument for calls on a closed WritableFile
// and out-of-range damage helpers. No call fails otherwise: I/O errors are the fault layer's job.
//
// Thread safety: every call, including those on handles, takes one mutex; a SimFileSystem may
// be used from any number of threads. Handles keep the disk alive, so destroying the
// SimFileSystem before its handles is safe.
#ifndef MEMDB_IO_SIM_FILE_SYSTEM_H_
#define MEMDB_IO_SIM_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/io/file_system.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"

namespace memdb {

namespace sim_internal {
struct Disk;  // the state shared by a SimFileSystem and its handles (sim_file_system.cc)
}  // namespace sim_internal

class SimFileSystem final : public FileSystem {
 public:
  // One Append not yet covered by a Sync: `length` bytes at `offset` of `current`.
  struct UnsyncedWrite {
    uint64_t offset = 0;
    uint64_t length = 0;
    friend bool operator==(const UnsyncedWrite&, const UnsyncedWrite&) = default;
  };

  // A copy of one file's state, for crash models and assertions.
  struct FileState {
    std::string current;                  // what reads see
    std::string durable;                  // what Crash() keeps (if the name itself is durable)
    bool truncated = false;               // NewWritableFile emptied `current` since the last Sync
    std::vector<UnsyncedWrite> unsynced;  // Appends since the last Sync, oldest first
  };

  // One (directory, name) whose visible entry differs from its durable entry; see the model.
  //   created, not yet SyncDir'd:          visible && !durable
  //   removed (or renamed away):           !visible && durable
  //   renamed over / replaced by another:  visible && durable && !same_inode
  // `same_inode` says both entries exist and name one inode; as such an entry is not pending,
  // it is false in every entry PendingDirEntries returns.
  struct PendingDirEntry {
    std::string dir;   // normalised directory path ("." for a relative top-level name)
    std::string name;  // the name within `dir` (one path component)
    bool visible = false;
    bool durable = false;
    bool same_inode = false;
    friend bool operator==(const PendingDirEntry&, const PendingDirEntry&) = default;
  };

  // Counts of successful calls since construction (not reset by Crash).
  struct Stats {
    uint64_t syncs = 0;           // WritableFile::Sync
    uint64_t dir_syncs = 0;       // SyncDir
    uint64_t bytes_appended = 0;  // WritableFile::Append
    uint64_t files_created = 0;   // new inodes: NewWritableFile, NewAppendableFile, LockFile
    uint64_t renames = 0;
    uint64_t removes = 0;
  };

  SimFileSystem();
  ~SimFileSystem() override;
  SimFileSystem(const SimFileSystem&) = delete;
  SimFileSystem& operator=(const SimFileSystem&) = delete;

  // FileSystem.
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override;
  Status ReadFile(const std::string& path, std::string* contents) override;
  bool FileExists(const std::string& path) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Status CreateDir(const std::string& dir) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status SyncDir(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;

  // The machine loses power; see the model above.
  void Crash();

  // A deep copy of the disk as it is now: every inode's `current` and `durable` bytes, truncated
  // flag and unsynced writes; every directory's visible and durable entries, with an inode named
  // by several entries (visible and durable, or two names) still one inode in the copy; and
  // stats(). Nothing else carries over: the clone has no open handles and no held locks, and
  // no later call on either disk affects the other. Takes the original's mutex for the copy
  // only, so it may run while other threads use the original. Cost: O(files + directory
  // entries) -- the entry maps and inode records are copied, file bytes are shared
  // copy-on-write and copied later only by a mutation of a shared file, on the disk that makes
  // it (crash explorers call Clone thousands of times a second).
  std::shared_ptr<SimFileSystem> Clone() const;

  // For crash models computed outside this class: replaces what a crash keeps of the visible
  // file `path` -- its inode's `durable` bytes -- with `bytes`. What reads see now (`current`)
  // and the unsynced-write record are unchanged; the next Sync makes `durable` equal `current`
  // again, and a Crash before it brings `bytes` back (if the inode's name is durable).
  // NotFound when `path` is not a visible file.
  Status SetDurableContents(const std::string& path, std::string bytes);

  // Every pending directory entry (see the model), sorted by `dir`, then by `name`.
  std::vector<PendingDirEntry> PendingDirEntries() const;
  // Makes the durable entry for `name` in `dir` equal its visible entry -- present (naming the
  // same inode) or absent -- as if a SyncDir(dir) had covered that one name; the directory's
  // other names keep their pending state. Not counted in stats().dir_syncs. OK, doing nothing,
  // when nothing is pending for the name (including a name in neither set). NotFound when `dir`
  // does not exist; IOError when it is a file; InvalidArgument when `name` is empty, "." or
  // contains '/'.
  Status MakeEntryDurable(const std::string& dir, const std::string& name);
  // Whether `path`'s name is among its directory's durable entries, i.e. a crash now would keep
  // a file at `path`. False for a missing directory, and for directories themselves (they are
  // not entries; see the model).
  bool IsDurableName(const std::string& path) const;

  // Damage "at rest", for corruption tests. Each changes `current` and `durable` alike (where
  // the byte exists in that copy) and leaves the unsynced-write record alone, except that
  // TruncateFile clips it. NotFound when `path` is not a visible file.
  //
  // Inverts bit `bit_offset % 8` of byte `bit_offset / 8`; InvalidArgument past the end.
  Status FlipBit(const std::string& path, uint64_t bit_offset);
  // Cuts the file to `size` bytes; InvalidArgument when it is shorter than that.
  Status TruncateFile(const std::string& path, uint64_t size);
  // Overwrites bytes at `offset`, growing the file when they reach past its end; a copy shorter
  // than `offset` is zero-filled up to it. InvalidArgument when `offset` is past the end of
  // `current` (no holes).
  Status WriteAt(const std::string& path, uint64_t offset, std::string_view bytes);

  // The bytes a crash now would leave at `path`: the durable content of the inode that the
  // durable entry names. NotFound when the name is not durable (never synced into its directory,
  // or its removal was).
  Result<std::string> DurableContents(const std::string& path) const;
  // Bytes appended to the visible file `path` since its last Sync (0 when there is no such file).
  uint64_t UnsyncedBytes(const std::string& path) const;
  // A copy of the visible file's state. NotFound when there is no such file.
  Result<FileState> InspectFile(const std::string& path) const;

  // A 64-bit digest of everything reads and a Crash() would see: every directory with its
  // visible entries (name and `current` bytes) and durable entries (name and `durable` bytes).
  // Two disks with equal digests behave alike for any sequence of calls that starts with
  // Crash() or with reads -- what crash explorers need to recognise a disk image they have
  // already recovered. Unsynced-write records and stats() are not included. O(bytes).
  uint64_t ContentDigest() const;

  Stats stats() const;
  // Every visible file (not directory), as a normalised path, sorted. For debugging.
  std::vector<std::string> AllFiles() const;

 private:
  explicit SimFileSystem(std::shared_ptr<sim_internal::Disk> disk);  // for Clone

  std::shared_ptr<sim_internal::Disk> disk_;
};

}  // namespace memdb

#endif  // MEMDB_IO_SIM_FILE_SYSTEM_H_
