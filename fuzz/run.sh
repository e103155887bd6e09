#!/usr/bin/env bash
# Builds fuzz/ with clang (libFuzzer + ASan + UBSan) into build-fuzz/ and runs each target for
# a bounded time on a scratch copy of its seed corpus (fixtures/corpus/<target>/ is never
# written). Usage: fuzz/run.sh [seconds in total, default 60], shared equally by the targets
# (at least 10 s each), so adding a target does not lengthen CI. Every run is bounded in time per
# input (-timeout), resident memory (-rss_limit_mb) and any single allocation (-malloc_limit_mb).
# Fails on any finding; the crashing input is left in build-fuzz/artifacts/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
targets=(snapshot_fuzzer scenario_fuzzer recovery_fuzzer)
seconds=$(( ${1:-60} / ${#targets[@]} ))
[ "$seconds" -ge 10 ] || seconds=10
build="$root/build-fuzz"
cmake -S "$root/fuzz" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
mkdir -p "$build/artifacts"
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  rm -rf "$corpus" && mkdir -p "$corpus"
  echo "memdb: fuzzing $target for ${seconds}s"
  log="$build/$target.log"
  if ! "$build/$target" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
      -malloc_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$build/artifacts/" \
      "$corpus" "$root/fixtures/corpus/$target" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "memdb: $target found a failure (input in $build/artifacts/, log $log)" >&2
    exit 1
  fi
  grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb)" "$log" || tail -n 5 "$log"
done
