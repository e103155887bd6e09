// Write skew, explored: two doctors each go off call if the other is still on call. Under
// kSnapshot some schedule lets both go (the classic anomaly), and the history oracle names it;
// under kSerializable no schedule may, and the oracle finds nothing in any history.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/sim/database.h"
#include "memdb/sim/explore.h"
#include "memdb/sim/simulation.h"
#include "support/test_support.h"

namespace memdb::test {
namespace {

void OnCallBody(sim::Simulation& simulation, IsolationLevel isolation) {
  Options options;
  options.default_isolation = isolation;
  Db db = Db::Open(options).value();
  if (!db.Put("alice", "on").ok() || !db.Put("bob", "on").ok()) simulation.Fail("setup failed");
  sim::ScheduledDatabase scheduled(db);
  for (const auto& [me, other] : {std::pair{"alice", "bob"}, std::pair{"bob", "alice"}}) {
    simulation.Spawn(me, [&db, me = std::string(me), other = std::string(other)] {
      Txn txn = db.Begin();
      if (txn.Get(other).value_or("") == "on") {
        txn.Put(me, "off").IgnoreError();
        txn.Commit().IgnoreError();  // a conflict leaves me on call
      }
    });
  }
  simulation.Run();
  // Checked against serializability: under kSnapshot the oracle names what SI lets through.
  const std::vector<sim::Anomaly> anomalies = scheduled.CheckHistory(IsolationLevel::kSerializable);
  if (!anomalies.empty()) {
    simulation.Fail(anomalies.front().ToString());
  } else if (db.Get("alice").value() == "off" && db.Get("bob").value() == "off") {
    simulation.Fail("both doctors went off call, but the history oracle found no anomaly:\n" +
                    scheduled.history().ToString());
  }
}

TEST(WriteSkewTest, SnapshotIsolationAllowsItAndExplorationFindsIt) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  sim::ExploreOptions options;
  options.seed = seed;
  options.iterations = 1000;
  const sim::ExploreReport report =
      sim::Explore(options, [](sim::Simulation& s) { OnCallBody(s, IsolationLevel::kSnapshot); });
  ASSERT_FALSE(report.ok()) << "no schedule showed write skew under kSnapshot";
  const std::string& message = report.failure->result.failure.message;
  EXPECT_TRUE(message.starts_with("write skew between ")) << report.ToString();
  EXPECT_NE(message.find("alice(txn "), std::string::npos) << report.ToString();
  EXPECT_NE(message.find("bob(txn "), std::string::npos) << report.ToString();
}

TEST(WriteSkewTest, SerializableNeverAllowsItInAnyExploredSchedule) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  sim::ExploreOptions exhaustive;
  exhaustive.strategy = sim::Strategy::Exhaustive();
  exhaustive.iterations = 1000000;
  const sim::ExploreReport all = sim::Explore(
      exhaustive, [](sim::Simulation& s) { OnCallBody(s, IsolationLevel::kSerializable); });
  EXPECT_TRUE(all.ok()) << all.ToString();
  EXPECT_TRUE(all.exhausted) << all.ToString();
  sim::ExploreOptions random;
  random.seed = seed;
  random.iterations = 10000;
  const sim::ExploreReport sampled = sim::Explore(
      random, [](sim::Simulation& s) { OnCallBody(s, IsolationLevel::kSerializable); });
  EXPECT_TRUE(sampled.ok()) << sampled.ToString();
  EXPECT_EQ(sampled.schedules_run, 10000u);
}

}  // namespace
}  // namespace memdb::test
