#include "db/durable_support.h"

#include <utility>

namespace memdb::test {

State Dump(Db& db) {
  State state;
  db.Scan(ScanRange::All(), [&](std::string_view key, std::string_view value) {
      state.emplace(key, value);
      return true;
    }).IgnoreError();
  return state;
}

TxnWrites RandomTxn(Random& rng, int keys, size_t max_value, size_t big_value) {
  TxnWrites txn;
  const int n = 1 + static_cast<int>(rng.Uniform(rng.Bernoulli(0.1) ? 40 : 4));
  std::map<std::string, std::optional<std::string>> writes;
  for (int i = 0; i < n; ++i) {
    std::string key = "key" + std::to_string(rng.Uniform(static_cast<uint64_t>(keys)));
    if (rng.Bernoulli(0.2)) {
      writes[key] = std::nullopt;
      continue;
    }
    size_t size = rng.Uniform(max_value + 1);
    if (big_value > 0 && rng.Bernoulli(0.02)) size = big_value;
    std::string value(size, '\0');
    for (char& c : value) c = static_cast<char>(rng.Uniform(256));
    writes[key] = std::move(value);
  }
  txn.writes.assign(writes.begin(), writes.end());
  return txn;
}

void ApplyTo(const TxnWrites& txn, State* state) {
  for (const auto& [key, value] : txn.writes) {
    if (value.has_value()) {
      (*state)[key] = *value;
    } else {
      state->erase(key);
    }
  }
}

Status Commit(Db& db, const TxnWrites& txn) {
  Txn t = db.Begin();
  for (const auto& [key, value] : txn.writes) {
    Status s = value.has_value() ? t.Put(key, *value) : t.Delete(key);
    if (!s.ok()) return s;
  }
  return t.Commit();
}

}  // namespace memdb::test
