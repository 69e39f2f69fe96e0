#!/usr/bin/env bash
# From a fresh Debian 12 machine to a running model: installs the packages, builds, then runs the main job
# on the embedded default. Until the tiny training recipe lands, the main job is a forward pass and a
# greedy generation with the DeepSeek-V3-architecture fixture model (tests/data/hf_tiny_deepseek_v3).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
bash scripts/setup.sh
BUILD_DIR="$BUILD_DIR" bash scripts/build.sh

MODEL=tests/data/hf_tiny_deepseek_v3
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# The fixture's reference prompts: input_ids [2, 24] and greedy_prompt [1, 6].
python3 scripts/safetensors_tool.py extract "$MODEL/reference.safetensors" input_ids "$OUT/input.safetensors"
python3 scripts/safetensors_tool.py extract "$MODEL/reference.safetensors" greedy_prompt "$OUT/prompt.safetensors" \
  --rename input_ids

echo "== reasonrl forward"
"$BUILD_DIR/reasonrl" forward --model "$MODEL" --input "$OUT/input.safetensors" --output "$OUT/logits.safetensors"
python3 scripts/safetensors_tool.py show "$OUT/logits.safetensors"
python3 scripts/gpu/compare_logits.py "$OUT/logits.safetensors" "$MODEL/reference.safetensors" --key logits --tol 1e-4

echo "== reasonrl generate --greedy"
"$BUILD_DIR/reasonrl" generate --model "$MODEL" --input "$OUT/prompt.safetensors" --max-new-tokens 10 --greedy \
  --output "$OUT/generated.safetensors"
python3 scripts/safetensors_tool.py show "$OUT/generated.safetensors" --values
python3 scripts/gpu/compare_logits.py "$OUT/generated.safetensors" "$MODEL/reference.safetensors" \
  --key output_ids --key-b greedy_output --tol 0
