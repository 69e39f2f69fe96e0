#!/usr/bin/env bash
# Packs what the GPU machine needs and cannot fetch (it has no npm) into .cache/carry/ (git-ignored): the
# reference tokenizers from scripts/fetch_tokenizers.sh, xz-compressed (34 MB of JSON → ~4 MB). R1's is
# derived again there from V3's.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/fetch_tokenizers.sh
mkdir -p .cache/carry
tar cJf .cache/carry/tokenizers.tar.xz.tmp -C .cache tokenizers/deepseek_v3 tokenizers/qwen3 tokenizers/llama3
mv .cache/carry/tokenizers.tar.xz.tmp .cache/carry/tokenizers.tar.xz
ls -la .cache/carry
