#include "cli/command.h"

namespace memdb::cli {

const std::vector<Command>& SnapshotCommands() {
  static const std::vector<Command> commands;
  return commands;
}

}  // namespace memdb::cli
