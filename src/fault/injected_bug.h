// The one translation from the fault layer's public InjectedBug set to the engine's deliberate
// bugs (util/engine_hooks.h), for the layers that open a database with them (fault, sim).
#ifndef MEMDB_SRC_FAULT_INJECTED_BUG_H_
#define MEMDB_SRC_FAULT_INJECTED_BUG_H_

#include <cstdint>

#include "memdb/fault/injected_bug.h"
#include "util/engine_hooks.h"

namespace memdb {

// The bugs of `injected`, a bitwise OR of InjectedBug values.
DeliberateBugs DeliberateBugsOf(uint32_t injected);

}  // namespace memdb

#endif  // MEMDB_SRC_FAULT_INJECTED_BUG_H_
