#include "memdb/testing/faulty_kv_store.h"

#include <utility>

#include "testing/intercepting_txn.h"

namespace memdb::testing {

bool GlobMatch(std::string_view pattern, std::string_view text) {
  // Iterative matching with one backtrack point (the last '*'): linear in practice, and never
  // exponential, whatever the pattern.
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

void FaultyKvStore::FailNextCommits(uint64_t n, Status error) {
  std::lock_guard<std::mutex> lock(mu_);
  failing_commits_ += n;
  commit_error_ = std::move(error);
}

void FaultyKvStore::FailKeys(std::string pattern, Status error) {
  std::lock_guard<std::mutex> lock(mu_);
  key_faults_.push_back({std::move(pattern), std::move(error)});
}

void FaultyKvStore::SetReadOnly(bool read_only) {
  std::lock_guard<std::mutex> lock(mu_);
  read_only_ = read_only;
}

void FaultyKvStore::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  failing_commits_ = 0;
  key_faults_.clear();
  read_only_ = false;
}

uint64_t FaultyKvStore::injected() const {
  std::lock_guard<std::mutex> lock(mu_);
  return injected_;
}

Status FaultyKvStore::CheckKey(std::string_view key, bool write) {
  std::lock_guard<std::mutex> lock(mu_);
  if (write && read_only_) {
    ++injected_;
    return Status::IOError("FaultyKvStore: the store is read-only (injected)");
  }
  for (const KeyFault& fault : key_faults_) {
    if (GlobMatch(fault.pattern, key)) {
      ++injected_;
      return fault.error;
    }
  }
  return Status::OK();
}

Status FaultyKvStore::CheckCommit() {
  std::lock_guard<std::mutex> lock(mu_);
  if (failing_commits_ == 0) return Status::OK();
  --failing_commits_;
  ++injected_;
  return commit_error_;
}

Result<std::string> FaultyKvStore::Get(std::string_view key) {
  if (Status s = CheckKey(key, false); !s.ok()) return s;
  return target().Get(key);
}

Status FaultyKvStore::Put(std::string_view key, std::string_view value) {
  if (Status s = CheckKey(key, true); !s.ok()) return s;
  if (Status s = CheckCommit(); !s.ok()) return s;
  return target().Put(key, value);
}

Status FaultyKvStore::Delete(std::string_view key) {
  if (Status s = CheckKey(key, true); !s.ok()) return s;
  if (Status s = CheckCommit(); !s.ok()) return s;
  return target().Delete(key);
}

Status FaultyKvStore::Scan(const ScanRange& range, const ScanVisitor& visit) {
  Status refused;
  Status s = target().Scan(range, [&](std::string_view key, std::string_view value) {
    refused = CheckKey(key, false);
    return refused.ok() && visit(key, value);
  });
  return s.ok() ? refused : s;
}

Status FaultyKvStore::Update(const TxnBody& body) {
  return target().Update([&](KvTransaction& txn) {
    internal::InterceptingTxn faulty(
        txn,
        [this](internal::TxnOp op, std::string_view key) {
          return CheckKey(key, op == internal::TxnOp::kPut || op == internal::TxnOp::kDelete);
        },
        nullptr);
    Status s = body(faulty);
    if (!s.ok()) return s;
    return CheckCommit();  // an error here rolls the transaction back
  });
}

Status FaultyKvStore::View(const TxnBody& body) {
  return target().View([&](KvTransaction& txn) {
    internal::InterceptingTxn faulty(
        txn, [this](internal::TxnOp, std::string_view key) { return CheckKey(key, false); },
        nullptr);
    return body(faulty);
  });
}

}  // namespace memdb::testing
