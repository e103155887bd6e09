// Clang thread-safety annotations (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html).
//
// They state which lock guards which member and which functions run with a lock held, so that
// `clang++ -Wthread-safety` (scripts/thread-safety.sh, run first in CI) rejects an access made
// without it. They are declarations only: with GCC, or with clang without the warning, every
// macro expands to nothing and the generated code is the same.
//
// libstdc++'s std::mutex and std::lock_guard carry no annotations, so a lock the analysis should
// see is a memdb::Mutex (below) or one of our own lock types annotated CAPABILITY
// (SpinThenBlockMutex, ReadMostlyLatch), taken through a SCOPED_CAPABILITY guard.
#ifndef MEMDB_SRC_UTIL_THREAD_ANNOTATIONS_H_
#define MEMDB_SRC_UTIL_THREAD_ANNOTATIONS_H_

#include <mutex>

#if defined(__clang__)
#define MEMDB_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define MEMDB_THREAD_ANNOTATION(x)
#endif

// On a type: it is a lock (a "capability" named `x` in the analysis' messages).
#define CAPABILITY(x) MEMDB_THREAD_ANNOTATION(capability(x))
// On a type: an RAII object that holds a capability for its lifetime.
#define SCOPED_CAPABILITY MEMDB_THREAD_ANNOTATION(scoped_lockable)
// On a member: read or written only with the capability held (reads: at least shared).
#define GUARDED_BY(x) MEMDB_THREAD_ANNOTATION(guarded_by(x))
// On a pointer member: the pointee is guarded by the capability.
#define PT_GUARDED_BY(x) MEMDB_THREAD_ANNOTATION(pt_guarded_by(x))
// On a lock member: the lock order (this one is taken before / after the others).
#define ACQUIRED_BEFORE(...) MEMDB_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) MEMDB_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
// On a function: the caller must hold the capability (exclusively / at least shared).
#define REQUIRES(...) MEMDB_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) MEMDB_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
// On a function: it takes / releases the capability (no argument: `this`).
#define ACQUIRE(...) MEMDB_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) MEMDB_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) MEMDB_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) MEMDB_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define RELEASE_GENERIC(...) MEMDB_THREAD_ANNOTATION(release_generic_capability(__VA_ARGS__))
// On a function: it takes the capability when it returns `b`.
#define TRY_ACQUIRE(...) MEMDB_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define TRY_ACQUIRE_SHARED(...) MEMDB_THREAD_ANNOTATION(try_acquire_shared_capability(__VA_ARGS__))
// On a function: the caller must not hold the capability (it takes it itself).
#define EXCLUDES(...) MEMDB_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// On a function: after it returns, the analysis may assume the capability is held.
#define ASSERT_CAPABILITY(x) MEMDB_THREAD_ANNOTATION(assert_capability(x))
// On a function: it returns a reference to the capability `x`.
#define RETURN_CAPABILITY(x) MEMDB_THREAD_ANNOTATION(lock_returned(x))
// On a function: the analysis does not look inside it (for code it cannot follow).
#define NO_THREAD_SAFETY_ANALYSIS MEMDB_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace memdb {

// A std::mutex the analysis can see. Same cost: every member is an inline forward.
class CAPABILITY("mutex") Mutex {
 public:
  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) { return mu_.try_lock(); }

 private:
  std::mutex mu_;
};

// Holds `mu` (any CAPABILITY type with lock/unlock, e.g. Mutex or SpinThenBlockMutex) for its
// scope; the annotated counterpart of std::lock_guard.
template <typename M>
class SCOPED_CAPABILITY LockGuard {
 public:
  explicit LockGuard(M& mu) ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~LockGuard() RELEASE() { mu_.unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  M& mu_;
};

}  // namespace memdb

#endif  // MEMDB_SRC_UTIL_THREAD_ANNOTATIONS_H_
