#!/usr/bin/env bash
# Builds the benchmarks (Release) in build-bench/ and runs one suite, then prints the markdown
# tables (bench/ratios.py).
#
#   bench/run.sh                                  # memdb_bench, 1,000,000 keys (5-10 minutes)
#   MEMDB_BENCH_KEYS=100000 bench/run.sh          # a quick run
#   bench/run.sh --benchmark_filter='point_get'   # extra flags go to the binary
#   bench/run.sh durable                          # memdb_durable_bench (about 3 minutes)
#   MEMDB_BENCH_DIR=/mnt/nvme/x bench/run.sh durable   # durable stores on another disk
#
# Environment: MEMDB_BENCH_BUILD_DIR (default <repo>/build-bench), MEMDB_BENCH_OUT (JSON
# output, default <build>/memdb_bench.json or <build>/memdb_durable_bench.json),
# MEMDB_BENCH_MIN_TIME (seconds per repetition, default 0.5; durable: 1),
# MEMDB_BENCH_REPETITIONS (default 5; durable: 6; the tables use the median and the best),
# MEMDB_BENCH_RUNS (default 1: how many times to run the binary after one build; with N > 1 the
# JSON files are <out>.1 ... <out>.N and the tables pool all their repetitions).
# Durable suite only: MEMDB_BENCH_DIR (where the stores and logs live, default
# <build>/durable-tmp -- it must be on the disk to measure, not a tmpfs), MEMDB_BENCH_REPLAY_MIB
# (replayed log sizes, default "64,256").
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
build="${MEMDB_BENCH_BUILD_DIR:-$root/build-bench}"

suite=memdb_bench
default_min_time=0.5
default_repetitions=5
if [[ "${1:-}" == "durable" ]]; then
  shift
  suite=memdb_durable_bench
  default_min_time=1
  default_repetitions=6
fi
out="${MEMDB_BENCH_OUT:-$build/$suite.json}"
min_time="${MEMDB_BENCH_MIN_TIME:-$default_min_time}"
repetitions="${MEMDB_BENCH_REPETITIONS:-$default_repetitions}"

generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DMEMDB_BUILD_BENCH=ON -DMEMDB_BUILD_TESTS=OFF
cmake --build "$build" --target "$suite"

# The source the binary was built from (others may be editing src/ while benchmarks run).
rev="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$root" status --porcelain -- src include 2>/dev/null)" ]]; then
  rev="$rev+uncommitted-src"
fi

if [[ "$suite" == memdb_durable_bench ]]; then
  dir="${MEMDB_BENCH_DIR:-$build/durable-tmp}"
  mkdir -p "$dir"
  echo "durable stores in $dir: $(stat -f -c %T "$dir") ($(df -P "$dir" | awk 'NR==2 {print $1}'))"
fi

# Repetitions are interleaved at random across benchmarks, so a burst of load from another
# process on the machine spreads over all stores instead of hitting one of them.
runs="${MEMDB_BENCH_RUNS:-1}"
outs=()
for ((i = 1; i <= runs; i++)); do
  run_out="$out"
  if ((runs > 1)); then run_out="$out.$i"; fi
  "$build/bench/$suite" \
    --benchmark_min_time="$min_time" \
    --benchmark_repetitions="$repetitions" \
    --benchmark_enable_random_interleaving=true \
    --benchmark_context="memdb_bench.git=$rev" \
    --benchmark_out="$run_out" --benchmark_out_format=json \
    "$@"
  outs+=("$run_out")
done

echo
echo "JSON: ${outs[*]}"
python3 "$here/ratios.py" "${outs[@]}"
