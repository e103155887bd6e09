// FaultyKvStore: a KvStore that forwards to another one and fails on command -- the toggles of
// fakeredis and miniredis, for testing how the code under test handles a store that fails:
//
//   memdb::testing::FaultyKvStore store(db());
//   store.FailNextCommits(1);                         // the next commit fails, changing nothing
//   EXPECT_THAT(bank.Transfer("a", "b", 5), StatusIs(Status::Code::kIOError));
//   store.FailKeys("acct/frozen*");                   // every operation on these keys fails
//   store.SetReadOnly(true);                          // writes fail, reads work
//
// Commits: Put and Delete, and an Update whose body returned OK. A failed commit changes
// nothing: the Update's transaction is rolled back (its body ran; its writes are discarded).
// Key faults apply to Get, Put, Delete and to the keys a Scan visits (the scan stops with the
// error at the first matching key), inside transactions too. Read-only mode fails Put and
// Delete, inside transactions too, with IOError, as a database whose log failed does.
// Injected errors are IOError by default; each toggle takes the Status to return instead.
//
// Thread safety: every method may be called from any thread; toggles take effect for the
// operations that start after them.
#ifndef MEMDB_TESTING_FAULTY_KV_STORE_H_
#define MEMDB_TESTING_FAULTY_KV_STORE_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memdb/db/kv_store.h"
#include "memdb/db/kv_store_wrapper.h"

namespace memdb::testing {

class FaultyKvStore final : public KvStoreWrapper {
 public:
  // `inner` must outlive this store.
  explicit FaultyKvStore(KvStore& inner) : KvStoreWrapper(inner) {}

  // The next `n` commits fail with `error` (added to any already pending).
  void FailNextCommits(uint64_t n,
                       Status error = Status::IOError("FaultyKvStore: injected commit failure"));
  // Operations on keys matching `pattern` fail with `error`. The pattern is a glob over bytes:
  // '*' matches any run (also empty), '?' any one byte, every other byte itself. Adds to the
  // patterns set before.
  void FailKeys(std::string pattern,
                Status error = Status::IOError("FaultyKvStore: injected failure for this key"));
  // Writes fail while on.
  void SetReadOnly(bool read_only);
  // Removes every fault (pending commit failures, key patterns, read-only mode).
  void Reset();
  // How many operations an injected fault has failed so far.
  uint64_t injected() const;

  // Reads: key faults, then the inner store.
  Result<std::string> Get(std::string_view key) override;
  Status Scan(const ScanRange& range, const ScanVisitor& visit) override;
  // Single writes: read-only mode and key faults, then a pending commit failure.
  Status Put(std::string_view key, std::string_view value) override;
  Status Delete(std::string_view key) override;
  // Transactions: the body sees a transaction that applies the faults to each operation; an
  // Update whose body succeeded then meets a pending commit failure.
  Status Update(const TxnBody& body) override;
  Status View(const TxnBody& body) override;

 private:
  // The error for an operation on `key` (a write when `write`), or OK.
  Status CheckKey(std::string_view key, bool write);
  // The error a commit fails with now, consuming one pending failure, or OK.
  Status CheckCommit();

  struct KeyFault {
    std::string pattern;
    Status error;
  };

  mutable std::mutex mu_;
  uint64_t failing_commits_ = 0;
  Status commit_error_;
  std::vector<KeyFault> key_faults_;
  bool read_only_ = false;
  uint64_t injected_ = 0;
};

// Whether `text` matches the glob `pattern` ('*' any run of bytes, '?' one byte).
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace memdb::testing

#endif  // MEMDB_TESTING_FAULTY_KV_STORE_H_
