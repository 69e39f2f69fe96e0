#!/usr/bin/env python3
"""transformers forward throughput on CUDA, eager and torch.compile'd (the baseline for `reasonrl` benchmarks).

    python3 scripts/gpu/bench_hf_forward.py --model DIR --batch B --seq T --dtype bfloat16 --iters N \
        [--warmup 2] [--modes eager,compile] [--attn sdpa]

Prints one JSON line per mode:
  {"impl": "transformers-eager"|"transformers-compile", "tokens_per_s": ..., "ms_per_iter": ..., "compile_s": ...}
(compile_s: seconds of the first compiled call, i.e. compilation + one forward; null for eager).
A forward is model(input_ids, use_cache=False) on random ids (full logits), under torch.inference_mode.
"""

import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_common import load_model, parse_dtype  # noqa: E402


def timed(fn, iters):
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(iters):
        fn()
    torch.cuda.synchronize()
    return (time.perf_counter() - t0) / iters


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=512)
    ap.add_argument("--dtype", default="bfloat16")
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--modes", default="eager,compile")
    ap.add_argument("--attn", default="sdpa")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if not torch.cuda.is_available():
        sys.exit("CUDA is required")

    t0 = time.perf_counter()
    model = load_model(args.model, dtype=parse_dtype(args.dtype), device="cuda", attn=args.attn)
    load_s = time.perf_counter() - t0
    V = model.config.vocab_size
    g = torch.Generator().manual_seed(args.seed)
    ids = torch.randint(0, V, (args.batch, args.seq), generator=g).cuda()
    tokens = args.batch * args.seq
    common = {
        "batch": args.batch, "seq": args.seq, "dtype": args.dtype, "iters": args.iters, "attn": args.attn,
        "experts_impl": getattr(model.config, "_experts_implementation", None),
        "gpu": torch.cuda.get_device_name(0), "torch": torch.__version__,
        "params": sum(p.numel() for p in model.parameters()), "load_s": round(load_s, 2),
    }
    try:
        import transformers

        common["transformers"] = transformers.__version__
    except Exception:  # noqa: BLE001
        pass

    def make_step(m):
        def step():
            with torch.inference_mode():
                return m(input_ids=ids, use_cache=False).logits

        return step

    for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
        rec = dict(impl=f"transformers-{mode}", **common)
        try:
            if mode == "eager":
                step = make_step(model)
                compile_s = None
            elif mode == "compile":
                cm = torch.compile(model, fullgraph=False)  # mode "default"
                step = make_step(cm)
                torch.cuda.synchronize()
                t0 = time.perf_counter()
                step()
                torch.cuda.synchronize()
                compile_s = time.perf_counter() - t0
            else:
                raise ValueError(f"unknown mode {mode}")
            for _ in range(args.warmup):
                step()
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            sec = timed(step, args.iters)
            rec.update(tokens_per_s=round(tokens / sec, 1), ms_per_iter=round(sec * 1e3, 3),
                       compile_s=None if compile_s is None else round(compile_s, 2),
                       peak_mem_gib=round(torch.cuda.max_memory_allocated() / 2**30, 2))
        except Exception as e:  # noqa: BLE001
            rec.update(error=repr(e)[:500])
        print(json.dumps(rec), flush=True)


if __name__ == "__main__":
    main()
