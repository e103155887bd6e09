// Fiber-aware blocking primitives for simulation fibers.
//
// Blocking on them parks the calling fiber (never the thread) and lets the strategy run another
// one; a wake-up is itself a scheduling decision, traced as "fiber:<what>" (e.g. "t2:wait(e1)").
// If every live fiber is blocked, the simulation reports a deadlock naming each fiber, the last
// step it executed and what it waits for.
//
// They are for the fibers of a simulation: an operation that would have to block outside one
// (Wait on an unset Event, Lock of a held Mutex) throws std::logic_error. Non-blocking use
// outside (Set, an uncontended Lock) is fine. Not thread-safe.
#ifndef MEMDB_SIM_SYNC_H_
#define MEMDB_SIM_SYNC_H_

#include <string>

namespace memdb::sim {

// A manual-reset event.
class Event {
 public:
  explicit Event(std::string name = "event");
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  // Sets the event and makes every fiber waiting for it runnable. Not a scheduling point.
  void Set();
  void Reset() { set_ = false; }
  bool IsSet() const { return set_; }
  // Returns at once when set; otherwise blocks the fiber until Set.
  void Wait();

  const std::string& name() const { return name_; }

 private:
  std::string name_;
  bool set_ = false;
};

// A non-recursive mutex; BasicLockable.
class Mutex {
 public:
  explicit Mutex(std::string name = "mutex");
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock();
  bool TryLock();
  // Makes the fibers waiting for the mutex runnable. Not a scheduling point.
  void Unlock();
  void lock() { Lock(); }
  void unlock() { Unlock(); }

  const std::string& name() const { return name_; }

 private:
  std::string name_;
  bool locked_ = false;
};

}  // namespace memdb::sim

#endif  // MEMDB_SIM_SYNC_H_
