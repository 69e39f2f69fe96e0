#!/usr/bin/env python3
"""Writes a random DeepSeek-V3-style checkpoint for benchmarks (not a test fixture; never committed).

    python3 scripts/gpu/make_bench_model.py --out DIR --size 1b|100m [--dtype bfloat16] [--device cuda|cpu]
    python3 scripts/gpu/make_bench_model.py --size 1b --count-only      # print parameter counts, needs no torch

1b  : ~1.01 B total / ~0.29 B active parameters (hidden 1536, 12 layers, 32 routed experts of width 512, top 4)
100m: ~0.10 B total / ~0.06 B active (hidden 512, 10 layers, 16 routed experts of width 256, top 4) -- CPU bench
Weights: transformers' own random init (initializer_range 0.02), saved with save_pretrained in --dtype.
"""

import argparse
import json
import sys

CONFIGS = {
    "1b": dict(
        vocab_size=32000,
        hidden_size=1536,
        intermediate_size=4096,
        moe_intermediate_size=512,
        num_hidden_layers=12,
        num_attention_heads=12,
        num_key_value_heads=12,
        q_lora_rank=512,
        kv_lora_rank=256,
        qk_nope_head_dim=64,
        qk_rope_head_dim=32,
        v_head_dim=64,
        n_routed_experts=32,
        num_experts_per_tok=4,
        n_group=4,
        topk_group=2,
        n_shared_experts=1,
        first_k_dense_replace=1,
        routed_scaling_factor=2.5,
        norm_topk_prob=True,
    ),
    "100m": dict(
        vocab_size=32000,
        hidden_size=512,
        intermediate_size=1408,
        moe_intermediate_size=256,
        num_hidden_layers=10,
        num_attention_heads=8,
        num_key_value_heads=8,
        q_lora_rank=192,
        kv_lora_rank=128,
        qk_nope_head_dim=32,
        qk_rope_head_dim=16,
        v_head_dim=32,
        n_routed_experts=16,
        num_experts_per_tok=4,
        n_group=4,
        topk_group=2,
        n_shared_experts=1,
        first_k_dense_replace=1,
        routed_scaling_factor=2.5,
        norm_topk_prob=True,
    ),
}
COMMON = dict(
    hidden_act="silu",
    max_position_embeddings=4096,
    rms_norm_eps=1e-6,
    tie_word_embeddings=False,
    bos_token_id=0,
    eos_token_id=1,
    rope_interleave=True,
    num_nextn_predict_layers=0,
    initializer_range=0.02,
)


def count_params(c):
    """Total and active (per token) parameter counts of a DeepSeek-V3 layout, from the config alone."""
    d, H = c["hidden_size"], c["num_attention_heads"]
    qk = c["qk_nope_head_dim"] + c["qk_rope_head_dim"]
    if c.get("q_lora_rank"):
        q = d * c["q_lora_rank"] + c["q_lora_rank"] + c["q_lora_rank"] * H * qk
    else:
        q = d * H * qk
    attn = (q + d * (c["kv_lora_rank"] + c["qk_rope_head_dim"]) + c["kv_lora_rank"]
            + c["kv_lora_rank"] * H * (c["qk_nope_head_dim"] + c["v_head_dim"]) + H * c["v_head_dim"] * d)
    expert = 3 * d * c["moe_intermediate_size"]
    dense = 3 * d * c["intermediate_size"]
    router = c["n_routed_experts"] * d
    L, k = c["num_hidden_layers"], c["first_k_dense_replace"]
    emb = 2 * c["vocab_size"] * d + d  # embed + lm_head + final norm
    base = emb + L * (attn + 2 * d) + k * dense
    total = base + (L - k) * ((c["n_routed_experts"] + c["n_shared_experts"]) * expert + router)
    active = base + (L - k) * ((c["num_experts_per_tok"] + c["n_shared_experts"]) * expert + router)
    return total, active


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out")
    ap.add_argument("--size", choices=sorted(CONFIGS), required=True)
    ap.add_argument("--dtype", default="bfloat16")
    ap.add_argument("--device", default=None, help="where to build (default: cuda if available)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--count-only", action="store_true")
    args = ap.parse_args()

    spec = dict(COMMON, **CONFIGS[args.size])
    total, active = count_params(spec)
    if args.count_only or not args.out:
        print(json.dumps({"size": args.size, "total_params": total, "active_params": active}))
        return

    import os
    import time

    import torch
    import transformers

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from hf_common import parse_dtype

    dev = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(args.seed)
    t0 = time.time()
    try:
        cfg = transformers.DeepseekV3Config(rope_parameters={"rope_type": "default", "rope_theta": 10000.0}, **spec)
    except TypeError:
        cfg = transformers.DeepseekV3Config(rope_theta=10000.0, **spec)
    with torch.device(dev):
        model = transformers.DeepseekV3ForCausalLM(cfg)
    model = model.to(parse_dtype(args.dtype))
    n_model = sum(p.numel() for p in model.parameters())
    model.save_pretrained(args.out)
    print(json.dumps({
        "size": args.size, "out": args.out, "dtype": args.dtype, "built_on": dev,
        "total_params": total, "active_params": active, "total_params_counted_from_model": n_model,
        "seconds": round(time.time() - t0, 1),
    }))
    if n_model != total:
        print(f"note: formula total {total} != model total {n_model} (difference {n_model - total})")


if __name__ == "__main__":
    main()
