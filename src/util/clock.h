// The clock seam: engine code that needs the time asks a Clock, so the simulation can run on a
// virtual clock (docs: DESIGN.md, Determinism). A database's clock is one of its engine hooks
// (util/engine_hooks.h).
#ifndef MEMDB_SRC_UTIL_CLOCK_H_
#define MEMDB_SRC_UTIL_CLOCK_H_

#include <chrono>
#include <cstdint>

namespace memdb {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic microseconds from an arbitrary origin.
  virtual uint64_t NowMicros() = 0;
};

// std::chrono::steady_clock.
inline Clock* SteadyClock() {
  class Steady final : public Clock {
   public:
    uint64_t NowMicros() override {
      return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::steady_clock::now().time_since_epoch())
                                       .count());
    }
  };
  static Steady clock;
  return &clock;
}

}  // namespace memdb

#endif  // MEMDB_SRC_UTIL_CLOCK_H_
