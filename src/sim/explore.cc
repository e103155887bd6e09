#include "memdb/sim/explore.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <string_view>
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

Options OptionsFor(const ExploreOptions& o, uint64_t seed) {
  return Options{
      .seed = seed, .strategy = o.strategy, .reduction = o.reduction, .max_steps = o.max_steps};
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
  f.original_schedule = result.trace;
  f.original_preemptions = result.preemptions;
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

    Options opts = OptionsFor(o, o.seed);
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

// One run that follows `prefix` (fiber indices) and then never preempts.
struct PrefixRun {
  RunResult result;
  std::vector<internal::Decision> decisions;
};
PrefixRun RunPrefix(const std::vector<size_t>& prefix, const ExploreOptions& o,
                    const std::function<void(Simulation&)>& body) {
  Options opts = OptionsFor(o, o.seed);
  opts.strategy = Strategy::Exhaustive();
  Simulation sim(opts);
  SchedulerOf(sim).trail().prefix = prefix;
  PrefixRun run;
  run.result = RunBody(sim, body);
  run.decisions = std::move(SchedulerOf(sim).trail().decisions);
  return run;
}

// The fiber indices of `trace`'s tokens ("t1:get(a) t2:put(a)"), by the fibers' names.
std::vector<size_t> TraceToPrefix(const std::string& trace, const internal::Scheduler& sched) {
  std::vector<size_t> prefix;
  for (size_t pos = 0; pos < trace.size();) {
    size_t end = trace.find(' ', pos);
    if (end == std::string::npos) end = trace.size();
    const std::string_view token(trace.data() + pos, end - pos);
    prefix.push_back(sched.FiberIndex(token.substr(0, token.find(':'))));
    pos = end + 1;
  }
  return prefix;
}

// docs/deterministic-scheduling.md, "Shrinking". `prefix` replays the failure found.
void Shrink(const ExploreOptions& o, const std::function<void(Simulation&)>& body,
            std::vector<size_t> prefix, ExploreFailure* failure) {
  const FailureKind kind = failure->result.failure.kind;
  auto same_failure = [&](const RunResult& r) { return r.failure.kind == kind; };
  PrefixRun current = RunPrefix(prefix, o, body);
  ++failure->shrink_runs;
  if (!same_failure(current.result)) return;  // does not replay by indices: leave it alone
  // Truncation: cut the schedule at a preemption and go on with the fiber it preempted.
  for (bool improved = true; improved && current.result.preemptions > 0;) {
    improved = false;
    for (size_t i = current.decisions.size(); i-- > 0;) {
      const internal::Decision& d = current.decisions[i];
      if (!d.prev_ready || d.chosen == d.prev) continue;
      if (failure->shrink_runs >= o.shrink_budget) break;
      std::vector<size_t> candidate;
      for (size_t k = 0; k < i; ++k) candidate.push_back(current.decisions[k].chosen);
      candidate.push_back(d.prev);
      PrefixRun run = RunPrefix(candidate, o, body);
      ++failure->shrink_runs;
      if (same_failure(run.result)) {
        current = std::move(run);
        improved = true;
        break;
      }
    }
  }
  // Fewest preemptions first: is there a failing schedule with fewer still?
  if (current.result.preemptions > 0 && failure->shrink_runs < o.shrink_budget) {
    ExploreOptions bounded = o;
    bounded.strategy = Strategy::Exhaustive(static_cast<int>(current.result.preemptions) - 1);
    bounded.iterations = o.shrink_budget - failure->shrink_runs;
    bounded.time_budget = std::chrono::milliseconds(0);
    const ExploreReport search = ExploreExhaustive(bounded, body);
    failure->shrink_runs += search.schedules_run;
    if (search.failure && same_failure(search.failure->result)) {
      current.result = search.failure->result;
    }
  }
  failure->schedule = current.result.trace;
  failure->result = std::move(current.result);
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
    Options opts = OptionsFor(options, seeds.Next());
    if (opts.strategy.kind == StrategyKind::kPct && opts.strategy.pct_steps == 0) {
      // PCT needs k, the length of a run: take the longest seen so far.
      opts.strategy.pct_steps = longest == 0 ? 16 : longest;
    }
    Simulation sim(opts);
    RunResult result = RunBody(sim, body);
    ++report.schedules_run;
    longest = std::max(longest, result.decisions);
    if (!result.ok()) {
      std::vector<size_t> prefix = TraceToPrefix(result.trace, SchedulerOf(sim));
      report.failure = MakeFailure(i, opts, std::move(result));
      CheckDeterminism(opts, body, &*report.failure);
      if (options.shrink && report.failure->deterministic &&
          report.failure->original_preemptions > 0) {
        Shrink(options, body, std::move(prefix), &*report.failure);
      }
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
  s += "\n  replay with Strategy::Replay(\"" + f.schedule + "\")";
  if (f.schedule != f.original_schedule) {
    s += "\n  (shrunk from " + std::to_string(f.original_preemptions) + " to " +
         std::to_string(f.result.preemptions) + " preemptions in " + std::to_string(f.shrink_runs) +
         " runs; the run as found: Options{.seed = " + std::to_string(f.seed) + "} with strategy " +
         f.strategy.ToString() + ")";
  } else {
    s += ", or Options{.seed = " + std::to_string(f.seed) + "} with strategy " +
         f.strategy.ToString();
  }
  s += "\n  " + f.result.ToString();
  if (!f.deterministic) s += "\n  NOT DETERMINISTIC: " + f.divergence;
  return s;
}

}  // namespace memdb::sim
