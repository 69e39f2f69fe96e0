#!/usr/bin/env bash
# Configures and builds reasonrl into build/ (Release, Ninja). Shared by quickstart.sh and test.sh.
#   BUILD_DIR   build directory (default: build)
#   JOBS        parallel jobs (default: number of cores)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc)}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREASONRL_BUILD_TESTS=ON -DREASONRL_BUILD_BENCHMARKS=ON
cmake --build "$BUILD_DIR" -j "$JOBS"
