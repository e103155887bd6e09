// The strategies: each is a small policy choosing among the runnable fibers (see
// docs/deterministic-scheduling.md, "Strategies", for the guarantees).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <utility>

#include "sim/scheduler.h"

namespace memdb::sim::internal {
namespace {

size_t IndexOf(const Fiber* f, const std::vector<Fiber*>& ready) {
  for (size_t i = 0; i < ready.size(); ++i) {
    if (ready[i] == f) {
      return i;
    }
  }
  return ready.size();
}

class RandomWalk final : public StrategyImpl {
 public:
  RandomWalk(double p, Random* rng) : p_(p), rng_(rng) {}

  size_t Choose(const Fiber* prev, const std::vector<Fiber*>& ready, uint64_t) override {
    if (ready.size() == 1) {
      return 0;
    }
    const size_t mine = IndexOf(prev, ready);
    if (mine == ready.size()) {
      return static_cast<size_t>(rng_->Uniform(ready.size()));
    }
    if (!rng_->Bernoulli(p_)) {
      return mine;
    }
    // Uniform among the others.
    const size_t j = static_cast<size_t>(rng_->Uniform(ready.size() - 1));
    return j < mine ? j : j + 1;
  }

 private:
  double p_;
  Random* rng_;
};

// Burckhardt, Kothari, Musuvathi, Nagarakatte: "A Randomized Scheduler with Probabilistic
// Guarantees of Finding Bugs" (ASPLOS 2010). Fibers get distinct random priorities d..d+n-1;
// the highest-priority runnable fiber always runs; at the i-th of d-1 random change points
// (steps drawn from [0, k)) the fiber that just ran drops to priority i.
class Pct final : public StrategyImpl {
 public:
  Pct(int depth, uint64_t steps, Random* rng)
      : d_(depth < 1 ? 1 : static_cast<uint64_t>(depth)), k_(steps == 0 ? 16 : steps), rng_(rng) {}

  void Start(const std::vector<Fiber*>& fibers) override {
    n_ = fibers.size();
    std::vector<uint64_t> prio(n_);
    for (size_t i = 0; i < n_; ++i) {
      prio[i] = d_ + i;
    }
    for (size_t i = n_; i > 1; --i) {  // Fisher-Yates with our PRNG
      std::swap(prio[i - 1], prio[static_cast<size_t>(rng_->Uniform(i))]);
    }
    for (size_t i = 0; i < n_; ++i) {
      fibers[i]->priority = prio[i];
    }
    for (uint64_t i = 1; i < d_ && change_.size() < k_; ++i) {
      uint64_t at;
      do {
        at = rng_->Uniform(k_);
      } while (std::find(change_.begin(), change_.end(), at) != change_.end());
      change_.push_back(at);
    }
  }

  size_t Choose(const Fiber*, const std::vector<Fiber*>& ready, uint64_t step) override {
    size_t best = 0;
    for (size_t i = 1; i < ready.size(); ++i) {
      if (ready[i]->priority > ready[best]->priority) {
        best = i;
      }
    }
    for (size_t i = 0; i < change_.size(); ++i) {
      if (change_[i] == step) {
        ready[best]->priority = i + 1;  // below every initial priority (>= d)
      }
    }
    return best;
  }

  void Finish(RunResult& result) override {
    result.pct_bound = 1.0 / (static_cast<double>(n_ == 0 ? 1 : n_) *
                              std::pow(static_cast<double>(k_), static_cast<double>(d_ - 1)));
  }

 private:
  uint64_t d_;
  uint64_t k_;
  Random* rng_;
  size_t n_ = 0;
  std::vector<uint64_t> change_;
};

// One schedule of a depth-first search: follows the trail's prefix, then the default choice
// (go on with the fiber that ran last if it can, else the first runnable fiber in spawn
// order), recording every decision so Explore can branch off it.
class Exhaustive final : public StrategyImpl {
 public:
  explicit Exhaustive(ExhaustiveTrail* trail) : trail_(trail) {}

  size_t Choose(const Fiber* prev, const std::vector<Fiber*>& ready, uint64_t step) override {
    Decision d;
    for (const Fiber* f : ready) {
      d.ready.push_back(f->index);
    }
    const size_t mine = IndexOf(prev, ready);
    d.prev_ready = mine < ready.size();
    d.prev = d.prev_ready ? prev->index : 0;
    size_t pick = d.prev_ready ? mine : 0;
    if (step < trail_->prefix.size()) {
      const size_t want = trail_->prefix[step];
      size_t found = ready.size();
      for (size_t i = 0; i < ready.size(); ++i) {
        if (ready[i]->index == want) {
          found = i;
        }
      }
      if (found == ready.size() && !trail_->nondeterministic) {
        trail_->nondeterministic = true;
        trail_->nondeterminism = "decision " + std::to_string(step) + " of a recorded prefix " +
                                 "chose fiber #" + std::to_string(want) +
                                 ", which is not runnable now: the body is not deterministic";
      } else {
        pick = found;
      }
    }
    d.chosen = ready[pick]->index;
    trail_->decisions.push_back(std::move(d));
    return pick;
  }

 private:
  ExhaustiveTrail* trail_;
};

class Replay final : public StrategyImpl {
 public:
  Replay(const std::string& schedule, Random* rng) : fallback_(0.5, rng) {
    size_t i = 0;
    while (i < schedule.size()) {
      while (i < schedule.size() && std::isspace(static_cast<unsigned char>(schedule[i]))) {
        ++i;
      }
      size_t j = i;
      while (j < schedule.size() && !std::isspace(static_cast<unsigned char>(schedule[j]))) {
        ++j;
      }
      if (j > i) {
        tokens_.push_back(schedule.substr(i, j - i));
      }
      i = j;
    }
  }

  size_t Choose(const Fiber* prev, const std::vector<Fiber*>& ready, uint64_t step) override {
    if (!diverged_) {
      if (step < tokens_.size()) {
        for (size_t i = 0; i < ready.size(); ++i) {
          if (tokens_[step] == ready[i]->name + ":" + ready[i]->step) {
            return i;
          }
        }
        std::string available;
        for (const Fiber* f : ready) {
          available += (available.empty() ? "" : " ") + f->name + ":" + f->step;
        }
        Diverge(step, "expected " + tokens_[step] + ", runnable: " + available);
      } else {
        Diverge(step, "the schedule ended after " + std::to_string(tokens_.size()) +
                          " steps but the run goes on");
      }
    }
    return fallback_.Choose(prev, ready, step);
  }

  void Finish(RunResult& result) override {
    if (!diverged_ && result.decisions < tokens_.size() && result.ok()) {
      Diverge(result.decisions, "the run ended after " + std::to_string(result.decisions) +
                                    " steps but the schedule has " +
                                    std::to_string(tokens_.size()));
    }
    if (diverged_) {
      result.diverged_at = at_;
      result.divergence = why_;
    }
  }

 private:
  void Diverge(uint64_t at, std::string why) {
    diverged_ = true;
    at_ = at;
    why_ = std::move(why);
  }

  std::vector<std::string> tokens_;
  RandomWalk fallback_;
  bool diverged_ = false;
  uint64_t at_ = 0;
  std::string why_;
};

}  // namespace

std::unique_ptr<StrategyImpl> MakeStrategy(const Options& options, Random* rng,
                                           ExhaustiveTrail* trail) {
  const Strategy& s = options.strategy;
  switch (s.kind) {
    case StrategyKind::kRandomWalk:
      return std::make_unique<RandomWalk>(s.switch_probability, rng);
    case StrategyKind::kPct:
      return std::make_unique<Pct>(s.pct_depth, s.pct_steps, rng);
    case StrategyKind::kExhaustive:
      return std::make_unique<Exhaustive>(trail);
    case StrategyKind::kReplay:
      return std::make_unique<Replay>(s.schedule, rng);
  }
  return std::make_unique<RandomWalk>(0.5, rng);
}

}  // namespace memdb::sim::internal
