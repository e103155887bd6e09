#include "memdb/sim/explore.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>
#include <vector>

#include "memdb/util/random.h"
#include "sim/scheduler.h"

namespace memdb::sim {

internal::Scheduler& SchedulerOf(Simulation& sim);

namespace {

// Runs the body once on `sim`; returns the result including failures found after Run.
RunResult RunBody(Simulation& sim, const std::function<void(Simulation&)>& body) {
  try {
    body(sim);
    if (!SchedulerOf(sim).ran()) {
      sim.Run();
    }
  } catch (const std::exception& e) {
    sim.Fail(std::string("the body threw: ") + e.what());
  } catch (...) {
    sim.Fail("the body threw an exception not derived from std::exception");
  }
  return sim.result();
}

bool OverBudget(const ExploreOptions& o, std::chrono::steady_clock::time_point start) {
  return o.time_budget.count() > 0 && std::chrono::steady_clock::now() - start >= o.time_budget;
}

ExploreFailure MakeFailure(uint64_t iteration, const Options& opts, RunResult result) {
  ExploreFailure f;
  f.iteration = iteration;
  f.seed = opts.seed;
  f.strategy = opts.strategy;
  f.schedule = result.trace;
  f.result = std::move(result);
  return f;
}

// CHESS-style iterative context bounding: prefixes wait in one bucket per preemption count;
// the lowest non-empty bucket is explored depth-first. Each prefix is run once and extends to
// one complete schedule by default choices; every decision taken by default then spawns one
// prefix per alternative. Each schedule is therefore run exactly once.
ExploreReport ExploreExhaustive(const ExploreOptions& o,
                                const std::function<void(Simulation&)>& body) {
  ExploreReport report;
  const auto start = std::chrono::steady_clock::now();
  const int bound = o.strategy.preemption_bound;
  std::vector<std::vector<std::vector<size_t>>> buckets(1);
  buckets[0].push_back({});
  for (;;) {
    size_t b = 0;
    while (b < buckets.size() && buckets[b].empty()) {
      ++b;
    }
    if (b == buckets.size()) {
      report.exhausted = true;
      return report;
    }
    if (report.schedules_run >= o.iterations || OverBudget(o, start)) {
      return report;
    }
    std::vector<size_t> prefix = std::move(buckets[b].back());
    buckets[b].pop_back();

    Options opts{o.seed, o.strategy, o.max_steps};
    Simulation sim(opts);
    internal::ExhaustiveTrail& trail = SchedulerOf(sim).trail();
    trail.prefix = prefix;
    const size_t fixed = prefix.size();
    RunResult result = RunBody(sim, body);
    ++report.schedules_run;
    if (!result.ok()) {
      // A search prefix is not a seed: the schedule string is what replays it.
      opts.strategy = Strategy::Replay(result.trace);
      report.failure = MakeFailure(report.schedules_run - 1, opts, std::move(result));
      return report;
    }
    uint64_t preemptions = 0;
    std::vector<size_t> choices;
    for (size_t i = 0; i < trail.decisions.size(); ++i) {
      const internal::Decision& d = trail.decisions[i];
      if (i >= fixed) {
        for (size_t alt : d.ready) {
          if (alt == d.chosen) {
            continue;
          }
          const uint64_t cost = preemptions + (d.prev_ready && alt != d.prev ? 1 : 0);
          if (bound >= 0 && cost > static_cast<uint64_t>(bound)) {
            continue;
          }
          if (buckets.size() <= cost) {
            buckets.resize(cost + 1);
          }
          std::vector<size_t> next = choices;
          next.push_back(alt);
          buckets[cost].push_back(std::move(next));
        }
      }
      choices.push_back(d.chosen);
      preemptions += d.prev_ready && d.chosen != d.prev ? 1 : 0;
    }
  }
}

// Runs the failing schedule again and compares the traces decision by decision.
void CheckDeterminism(const Options& opts, const std::function<void(Simulation&)>& body,
                      ExploreFailure* failure) {
  Simulation again(opts);
  const RunResult second = RunBody(again, body);
  if (second.trace == failure->result.trace) return;
  failure->deterministic = false;
  auto split = [](const std::string& trace) {
    std::vector<std::string> steps;
    for (size_t pos = 0; pos < trace.size();) {
      size_t end = trace.find(' ', pos);
      if (end == std::string::npos) end = trace.size();
      steps.push_back(trace.substr(pos, end - pos));
      pos = end + 1;
    }
    return steps;
  };
  const std::vector<std::string> a = split(failure->result.trace);
  const std::vector<std::string> b = split(second.trace);
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  auto at = [](const std::vector<std::string>& steps, size_t k) {
    return k < steps.size() ? "'" + steps[k] + "'" : std::string("the end of the run");
  };
  failure->divergence = "the same seed gave a different schedule: decision #" +
                        std::to_string(i + 1) + " was " + at(a, i) + " in the failing run and " +
                        at(b, i) +
                        " when run again -- the body depends on something besides "
                        "the schedule (time, addresses, state kept between runs)";
}

}  // namespace

ExploreReport Explore(const ExploreOptions& options, const std::function<void(Simulation&)>& body) {
  if (options.strategy.kind == StrategyKind::kExhaustive) {
    return ExploreExhaustive(options, body);
  }
  ExploreReport report;
  const auto start = std::chrono::steady_clock::now();
  Random seeds(options.seed);
  uint64_t longest = 0;
  for (uint64_t i = 0; i < options.iterations && !OverBudget(options, start); ++i) {
    Options opts{seeds.Next(), options.strategy, options.max_steps};
    if (opts.strategy.kind == StrategyKind::kPct && opts.strategy.pct_steps == 0) {
      // PCT needs k, the length of a run: take the longest seen so far.
      opts.strategy.pct_steps = longest == 0 ? 16 : longest;
    }
    Simulation sim(opts);
    RunResult result = RunBody(sim, body);
    ++report.schedules_run;
    longest = std::max(longest, result.decisions);
    if (!result.ok()) {
      report.failure = MakeFailure(i, opts, std::move(result));
      CheckDeterminism(opts, body, &*report.failure);
      return report;
    }
  }
  return report;
}

std::string ExploreReport::ToString() const {
  std::string s = "explored " + std::to_string(schedules_run) + " schedules";
  if (exhausted) {
    s += " (all of them)";
  }
  if (!failure.has_value()) {
    return s + ", no failure";
  }
  const ExploreFailure& f = *failure;
  s += "; schedule #" + std::to_string(f.iteration) + " failed: " + f.result.failure.ToString();
  s += "\n  replay with Options{.seed = " + std::to_string(f.seed) + "} and strategy " +
       f.strategy.ToString() + ", or Strategy::Replay(\"" + f.schedule + "\")";
  s += "\n  " + f.result.ToString();
  if (!f.deterministic) s += "\n  NOT DETERMINISTIC: " + f.divergence;
  return s;
}

}  // namespace memdb::sim
