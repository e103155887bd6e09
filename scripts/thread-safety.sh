#!/usr/bin/env bash
# The lock annotations' check: compiles every source file of the engine layers (util io wal
# mvcc snapshot db) with clang's thread-safety analysis, syntax only, warnings as errors. A
# member marked GUARDED_BY touched without its lock, or a REQUIRES function called without it,
# fails here (src/util/thread_annotations.h says what the annotations mean). Fast: no code is
# generated and nothing is linked. Checks every file, names each one that warned, and exits
# non-zero if any did.
#
#   scripts/thread-safety.sh            # all engine layers
#   scripts/thread-safety.sh src/mvcc   # some folders or files only
set -euo pipefail
cd "$(dirname "$0")/.."

CXX=${MEMDB_CLANGXX:-}
if [[ -z "$CXX" ]]; then
  for candidate in clang++-14 clang++; do
    if command -v "$candidate" >/dev/null; then CXX=$candidate; break; fi
  done
fi
if [[ -z "$CXX" ]]; then
  echo "thread-safety: clang++ not found (Debian: apt-get install clang-14)" >&2
  exit 2
fi

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  targets=(src/util src/io src/wal src/mvcc src/snapshot src/db)
fi
mapfile -t files < <(find "${targets[@]}" -name '*.cc' | sort)

# One clang per file, as many at once as there are cores; xargs fails if any of them warned.
check_one='"$0" -fsyntax-only -std=c++20 -Wthread-safety -Werror -Iinclude -Isrc \
  -DMEMDB_VERSION=\"0\" "$1" || { echo "thread-safety: $1" >&2; exit 1; }'
if ! printf '%s\0' "${files[@]}" |
    xargs -0 -n 1 -P "$(nproc 2>/dev/null || echo 2)" sh -c "$check_one" "$CXX"; then
  echo "thread-safety: FAILED (see the warnings above)" >&2
  exit 1
fi
echo "thread-safety: ${#files[@]} files checked, no warnings"
