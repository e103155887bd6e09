#!/usr/bin/env bash
# Builds memdb_bench (Release) in build-bench/ and runs the full comparison (about 5-10 minutes
# on a 2-core machine), then prints the markdown table.
#
#   bench/run.sh                                  # 1,000,000 keys
#   MEMDB_BENCH_KEYS=100000 bench/run.sh          # a quick run
#   bench/run.sh --benchmark_filter='point_get'   # extra flags go to the binary
#
# Environment: MEMDB_BENCH_BUILD_DIR (default <repo>/build-bench), MEMDB_BENCH_OUT (JSON
# output, default <build>/memdb_bench.json), MEMDB_BENCH_MIN_TIME (seconds per repetition,
# default 0.5), MEMDB_BENCH_REPETITIONS (default 5; the table uses the median and the best).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
build="${MEMDB_BENCH_BUILD_DIR:-$root/build-bench}"
out="${MEMDB_BENCH_OUT:-$build/memdb_bench.json}"
min_time="${MEMDB_BENCH_MIN_TIME:-0.5}"
repetitions="${MEMDB_BENCH_REPETITIONS:-5}"

generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DMEMDB_BUILD_BENCH=ON -DMEMDB_BUILD_TESTS=OFF
cmake --build "$build" --target memdb_bench

# Repetitions are interleaved at random across benchmarks, so a burst of load from another
# process on the machine spreads over all stores instead of hitting one of them.
"$build/bench/memdb_bench" \
  --benchmark_min_time="$min_time" \
  --benchmark_repetitions="$repetitions" \
  --benchmark_enable_random_interleaving=true \
  --benchmark_out="$out" --benchmark_out_format=json \
  "$@"

echo
echo "JSON: $out"
python3 "$here/ratios.py" "$out"
