// CheckGolden: the compare / update / CI decision (docs/golden-files.md, "Workflow").
#include "memdb/snapshot/golden.h"

#include <cstdlib>
#include <string_view>
#include <utility>

#include "snapshot/golden_format.h"
#include "snapshot/golden_paths.h"

namespace memdb {
namespace {

bool EnvFlag(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return false;
  const std::string_view s(v);
  return !s.empty() && s != "0" && s != "false";
}

std::string EnvString(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

// Writes a golden or pending file, creating its directory first.
Status WriteGoldenFile(FileSystem& fs, const std::string& path, const std::string& text) {
  if (Status s = fs.CreateDir(DirName(path)); !s.ok()) return s;
  return WriteFileAtomically(fs, path, text);
}

}  // namespace

GoldenSettings GoldenSettings::FromEnvironment() {
  GoldenSettings settings;
  if (EnvFlag("MEMDB_UPDATE_GOLDEN")) settings.mode = GoldenMode::kUpdate;
  if (EnvFlag("CI")) settings.mode = GoldenMode::kCi;
  settings.pending_dir = EnvString("MEMDB_GOLDEN_PENDING_DIR");
  settings.references_dir = EnvString("MEMDB_GOLDEN_REFERENCES_DIR");
  return settings;
}

std::string_view GoldenModeName(GoldenMode mode) {
  switch (mode) {
    case GoldenMode::kCompare:
      return "compare";
    case GoldenMode::kUpdate:
      return "update";
    case GoldenMode::kCi:
      return "ci";
  }
  return "unknown";
}

std::string PendingGoldenPath(const std::string& golden_path, const GoldenSettings& settings) {
  std::string pending;
  if (settings.pending_dir.empty()) {
    pending = golden_path;
  } else {
    const std::string absolute = snapshot::AbsoluteGoldenPath(golden_path);
    pending = JoinPath(settings.pending_dir, std::string_view(absolute).substr(1));
  }
  pending.append(snapshot::kPendingSuffix);
  return pending;
}

Result<GoldenResult> CheckGolden(const Snapshot& actual, const std::string& golden_path,
                                 const GoldenSettings& settings, const Redactions& redactions) {
  if (golden_path.empty()) return Status::InvalidArgument("CheckGolden: empty golden path");
  FileSystem& fs = snapshot::SettingsFileSystem(settings);
  if (Status s = snapshot::RecordGoldenReference(settings, golden_path); !s.ok()) return s;

  const Snapshot redacted = redactions.Apply(actual);
  GoldenResult result;
  std::string problem;  // why the golden does not pass, for the message
  if (!fs.FileExists(golden_path)) {
    result.outcome = GoldenOutcome::kMissing;
    problem = "golden file " + golden_path + " does not exist";
  } else {
    std::string text;
    if (Status s = fs.ReadFile(golden_path, &text); !s.ok()) return s;
    Result<Snapshot> golden = snapshot::ParseGolden(text, golden_path);
    if (golden.ok()) {
      result.diff = DiffSnapshots(redactions.Apply(*golden), redacted);
      if (result.diff.empty()) {
        // A pending file from an earlier failure is stale now.
        const std::string pending = PendingGoldenPath(golden_path, settings);
        if (settings.mode != GoldenMode::kCi && fs.FileExists(pending)) {
          fs.RemoveFile(pending).IgnoreError();
        }
        return result;
      }
      problem = "golden file " + golden_path + " does not match: " + result.diff.Describe();
    } else {
      problem = "golden file " + golden_path +
                " cannot be read: " + std::string(golden.status().message()) + "\n";
    }
    result.outcome = GoldenOutcome::kMismatch;
  }
  if (!problem.empty() && problem.back() != '\n') problem.push_back('\n');

  const std::string text = snapshot::GoldenText(redacted);
  switch (settings.mode) {
    case GoldenMode::kUpdate: {
      if (Status s = WriteGoldenFile(fs, golden_path, text); !s.ok()) return s;
      result.outcome = result.outcome == GoldenOutcome::kMissing ? GoldenOutcome::kCreated
                                                                 : GoldenOutcome::kUpdated;
      result.message = problem + "MEMDB_UPDATE_GOLDEN is set: wrote " + golden_path + " (" +
                       std::to_string(redacted.entries.size()) + " entries).\n";
      const std::string pending = PendingGoldenPath(golden_path, settings);
      if (fs.FileExists(pending)) fs.RemoveFile(pending).IgnoreError();
      return result;
    }
    case GoldenMode::kCi:
      result.passed = false;
      result.message = problem +
                       "CI is set, so nothing was written. Run the test locally, review and "
                       "accept the new golden, and commit it.\n";
      return result;
    case GoldenMode::kCompare:
      break;
  }
  result.passed = false;
  result.pending_path = PendingGoldenPath(golden_path, settings);
  if (Status s = WriteGoldenFile(fs, result.pending_path, text); !s.ok()) return s;
  result.message = problem + "The new state was written to " + result.pending_path +
                   ".\nReview it (diff " + golden_path + " " + result.pending_path +
                   "), then accept it by moving it over the golden (or `memdb golden accept`), "
                   "or rerun with MEMDB_UPDATE_GOLDEN=1.\n";
  return result;
}

}  // namespace memdb
