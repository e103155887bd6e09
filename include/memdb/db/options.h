// Options for a memdb database, and what Open reports about recovery.
#ifndef MEMDB_DB_OPTIONS_H_
#define MEMDB_DB_OPTIONS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/mvcc/txn.h"

namespace memdb {

class FileSystem;

// When a commit's log record is made durable (see docs/durability.md).
enum class SyncMode {
  // A commit returns only after its record is synced (fdatasync). Concurrent commits share
  // one sync (group commit). Nothing that returned OK is lost in a crash.
  kAlways,
  // Records are written at once and synced when Options::sync_interval_ms has passed since
  // the last sync, by the next commit (or Db::SyncLog). A crash loses at most the commits of
  // the last interval (plus any made since the last commit, until the next commit or SyncLog).
  kInterval,
  // Records are only written to the OS: a process crash loses nothing, a machine crash may
  // lose any commit since the last checkpoint or SyncLog.
  kNone,
};
// The one spelling of a sync mode, in the API, the CLI, scenario scripts and reports: "always",
// "interval", "none". ParseSyncMode is its inverse (nullopt for any other text).
std::string_view SyncModeName(SyncMode mode);
std::optional<SyncMode> ParseSyncMode(std::string_view name);

// What Open does when the log or a checkpoint is damaged (see docs/durability.md).
enum class RecoveryMode {
  // A torn tail -- the last record of the last segment cut short or garbled by a crash -- is
  // discarded and reported; damage before the tail is a Corruption error. A damaged newest
  // checkpoint is reported, set aside as *.damaged, and an older one used, if the log still
  // reaches back to it and on past the damaged one's timestamp.
  kTolerateTornTail,
  // Any damage, including a torn tail, is a Corruption error; Open changes no file.
  kAbsoluteConsistency,
  // Recovery stops at the first damage and keeps the consistent prefix before it; the
  // damaged segment and any after it are kept aside as *.damaged files and reported. It never
  // opens when no prefix can be rebuilt (a log that does not continue the newest usable state).
  kPointInTime,
};
// The one spelling of a recovery mode, in the API, the CLI, scenario scripts and reports:
// "tolerate-torn-tail", "absolute-consistency", "point-in-time". ParseRecoveryMode is its
// inverse (nullopt for any other text).
std::string_view RecoveryModeName(RecoveryMode mode);
std::optional<RecoveryMode> ParseRecoveryMode(std::string_view name);

struct Options {
  // The isolation level of Begin() without TxnOptions, and of Update and View.
  IsolationLevel default_isolation = IsolationLevel::kSnapshot;
  // How many times Update runs its body before giving up with Conflict (>= 1).
  int max_update_attempts = 16;

  // --- Durability. With an empty `path` the database lives in memory only.
  // The directory holding the log, checkpoints and the LOCK file.
  std::string path;
  // Where `path` lives; null means the real file system (PosixFileSystem()). Tests pass a
  // SimFileSystem and crash it.
  std::shared_ptr<FileSystem> file_system;
  // Create `path` when missing; otherwise Open fails with NotFound.
  bool create_if_missing = true;
  SyncMode sync_mode = SyncMode::kAlways;
  // For SyncMode::kInterval.
  uint32_t sync_interval_ms = 100;
  RecoveryMode recovery_mode = RecoveryMode::kTolerateTornTail;
  // A checkpoint is taken automatically after this many bytes of log since the last one
  // (0: only when Db::Checkpoint is called).
  uint64_t checkpoint_log_bytes = uint64_t{64} << 20;
  // A log segment is closed and a new one started past this size.
  uint64_t wal_segment_bytes = uint64_t{16} << 20;
};

// What Db::Open found and did while recovering a database directory.
struct RecoveryReport {
  bool existing = false;   // false when Open created a new, empty database
  std::string checkpoint;  // file name of the checkpoint loaded; empty if none
  uint64_t checkpoint_timestamp = 0;
  uint64_t checkpoint_keys = 0;
  uint64_t segments_replayed = 0;
  uint64_t records_replayed = 0;  // committed transactions applied from the log
  uint64_t log_bytes_replayed = 0;
  std::string torn_tail_file;     // the segment whose torn tail was discarded, if any
  uint64_t torn_tail_offset = 0;  // where the discarded bytes began
  uint64_t torn_tail_bytes = 0;   // bytes discarded
  // Damage found and tolerated (an unusable checkpoint, a point-in-time stop), one line each
  // naming the file and offset; empty when everything read was intact.
  std::vector<std::string> damage;
  uint64_t last_timestamp = 0;    // the newest commit recovered
  bool wrote_checkpoint = false;  // recovery discarded something and re-based the log
  uint64_t micros = 0;            // time spent recovering

  // A multi-line human-readable summary.
  std::string ToString() const;
};

// Counters describing the engine's state, for tests and monitoring.
struct DbStats {
  uint64_t last_commit_timestamp = 0;  // 0 for a fresh database
  uint64_t live_keys = 0;              // keys whose newest version is not a tombstone
  uint64_t versions = 0;               // all versions held, including tombstones and old ones
  uint64_t pending_garbage = 0;        // versions waiting for an old snapshot to be released
  uint64_t memory_bytes = 0;           // bytes held by versions and the index
  uint64_t active_snapshots = 0;       // open transactions and iterators
  uint64_t commits = 0;                // successful read-write commits
  uint64_t conflicts = 0;              // commits that aborted with Conflict
  // Durable databases only.
  uint64_t log_bytes = 0;      // bytes appended to the log since Open
  uint64_t log_syncs = 0;      // syncs of the log
  uint64_t commit_groups = 0;  // log appends; commits / commit_groups = group size
  uint64_t checkpoints = 0;    // checkpoints written since Open
};

}  // namespace memdb

#endif  // MEMDB_DB_OPTIONS_H_
