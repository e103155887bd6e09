#include "support/temp_dir.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <system_error>

namespace memdb::test {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "memdb-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << tmpl;
  path_ = tmpl;
}

TempDir::~TempDir() {
  // Best effort: a directory left behind must not fail a test that passed.
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::Join(std::string_view name) const { return (path_ / name).string(); }

}  // namespace memdb::test
