#include "bank.h"

#include <charconv>

namespace bank {

namespace {

memdb::Result<int64_t> Parse(const std::string& key, const std::string& text) {
  int64_t cents = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), cents);
  if (error != std::errc() || end != text.data() + text.size()) {
    std::string message = "account ";
    message.append(key).append(" holds \"").append(text).append("\", not a number of cents");
    return memdb::Status::Corruption(message);
  }
  return cents;
}

memdb::Result<int64_t> ReadBalance(memdb::KvTransaction& txn, const std::string& key) {
  memdb::Result<std::string> value = txn.Get(key);
  if (!value.ok()) return value.status();
  return Parse(key, *value);
}

memdb::Status InsufficientFunds(std::string_view id) {
  std::string message = "insufficient funds in ";
  message.append(id);
  return memdb::Status::InvalidArgument(message);
}

}  // namespace

std::string Bank::Key(std::string_view id) {
  std::string key = "acct/";
  key.append(id);
  return key;
}

memdb::Status Bank::OpenAccount(std::string_view id, int64_t cents) {
  if (cents < 0) return memdb::Status::InvalidArgument("an account opens with cents >= 0");
  const std::string key = Key(id);
  return store_.Update([&](memdb::KvTransaction& txn) {
    if (txn.Get(key).ok()) return memdb::Status::InvalidArgument(key + " exists");
    return txn.Put(key, std::to_string(cents));
  });
}

memdb::Result<int64_t> Bank::Balance(std::string_view id) {
  const std::string key = Key(id);
  memdb::Result<std::string> value = store_.Get(key);
  if (!value.ok()) return value.status();
  return Parse(key, *value);
}

memdb::Status Bank::Transfer(std::string_view from, std::string_view to, int64_t cents) {
  if (cents <= 0) return memdb::Status::InvalidArgument("a transfer moves cents > 0");
  if (from == to) return memdb::Status::InvalidArgument("a transfer needs two accounts");
  const std::string from_key = Key(from);
  const std::string to_key = Key(to);
  return store_.Update([&](memdb::KvTransaction& txn) {
    memdb::Result<int64_t> source = ReadBalance(txn, from_key);
    if (!source.ok()) return source.status();
    memdb::Result<int64_t> target = ReadBalance(txn, to_key);
    if (!target.ok()) return target.status();
    if (*source < cents) return InsufficientFunds(from);
    if (memdb::Status s = txn.Put(from_key, std::to_string(*source - cents)); !s.ok()) return s;
    return txn.Put(to_key, std::to_string(*target + cents));
  });
}

memdb::Status Bank::Withdraw(std::string_view customer, std::string_view kind, int64_t cents) {
  if (kind != "checking" && kind != "savings") {
    return memdb::Status::InvalidArgument("kind is \"checking\" or \"savings\"");
  }
  const std::string checking = Key(std::string(customer) + ".checking");
  const std::string savings = Key(std::string(customer) + ".savings");
  const std::string& from = kind == "checking" ? checking : savings;
  return store_.Update([&](memdb::KvTransaction& txn) {
    memdb::Result<int64_t> c = ReadBalance(txn, checking);
    if (!c.ok()) return c.status();
    memdb::Result<int64_t> s = ReadBalance(txn, savings);
    if (!s.ok()) return s.status();
    if (*c + *s < cents) return InsufficientFunds(customer);
    const int64_t left = (from == checking ? *c : *s) - cents;
    return txn.Put(from, std::to_string(left));  // writes one key: write skew under kSnapshot
  });
}

memdb::Result<int64_t> Bank::TotalDeposits() {
  int64_t total = 0;
  memdb::Status parse_error;
  memdb::Status s = store_.View([&](memdb::KvTransaction& txn) {
    total = 0;
    return txn.Scan(memdb::ScanRange::Prefix("acct/"), [&](std::string_view k, std::string_view v) {
      memdb::Result<int64_t> cents = Parse(std::string(k), std::string(v));
      if (!cents.ok()) {
        parse_error = cents.status();
        return false;
      }
      total += *cents;
      return true;
    });
  });
  if (!s.ok()) return s;
  if (!parse_error.ok()) return parse_error;
  return total;
}

}  // namespace bank
