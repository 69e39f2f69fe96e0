#!/usr/bin/env bash
# Tokenizer encode throughput on this machine's CPU: reasonrl (benchmarks/tokenizer_benchmark) beside Hugging
# Face tokenizers (scripts/gpu/bench_hf_tokenizer.py) on the same text, one tokenizer after another, with 1, 2
# and 16 threads. Usage: bash scripts/gpu/bench_tokenizer.sh BUILD_DIR [TOKENIZER_NAME ...]
# Prints JSON lines; BENCHMARKS.md keeps the table.
set -euo pipefail
BUILD=${1:?build dir}; shift
names=("$@"); [ ${#names[@]} -gt 0 ] || names=(deepseek_v3 qwen3 llama3)
CORPUS=tests/data/tokenizer/corpus.jsonl
for name in "${names[@]}"; do
  tj=.cache/tokenizers/$name/tokenizer.json
  "$BUILD/benchmarks/tokenizer_benchmark" --tokenizer "$tj" --corpus $CORPUS --min-mb 4 --threads 1,2,16
  for t in 1 2 16; do
    python3 scripts/gpu/bench_hf_tokenizer.py --tokenizer "$tj" --corpus $CORPUS --min-mb 4 --threads $t
  done
done
