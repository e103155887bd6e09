// Crash models: what a power cut keeps of the data written to the simulated disk but not yet
// synced. The model is prose in docs/fault-model.md; this header is the contract of the code.
//
//   CrashModel model = CrashModel::Parse("torn-last-write(512,keep=1,fill=garbage)").value();
//   CrashWithModel(disk, model);  // then reopen the database on `disk` and check the invariant
//
// A CrashModel is a small value; its Name() is a stable string that Parse() turns back into an
// equivalent model, so a failure report that prints the name replays the same crash.
// ApplyCrashModel and EnumerateCrashVariants are pure functions (seeded where the model makes
// random choices: same model, same input, same bytes, on every platform); CrashWithModel
// changes the disk it is given and nothing else.
//
// Thread safety: the functions share no state; CrashWithModel relies on SimFileSystem's own
// locking, but other threads writing to the disk while it runs make the crash state a mix of
// before and after their writes.
#ifndef MEMDB_FAULT_CRASH_MODEL_H_
#define MEMDB_FAULT_CRASH_MODEL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/io/sim_file_system.h"
#include "memdb/util/result.h"

namespace memdb {

// What a crash keeps of the data written but not yet synced (docs/fault-model.md).
//
// Terms: a file's unsynced writes are its SimFileSystem::UnsyncedWrite records, in write order.
// A sector is the `sector_size` bytes at a file offset that is a multiple of `sector_size`
// (sectors are aligned to the file's offset 0, not to where a write starts); an unsynced sector
// is one that some unsynced write touches. "Survives" means the write's bytes in that range
// reach the disk; bytes that do not survive keep what a crash would otherwise leave there.
struct CrashModel {
  enum class Kind {
    kDropUnsynced,        // only synced bytes survive (the default of SimFileSystem::Crash)
    kKeepUnsynced,        // everything written survives
    kBytePrefix,          // the unsynced bytes survive up to `keep` bytes (in write order)
    kSectorPrefix,        // whole sectors of the unsynced range survive, `keep` of them
    kTornLastWrite,       // every unsynced write but the last survives; of the last, `keep`
                          // sectors survive, the next sector is torn (filled per `fill`) and
                          // the rest is lost
    kIndependentSectors,  // each unsynced sector survives or not, independently (seeded): holes
    kReorderedWrites,     // unsynced writes survive in any subset: all but write number `keep`
                          // (omit-one, counting from 0), or with `random_subset` a seeded subset
  };
  // Torn / lost sectors read as zeros, seeded garbage, or the bytes that were there before
  // (durable content, zeros past it).
  enum class Fill { kZeros, kGarbage, kStale };

  Kind kind = Kind::kDropUnsynced;
  uint32_t sector_size = 512;  // 512 or 4096 (any power of two >= 1 allowed; 0 is read as 1)
  uint64_t keep = 0;           // meaning depends on kind (above)
  Fill fill = Fill::kZeros;
  bool random_subset = false;  // for kReorderedWrites
  uint64_t seed = 0;           // for seeded choices and garbage
  // false: creates/renames/removes not made durable by SyncDir are lost (a rename over an
  // existing file restores the old target); true: they all survive.
  bool keep_directory_ops = false;

  // Stable and human-readable, e.g. "sector-prefix(512,keep=3)",
  // "torn-last-write(4096,keep=1,fill=garbage)", "drop-unsynced"; used in failure reports to
  // replay a crash. Names only the fields the kind uses (docs/fault-model.md, "Names"), so two
  // models with the same name leave the same bytes.
  std::string Name() const;
  // The one spelling of a kind: its name without arguments ("sector-prefix"), the first word
  // of Name() and of what Parse reads.
  static std::string_view KindName(Kind kind);
  // The inverse of Name(): Parse(m.Name()) behaves as `m` and has the same Name(). Fields may
  // come in any order and default as in the struct. InvalidArgument, naming the position (a
  // 0-based character offset) and what was expected there, for an unknown kind or field, a
  // field the kind does not use, a repeated field, a malformed or out-of-range number, a sector
  // size that is not a power of two, or anything after the closing parenthesis.
  static Result<CrashModel> Parse(std::string_view name);

  friend bool operator==(const CrashModel&, const CrashModel&) = default;
};

// The bytes a crash under `model` leaves of one file, from its state just before the crash.
// Pure and deterministic (seeded). Handles the truncated flag: after a NewWritableFile
// truncation the unsynced writes apply to an empty file, and "stale" bytes are the old durable
// content; the truncation itself survives exactly when some byte written after it reaches the
// disk (or under kKeepUnsynced), so a crash that keeps none of those bytes brings the old
// content back, as SimFileSystem::Crash does.
std::string ApplyCrashModel(const SimFileSystem::FileState& file, const CrashModel& model);

// Applies `model` to every visible file of `disk` (SetDurableContents per file with unsynced
// writes or a truncation; with keep_directory_ops, MakeEntryDurable for every
// PendingDirEntries() entry), then disk.Crash(). Files reachable only through a durable name
// that is no longer visible (removed, or renamed away, without a SyncDir) come back with their
// synced bytes only.
void CrashWithModel(SimFileSystem& disk, const CrashModel& model);

// A crash model for the files whose path contains `file_contains` ("wal-", ".ckpt").
struct FileCrashModel {
  std::string file_contains;
  CrashModel model;
};
// Like CrashWithModel, but each file gets the model of the first entry of `per_file` that
// matches it, and `model` otherwise; directory operations follow `model`.
void CrashWithModels(SimFileSystem& disk, const CrashModel& model,
                     const std::vector<FileCrashModel>& per_file);

// The distinct variants of `kind` worth exploring for `disk`'s pending state, each with
// `sector_size` (where the kind uses sectors) and keep_directory_ops false:
//   kDropUnsynced, kKeepUnsynced: one.
//   kBytePrefix: keep = every value 0..B when B <= 128, where B is the largest number of
//     unsynced bytes of any file; else 0, B, 63 evenly spread values between, and every keep
//     at which some file's kept bytes end on a sector or write boundary (when there are more
//     than 256 of those, 256 evenly spread among them). At most 321.
//   kSectorPrefix: keep = 0..S, S the largest number of unsynced sectors of any file; when
//     S > 256, 257 values evenly spread over 0..S, both ends included. At most 257.
//   kTornLastWrite: keep = 0..L-1, L the largest number of sectors the last unsynced write of
//     any file touches (at most 64 evenly spread values when L > 64), times the three fills.
//     At most 192; one (keep 0, zeros) when nothing is unsynced.
//   kIndependentSectors: 8 seeded variants (seeds 1..8, fills cycling zeros, garbage, stale).
//   kReorderedWrites: omit-one for each write 0..W-1, W the largest number of unsynced writes
//     of any file (at most 64 evenly spread when W > 64); one (omit 0) when W is 0.
// Always at least one variant, at most 321; sorted by keep, then fill, then seed.
std::vector<CrashModel> EnumerateCrashVariants(const SimFileSystem& disk, CrashModel::Kind kind,
                                               uint32_t sector_size = 512);

}  // namespace memdb

#endif  // MEMDB_FAULT_CRASH_MODEL_H_
