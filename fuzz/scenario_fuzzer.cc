// libFuzzer target for the scenario parser (docs/scenario-language.md): any bytes must parse
// or fail with an InvalidArgument naming file:line:column -- never crash, hang or allocate
// without bound. Includes resolve on an empty simulated disk, so no real file is read.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "memdb/io/sim_file_system.h"
#include "memdb/scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<memdb::SimFileSystem> disk =
      std::make_shared<memdb::SimFileSystem>();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  memdb::Result<memdb::Scenario> scenario = memdb::ParseScenario(text, "fuzz.scn", disk);
  if (!scenario.ok() && !scenario.status().IsInvalidArgument() && !scenario.status().IsNotFound()) {
    __builtin_trap();  // the parser promises InvalidArgument for every bad script
  }
  if (!scenario.ok() && scenario.status().message().rfind("fuzz.scn:", 0) != 0) {
    __builtin_trap();  // every error names the file, line and column
  }
  return 0;
}
