// The simulation's implementations of the engine's seams (src/util/wait.h, src/util/clock.h),
// installed for one database run under a simulation as its EngineHooks' wait seam and clock
// (src/util/engine_hooks.h; sim::OpenDatabase does it).
//
// Both are stateless and act on the simulation running on the calling thread: a FiberMonitor
// parks the calling fiber (a scheduling decision, traced as "fiber:monitor.wait" or
// "fiber:lock(monitor)"), and its WaitFor and the clock use virtual time. Outside a
// simulation the clock is the steady clock and a monitor works only while it never has to
// block (it throws std::logic_error otherwise).
#ifndef MEMDB_SRC_SIM_SEAMS_H_
#define MEMDB_SRC_SIM_SEAMS_H_

#include "util/clock.h"
#include "util/wait.h"

namespace memdb::sim {

// Process-wide objects.
WaitSeam* FiberWaitSeam();
Clock* VirtualClock();

}  // namespace memdb::sim

#endif  // MEMDB_SRC_SIM_SEAMS_H_
