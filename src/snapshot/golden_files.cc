// The file side of the golden workflow: pending files, reference lists, obsolete goldens.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "memdb/snapshot/golden.h"
#include "snapshot/golden_format.h"
#include "snapshot/golden_paths.h"

namespace memdb {
namespace snapshot {

std::string AbsoluteGoldenPath(const std::string& path) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  if (ec) absolute = path;  // no working directory: keep the path as given
  return absolute.lexically_normal().string();
}

FileSystem& SettingsFileSystem(const GoldenSettings& settings) {
  if (settings.file_system != nullptr) return *settings.file_system;
  static const std::shared_ptr<FileSystem> posix = PosixFileSystem();
  return *posix;
}

Status RecordGoldenReference(const GoldenSettings& settings, const std::string& golden_path) {
  if (settings.references_dir.empty()) return Status::OK();
  FileSystem& fs = SettingsFileSystem(settings);
  if (Status s = fs.CreateDir(settings.references_dir); !s.ok()) return s;
  // One file per process: appends from one process never interleave with another's.
  const std::string file =
      JoinPath(settings.references_dir, "refs-" + std::to_string(::getpid()) + ".txt");
  Result<std::unique_ptr<WritableFile>> out = fs.NewAppendableFile(file);
  if (!out.ok()) return out.status();
  std::string line = AbsoluteGoldenPath(golden_path);
  line.push_back('\n');
  Status s = (*out)->Append(line);  // one write: threads of this process append whole lines
  const Status closed = (*out)->Close();
  return s.ok() ? closed : s;
}

Status WalkFiles(FileSystem& fs, const std::string& dir,
                 const std::function<void(const std::string& path)>& visit) {
  Result<std::vector<std::string>> names = fs.ListDir(dir);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    if (name.starts_with(".")) continue;
    const std::string path = JoinPath(dir, name);
    if (fs.ListDir(path).ok()) {
      if (Status s = WalkFiles(fs, path, visit); !s.ok()) return s;
    } else {
      visit(path);
    }
  }
  return Status::OK();
}

}  // namespace snapshot

Result<std::vector<PendingGolden>> ListPendingGoldens(const std::string& root,
                                                      const GoldenSettings& settings) {
  using snapshot::kPendingSuffix;
  FileSystem& fs = snapshot::SettingsFileSystem(settings);
  std::vector<PendingGolden> pending;
  const bool redirected = !settings.pending_dir.empty();
  const std::string& dir = redirected ? settings.pending_dir : root;
  Status s = snapshot::WalkFiles(fs, dir, [&](const std::string& path) {
    if (!path.ends_with(kPendingSuffix)) return;
    std::string golden = path.substr(0, path.size() - kPendingSuffix.size());
    if (!golden.ends_with(snapshot::kGoldenSuffix) && !redirected) return;
    if (redirected) {
      // <pending_dir>/abs/dir/x.golden.new pends for /abs/dir/x.golden.
      std::string relative = golden.substr(std::min(golden.size(), dir.size()));
      if (!relative.starts_with("/")) relative.insert(0, "/");
      golden = std::move(relative);
    }
    pending.push_back({path, std::move(golden)});
  });
  if (!s.ok()) return s;
  std::sort(pending.begin(), pending.end(), [](const PendingGolden& a, const PendingGolden& b) {
    return a.golden_path < b.golden_path;
  });
  return pending;
}

Status AcceptPendingGolden(const PendingGolden& pending, const GoldenSettings& settings) {
  FileSystem& fs = snapshot::SettingsFileSystem(settings);
  std::string text;
  if (Status s = fs.ReadFile(pending.pending_path, &text); !s.ok()) return s;
  // Never install a file that would fail every later comparison.
  if (Result<Snapshot> parsed = snapshot::ParseGolden(text, pending.pending_path); !parsed.ok()) {
    return parsed.status();
  }
  if (Status s = fs.CreateDir(DirName(pending.golden_path)); !s.ok()) return s;
  // Written, not renamed: a redirected pending directory may be on another file system.
  if (Status s = WriteFileAtomically(fs, pending.golden_path, text); !s.ok()) return s;
  return fs.RemoveFile(pending.pending_path);
}

Status RejectPendingGolden(const PendingGolden& pending, const GoldenSettings& settings) {
  return snapshot::SettingsFileSystem(settings).RemoveFile(pending.pending_path);
}

Result<std::vector<std::string>> ReadGoldenReferences(const GoldenSettings& settings) {
  if (settings.references_dir.empty()) {
    return Status::InvalidArgument(
        "no references directory (GoldenSettings::references_dir, MEMDB_GOLDEN_REFERENCES_DIR)");
  }
  FileSystem& fs = snapshot::SettingsFileSystem(settings);
  std::vector<std::string> references;
  Result<std::vector<std::string>> names = fs.ListDir(settings.references_dir);
  if (!names.ok()) return names.status();
  for (const std::string& name : *names) {
    if (!name.starts_with("refs-") || !name.ends_with(".txt")) continue;
    std::string text;
    // Bounded: a references file is a list of paths, and whoever chose it may be hostile.
    constexpr uint64_t kMaxReferencesBytes = uint64_t{256} << 20;
    if (Status s = ReadFileWithLimit(fs, JoinPath(settings.references_dir, name),
                                     kMaxReferencesBytes, "a golden references file", &text);
        !s.ok()) {
      return s;
    }
    size_t start = 0;
    for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
      if (end > start) references.push_back(text.substr(start, end - start));
    }
    // A last line without its newline was cut by a crash mid-append: not a whole reference.
  }
  std::sort(references.begin(), references.end());
  references.erase(std::unique(references.begin(), references.end()), references.end());
  return references;
}

Result<std::vector<std::string>> FindObsoleteGoldens(const std::string& root,
                                                     const GoldenSettings& settings) {
  Result<std::vector<std::string>> references = ReadGoldenReferences(settings);
  if (!references.ok()) return references.status();
  std::vector<std::string> obsolete;
  Status s = snapshot::WalkFiles(
      snapshot::SettingsFileSystem(settings), root, [&](const std::string& path) {
        if (!path.ends_with(snapshot::kGoldenSuffix)) return;
        std::string absolute = snapshot::AbsoluteGoldenPath(path);
        if (!std::binary_search(references->begin(), references->end(), absolute)) {
          obsolete.push_back(std::move(absolute));
        }
      });
  if (!s.ok()) return s;
  std::sort(obsolete.begin(), obsolete.end());
  return obsolete;
}

}  // namespace memdb
