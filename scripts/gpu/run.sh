#!/usr/bin/env bash
# One GPU-machine session for a change to model/, rollout/ or trainer/: build reasonrl against the torch
# wheel's LibTorch (CUDA + NCCL) and the carried Debian gRPC/Abseil packages, run the whole suite (the `gpu`
# label included), check checkpoints against transformers and safetensors, and benchmark beside transformers.
#
#   On this machine, once:   bash scripts/gpu/fetch_debs.sh          (Debian 12 .debs into .deps/, ignored)
#   On this machine, once:   bash scripts/gpu/pack_carry.sh           (tokenizers into .cache/carry/, ignored)
#   Device call:             bash scripts/gpu/run.sh                  (with carry [".deps", ".commit", ".cache/carry"])
# Writes $OUT/gpu-results.md (with the commit hash) and $OUT/gpu-log.txt; commit the results file as
# scripts/gpu/results/<date>-<commit>.md.
set -uo pipefail
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1 PYTHONUNBUFFERED=1
OUT=${OUT:-/tmp/gpu_out}
W=${WORK:-/tmp/gpu_work}
BENCH=${BENCH:-1}
mkdir -p "$OUT" "$W"
LOG=$OUT/gpu-log.txt
RES=$OUT/gpu-results.md
G=scripts/gpu
COMMIT=$(cat .commit 2>/dev/null || git rev-parse HEAD 2>/dev/null || echo unknown)
step() { echo; echo "### $* ($(date +%T))"; }
result() { echo "$*" >> "$RES"; }

{
  echo "# GPU results for commit $COMMIT"; echo
  echo "Made by \`bash scripts/gpu/run.sh\` on $(date -u +%Y-%m-%dT%H:%MZ)."
  echo
} > "$RES"

{
  step machine
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  python3 -c "import torch,transformers,safetensors;print('torch',torch.__version__,'transformers',transformers.__version__,'safetensors',safetensors.__version__)"
  result "Machine: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -1); $(nproc) CPU cores; $(python3 -c "import torch,transformers;print('torch',torch.__version__,'transformers',transformers.__version__)")"

  step "unpack carried Debian packages"
  DEPS=/opt/deps
  mkdir -p $DEPS
  for f in .deps/*.deb; do dpkg -x "$f" $DEPS; done
  export LD_LIBRARY_PATH=$DEPS/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-} LIBRARY_PATH=$DEPS/usr/lib/x86_64-linux-gnu
  export PATH=$DEPS/usr/bin:$PATH
  # Debian's .pc files say prefix=/usr: headers of the carried packages (gmp.h sits in the multiarch dir)
  # are found through CPATH instead.
  # The code reward's sandbox execs /usr/bin/bwrap (reward/sandbox/sandbox.h); the machine has no bubblewrap,
  # so the carried Debian one stands in for the package (a throwaway machine: this is its install).
  [ -x /usr/bin/bwrap ] || ln -s $DEPS/usr/bin/bwrap /usr/bin/bwrap
  export CPATH=$DEPS/usr/include:$DEPS/usr/include/x86_64-linux-gnu${CPATH:+:$CPATH}
  TORCH_PREFIX=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')

  step "reference tokenizers (carried as .cache/carry/tokenizers.tar.xz; the machine has no npm)"
  mkdir -p .cache && tar xJf .cache/carry/tokenizers.tar.xz -C .cache && bash scripts/fetch_tokenizers.sh

  step configure
  t0=$SECONDS
  cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DREASONRL_BUILD_TESTS=ON -DREASONRL_BUILD_BENCHMARKS=ON \
    -DCMAKE_PREFIX_PATH="$TORCH_PREFIX;$DEPS/usr" -DCMAKE_CUDA_ARCHITECTURES=90 2>&1 | tail -20
  step build
  cmake --build build-gpu -j "$(nproc)" 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\] (Building|Linking)' | tail -60
  BUILD_RC=${PIPESTATUS[0]}
  result "Build: exit $BUILD_RC in $((SECONDS - t0)) s (configure + build, -j$(nproc))."

  step "ctest (all, gpu label included)"
  ctest --test-dir build-gpu --output-on-failure -j 4 2>&1 | tail -40
  result "Whole suite: $(grep -E 'tests passed|tests failed' "$LOG" | tail -1)"
  step "gpu tests verbose"
  build-gpu/tests/model/deepseek_model_gpu_test 2>&1 | grep -E '^\[ |relative error|d logp|OK|FAILED|PASSED' | tee "$W/gpu_test.txt"
  result ""; result "GPU test output (CUDA parity with transformers, decode vs forward):"; result '```'
  grep -E 'relative error|d logp|ours vs|PASSED|FAILED' "$W/gpu_test.txt" >> "$RES"; result '```'

  step "transformers' own bf16 vs fp32 on the fixture (the floor for the bf16 figures above)"
  python3 $G/hf_forward.py --quiet --model tests/data/hf_tiny_deepseek_v3 --input tests/data/hf_tiny_deepseek_v3/reference.safetensors \
    --output $W/hf_bf16.safetensors --device cuda --dtype bfloat16
  r=$(python3 $G/compare_logits.py $W/hf_bf16.safetensors tests/data/hf_tiny_deepseek_v3/reference.safetensors --tol 1)
  echo "$r"; result ""; result "transformers bf16 (CUDA) vs its fp32 reference on hf_tiny_deepseek_v3: $r"

  step "reasonrl binary: torch + gRPC, serve rollout on CUDA"
  ldd build-gpu/reasonrl | grep -E 'torch_cuda|grpc\+\+|protobuf' | awk '{print $1}'
  if build-gpu/reasonrl serve rollout --help >/dev/null 2>&1; then
    result ""; result "reasonrl links: $(ldd build-gpu/reasonrl | grep -E 'torch_cuda|libgrpc\+\+|libprotobuf' | awk '{print $1}' | tr '\n' ' ')"
  fi

  step "checkpoint written by reasonrl, read by safetensors and transformers"
  FX=tests/data/hf_tiny_deepseek_v3
  if build-gpu/reasonrl init --help >/dev/null 2>&1; then
    build-gpu/reasonrl init --config $FX/config.json --seed 7 --output $W/fresh
    build-gpu/reasonrl convert --model $FX --output $W/resaved
    for m in fresh resaved; do
      build-gpu/reasonrl forward --model $W/$m --input $FX/reference.safetensors --output $W/$m.ours.safetensors --device cuda
      python3 $G/hf_forward.py --model $W/$m --input $FX/reference.safetensors --output $W/$m.hf.safetensors --device cuda
      r=$(python3 $G/compare_logits.py $W/$m.ours.safetensors $W/$m.hf.safetensors --tol 1e-4)
      echo "$r"; result ""; result "Checkpoint \`$m\` written by reasonrl, loaded by transformers (CUDA fp32): $r"
    done
    cmp $W/resaved/model.safetensors $FX/model.safetensors && result "Re-saved fixture is byte-identical to transformers' file."
  fi

  step "tiny tokenizer (reasonrl data tiny-tokenizer) through HF tokenizers and transformers"
  build-gpu/reasonrl data tiny-tokenizer --output-dir $W/tiny_tok && \
    r=$(python3 tests/data/datasets/check_tiny_tokenizer.py $W/tiny_tok 2>&1 | tail -3) && echo "$r" && \
    { result ""; result "Tiny tokenizer checked with tokenizers and transformers: $(echo "$r" | tr '\n' ' ')"; }

  if [ "${TOKREFS:-0}" = 1 ]; then
    step "tokenizer references (tokenizers + transformers) for tests/data/tokenizer"
    python3 $G/make_tokenizer_references.py --corpus tests/data/tokenizer/corpus.jsonl --tokenizers .cache/tokenizers \
      --out $W/tokrefs 2>&1 | grep -v -i warn
    tar cJf $OUT/tokenizer_refs.tar.xz -C $W tokrefs
  fi

  step "tokenizer benchmark: reasonrl beside HF tokenizers on this machine's CPU"
  result ""; result "Tokenizer encode throughput (\`bash scripts/gpu/bench_tokenizer.sh build-gpu\`, 4 MB of the corpus):"; result '```'
  bash $G/bench_tokenizer.sh build-gpu 2>&1 | grep '^{' | tee -a "$RES"
  result '```'

  if [ "$BENCH" = 1 ]; then
    step "benchmark: ~1B MoE, bf16, H200: transformers eager / compile vs reasonrl"
    python3 $G/make_bench_model.py --out $W/bench1b --size 1b --device cuda
    result ""; result "Forward benchmark, ~1B-parameter MoE (benchmarks/configs/moe_1b.json, random bf16 weights), B=4, T=512:"; result '```'
    python3 $G/bench_hf_forward.py --model $W/bench1b --batch 4 --seq 512 --dtype bfloat16 --iters 20 2>&1 | grep '^{' | tee -a "$RES"
    build-gpu/benchmarks/forward_benchmark --model $W/bench1b --device cuda --dtype bfloat16 --batch 4 --seq 512 \
      --iters 20 --train 2>&1 | grep '^{' | tee -a "$RES"
    result '```'
  fi
} 2>&1 | tee "$LOG"
echo "results in $RES"
