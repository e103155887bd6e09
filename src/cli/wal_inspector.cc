#include "cli/wal_inspector.h"

#include <algorithm>
#include <memory>

#include "db/checkpoint.h"
#include "wal/segment.h"

namespace memdb::cli {

namespace {

// The segment files among `names`, the entries of `dir`, as paths in log order.
std::vector<std::string> SegmentPaths(const std::string& dir,
                                      const std::vector<std::string>& names) {
  std::vector<std::string> paths;
  for (uint64_t n : wal::SegmentNumbers(names)) {
    paths.push_back(JoinPath(dir, wal::SegmentFileName(n)));
  }
  return paths;
}

}  // namespace

const char* WalVerdictName(WalVerdict verdict) {
  switch (verdict) {
    case WalVerdict::kIntact:
      return "intact";
    case WalVerdict::kTornTail:
      return "torn-tail";
    case WalVerdict::kCorrupt:
      return "corrupt";
  }
  return "?";
}

Result<std::vector<std::string>> WalFilesAt(FileSystem& fs, const std::string& path) {
  if (!fs.FileExists(path)) return Status::NotFound(path + ": no such file or directory");
  // A directory lists; anything else is one segment. What neither lists nor opens as a
  // regular file (a FIFO, a directory without permission) is reported as the open saw it.
  Result<std::vector<std::string>> names = fs.ListDir(path);
  if (!names.ok()) {
    Result<std::unique_ptr<SequentialFile>> file = fs.NewSequentialFile(path);
    if (!file.ok()) return file.status();
    return std::vector<std::string>{path};
  }
  std::vector<std::string> files = SegmentPaths(path, *names);
  if (files.empty()) {
    return Status::InvalidArgument(path + ": no WAL segment (wal-NNNNNN.log) in this directory");
  }
  return files;
}

Result<std::vector<WalSegmentSummary>> InspectWal(FileSystem& fs,
                                                  const std::vector<std::string>& files,
                                                  const WalCallbacks& callbacks) {
  db::LogScanner scanner(fs);  // inspection: read on after corruption
  // The whole log of a database without a checkpoint must start at its first transaction, as
  // recovery requires: records lost from its start are damage, not a shorter log.
  if (!files.empty()) {
    const std::string dir = DirName(files.front());
    if (Result<std::vector<std::string>> names = fs.ListDir(dir); names.ok()) {
      uint64_t timestamp = 0;
      const bool checkpointed = std::any_of(
          names->begin(), names->end(),
          [&](const std::string& name) { return db::ParseCheckpointFileName(name, &timestamp); });
      if (!checkpointed && SegmentPaths(dir, *names) == files) {
        scanner.ExpectTimestamp(db::kFirstCommitTimestamp);
      }
    }
  }
  return scanner.Scan(files, callbacks);
}

}  // namespace memdb::cli
