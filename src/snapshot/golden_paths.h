// Paths of the golden workflow: absolute golden paths, pending files, per-process reference
// files, and the recursive listing they share (golden.cc, golden_files.cc).
#ifndef MEMDB_SRC_SNAPSHOT_GOLDEN_PATHS_H_
#define MEMDB_SRC_SNAPSHOT_GOLDEN_PATHS_H_

#include <functional>
#include <string>
#include <string_view>

#include "memdb/io/file_system.h"
#include "memdb/snapshot/golden.h"

namespace memdb::snapshot {

inline constexpr std::string_view kPendingSuffix = ".new";
inline constexpr std::string_view kGoldenSuffix = ".golden";

// `path` made absolute (against the working directory) and lexically normal, so that every
// process names a golden the same way.
std::string AbsoluteGoldenPath(const std::string& path);

// settings.file_system, or the real one.
FileSystem& SettingsFileSystem(const GoldenSettings& settings);

// Appends `golden_path` (absolute) as one line to this process's reference file in
// settings.references_dir, creating the directory when needed. No-op when it is empty.
Status RecordGoldenReference(const GoldenSettings& settings, const std::string& golden_path);

// Calls `visit` with the path of every entry under `dir`, recursively (a name that cannot be
// listed as a directory is a file), skipping names that start with '.'.
Status WalkFiles(FileSystem& fs, const std::string& dir,
                 const std::function<void(const std::string& path)>& visit);

}  // namespace memdb::snapshot

#endif  // MEMDB_SRC_SNAPSHOT_GOLDEN_PATHS_H_
