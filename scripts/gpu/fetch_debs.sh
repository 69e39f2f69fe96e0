#!/usr/bin/env bash
# Downloads the Debian 12 packages the GPU build links and the GPU machine lacks (gRPC, Abseil, RE2, c-ares)
# into .deps/ (git-ignored), to be carried to the GPU machine (scripts/gpu/run.sh unpacks them there).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .deps
cd .deps
apt-get download libgrpc++1.51 libgrpc29 libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libabsl20220623 \
  libabsl-dev libre2-9 libre2-dev libc-ares2 libc-ares-dev
ls -la
