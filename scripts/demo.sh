#!/usr/bin/env bash
# Builds memdb and runs the quickstart demo (snapshot isolation, step by step).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/deps.sh"
build="$root/build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" --target quickstart
"$build/examples/quickstart"
