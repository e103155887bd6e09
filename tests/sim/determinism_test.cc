// The determinism self-check: a failing seed is run twice; if the traces differ the report
// names the first diverging decision instead of handing out a seed that does not replay.
#include <gtest/gtest.h>

#include <string>

#include "memdb/sim/explore.h"
#include "memdb/sim/simulation.h"

namespace memdb::test {
namespace {

TEST(DeterminismCheckTest, DeterministicFailureIsMarkedDeterministic) {
  sim::ExploreOptions options;
  options.iterations = 10;
  const sim::ExploreReport report = sim::Explore(options, [](sim::Simulation& s) {
    s.Spawn("t1", [] { sim::Point("a"); });
    s.Spawn("t2", [] { sim::Point("b"); });
    s.Run();
    s.Fail("always");
  });
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(report.failure->deterministic) << report.ToString();
}

TEST(DeterminismCheckTest, BodyDependingOnStateBetweenRunsIsReported) {
  int runs = 0;  // state kept between runs: the second run of a seed takes another path
  sim::ExploreOptions options;
  options.iterations = 10;
  const sim::ExploreReport report = sim::Explore(options, [&runs](sim::Simulation& s) {
    const std::string step = ++runs % 2 == 1 ? "odd" : "even";
    s.Spawn("t1", [step] { sim::Point(step); });
    s.Run();
    s.Fail("always");
  });
  ASSERT_FALSE(report.ok());
  EXPECT_FALSE(report.failure->deterministic);
  EXPECT_NE(report.failure->divergence.find("decision #1 was 't1:odd'"), std::string::npos)
      << report.failure->divergence;
  EXPECT_NE(report.ToString().find("NOT DETERMINISTIC"), std::string::npos);
}

}  // namespace
}  // namespace memdb::test
