#include "support/db_options.h"

#include <utility>

namespace memdb::test {

Options DurableOptions(std::shared_ptr<FileSystem> fs, std::string path) {
  Options options;
  options.path = std::move(path);
  options.file_system = std::move(fs);
  return options;
}

}  // namespace memdb::test
