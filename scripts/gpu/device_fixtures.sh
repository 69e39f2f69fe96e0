#!/bin/bash
# One GPU-machine session: builds the tests/data fixtures with transformers, records transformers facts,
# exercises hf_forward.py / compare_logits.py on them, makes the bench models and runs a short benchmark.
# Usage (on the GPU machine, from the repo root):  OUT=/some/dir bash scripts/gpu/device_fixtures.sh
# Results in $OUT: fixtures.tar.gz (one folder per fixture), facts.txt, hf_src.tar.gz, device_log.txt.
set -u
export PYTHONUNBUFFERED=1 NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
OUT=${OUT:-/tmp/fixtures_out}
W=${WORK:-/tmp/fxwork}
BENCH=${BENCH:-1}
mkdir -p "$OUT"
rm -rf "$W" && mkdir -p "$W"
G=scripts/gpu
FX=$W/fixtures
step() { echo; echo "### $* ($(date +%T))"; }
{
  step versions
  python3 -c "import sys,torch,transformers,safetensors; print(sys.version.split()[0], torch.__version__, transformers.__version__, safetensors.__version__, torch.cuda.is_available() and torch.cuda.get_device_name(0))"

  step make_fixtures
  python3 $G/make_fixtures.py --out "$FX" --facts "$OUT/facts.txt" --src-tar "$OUT/hf_src.tar.gz"
  echo "make_fixtures rc=$?"
  tar czf "$OUT/fixtures.tar.gz" -C "$FX" . && ls -la "$FX"/* && du -sh "$FX"

  step "hf_forward on grad_v3 (CPU fp32) vs its reference logits"
  python3 $G/hf_forward.py --model "$FX/grad_v3" --input "$FX/grad_v3/reference.safetensors" --output "$W/grad_cpu.safetensors"
  python3 $G/compare_logits.py "$W/grad_cpu.safetensors" "$FX/grad_v3/reference.safetensors" --tol 1e-5; echo "rc=$?"

  step "hf_forward on bf16_v3 (CUDA bf16) vs logits_bf16 and vs fp32 logits"
  python3 $G/hf_forward.py --quiet --model "$FX/bf16_v3" --input "$FX/bf16_v3/reference.safetensors" --output "$W/bf16_cuda.safetensors" --device cuda --dtype bfloat16
  python3 $G/compare_logits.py "$W/bf16_cuda.safetensors" "$FX/bf16_v3/reference.safetensors" --key logits --key-b logits_bf16 --tol 1e-6; echo "rc=$?"
  python3 $G/compare_logits.py "$W/bf16_cuda.safetensors" "$FX/bf16_v3/reference.safetensors" --tol 1e-4; echo "rc=$? (expected FAIL: bf16 vs fp32)"
  python3 $G/compare_logits.py "$W/bf16_cuda.safetensors" "$FX/bf16_v3/reference.safetensors" --tol 5e-2; echo "rc=$?"

  step "hf_forward on the hub-form YaRN config"
  python3 $G/hf_forward.py --quiet --model "$FX/v3_yarn_hub_config" --input "$FX/v3_yarn_hub_config/reference.safetensors" --output "$W/yarn_cpu.safetensors"
  python3 $G/compare_logits.py "$W/yarn_cpu.safetensors" "$FX/v3_yarn_hub_config/reference.safetensors" --tol 1e-5; echo "rc=$?"

  if [ "$BENCH" = 1 ]; then
    step "make_bench_model 100m (CPU)"
    python3 $G/make_bench_model.py --size 100m --out "$W/bench100m" --device cpu; du -sh "$W/bench100m"; rm -rf "$W/bench100m"
    step "make_bench_model 1b (CUDA)"
    python3 $G/make_bench_model.py --size 1b --out "$W/bench1b" --device cuda; du -sh "$W/bench1b"
    step "bench_hf_forward 1b"
    timeout 150 python3 $G/bench_hf_forward.py --model "$W/bench1b" --batch 4 --seq 512 --dtype bfloat16 --iters 5 --warmup 1
    echo "bench rc=$?"
  fi
  step done
} 2>&1 | tee "$OUT/device_log.txt"
