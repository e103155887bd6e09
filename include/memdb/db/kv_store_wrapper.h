// KvStoreWrapper: a KvStore that forwards every call to another one (LevelDB's EnvWrapper), the
// base of decorators -- a spy, a fault injector, a cache -- that override only what they
// change; a call added to KvStore later reaches the target without touching them.
//
// Ownership: the target is borrowed and must outlive the wrapper. Thread safety: that of the
// target.
#ifndef MEMDB_DB_KV_STORE_WRAPPER_H_
#define MEMDB_DB_KV_STORE_WRAPPER_H_

#include <string>
#include <string_view>

#include "memdb/db/kv_store.h"

namespace memdb {

class KvStoreWrapper : public KvStore {
 public:
  explicit KvStoreWrapper(KvStore& target) : target_(target) {}

  KvStore& target() const { return target_; }

  Result<std::string> Get(std::string_view key) override { return target_.Get(key); }
  Status Put(std::string_view key, std::string_view value) override {
    return target_.Put(key, value);
  }
  Status Delete(std::string_view key) override { return target_.Delete(key); }
  Status Scan(const ScanRange& range, const ScanVisitor& visit) override {
    return target_.Scan(range, visit);
  }
  Status Update(const TxnBody& body) override { return target_.Update(body); }
  Status View(const TxnBody& body) override { return target_.View(body); }

 private:
  KvStore& target_;
};

}  // namespace memdb

#endif  // MEMDB_DB_KV_STORE_WRAPPER_H_
