#!/usr/bin/env bash
# Builds memdb and runs its test suite with ctest.
#   scripts/test.sh                     the whole suite, RelWithDebInfo (build/)
#   scripts/test.sh --sanitize=address  the whole suite under ASan+UBSan (build-asan/)
#   scripts/test.sh --sanitize=thread   the concurrency tests under TSan (build-tsan/)
# Randomized tests print their seed on failure; MEMDB_SEED=<seed> replays one.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sanitize=""
for arg in "$@"; do
  case "$arg" in
    --sanitize=address|--sanitize=thread) sanitize="${arg#--sanitize=}" ;;
    *) echo "usage: scripts/test.sh [--sanitize=address|--sanitize=thread]" >&2; exit 2 ;;
  esac
done
"$root/scripts/deps.sh"

case "$sanitize" in
  address) build="$root/build-asan" ;;
  thread) build="$root/build-tsan" ;;
  *) build="$root/build" ;;
esac
jobs="$(nproc 2>/dev/null || echo 2)"
echo "memdb: configuring $build (sanitizer: ${sanitize:-none})"
# Sanitizer builds skip the examples (the plain build runs them, also against the installed
# package); the TSan build compiles only the test binaries that hold Concurrency suites.
# They also compile at -O1 with line tables only (-g1): stack traces keep file:line, and the
# build takes about 60% of the time -O2 -g does (366 s instead of 635 s for ASan on 2 cores).
examples=ON
flags=()
if [ -n "$sanitize" ]; then
  examples=OFF
  flags=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG")
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEMDB_SANITIZE="$sanitize" \
  -DMEMDB_BUILD_TESTS=ON -DMEMDB_BUILD_EXAMPLES="$examples" "${flags[@]}"
targets=()
if [ "$sanitize" = "thread" ]; then
  for dir in $(grep -l Concurrency "$root"/tests/*/*.cc | xargs -n1 dirname | sort -u); do
    targets+=(--target "memdb_$(basename "$dir")_tests")
  done
fi
cmake --build "$build" -j "$jobs" "${targets[@]}"

filter=()
if [ "$sanitize" = "thread" ]; then
  filter=(-R Concurrency)
  export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
elif [ "$sanitize" = "address" ]; then
  export ASAN_OPTIONS="detect_leaks=1 abort_on_error=1 ${ASAN_OPTIONS:-}"
  export UBSAN_OPTIONS="print_stacktrace=1 halt_on_error=1 ${UBSAN_OPTIONS:-}"
fi
ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 600 "${filter[@]}"
# The libFuzzer targets (snapshot loaders, scenario parser, recovery of whole directories), for a
# bounded time shared by them (fuzz/run.sh).
if [ -z "$sanitize" ]; then "$root/fuzz/run.sh" "${MEMDB_FUZZ_SECONDS:-60}"; fi

# A downstream project against the *installed* package: install into a prefix inside the build
# directory, then configure, build and test examples/ on its own with find_package(memdb).
if [ -z "$sanitize" ]; then
  prefix="$build/install-prefix"
  rm -rf "$prefix" "$build/examples-installed"
  cmake --install "$build" --prefix "$prefix" >/dev/null
  cmake -S "$root/examples" -B "$build/examples-installed" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH="$prefix"
  cmake --build "$build/examples-installed" -j "$jobs"
  ctest --test-dir "$build/examples-installed" --output-on-failure -j "$jobs" --timeout 600

  # A consumer of the engine alone, with Boost and GoogleTest hidden from CMake: a plain
  # find_package(memdb) configures, memdb::memdb builds and links without them; asking for
  # memdb::testing there fails at configure time, naming what is missing.
  hidden=(-DCMAKE_DISABLE_FIND_PACKAGE_Boost=ON -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON)
  consumer="$build/engine-only-installed"
  rm -rf "$consumer"
  cmake -S "$root/tests/install/engine_only" -B "$consumer" -G Ninja \
    -DCMAKE_PREFIX_PATH="$prefix" "${hidden[@]}" >/dev/null
  cmake --build "$consumer" -j "$jobs"
  ctest --test-dir "$consumer" --output-on-failure
  probe="$build/testing-without-gtest"
  rm -rf "$probe" && mkdir -p "$probe"
  printf 'cmake_minimum_required(VERSION 3.20)\nproject(p LANGUAGES CXX)\nfind_package(memdb CONFIG REQUIRED COMPONENTS testing)\n' >"$probe/CMakeLists.txt"
  if cmake -S "$probe" -B "$probe/build" -DCMAKE_PREFIX_PATH="$prefix" "${hidden[@]}" >"$probe/log" 2>&1 ||
     ! grep -q "not found" "$probe/log"; then
    echo "memdb: find_package(memdb COMPONENTS testing) without Boost/GoogleTest should fail clearly:" >&2
    cat "$probe/log" >&2
    exit 1
  fi
fi
