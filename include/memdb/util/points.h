// Named hook points: places in the engine that fault injection (and, later, the deterministic
// scheduler) can observe and act on -- "wal.sync.before", "checkpoint.rename.before", ...
// Every point is listed and explained in docs/fault-model.md ("Crash points").
//
// A database's point observer is one of its engine hooks (src/util/engine_hooks.h); unless one
// is installed there, it is the observer of the database's storage (FileSystem::point_observer),
// so injection is scoped to the databases using that storage: two databases in one test do not
// interfere. With no observer a point costs one predictable branch.
#ifndef MEMDB_UTIL_POINTS_H_
#define MEMDB_UTIL_POINTS_H_

#include <string_view>

#include "memdb/util/status.h"

namespace memdb {

class PointObserver {
 public:
  virtual ~PointObserver() = default;
  // Called when the engine passes point `name`, with no engine lock held. A non-OK status
  // makes the operation in flight fail with it (an injected crash or error); OK lets it go on.
  virtual Status OnPoint(std::string_view name) = 0;
};

// Passes point `name`: OK at once without an observer.
inline Status PassPoint(PointObserver* observer, std::string_view name) {
  if (observer == nullptr) [[likely]] {
    return Status::OK();
  }
  return observer->OnPoint(name);
}

}  // namespace memdb

#endif  // MEMDB_UTIL_POINTS_H_
