// ReadMostlyLatch: a reader-writer latch whose readers do not contend with each other.
//
// std::shared_mutex keeps one reader count, so two threads reading at once bounce its cache
// line between cores on every lock and unlock; point reads then stop scaling. Here each reader
// increments a counter in one of kSlots cache-line-sized slots chosen per thread, and a writer
// raises a flag and waits for every slot to drain (the "big reader lock" of the Linux kernel).
// Reads cost two uncontended atomic operations; a write costs a scan of the slots, which is
// fine because writers are already serialized by the engine's commit mutex.
//
// Readers never block while holding the latch, so the writer's wait is short and a spin with
// std::this_thread::yield is enough; it also never runs a hook point while held.
#ifndef MEMDB_SRC_UTIL_READ_MOSTLY_LATCH_H_
#define MEMDB_SRC_UTIL_READ_MOSTLY_LATCH_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>

#include "util/thread_annotations.h"

namespace memdb {

class CAPABILITY("latch") ReadMostlyLatch {
 public:
  static constexpr size_t kSlots = 16;

  // Returns the slot to pass to UnlockShared.
  size_t LockShared() ACQUIRE_SHARED() {
    const size_t slot = ThreadSlot();
    for (;;) {
      slots_[slot].readers.fetch_add(1, std::memory_order_seq_cst);
      if (!writer_.load(std::memory_order_seq_cst)) return slot;
      slots_[slot].readers.fetch_sub(1, std::memory_order_release);
      while (writer_.load(std::memory_order_acquire)) std::this_thread::yield();
    }
  }
  void UnlockShared(size_t slot) RELEASE_SHARED() {
    slots_[slot].readers.fetch_sub(1, std::memory_order_release);
  }

  // Requires that writers are serialized by the caller.
  void Lock() ACQUIRE() {
    writer_.store(true, std::memory_order_seq_cst);
    for (Slot& s : slots_) {
      while (s.readers.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
    }
  }
  void Unlock() RELEASE() { writer_.store(false, std::memory_order_release); }

  class SCOPED_CAPABILITY SharedGuard {
   public:
    explicit SharedGuard(ReadMostlyLatch& latch) ACQUIRE_SHARED(latch)
        : latch_(latch), slot_(latch.LockShared()) {}
    ~SharedGuard() RELEASE() { latch_.UnlockShared(slot_); }
    SharedGuard(const SharedGuard&) = delete;
    SharedGuard& operator=(const SharedGuard&) = delete;

   private:
    ReadMostlyLatch& latch_;
    size_t slot_;
  };

  class SCOPED_CAPABILITY ExclusiveGuard {
   public:
    explicit ExclusiveGuard(ReadMostlyLatch& latch) ACQUIRE(latch) : latch_(latch) {
      latch_.Lock();
    }
    ~ExclusiveGuard() RELEASE() { latch_.Unlock(); }
    ExclusiveGuard(const ExclusiveGuard&) = delete;
    ExclusiveGuard& operator=(const ExclusiveGuard&) = delete;

   private:
    ReadMostlyLatch& latch_;
  };

 private:
  struct alignas(64) Slot {
    std::atomic<uint32_t> readers{0};
  };

  static size_t ThreadSlot() {
    static std::atomic<size_t> next{0};
    thread_local const size_t slot = next.fetch_add(1, std::memory_order_relaxed) % kSlots;
    return slot;
  }

  Slot slots_[kSlots];
  alignas(64) std::atomic<bool> writer_{false};
};

}  // namespace memdb

#endif  // MEMDB_SRC_UTIL_READ_MOSTLY_LATCH_H_
