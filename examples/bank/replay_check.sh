#!/usr/bin/env bash
# Shows that the exploration finds the write-skew bug of the snapshot-isolation bank, and that
# the seed it prints, passed back through MEMDB_SEED, replays the very same failing schedule.
#   examples/bank/replay_check.sh <path to bank_tests>
set -euo pipefail
tests="$1"
filter='DISABLED_SnapshotIsolationBug/*'
run() { "$tests" --gtest_also_run_disabled_tests --gtest_filter="$filter" 2>&1 || true; }
first="$(env -u MEMDB_SEED bash -c "$(declare -f run); tests='$tests' filter='$filter' run")"
seed="$(grep -o 'memdb seed=[0-9]*' <<<"$first" | head -1 | cut -d= -f2)"
schedule="$(grep -o 'Strategy::Replay("[^"]*")' <<<"$first" | head -1)"
if [ -z "$seed" ] || [ -z "$schedule" ]; then
  echo "FAIL: the snapshot-isolation exploration did not report a failing seed and schedule"
  echo "$first"
  exit 1
fi
again="$(MEMDB_SEED="$seed" run)"
replayed="$(grep -o 'Strategy::Replay("[^"]*")' <<<"$again" | head -1)"
if [ "$schedule" != "$replayed" ]; then
  echo "FAIL: MEMDB_SEED=$seed gave another schedule:"
  echo "  first:  $schedule"
  echo "  replay: $replayed"
  exit 1
fi
echo "OK: write skew found with seed $seed; MEMDB_SEED=$seed replays $schedule"
