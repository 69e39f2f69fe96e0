#!/usr/bin/env python3
"""The transformers twin of `reasonrl forward`: logits of a saved checkpoint for given input ids.

    python3 scripts/gpu/hf_forward.py --model DIR --input IN.safetensors --output OUT.safetensors \
        [--device cpu|cuda] [--dtype float32|bfloat16] [--attn eager|sdpa]

Reads `input_ids` (int64 [B, T]) from IN, loads DIR (config.json + model.safetensors, e.g. written by our C++
code) with transformers, and writes `logits` (float32 [B, T, V]) to OUT. Before loading it opens every
*.safetensors file of DIR with `safetensors.safe_open` and lists tensor names, dtypes and shapes, which shows
that Python's safetensors reads the file.
"""

import argparse
import glob
import os
import sys

import torch
from safetensors.torch import load_file, save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_common import describe_safetensors, load_model, parse_dtype  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--attn", default="eager", help="attention implementation (eager, sdpa, ...)")
    ap.add_argument("--quiet", action="store_true", help="do not list the tensors")
    args = ap.parse_args()

    files = sorted(glob.glob(os.path.join(args.model, "*.safetensors")))
    if not files:
        sys.exit(f"no *.safetensors in {args.model}")
    for f in files:
        describe_safetensors(f, out=(lambda s: None) if args.quiet else print)
    if args.quiet:
        print(f"safe_open read {len(files)} file(s) in {args.model}")

    ids = load_file(args.input)["input_ids"].to(torch.int64)
    dtype = parse_dtype(args.dtype)
    model = load_model(args.model, dtype=dtype, device=args.device, attn=args.attn)
    with torch.no_grad():
        logits = model(input_ids=ids.to(args.device), use_cache=False).logits.float().cpu().contiguous()
    save_file({"input_ids": ids.contiguous(), "logits": logits}, args.output)
    print(f"{type(model).__name__} {args.dtype} on {args.device}: input_ids {list(ids.shape)} -> logits "
          f"{list(logits.shape)} written to {args.output}")


if __name__ == "__main__":
    main()
