// The history oracle on hand-built histories: each anomaly is named with its transactions,
// and histories that the promised isolation allows pass.
#include "memdb/sim/history.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace memdb::test {
namespace {

using sim::HistoryOp;
using sim::HistoryTxn;

// Builds one transaction: Read("x", 0) reads the initial version, Write("y"), Commit(ts).
class TxnBuilder {
 public:
  TxnBuilder(std::string fiber, uint64_t id, uint64_t snapshot, bool serializable = false) {
    txn_.fiber = std::move(fiber);
    txn_.id = id;
    txn_.snapshot = snapshot;
    txn_.serializable = serializable;
  }
  TxnBuilder& Read(const std::string& key, uint64_t version) {
    txn_.ops.push_back({.kind = HistoryOp::Kind::kRead, .key = key, .version = version});
    return *this;
  }
  TxnBuilder& Write(const std::string& key) {
    txn_.ops.push_back({.kind = HistoryOp::Kind::kWrite, .key = key});
    return *this;
  }
  TxnBuilder& Scan(const std::string& begin, const std::string& end) {
    txn_.ops.push_back({.kind = HistoryOp::Kind::kScan, .key = begin, .end = end, .has_end = true});
    return *this;
  }
  HistoryTxn Commit(uint64_t timestamp) {
    txn_.outcome = HistoryTxn::Outcome::kCommitted;
    txn_.commit_timestamp = timestamp;
    return txn_;
  }
  HistoryTxn Abort() {
    txn_.outcome = HistoryTxn::Outcome::kAborted;
    return txn_;
  }

 private:
  HistoryTxn txn_;
};

std::string Names(const std::vector<sim::Anomaly>& anomalies) {
  std::string out;
  for (const sim::Anomaly& a : anomalies) out += a.ToString() + "\n";
  return out;
}

// Both doctors read the other's row at the initial version and write their own.
sim::History WriteSkewHistory(bool serializable) {
  return {{TxnBuilder("alice", 1, 2, serializable).Read("bob", 2).Write("alice").Commit(3),
           TxnBuilder("bob", 2, 2, serializable).Read("alice", 1).Write("bob").Commit(4)}};
}

TEST(HistoryOracleTest, WriteSkewIsNamedWhenCheckedAgainstSerializable) {
  const std::vector<sim::Anomaly> found =
      sim::CheckHistory(WriteSkewHistory(false), IsolationLevel::kSerializable);
  ASSERT_EQ(found.size(), 1u) << Names(found);
  EXPECT_EQ(found[0].name, "write skew");
  EXPECT_EQ(found[0].transactions, (std::vector<std::string>{"alice(txn 1)", "bob(txn 2)"}));
  EXPECT_NE(found[0].explanation.find("alice(txn 1) read bob before bob(txn 2) wrote it (rw)"),
            std::string::npos)
      << found[0].explanation;
}

TEST(HistoryOracleTest, WriteSkewPassesUnderThePromisedSnapshotIsolation) {
  EXPECT_TRUE(sim::CheckHistory(WriteSkewHistory(false)).empty());
}

TEST(HistoryOracleTest, WriteSkewFailsWhenTheTransactionsWerePromisedSerializable) {
  const std::vector<sim::Anomaly> found = sim::CheckHistory(WriteSkewHistory(true));
  ASSERT_EQ(found.size(), 1u) << Names(found);
  EXPECT_EQ(found[0].name, "write skew");
}

TEST(HistoryOracleTest, LostUpdateIsForbiddenEvenUnderSnapshotIsolation) {
  const sim::History history{
      {TxnBuilder("t1", 1, 1).Read("counter", 1).Write("counter").Commit(2),
       TxnBuilder("t2", 2, 1).Read("counter", 1).Write("counter").Commit(3)}};
  const std::vector<sim::Anomaly> found = sim::CheckHistory(history);
  ASSERT_EQ(found.size(), 1u) << Names(found);
  EXPECT_EQ(found[0].name, "lost update") << Names(found);
  EXPECT_EQ(found[0].ToString().substr(0, 36), "lost update between t1(txn 1) and t2")
      << found[0].ToString();
}

TEST(HistoryOracleTest, ReadSkewIsNamed) {
  // Read-only t1 reads x before t2's commit and y after it: it saw part of t2.
  const sim::History history{{TxnBuilder("t1", 1, 1).Read("x", 1).Read("y", 3).Commit(0),
                              TxnBuilder("t2", 2, 1).Write("x").Write("y").Commit(3)}};
  const std::vector<sim::Anomaly> found = sim::CheckHistory(history);
  ASSERT_EQ(found.size(), 1u) << Names(found);
  EXPECT_EQ(found[0].name, "read skew");
}

TEST(HistoryOracleTest, NonRepeatableReadIsNamed) {
  const sim::History history{{TxnBuilder("t1", 1, 1).Read("x", 1).Read("x", 2).Commit(0),
                              TxnBuilder("t2", 2, 1).Write("x").Commit(2)}};
  const std::vector<sim::Anomaly> found = sim::CheckHistory(history);
  ASSERT_EQ(found.size(), 1u) << Names(found);
  EXPECT_EQ(found[0].name, "non-repeatable read");
}

TEST(HistoryOracleTest, ReadOfAnAbortedWriteIsNamed) {
  const sim::History history{
      {TxnBuilder("t1", 1, 1).Write("x").Abort(), TxnBuilder("t2", 2, 1).Read("x", 2).Commit(0)}};
  const std::vector<sim::Anomaly> found = sim::CheckHistory(history);
  ASSERT_EQ(found.size(), 1u) << Names(found);
  EXPECT_EQ(found[0].name, "aborted read");
}

TEST(HistoryOracleTest, PhantomWriteSkewThroughAScanIsFound) {
  // t1 scans [a, c) and writes z; t2 read z at the initial version and inserts b into the range.
  const sim::History history{{TxnBuilder("t1", 1, 1).Scan("a", "c").Write("z").Commit(2),
                              TxnBuilder("t2", 2, 1).Read("z", 0).Write("b").Commit(3)}};
  EXPECT_TRUE(sim::CheckHistory(history).empty());
  const std::vector<sim::Anomaly> found = sim::CheckHistory(history, IsolationLevel::kSerializable);
  ASSERT_EQ(found.size(), 1u) << Names(found);
  EXPECT_EQ(found[0].name, "write skew");
}

TEST(HistoryOracleTest, SerialHistoryHasNoAnomaly) {
  const sim::History history{{TxnBuilder("t1", 1, 1, true).Read("x", 1).Write("x").Commit(2),
                              TxnBuilder("t2", 2, 2, true).Read("x", 2).Write("x").Commit(3),
                              TxnBuilder("t3", 3, 3, true).Scan("a", "z").Write("y").Commit(4)}};
  EXPECT_TRUE(sim::CheckHistory(history).empty()) << Names(sim::CheckHistory(history));
  EXPECT_EQ(history.ToString(),
            "t1(txn 1) @1: r(x)=1 w(x) commit@2\n"
            "t2(txn 2) @2: r(x)=2 w(x) commit@3\n"
            "t3(txn 3) @3: scan[a,z) w(y) commit@4\n");
}

}  // namespace
}  // namespace memdb::test
