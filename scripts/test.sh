#!/usr/bin/env bash
# The whole suite on a fresh Debian 12 machine: installs the packages, builds, runs every test with ctest
# (GPU tests skip themselves without a GPU). Prints the time of each phase.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

phase() {  # phase NAME COMMAND...
  local name=$1; shift
  local start=$SECONDS
  echo "== $name"
  "$@"
  echo "== $name took $((SECONDS - start)) s"
}

phase setup bash scripts/setup.sh
phase build env BUILD_DIR="$BUILD_DIR" bash scripts/build.sh
phase test ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
