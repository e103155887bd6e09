// ReplaceFileAtomically: writes a whole file so that a crash leaves either the old file or the
// new one at its path, never a mix (the temporary-file / sync / rename / directory-sync dance).
//
// The steps, in order, each run only when the one before it succeeded:
//   kWrite    create the temporary file and write the contents into it
//   kSync     sync the temporary file (skipped when !sync_file), then close it
//   kRename   rename it over `path` -- atomic: readers see the old file or the new one
//   kDirSync  sync the directory, which makes the rename durable (skipped when !sync_dir)
// `before_step`, when set, runs before each step, a skipped one too, so the points crash tests
// hang here fire in the same order whatever is skipped; an error from it stops the replacement
// as a failure of that step would.
//
// On failure the temporary file is removed (best effort) and the error is returned as the step
// gave it; `path` then still holds the old file, or -- after a failed directory sync -- the new
// one, which a crash may still undo.
#ifndef MEMDB_IO_REPLACE_FILE_H_
#define MEMDB_IO_REPLACE_FILE_H_

#include <functional>
#include <string>
#include <string_view>

#include "memdb/io/file_system.h"
#include "memdb/util/status.h"

namespace memdb {

enum class ReplaceStep { kWrite, kSync, kRename, kDirSync };

struct ReplaceFileOptions {
  // The temporary file; empty picks "<path>.tmp-<pid>-<n>", unique per process and call, so
  // concurrent writers never share one. A fixed name lets a caller sweep leftovers later.
  std::string tmp_path;
  bool sync_file = true;
  bool sync_dir = true;
  // The directory kDirSync syncs; empty: DirName(path).
  std::string dir;
  std::function<Status(ReplaceStep step)> before_step;
};

// Writes the contents through `write`, which appends to the temporary file.
[[nodiscard]] Status ReplaceFileAtomically(FileSystem& fs, const std::string& path,
                                           const std::function<Status(WritableFile&)>& write,
                                           const ReplaceFileOptions& options = {});
// Writes `bytes`.
[[nodiscard]] Status ReplaceFileAtomically(FileSystem& fs, const std::string& path,
                                           std::string_view bytes,
                                           const ReplaceFileOptions& options = {});

}  // namespace memdb

#endif  // MEMDB_IO_REPLACE_FILE_H_
