#include "memdb/testing/mock_kv_store.h"

#include <cstdio>
#include <cstdlib>

namespace memdb::testing {

namespace {

Db OpenFake(const Options& options) {
  Result<Db> db = Db::Open(options);
  if (!db.ok()) {
    // A constructor cannot return a Status, and a mock without its fake is useless.
    std::fprintf(stderr, "memdb::testing::MockKvStore: cannot open the fake database: %s\n",
                 db.status().ToString().c_str());
    std::abort();
  }
  return std::move(db).value();
}

Status NoAction(const char* method) {
  std::string message = "MockKvStore: no action for ";
  message.append(method).append(": call DelegateToFake() or give the expectation an action");
  return Status::InvalidArgument(message);
}

}  // namespace

MockKvStore::MockKvStore(const Options& fake_options) : fake_(OpenFake(fake_options)) {
  using ::testing::_;
  // Result<std::string> has no default value for GoogleMock to return; give every method one
  // that says what is missing instead of a crash.
  ON_CALL(*this, Get(_)).WillByDefault([](std::string_view) -> Result<std::string> {
    return NoAction("Get");
  });
  ON_CALL(*this, Put(_, _)).WillByDefault(::testing::Return(NoAction("Put")));
  ON_CALL(*this, Delete(_)).WillByDefault(::testing::Return(NoAction("Delete")));
  ON_CALL(*this, Scan(_, _)).WillByDefault(::testing::Return(NoAction("Scan")));
  ON_CALL(*this, Update(_)).WillByDefault(::testing::Return(NoAction("Update")));
  ON_CALL(*this, View(_)).WillByDefault(::testing::Return(NoAction("View")));
}

MockKvStore::~MockKvStore() = default;

void MockKvStore::DelegateToFake() {
  using ::testing::_;
  // Later ON_CALLs take precedence over the constructor's.
  ON_CALL(*this, Get(_)).WillByDefault([this](std::string_view key) { return fake_.Get(key); });
  ON_CALL(*this, Put(_, _)).WillByDefault([this](std::string_view key, std::string_view value) {
    return fake_.Put(key, value);
  });
  ON_CALL(*this, Delete(_)).WillByDefault([this](std::string_view key) {
    return fake_.Delete(key);
  });
  ON_CALL(*this, Scan(_, _))
      .WillByDefault([this](const ScanRange& range, const ScanVisitor& visit) {
        return fake_.Scan(range, visit);
      });
  ON_CALL(*this, Update(_)).WillByDefault([this](const TxnBody& body) {
    return fake_.Update(body);
  });
  ON_CALL(*this, View(_)).WillByDefault([this](const TxnBody& body) { return fake_.View(body); });
}

}  // namespace memdb::testing
