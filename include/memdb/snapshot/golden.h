// Golden files: assert that a database ends in exactly the state checked in beside the test,
// and the workflow for updating them, safe across processes (every gtest_discover_tests case
// runs in its own process). Engine-neutral: the GoogleTest layer (memdb::testing) and the memdb
// CLI call this. Format and workflow: docs/golden-files.md.
//
//   memdb::GoldenSettings settings = memdb::GoldenSettings::FromEnvironment();
//   memdb::Result<memdb::GoldenResult> r =
//       memdb::CheckGolden(db.ExportSnapshot().value(), "tests/golden/transfer.golden", settings);
//   if (!r.ok()) FAIL() << r.status();           // I/O error
//   if (!r->passed) FAIL() << r->message;        // says what differs and how to accept
//
// Modes (GoldenMode):
//  - kCompare (default): a match passes. A mismatch or a missing golden fails and writes the
//    redacted actual state as a pending file "NAME.golden.new" (beside the golden, or under
//    pending_dir); the message says how to review and accept it. A match removes a stale
//    pending file.
//  - kUpdate (MEMDB_UPDATE_GOLDEN=1): a mismatch or a missing golden is rewritten in place and
//    passes (outcome kUpdated / kCreated), so a run reports what it changed.
//  - kCi (CI set, non-empty and not "0"/"false"): nothing is ever written; a mismatch or a
//    missing golden fails. CI wins over MEMDB_UPDATE_GOLDEN.
// Every file is written atomically (temporary file + rename). When references_dir is set, each
// check appends the golden's absolute path to a file of this process's own in that directory;
// FindObsoleteGoldens merges all of them, so shards and processes never contend for one file.
//
// Thread safety: the functions may be called concurrently, from threads and processes, on
// different goldens. Two checks of the same golden at once may each write it (the last rename
// wins, both files whole).
#ifndef MEMDB_SNAPSHOT_GOLDEN_H_
#define MEMDB_SNAPSHOT_GOLDEN_H_

#include <memory>
#include <string>
#include <vector>

#include "memdb/io/file_system.h"
#include "memdb/snapshot/diff.h"
#include "memdb/snapshot/snapshot.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"

namespace memdb {

enum class GoldenMode { kCompare, kUpdate, kCi };

struct GoldenSettings {
  GoldenMode mode = GoldenMode::kCompare;
  // Where pending files go; empty: beside each golden. When set, the pending file of
  // /abs/dir/x.golden is <pending_dir>/abs/dir/x.golden.new (the golden's absolute path, so
  // pending files from different directories never collide and can be mapped back).
  std::string pending_dir;
  // Where each process records the goldens it checked; empty: nothing is recorded.
  std::string references_dir;
  // Storage; null means the real file system.
  std::shared_ptr<FileSystem> file_system;

  // kCompare, except: MEMDB_UPDATE_GOLDEN set to anything but "", "0" or "false" -> kUpdate;
  // CI set to anything but "", "0" or "false" -> kCi (even when MEMDB_UPDATE_GOLDEN is set).
  // pending_dir from MEMDB_GOLDEN_PENDING_DIR, references_dir from MEMDB_GOLDEN_REFERENCES_DIR.
  static GoldenSettings FromEnvironment();
};

// "compare", "update" or "ci".
std::string_view GoldenModeName(GoldenMode mode);

enum class GoldenOutcome {
  kMatched,   // passed: the golden equals the (redacted) state
  kUpdated,   // passed, kUpdate: the golden differed and was rewritten
  kCreated,   // passed, kUpdate: the golden was missing and was written
  kMismatch,  // failed: the golden differs (or could not be parsed: see message)
  kMissing,   // failed: no golden file
};

struct GoldenResult {
  GoldenOutcome outcome = GoldenOutcome::kMatched;
  bool passed = true;
  // The differences from the golden to the state (empty for kMissing and a damaged golden).
  SnapshotDiff diff;
  // The pending file written (kCompare failures only); empty otherwise.
  std::string pending_path;
  // For a failure: what differs, where the pending file is and how to accept it. For
  // kUpdated/kCreated: what was written. Empty for kMatched.
  std::string message;
};

// Compares `actual`, with `redactions` applied, to the golden file at `golden_path`, and acts
// per settings.mode (see above). The golden is also redacted before comparing. A golden that
// cannot be parsed counts as a mismatch, its parse error in the message. Errors (as a Status):
// IOError when reading or writing a file fails; InvalidArgument for an empty path.
Result<GoldenResult> CheckGolden(const Snapshot& actual, const std::string& golden_path,
                                 const GoldenSettings& settings, const Redactions& redactions = {});

// The pending file CheckGolden writes for `golden_path` under `settings`.
std::string PendingGoldenPath(const std::string& golden_path, const GoldenSettings& settings);

struct PendingGolden {
  std::string pending_path;
  std::string golden_path;  // the golden it would replace
};

// Pending files: under `root` (searched recursively for *.golden.new, skipping names that
// start with '.') when settings.pending_dir is empty, else every file in settings.pending_dir.
// Sorted by golden path.
Result<std::vector<PendingGolden>> ListPendingGoldens(const std::string& root,
                                                      const GoldenSettings& settings);
// Replaces the golden by the pending file (atomically) and removes the pending file. Corruption
// when the pending file is not a valid golden file (nothing is changed then).
Status AcceptPendingGolden(const PendingGolden& pending, const GoldenSettings& settings);
// Removes the pending file.
Status RejectPendingGolden(const PendingGolden& pending, const GoldenSettings& settings);

// The absolute golden paths recorded by every process in settings.references_dir, sorted and
// without duplicates. InvalidArgument when references_dir is empty.
Result<std::vector<std::string>> ReadGoldenReferences(const GoldenSettings& settings);
// The *.golden files under `root` (recursively, skipping names starting with '.') that no
// process recorded: goldens no test used. Absolute paths, sorted.
Result<std::vector<std::string>> FindObsoleteGoldens(const std::string& root,
                                                     const GoldenSettings& settings);

}  // namespace memdb

#endif  // MEMDB_SNAPSHOT_GOLDEN_H_
