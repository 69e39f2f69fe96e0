"""Small helpers shared by the transformers reference scripts in scripts/gpu/.

These scripts run on the GPU machine (torch + transformers installed), never in CI.
They only smooth over API differences between transformers versions (v4 `torch_dtype`
vs v5 `dtype`, attention implementation selection, ...).
"""

import json
import os

import torch

DTYPES = {
    "float32": torch.float32,
    "fp32": torch.float32,
    "bfloat16": torch.bfloat16,
    "bf16": torch.bfloat16,
    "float16": torch.float16,
    "fp16": torch.float16,
}


def parse_dtype(name):
    try:
        return DTYPES[name]
    except KeyError:
        raise SystemExit(f"unknown dtype {name!r}; use one of {sorted(DTYPES)}")


def model_class_for(model_dir):
    """Returns the transformers CausalLM class named by config.json's model_type."""
    import transformers

    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    mt = cfg.get("model_type")
    if mt == "deepseek_v3":
        return transformers.DeepseekV3ForCausalLM
    if mt == "deepseek_v2":
        return transformers.DeepseekV2ForCausalLM
    return transformers.AutoModelForCausalLM


def load_model(model_dir, dtype=torch.float32, device="cpu", attn="eager"):
    """from_pretrained with the v5 `dtype=` keyword (falls back to v4 `torch_dtype=`)."""
    cls = model_class_for(model_dir)
    kwargs = {}
    if attn:
        kwargs["attn_implementation"] = attn
    try:
        model = cls.from_pretrained(model_dir, dtype=dtype, **kwargs)
    except TypeError:
        model = cls.from_pretrained(model_dir, torch_dtype=dtype, **kwargs)
    # Only move: from_pretrained already applied `dtype` (and keeps modules transformers wants in fp32).
    model = model.to(device=device)
    model.eval()
    return model


def set_eager_attention(model):
    """Best effort: switch a model built from a config to eager attention."""
    try:
        model.set_attn_implementation("eager")
        return "eager"
    except Exception:  # older/newer API
        pass
    try:
        model.config._attn_implementation = "eager"
        return "eager(config)"
    except Exception:
        return "default"


def describe_safetensors(path, out=print):
    """Opens a safetensors file with safetensors.safe_open and lists names, dtypes, shapes."""
    from safetensors import safe_open

    with safe_open(path, framework="pt") as f:
        keys = list(f.keys())
        meta = f.metadata()
        out(f"safe_open({path}): {len(keys)} tensors, metadata={meta}")
        for k in keys:
            sl = f.get_slice(k)
            out(f"  {k}: {sl.get_dtype()} {list(sl.get_shape())}")
    return keys
