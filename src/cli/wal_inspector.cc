#include "cli/wal_inspector.h"

#include "wal/segment.h"

namespace memdb::cli {

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
  // A directory lists; a file does not (ENOTDIR).
  if (!fs.ListDir(path).ok()) return std::vector<std::string>{path};
  Result<std::vector<uint64_t>> numbers = wal::ListSegments(fs, path);
  if (!numbers.ok()) return numbers.status();
  if (numbers->empty()) {
    return Status::InvalidArgument(path + ": no WAL segment (wal-NNNNNN.log) in this directory");
  }
  std::vector<std::string> files;
  for (uint64_t n : *numbers) files.push_back(JoinPath(path, wal::SegmentFileName(n)));
  return files;
}

Result<std::vector<WalSegmentSummary>> InspectWal(FileSystem& fs,
                                                  const std::vector<std::string>& files,
                                                  const WalCallbacks& callbacks) {
  db::LogScanner scanner(fs);  // inspection: read on after corruption
  return scanner.Scan(files, callbacks);
}

}  // namespace memdb::cli
