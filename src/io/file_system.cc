#include "memdb/io/file_system.h"

#include <algorithm>

namespace memdb {

namespace {

Status TooLarge(const std::string& path, std::string_view kind, std::string_view size,
                uint64_t max_bytes) {
  return Status::InvalidArgument(path + ": " + std::string(size) + " bytes is larger than " +
                                 std::string(kind) + " may be (at most " +
                                 std::to_string(max_bytes) + " bytes)");
}

// `s` without trailing '/' -- except that a path made only of '/' stays "/".
std::string_view StripTrailingSlashes(std::string_view s) {
  while (s.size() > 1 && s.back() == '/') s.remove_suffix(1);
  return s;
}

}  // namespace

Status ReadFileWithLimit(FileSystem& fs, const std::string& path, uint64_t max_bytes,
                         std::string_view kind, std::string* contents) {
  contents->clear();
  // Open first: the regular-file check comes with it, and the size is then that of a file.
  Result<std::unique_ptr<SequentialFile>> file = fs.NewSequentialFile(path);
  if (!file.ok()) return file.status();
  Result<uint64_t> size = fs.FileSize(path);
  if (!size.ok()) return size.status();
  if (*size > max_bytes) return TooLarge(path, kind, std::to_string(*size), max_bytes);
  contents->reserve(static_cast<size_t>(*size));
  constexpr size_t kChunk = size_t{1} << 20;
  std::string chunk;
  for (;;) {
    // One byte past the limit is enough to know the file grew beyond it.
    const uint64_t left = max_bytes - contents->size();
    const size_t want = left >= kChunk ? kChunk : static_cast<size_t>(left) + 1;
    if (Status s = (*file)->Read(want, &chunk); !s.ok()) return s;
    if (chunk.empty()) return Status::OK();
    contents->append(chunk);
    if (contents->size() > max_bytes) {
      contents->clear();
      return TooLarge(path, kind, "more than " + std::to_string(max_bytes), max_bytes);
    }
  }
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  while (!name.empty() && name.front() == '/') name.remove_prefix(1);
  if (dir.empty()) return std::string(name);
  dir = StripTrailingSlashes(dir);
  if (name.empty()) return std::string(dir);
  std::string out(dir);
  if (out != "/") out += '/';
  out += name;
  return out;
}

std::string DirName(std::string_view path) {
  path = StripTrailingSlashes(path);
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  // "a//b" -> "a"; "//b" -> "/".
  return std::string(StripTrailingSlashes(path.substr(0, slash)));
}

}  // namespace memdb
