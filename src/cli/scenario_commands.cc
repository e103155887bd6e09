#include "cli/command.h"

namespace memdb::cli {

const std::vector<Command>& ScenarioCommands() {
  static const std::vector<Command> commands;
  return commands;
}

}  // namespace memdb::cli
