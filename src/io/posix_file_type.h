// What kind of file a POSIX mode describes, in words for error messages ("a FIFO", "a
// character device"). Shared by the POSIX file system, which opens only regular files, and the
// memdb tool, which never replaces anything but one.
#ifndef MEMDB_SRC_IO_POSIX_FILE_TYPE_H_
#define MEMDB_SRC_IO_POSIX_FILE_TYPE_H_

#include <sys/stat.h>

namespace memdb {

inline const char* PosixFileTypeName(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

}  // namespace memdb

#endif  // MEMDB_SRC_IO_POSIX_FILE_TYPE_H_
