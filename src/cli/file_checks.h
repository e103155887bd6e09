// What the tool checks about a path before it replaces it. Reading needs no check of
// its own: the POSIX FileSystem opens only regular files, without blocking (file_system.h).
#ifndef MEMDB_SRC_CLI_FILE_CHECKS_H_
#define MEMDB_SRC_CLI_FILE_CHECKS_H_

#include <string>

#include "memdb/util/status.h"

namespace memdb::cli {

// OK when `path` is missing or a regular file (symlinks followed), so that writing a new file
// and renaming it over `path` replaces nothing but a file. A directory, FIFO, device or socket
// is InvalidArgument naming the path and what it is: the tool never replaces one (docs/cli.md,
// "Exit status"). IOError when `path` cannot be examined.
Status CheckReplaceable(const std::string& path);

}  // namespace memdb::cli

#endif  // MEMDB_SRC_CLI_FILE_CHECKS_H_
