#include "cli/file_checks.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "io/posix_file_type.h"

namespace memdb::cli {

Status CheckReplaceable(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    // Missing (or a dangling symlink): the rename creates it.
    if (errno == ENOENT) return Status::OK();
    return Status::IOError("stat " + path + ": " + std::strerror(errno));
  }
  if (S_ISREG(st.st_mode)) return Status::OK();
  return Status::InvalidArgument(path + " is " + PosixFileTypeName(st.st_mode) +
                                 ", not a regular file: memdb does not replace it");
}

}  // namespace memdb::cli
