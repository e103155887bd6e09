#!/usr/bin/env bash
# Installs the Debian 12 packages memdb needs to build and test, when any is missing.
# Usage: scripts/deps.sh [extra-package...]
set -euo pipefail

packages=(g++ cmake ninja-build pkg-config libgtest-dev libgmock-dev libbenchmark-dev
          libcereal-dev libboost-fiber-dev libboost-context-dev
          clang libclang-rt-14-dev  # fuzz/: libFuzzer
          "$@")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "memdb: installing missing Debian packages: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "memdb: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q || echo "memdb: apt-get update failed; trying the cached package lists"
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
