#include "cli/file_checks.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace memdb::cli {
namespace {

const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

}  // namespace

Status CheckReplaceable(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    // Missing (or a dangling symlink): the rename creates it.
    if (errno == ENOENT) return Status::OK();
    return Status::IOError("stat " + path + ": " + std::strerror(errno));
  }
  if (S_ISREG(st.st_mode)) return Status::OK();
  return Status::InvalidArgument(path + " is " + KindOf(st.st_mode) +
                                 ", not a regular file: memdb does not replace it");
}

}  // namespace memdb::cli
