#include "memdb/sim/sync.h"

#include <stdexcept>
#include <utility>

#include "sim/scheduler.h"

namespace memdb::sim {
namespace {

internal::Scheduler* FiberScheduler() {
  internal::Scheduler* s = internal::current;
  return s != nullptr && s->InFiber() ? s : nullptr;
}

}  // namespace

Event::Event(std::string name) : name_(std::move(name)) {}

void Event::Set() {
  set_ = true;
  if (internal::current != nullptr) {
    internal::current->WakeAll(this);
  }
}

void Event::Wait() {
  while (!set_) {
    internal::Scheduler* s = FiberScheduler();
    if (s == nullptr) {
      throw std::logic_error("sim::Event(" + name_ +
                             ")::Wait would block outside a simulation fiber");
    }
    s->Block("wait(" + name_ + ")", this, false, 0);
  }
}

Mutex::Mutex(std::string name) : name_(std::move(name)) {}

void Mutex::Lock() {
  while (locked_) {
    internal::Scheduler* s = FiberScheduler();
    if (s == nullptr) {
      throw std::logic_error("sim::Mutex(" + name_ +
                             ")::Lock would block outside a simulation fiber");
    }
    s->Block("lock(" + name_ + ")", this, false, 0);
  }
  locked_ = true;
}

bool Mutex::TryLock() {
  if (locked_) {
    return false;
  }
  locked_ = true;
  return true;
}

void Mutex::Unlock() {
  locked_ = false;
  if (internal::current != nullptr) {
    internal::current->WakeAll(this);
  }
}

}  // namespace memdb::sim
