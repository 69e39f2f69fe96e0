#!/usr/bin/env bash
# Downloads the Debian 12 packages the GPU build links and the GPU machine lacks (gRPC, Abseil, RE2, c-ares, PCRE2,
# utf8proc, MPFR, GMP, Boost headers, libseccomp, bubblewrap)
# into .deps/ (git-ignored), to be carried to the GPU machine (scripts/gpu/run.sh unpacks them there).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .deps
cd .deps
apt-get download libgrpc++1.51 libgrpc29 libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libabsl20220623 \
  libabsl-dev libre2-9 libre2-dev libc-ares2 libc-ares-dev \
  libpcre2-dev libpcre2-8-0 libpcre2-16-0 libpcre2-32-0 libpcre2-posix3 libutf8proc-dev libutf8proc2 \
  libmpfr-dev libmpfr6 libgmp-dev libgmp10 libgmpxx4ldbl libboost1.74-dev libseccomp-dev libseccomp2 bubblewrap
ls -la
