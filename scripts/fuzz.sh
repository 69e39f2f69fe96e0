#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan, reasonrl_text instrumented) in
# build-fuzz/ and runs each for a given number of seconds on one core, starting from its committed corpus.
# New inputs go to build-fuzz/fuzz-work/<target>/new/; with --merge they are then minimised into the
# committed corpus (tests/fuzz/corpus/<target>/) with libFuzzer's -merge=1. Crashes are written as
# build-fuzz/fuzz-work/<target>/crash-<sha1> and make the script fail.
#
# Usage: scripts/fuzz.sh [--merge] [SECONDS_PER_TARGET (default 60)] [TARGET ...]
#   e.g. scripts/fuzz.sh --merge 600 safetensors_header
set -euo pipefail
cd "$(dirname "$0")/.."

merge=0
if [[ "${1:-}" == "--merge" ]]; then merge=1; shift; fi
seconds="${1:-60}"
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(safetensors_header tokenizer_load tokenizer_encode latex_expression countdown_expression)
fi

bash scripts/fetch_tokenizers.sh  # tokenizer_encode fuzzes the four real tokenizers
# ASan's quarantine would otherwise hold GBs for the tokenizer_load target's many short-lived tables.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=32}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DREASONRL_FUZZ_ONLY=ON -DREASONRL_BUILD_FUZZERS=ON -DREASONRL_BUILD_TESTS=OFF
cmake --build build-fuzz --target "${targets[@]/%/_fuzzer}"

root="$(pwd)"
for target in "${targets[@]}"; do
  fuzzer="${root}/build-fuzz/tests/fuzz/${target}_fuzzer"
  corpus="${root}/tests/fuzz/corpus/${target}"
  work="${root}/build-fuzz/fuzz-work/${target}"
  dict="${root}/tests/fuzz/${target}.dict"
  dict_args=()
  if [[ -f "${dict}" ]]; then dict_args=("-dict=${dict}"); fi
  mkdir -p "${work}/new"
  echo "== ${target}: ${seconds}s"
  # -jobs=1: one fuzzing process, logging to fuzz-0.log in its working directory ${work}.
  (cd "${work}" && "${fuzzer}" -jobs=1 -max_total_time="${seconds}" -max_len=4096 -timeout=30 \
     -rss_limit_mb=3072 -malloc_limit_mb=3072 -print_final_stats=1 -artifact_prefix="${work}/" "${dict_args[@]}" \
     "${work}/new" "${corpus}")
  tail -n 25 "${work}/fuzz-0.log"
  if compgen -G "${work}/crash-*" >/dev/null || compgen -G "${work}/leak-*" >/dev/null ||
     compgen -G "${work}/timeout-*" >/dev/null || compgen -G "${work}/oom-*" >/dev/null; then
    echo "${target}: the fuzzer found failing inputs in ${work}" >&2
    exit 1
  fi
  if [[ ${merge} -eq 1 ]]; then
    # -use_counters=0: keep an input only for new edges, not new hit counts, so the corpus stays small.
    "${fuzzer}" -merge=1 -use_counters=0 -max_len=4096 "${corpus}" "${work}/new"
  fi
done
