// TempDir: the one scratch directory of memdb's own suites. A fresh, empty, uniquely named
// directory under the system's temporary directory, created by the constructor (mkdtemp, so two
// tests or two processes never share one) and removed with everything in it by the destructor.
#ifndef MEMDB_TESTS_SUPPORT_TEMP_DIR_H_
#define MEMDB_TESTS_SUPPORT_TEMP_DIR_H_

#include <filesystem>
#include <string>
#include <string_view>

namespace memdb::test {

class TempDir {
 public:
  // A failure to create the directory is a test failure (ADD_FAILURE), not an exception.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // `name` inside the directory, as a string (it need not exist).
  std::string Join(std::string_view name) const;

 private:
  std::filesystem::path path_;
};

}  // namespace memdb::test

#endif  // MEMDB_TESTS_SUPPORT_TEMP_DIR_H_
