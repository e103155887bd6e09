// bank: a small account-transfer service written against memdb::KvStore -- the downstream code
// that examples/bank/bank_test.cc tests with memdb::testing.
//
// Accounts are keys "acct/<id>" holding a balance in cents as decimal text. A customer owns two
// accounts, "<customer>.checking" and "<customer>.savings"; the bank lets one of them go
// negative as long as the two together stay >= 0 (Withdraw checks it).
//
// Every operation is one transaction through KvStore::Update, so under serializable isolation
// the bank's invariants hold whatever runs concurrently. Under snapshot isolation, Withdraw has
// a write-skew bug: two withdrawals from the two accounts of one customer each see the other
// account's old balance, and both commit (they write different keys).
#ifndef MEMDB_EXAMPLES_BANK_BANK_H_
#define MEMDB_EXAMPLES_BANK_BANK_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "memdb/db/kv_store.h"
#include "memdb/util/result.h"
#include "memdb/util/status.h"

namespace bank {

class Bank {
 public:
  // `store` must outlive the bank.
  explicit Bank(memdb::KvStore& store) : store_(store) {}

  // Creates an account with `cents`. InvalidArgument if it exists or cents < 0.
  memdb::Status OpenAccount(std::string_view id, int64_t cents);
  // NotFound for an unknown account.
  memdb::Result<int64_t> Balance(std::string_view id);
  // Moves `cents` (> 0) from one account to another, atomically. InvalidArgument when the
  // source would go negative ("insufficient funds") or the accounts are the same; NotFound for
  // an unknown account; the store's error otherwise (nothing moved).
  memdb::Status Transfer(std::string_view from, std::string_view to, int64_t cents);
  // Takes `cents` out of the customer's `kind` account ("checking" or "savings") if the two
  // accounts together stay >= 0; InvalidArgument ("insufficient funds") otherwise.
  memdb::Status Withdraw(std::string_view customer, std::string_view kind, int64_t cents);
  // The sum of every account's balance, in one snapshot.
  memdb::Result<int64_t> TotalDeposits();

  static std::string Key(std::string_view id);

 private:
  memdb::KvStore& store_;
};

}  // namespace bank

#endif  // MEMDB_EXAMPLES_BANK_BANK_H_
