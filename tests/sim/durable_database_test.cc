// A durable database driven by simulation fibers: group commit waits park fibers (so several
// committers share one log append and sync inside one thread), every schedule finishes
// without a deadlock, and every acknowledged commit survives a crash of the simulated disk.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/sim/database.h"
#include "memdb/sim/explore.h"
#include "memdb/sim/simulation.h"
#include "support/db_options.h"
#include "support/test_support.h"

namespace memdb::test {
namespace {

TEST(DurableDatabaseUnderFibersTest, GroupCommitWaitsOnFibersAndAcknowledgedCommitsSurvive) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  uint64_t grouped_runs = 0;
  uint64_t runs_with_waits = 0;
  const sim::ExploreReport report =
      sim::Explore({.iterations = 300, .seed = seed}, [&](sim::Simulation& simulation) {
        auto disk = std::make_shared<SimFileSystem>();
        std::vector<std::string> acknowledged;
        uint64_t commits = 0;
        uint64_t groups = 0;
        {
          Db db = sim::OpenDatabase(DurableOptions(disk)).value();
          sim::ScheduledDatabase scheduled(db);
          for (const char* name : {"t1", "t2", "t3"}) {
            simulation.Spawn(name, [&db, &acknowledged, name] {
              Txn txn = db.Begin();
              txn.Put(name, "done").IgnoreError();
              if (txn.Commit().ok()) acknowledged.emplace_back(name);
            });
          }
          const sim::RunResult r = simulation.Run();
          if (!r.ok()) return;  // Explore reports it
          runs_with_waits += r.trace.find("monitor") != std::string::npos ? 1 : 0;
          commits = db.GetStats().commits;
          groups = db.GetStats().commit_groups;
        }
        if (acknowledged.size() != 3) simulation.Fail("a commit failed");
        grouped_runs += groups < commits ? 1 : 0;
        disk->Crash();
        Db reopened = Db::Open(DurableOptions(disk)).value();
        for (const std::string& key : acknowledged) {
          if (!reopened.Get(key).ok()) simulation.Fail("acknowledged commit " + key + " lost");
        }
      });
  EXPECT_TRUE(report.ok()) << report.ToString();
  EXPECT_EQ(report.schedules_run, 300u);
  // Some schedules let committers queue behind a leader: they waited as fibers, and shared a
  // group.
  EXPECT_GT(runs_with_waits, 0u);
  EXPECT_GT(grouped_runs, 0u);
}

TEST(DurableDatabaseUnderFibersTest, ScheduleReplaysWithTheCommitPath) {
  auto body = [](sim::Simulation& simulation) {
    auto disk = std::make_shared<SimFileSystem>();
    Db db = sim::OpenDatabase(DurableOptions(disk)).value();
    sim::ScheduledDatabase scheduled(db);
    for (const char* name : {"t1", "t2"}) {
      simulation.Spawn(name, [&db, name] {
        Txn txn = db.Begin();
        txn.Put("k", name).IgnoreError();
        txn.Commit().IgnoreError();
      });
    }
    simulation.Run();
  };
  sim::Simulation first({.seed = 77});
  body(first);
  ASSERT_TRUE(first.result().ok()) << first.result().ToString();
  EXPECT_NE(first.result().trace.find("persist"), std::string::npos) << first.result().trace;
  sim::Simulation again({.seed = 1, .strategy = sim::Strategy::Replay(first.result().trace)});
  body(again);
  EXPECT_EQ(again.result().trace, first.result().trace);
  EXPECT_FALSE(again.result().diverged_at.has_value()) << again.result().divergence;
}

}  // namespace
}  // namespace memdb::test
