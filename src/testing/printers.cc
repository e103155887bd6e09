#include "memdb/testing/printers.h"

#include "memdb/testing/kv_state.h"

namespace memdb {

void PrintTo(const Status& status, std::ostream* os) { *os << status.ToString(); }

void PrintTo(IsolationLevel level, std::ostream* os) { *os << IsolationLevelName(level); }

void PrintTo(const Db& db, std::ostream* os) {
  // Reading is logically const: Db's read methods are non-const only because KvStore's are.
  Result<testing::KvState> state = testing::ReadState(const_cast<Db&>(db));
  if (!state.ok()) {
    *os << "Db (unreadable: " << state.status() << ")";
    return;
  }
  *os << "Db with " << state->size() << (state->size() == 1 ? " key " : " keys ")
      << testing::DescribeState(*state);
}

void PrintTo(const Snapshot& snapshot, std::ostream* os) {
  *os << "Snapshot";
  if (snapshot.metadata.commit_timestamp != 0) {
    *os << " at ts " << snapshot.metadata.commit_timestamp;
  }
  const size_t n = snapshot.entries.size();
  *os << " with " << n << (n == 1 ? " key " : " keys ") << testing::DescribeState(snapshot.entries);
}

}  // namespace memdb
