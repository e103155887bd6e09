#include "memdb/io/file_system.h"

namespace memdb {

namespace {

// `s` without trailing '/' -- except that a path made only of '/' stays "/".
std::string_view StripTrailingSlashes(std::string_view s) {
  while (s.size() > 1 && s.back() == '/') s.remove_suffix(1);
  return s;
}

}  // namespace

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
