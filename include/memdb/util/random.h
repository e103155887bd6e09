// Random: a small, portable, seeded PRNG (xoshiro256**, seeded through splitmix64).
//
// Unlike std::uniform_int_distribution or std::shuffle, every function here gives the same
// sequence for the same seed on every standard library and platform, so a seed printed by a
// failing test replays the failure anywhere. Not for cryptography.
//
// Thread safety: none; give each thread (or fiber) its own Random.
#ifndef MEMDB_UTIL_RANDOM_H_
#define MEMDB_UTIL_RANDOM_H_

#include <cstdint>
#include <string>

namespace memdb {

class Random {
 public:
  explicit Random(uint64_t seed);

  uint64_t seed() const { return seed_; }
  // The next 64 uniformly distributed bits.
  uint64_t Next();
  // Uniform in [0, n); n must be > 0. Unbiased (Lemire's multiply-and-reject method).
  uint64_t Uniform(uint64_t n);
  // Uniform in [lo, hi]; requires lo <= hi.
  int64_t Range(int64_t lo, int64_t hi);
  // True with probability p (0 <= p <= 1).
  bool Bernoulli(double p);
  // A double uniformly distributed in [0, 1).
  double NextDouble();
  // n random bytes drawn from [a-z0-9].
  std::string AlphaNumeric(size_t n);

  // A seed that differs between runs (time and address entropy), for randomized tests that
  // print the seed they used; pass it to the constructor to replay.
  static uint64_t FreshSeed();

 private:
  uint64_t seed_;
  uint64_t s_[4];
};

}  // namespace memdb

#endif  // MEMDB_UTIL_RANDOM_H_
