#!/usr/bin/env python3
"""Builds the Hugging Face transformers reference fixtures that the C++ tests read from tests/data/.

Run on a machine with torch + transformers (the GPU machine; CUDA is only needed for `bf16_v3`):

    python3 scripts/gpu/make_fixtures.py --out DIR [--facts FACTS.txt] [--src-tar SRC.tar.gz] [--only NAME,...]

Each fixture is DIR/<name>/ with
  config.json, model.safetensors   -- from save_pretrained (random tiny model, float32)
  reference.safetensors            -- input_ids [2,T] int64, logits [2,T,V] float32,
                                      greedy_prompt [1,6] int64, greedy_output [1,16] int64, plus extras
                                      (see tests/data/README.md).
Everything is float32 on the CPU with fixed seeds, except the CUDA tensors of `bf16_v3`.
The reference logits are computed from the model *re-loaded* from the saved directory (what the C++ code reads),
and the script asserts that they match the in-memory model.

It also writes FACTS.txt: versions, source lines of transformers' DeepSeek-V2/V3 code (scaling, mscale, rope,
routing) and runtime checks of those facts.
"""

import argparse
import copy
import inspect
import json
import math
import os
import re
import shutil
import sys
import tarfile
import tempfile
import traceback

import torch
import torch.nn.functional as F

import transformers
from safetensors.torch import load_file, save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_common import describe_safetensors, load_model, set_eager_attention  # noqa: E402

FACTS = []


def fact(line=""):
    print(line, flush=True)
    FACTS.append(str(line))


# ----------------------------------------------------------------------------------------------------------------
# Fixture definitions
# ----------------------------------------------------------------------------------------------------------------

BASE = dict(
    vocab_size=512,
    hidden_size=64,
    intermediate_size=128,
    moe_intermediate_size=32,
    num_attention_heads=4,
    num_key_value_heads=4,
    qk_nope_head_dim=16,
    qk_rope_head_dim=8,
    v_head_dim=16,
    kv_lora_rank=16,
    rms_norm_eps=1e-6,
    hidden_act="silu",
    initializer_range=0.02,
    attention_bias=False,
    attention_dropout=0.0,
    tie_word_embeddings=False,
    bos_token_id=0,
    eos_token_id=1,
    pad_token_id=None,
    use_cache=True,
)

DEFAULT_ROPE = dict(rope_type="default", rope_theta=10000.0)

# Same shape as /work/shared/fixtures/hf_tiny_deepseek_v3/config.json
TINY_V3 = dict(
    BASE,
    num_hidden_layers=3,
    first_k_dense_replace=1,
    q_lora_rank=32,
    n_routed_experts=8,
    n_group=2,
    topk_group=1,
    num_experts_per_tok=2,
    n_shared_experts=1,
    routed_scaling_factor=2.5,
    norm_topk_prob=True,
    rope_interleave=True,
    max_position_embeddings=256,
    num_nextn_predict_layers=1,
    pretraining_tp=1,
    rope=DEFAULT_ROPE,
)

V3_YARN = dict(
    TINY_V3,
    rope=dict(
        rope_type="yarn",
        rope_theta=10000.0,
        factor=4.0,
        original_max_position_embeddings=16,
        beta_fast=32.0,
        beta_slow=1.0,
        mscale=0.9,
        mscale_all_dim=0.7,
    ),
)
# Hub form written into config.json afterwards (ints where the real V3 config has ints).
V3_YARN_HUB_ROPE_SCALING = {
    "type": "yarn",
    "factor": 4,
    "original_max_position_embeddings": 16,
    "beta_fast": 32,
    "beta_slow": 1,
    "mscale": 0.9,
    "mscale_all_dim": 0.7,
}
V3_HUB_EXTRA_KEYS = {"scoring_func": "sigmoid", "topk_method": "noaux_tc", "moe_layer_freq": 1, "ep_size": 1}

V3_MULTIGROUP = dict(
    BASE,
    num_hidden_layers=3,
    first_k_dense_replace=1,
    q_lora_rank=None,
    n_routed_experts=16,
    n_group=4,
    topk_group=2,
    num_experts_per_tok=4,
    n_shared_experts=2,
    routed_scaling_factor=2.5,
    norm_topk_prob=True,
    rope_interleave=True,
    max_position_embeddings=256,
    num_nextn_predict_layers=0,
    rope=DEFAULT_ROPE,
)

V2_SOFTMAX_GREEDY = dict(
    BASE,
    num_hidden_layers=3,
    first_k_dense_replace=1,
    q_lora_rank=None,
    n_routed_experts=8,
    n_group=1,
    topk_group=1,
    num_experts_per_tok=2,
    n_shared_experts=2,
    topk_method="greedy",
    norm_topk_prob=False,
    routed_scaling_factor=1.0,
    max_position_embeddings=64,  # = factor * original_max_position_embeddings, as in real V2 checkpoints
    rope=dict(
        rope_type="yarn",
        rope_theta=10000.0,
        factor=4.0,
        original_max_position_embeddings=16,
        beta_fast=32.0,
        beta_slow=1.0,
        mscale=0.707,
        mscale_all_dim=0.707,
    ),
)

V2_GROUP_LIMITED = dict(
    BASE,
    num_hidden_layers=3,
    first_k_dense_replace=1,
    q_lora_rank=32,
    n_routed_experts=16,
    n_group=4,
    topk_group=2,
    num_experts_per_tok=4,
    n_shared_experts=2,
    topk_method="group_limited_greedy",
    norm_topk_prob=True,
    routed_scaling_factor=16.0,
    max_position_embeddings=256,
    rope=DEFAULT_ROPE,
)

FIXTURES = [
    # name, model_type, spec, T, seed, options
    ("v3_yarn_hub_config", "deepseek_v3", V3_YARN, 48, 1001, {"hub_form": True}),
    ("v3_no_q_lora_multigroup", "deepseek_v3", V3_MULTIGROUP, 24, 1002, {}),
    ("v2_softmax_greedy", "deepseek_v2", V2_SOFTMAX_GREEDY, 40, 1003, {}),
    ("v2_group_limited", "deepseek_v2", V2_GROUP_LIMITED, 24, 1004, {}),
    ("grad_v3", "deepseek_v3", TINY_V3, 16, 1005, {"grad": True}),
    ("bf16_v3", "deepseek_v3", TINY_V3, 16, 1005, {"cuda": True}),
]

WEIGHT_STD = 0.2
NORM_STD = 0.1
BIAS_STD = 0.1


# ----------------------------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------------------------


def config_class(model_type):
    return transformers.DeepseekV3Config if model_type == "deepseek_v3" else transformers.DeepseekV2Config


def model_class(model_type):
    return transformers.DeepseekV3ForCausalLM if model_type == "deepseek_v3" else transformers.DeepseekV2ForCausalLM


def uses_rope_parameters(cfg_cls):
    try:
        if "rope_parameters" in inspect.signature(cfg_cls.__init__).parameters:
            return True
    except (TypeError, ValueError):
        pass
    return hasattr(cfg_cls(), "rope_parameters")


def make_config(model_type, spec):
    spec = dict(spec)
    rope = dict(spec.pop("rope"))
    cls = config_class(model_type)
    if uses_rope_parameters(cls):
        spec["rope_parameters"] = rope
    else:  # transformers 4.x form
        spec["rope_theta"] = rope.pop("rope_theta")
        if rope.get("rope_type", "default") != "default":
            rope["type"] = rope.pop("rope_type")
            spec["rope_scaling"] = rope
    try:
        return cls(**spec)
    except TypeError as e:  # a field this version does not know: drop it and retry
        m = re.search(r"'(\w+)'", str(e))
        if m and m.group(1) in spec:
            print(f"WARNING: {cls.__name__} rejects {m.group(1)!r}: {e}; dropping it")
            spec.pop(m.group(1))
            return cls(**spec)
        raise


def rope_dict(config):
    rp = getattr(config, "rope_parameters", None)
    if rp is None:
        rs = getattr(config, "rope_scaling", None) or {}
        rp = dict(rs)
        rp.setdefault("rope_theta", getattr(config, "rope_theta", None))
        rp.setdefault("rope_type", rp.get("type", "default"))
    return dict(rp)


def is_norm_param(name):
    parts = name.split(".")
    return len(parts) >= 2 and "norm" in parts[-2]


def randomize(model, seed):
    """Weights ~ N(0, 0.2) (norms 1 + N(0, 0.1)); e_score_correction_bias ~ N(0, 0.1)."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters(), key=lambda kv: kv[0]):
            r = torch.randn(p.shape, generator=gen, dtype=torch.float32)
            if name.endswith("e_score_correction_bias"):
                p.copy_(BIAS_STD * r)
            elif is_norm_param(name):
                p.copy_(1.0 + NORM_STD * r)
            else:
                p.copy_(WEIGHT_STD * r)
        for name, b in sorted(model.named_buffers(), key=lambda kv: kv[0]):
            if name.endswith("e_score_correction_bias"):
                b.copy_(BIAS_STD * torch.randn(b.shape, generator=gen, dtype=torch.float32).to(b.dtype))


def save_model(model, path):
    os.makedirs(path, exist_ok=True)
    try:
        model.save_pretrained(path, safe_serialization=True)
    except TypeError:
        model.save_pretrained(path)
    st = os.path.join(path, "model.safetensors")
    assert os.path.exists(st), f"save_pretrained did not write {st}: {os.listdir(path)}"
    gc = os.path.join(path, "generation_config.json")
    if os.path.exists(gc):
        os.remove(gc)


def forward_logits(model, ids):
    with torch.no_grad():
        return model(input_ids=ids, use_cache=False).logits.float()


class RoutingCapture:
    """Captures, per MoE layer, the MoE input hidden states and the (index, weight) pair given to the experts."""

    def __init__(self, model):
        self.handles = []
        self.moe_in = {}
        self.route = {}
        self.gate_out_dtypes = {}
        for name, mod in model.named_modules():
            m = re.fullmatch(r"model\.layers\.(\d+)\.mlp", name)
            if m and hasattr(mod, "experts"):
                L = int(m.group(1))
                self.handles.append(mod.register_forward_pre_hook(self._mk_moe_in(L)))
                self.handles.append(
                    mod.experts.register_forward_pre_hook(self._mk_experts_in(L), with_kwargs=True)
                )
                if hasattr(mod, "gate") and isinstance(mod.gate, torch.nn.Module):
                    self.handles.append(mod.gate.register_forward_hook(self._mk_gate_out(L)))

    def _mk_moe_in(self, L):
        def hook(module, args):
            if L not in self.moe_in and args:
                self.moe_in[L] = args[0].detach().clone()

        return hook

    def _mk_experts_in(self, L):
        def hook(module, args, kwargs):
            if L in self.route:
                return
            tensors = [a for a in list(args) + list(kwargs.values()) if torch.is_tensor(a)]
            idx = [t for t in tensors if not t.is_floating_point()]
            w = [t for t in tensors if t.is_floating_point() and idx and t.shape == idx[0].shape]
            if idx and w:
                self.route[L] = (idx[0].detach().clone(), w[0].detach().clone())

        return hook

    def _mk_gate_out(self, L):
        def hook(module, args, out):
            outs = out if isinstance(out, (tuple, list)) else (out,)
            self.gate_out_dtypes[L] = [str(o.dtype) if torch.is_tensor(o) else type(o).__name__ for o in outs]

        return hook

    def reset(self):
        self.moe_in.clear()
        self.route.clear()

    def remove(self):
        for h in self.handles:
            h.remove()
        self.handles = []


def sorted_route(idx, w):
    idx = idx.reshape(-1, idx.shape[-1]).long()
    w = w.reshape(-1, w.shape[-1]).float()
    order = idx.argsort(dim=-1)
    return idx.gather(1, order), w.gather(1, order)


def reference_routing(model_type, config, mlp, x, mask_value):
    """Our reading of the routing rules (model-spec.md §5), computed independently of transformers."""
    E = config.n_routed_experts
    K = config.num_experts_per_tok
    d = config.hidden_size
    W = mlp.gate.weight.detach().float()
    logits = x.reshape(-1, d).float() @ W.t()
    ng = config.n_group or 1
    tg = config.topk_group or 1
    if model_type == "deepseek_v3":
        s = logits.sigmoid()
        bias = None
        for n, b in list(mlp.gate.named_buffers()) + list(mlp.gate.named_parameters()):
            if n.endswith("e_score_correction_bias"):
                bias = b.detach().float()
        c = s + bias if bias is not None else s
        gs = c.view(-1, ng, E // ng).topk(2, dim=-1).values.sum(-1)
        gidx = gs.topk(tg, dim=-1).indices
        gmask = torch.zeros_like(gs).scatter_(1, gidx, 1.0).bool()
        emask = gmask.unsqueeze(-1).expand(-1, ng, E // ng).reshape(-1, E)
        idx = c.masked_fill(~emask, mask_value).topk(K, dim=-1).indices
        w = s.gather(1, idx)
        if config.norm_topk_prob:
            w = w / (w.sum(-1, keepdim=True) + 1e-20)
        w = w * config.routed_scaling_factor
    else:
        s = logits.softmax(dim=-1)
        if config.topk_method == "group_limited_greedy":
            gs = s.view(-1, ng, E // ng).max(dim=-1).values
            gidx = gs.topk(tg, dim=-1).indices
            gmask = torch.zeros_like(gs).scatter_(1, gidx, 1.0).bool()
            emask = gmask.unsqueeze(-1).expand(-1, ng, E // ng).reshape(-1, E)
            idx = s.masked_fill(~emask, mask_value).topk(K, dim=-1).indices
        else:
            idx = s.topk(K, dim=-1).indices
        w = s.gather(1, idx)
        wn = w / (w.sum(-1, keepdim=True) + 1e-20)
        rsf = config.routed_scaling_factor
        norm = bool(config.norm_topk_prob)
        return {
            "idx": sorted_route(idx, w)[0],
            "weights": {
                "w*rsf (no renorm)": sorted_route(idx, w * rsf)[1],
                "renorm-if-norm_topk_prob then *rsf": sorted_route(idx, (wn if norm else w) * rsf)[1],
                "DeepSeek-V2 remote code (renorm if norm_topk_prob, else *rsf)":
                    sorted_route(idx, wn if (norm and K > 1) else w * rsf)[1],
            },
        }
    idx_s, w_s = sorted_route(idx, w)
    return {"idx": idx_s, "weights": {"sigmoid gather, renorm if norm_topk_prob, *rsf": w_s}}


def routing_report(name, model_type, config, model, cap, extras):
    """Stores sorted routing per layer, checks group diversity, compares with our own routing rules."""
    any_diverse = False
    ng = getattr(config, "n_group", None) or 1
    E = config.n_routed_experts
    if not cap.route:
        fact(f"  [{name}] WARNING: could not capture transformers' routing (hook on mlp.experts saw no index "
             f"tensor); routing.* below are OUR routing rules (masked groups -inf), not transformers'")
        for L in sorted(cap.moe_in):
            r = reference_routing(model_type, config, model.model.layers[L].mlp, cap.moe_in[L], float("-inf"))
            cap.route[L] = (r["idx"], next(iter(r["weights"].values())))
        if not cap.route:
            fact(f"  [{name}] WARNING: no MoE input captured either; routing not checked")
            return False
    for L in sorted(cap.route):
        idx, w = sorted_route(*cap.route[L])
        extras[f"routing.layer{L}.topk_idx"] = idx.contiguous()
        extras[f"routing.layer{L}.topk_weight"] = w.contiguous()
        groups = idx // (E // ng)
        sets = {tuple(sorted(set(g.tolist()))) for g in groups}
        per_expert = torch.bincount(idx.flatten(), minlength=E).tolist()
        fact(f"  [{name}] layer {L}: {idx.shape[0]} tokens, distinct group sets {len(sets)} (n_group={ng}), "
             f"expert load {per_expert}")
        if len(sets) >= 2:
            any_diverse = True
        mlp = model.model.layers[L].mlp
        if L in cap.moe_in:
            for mv_name, mv in (("-inf", float("-inf")), ("0.0", 0.0)):
                r = reference_routing(model_type, config, mlp, cap.moe_in[L], mv)
                same = (r["idx"] == idx).all(dim=-1)
                fact(f"  [{name}] layer {L}: our routing (masked groups = {mv_name}) selects the same experts as "
                     f"transformers for {int(same.sum())}/{same.numel()} tokens")
                if bool(same.all()):
                    for wname, rw in r["weights"].items():
                        fact(f"  [{name}] layer {L}:   weights '{wname}': max |diff| vs transformers "
                             f"{(rw - w).abs().max().item():.3g}")
    if ng > 1:
        assert any_diverse, f"{name}: all tokens picked the same expert groups"
    return any_diverse


def greedy_reference(model, prompt, new_tokens=10):
    """generate() with the KV cache, checked against an argmax loop without cache."""
    from transformers import GenerationConfig

    saved = (model.generation_config.eos_token_id, model.config.eos_token_id)
    model.generation_config.eos_token_id = None
    try:
        gc = GenerationConfig(
            do_sample=False,
            num_beams=1,
            max_new_tokens=new_tokens,
            min_new_tokens=new_tokens,
            eos_token_id=None,
            pad_token_id=None,
            bos_token_id=None,
        )
        with torch.no_grad():
            out = model.generate(
                prompt,
                attention_mask=torch.ones_like(prompt),
                generation_config=gc,
                use_cache=True,
            )
    finally:
        model.generation_config.eos_token_id = saved[0]
    assert tuple(out.shape) == (1, prompt.shape[1] + new_tokens), f"generate returned shape {tuple(out.shape)}"
    seq = prompt
    margins = []
    with torch.no_grad():
        for _ in range(new_tokens):
            last = model(input_ids=seq, use_cache=False).logits[:, -1].float()
            top2 = last.topk(2, dim=-1).values
            margins.append((top2[0, 0] - top2[0, 1]).item())
            seq = torch.cat([seq, last.argmax(-1, keepdim=True)], dim=1)
    return out, seq, min(margins)


def cmp(a, b):
    a = a.float()
    b = b.float()
    return (a - b).norm().item() / max(b.norm().item(), 1e-30), (a - b).abs().max().item()


def ds_yarn_inv_freq(dim, base, factor, orig, beta_fast, beta_slow):
    """model-spec.md §4 DeepSeek YaRN frequencies."""
    freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))

    def cd(n):
        return dim * math.log(orig / (n * 2 * math.pi)) / (2 * math.log(base))

    low = max(math.floor(cd(beta_fast)), 0)
    high = min(math.ceil(cd(beta_slow)), dim - 1)
    if low == high:
        high += 0.001
    ramp = ((torch.arange(dim // 2, dtype=torch.float32) - low) / (high - low)).clamp(0, 1)
    return freq / factor * ramp + freq * (1 - ramp), low, high


def get_mscale(scale, m=1.0):
    return 1.0 if scale <= 1 else 0.1 * m * math.log(scale) + 1.0


class RopeMismatch(Exception):
    pass


def rope_and_scale_facts(name, model, config, extras):
    rp = rope_dict(config)
    attn = model.model.layers[0].self_attn
    rot = model.model.rotary_emb
    qk = config.qk_nope_head_dim + config.qk_rope_head_dim
    scaling = float(getattr(attn, "scaling", float("nan")))
    att_scaling = float(getattr(rot, "attention_scaling", float("nan")))
    inv = rot.inv_freq.detach().float().cpu()
    extras["rope_inv_freq"] = inv.contiguous()
    extras["rope_attention_scaling"] = torch.tensor(att_scaling, dtype=torch.float32)
    extras["attn_softmax_scale"] = torch.tensor(scaling, dtype=torch.float32)
    fact(f"  [{name}] rope parameters as transformers holds them: {rp}")
    fact(f"  [{name}] attention.scaling = {scaling:.9g}; qk_head_dim^-0.5 = {qk ** -0.5:.9g}")
    fact(f"  [{name}] rotary.attention_scaling (cos/sin multiplier) = {att_scaling:.9g}")
    fact(f"  [{name}] rotary.inv_freq = {[round(v, 9) for v in inv.tolist()]}")
    rope_ok = True
    if rp.get("rope_type", "default") == "yarn":
        f = float(rp["factor"])
        m_all = rp.get("mscale_all_dim") or 0
        m = rp.get("mscale") or 0
        exp_scale = qk ** -0.5 * (get_mscale(f, m_all) ** 2 if m_all else 1.0)
        exp_att = get_mscale(f, m) / get_mscale(f, m_all) if (m and m_all) else get_mscale(f)
        exp_inv, low, high = ds_yarn_inv_freq(
            config.qk_rope_head_dim,
            float(rp.get("rope_theta") or getattr(config, "rope_theta", 10000.0)),
            f,
            float(rp["original_max_position_embeddings"]),
            float(rp.get("beta_fast") or 32),
            float(rp.get("beta_slow") or 1),
        )
        fact(f"  [{name}] spec softmax scale qk^-0.5*mscale(factor, mscale_all_dim)^2 = {exp_scale:.9g} -> "
             f"transformers {'INCLUDES' if abs(scaling - exp_scale) < 1e-6 else 'does NOT include'} the mscale^2 "
             f"factor (ratio {scaling / exp_scale:.6f})")
        fact(f"  [{name}] spec cos/sin multiplier mscale(f,mscale)/mscale(f,mscale_all_dim) = {exp_att:.9g} "
             f"(transformers {att_scaling:.9g}, {'same' if abs(att_scaling - exp_att) < 1e-6 else 'DIFFERENT'})")
        fact(f"  [{name}] spec YaRN inv_freq (low={low}, high={high}) = {[round(v, 9) for v in exp_inv.tolist()]}; "
             f"max |diff| vs transformers {(exp_inv - inv).abs().max().item():.3g}")
        rope_ok = abs(att_scaling - exp_att) < 1e-6 and (exp_inv - inv).abs().max().item() < 1e-6
    return scaling, rope_ok


# ----------------------------------------------------------------------------------------------------------------
# One fixture
# ----------------------------------------------------------------------------------------------------------------


def build_fixture(name, model_type, spec, T, seed, opts, out_root):
    fact(f"\n=== fixture {name} ({model_type}, T={T}, seed={seed}) ===")
    path = os.path.join(out_root, name)
    if os.path.exists(path):
        shutil.rmtree(path)
    torch.manual_seed(seed)
    config = make_config(model_type, spec)
    model = model_class(model_type)(config)
    fact(f"  [{name}] attention implementation: {set_eager_attention(model)}; "
         f"experts implementation: {getattr(config, '_experts_implementation', 'n/a')}")
    randomize(model, seed)
    model.eval()
    save_model(model, path)

    gen = torch.Generator().manual_seed(seed + 7)
    V = config.vocab_size
    input_ids = torch.randint(0, V, (2, T), generator=gen, dtype=torch.int64)
    logits_mem = forward_logits(model, input_ids)

    if opts.get("hub_form"):
        cfg_path = os.path.join(path, "config.json")
        with open(cfg_path) as f:
            c = json.load(f)
        before = sorted(k for k in c if "rope" in k)
        rp = dict(c.pop("rope_parameters", None) or {})
        theta = rp.get("rope_theta", c.get("rope_theta", 10000.0))
        c.pop("rope_scaling", None)
        c["rope_theta"] = theta
        c["rope_scaling"] = dict(V3_YARN_HUB_ROPE_SCALING)
        c_extra = dict(c)
        c_extra.update(V3_HUB_EXTRA_KEYS)
        with open(cfg_path, "w") as f:
            json.dump(c_extra, f, indent=2, sort_keys=True)
        fact(f"  [{name}] config.json rewritten to hub form: rope keys before {before}; now rope_theta={theta}, "
             f"rope_scaling={c['rope_scaling']}, plus {V3_HUB_EXTRA_KEYS}")
        try:
            test = load_model(path)
        except Exception as e:  # noqa: BLE001
            fact(f"  [{name}] WARNING: hub form with extra keys failed to load ({e!r}); retrying without them")
            with open(cfg_path, "w") as f:
                json.dump(c, f, indent=2, sort_keys=True)
            test = load_model(path)
        fact(f"  [{name}] transformers read the hub-form config as rope {rope_dict(test.config)}")
        del test

    # The reference is what transformers computes from the saved directory.
    model = load_model(path)
    config = model.config
    logits = forward_logits(model, input_ids)
    rel, mx = cmp(logits, logits_mem)
    fact(f"  [{name}] reloaded-from-disk vs in-memory logits: rel {rel:.3g}, max abs {mx:.3g}")
    assert mx <= 1e-5 * max(1.0, logits_mem.abs().max().item()), f"{name}: saved model gives different logits"
    fact(f"  [{name}] logits std {logits.std().item():.4g}, max |logit| {logits.abs().max().item():.4g}")

    extras = {}
    cap = RoutingCapture(model)
    cap.reset()
    forward_logits(model, input_ids)
    routing_report(name, model_type, config, model, cap, extras)
    cap.remove()
    scaling, rope_ok = rope_and_scale_facts(name, model, config, extras)
    if not rope_ok and opts.get("hub_form"):
        rp0 = spec["rope"]
        if spec["max_position_embeddings"] != int(rp0["factor"] * rp0["original_max_position_embeddings"]):
            raise RopeMismatch("YaRN frequencies/cos-sin scale differ from the factor-based formula "
                               "(transformers may derive factor from max_position_embeddings)")

    ref = {"input_ids": input_ids.contiguous(), "logits": logits.contiguous()}

    # V2 + YaRN: if transformers leaves out the mscale^2 softmax factor, also store the logits with it.
    rp = rope_dict(config)
    if model_type == "deepseek_v2" and rp.get("rope_type") == "yarn" and rp.get("mscale_all_dim"):
        qk = config.qk_nope_head_dim + config.qk_rope_head_dim
        if abs(scaling - qk ** -0.5) < 1e-9:
            m2 = get_mscale(float(rp["factor"]), float(rp["mscale_all_dim"])) ** 2
            patched = copy.deepcopy(model)
            for layer in patched.model.layers:
                layer.self_attn.scaling = layer.self_attn.scaling * m2
            ref["logits_mscale2"] = forward_logits(patched, input_ids).contiguous()
            fact(f"  [{name}] transformers' V2 softmax scale lacks mscale^2 = {m2:.6f}: also stored logits_mscale2 "
                 f"(attention scaling patched to qk^-0.5*mscale^2, as in DeepSeek's own code)")
            del patched

    # Greedy decoding with the KV cache; choose a prompt whose argmax steps are not near-ties.
    best = None
    for attempt in range(6):
        prompt = torch.randint(0, V, (1, 6), generator=gen, dtype=torch.int64)
        out, nocache, margin = greedy_reference(model, prompt)
        if best is None or margin > best[3]:
            best = (prompt, out, nocache, margin)
        if margin > 1e-2:
            break
    prompt, out, nocache, margin = best
    same = torch.equal(out, nocache)
    fact(f"  [{name}] greedy: prompt {prompt.tolist()} -> {out.tolist()}; equals no-cache argmax loop: {same}; "
         f"smallest top1-top2 logit margin {margin:.4g}")
    ref["greedy_prompt"] = prompt.contiguous()
    ref["greedy_output"] = out.contiguous()
    if not same:
        ref["greedy_output_nocache"] = nocache.contiguous()
        fact(f"  [{name}] WARNING: generate() differs from the no-cache argmax loop; stored greedy_output_nocache")

    if opts.get("grad"):
        ref.update(gradient_reference(name, model, input_ids, path))

    if opts.get("cuda"):
        ref.update(cuda_reference(name, path, input_ids, logits))

    ref.update(extras)
    save_file(ref, os.path.join(path, "reference.safetensors"), metadata={
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "script": "scripts/gpu/make_fixtures.py",
        "fixture": name,
    })
    fact(f"  [{name}] reference.safetensors: " + ", ".join(
        f"{k} {str(v.dtype).replace('torch.', '')} {list(v.shape)}" for k, v in ref.items()
        if not k.startswith(("grad.", "routing."))) +
        f"; {sum(k.startswith('grad.') for k in ref)} grad.* tensors; "
        f"{sum(k.startswith('routing.') for k in ref)} routing.* tensors")
    sizes = {f: os.path.getsize(os.path.join(path, f)) for f in sorted(os.listdir(path))}
    fact(f"  [{name}] files: {sizes}")


def gradient_reference(name, model, input_ids, path):
    model.zero_grad(set_to_none=True)
    with torch.enable_grad():
        logits = model(input_ids=input_ids, use_cache=False).logits.float()
        V = logits.shape[-1]
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, V), input_ids[:, 1:].reshape(-1))
        loss.backward()
    fact(f"  [{name}] loss (mean next-token CE over {input_ids.shape[0] * (input_ids.shape[1] - 1)} tokens) = "
         f"{loss.item():.8g}")
    no_grad = [n for n, p in model.named_parameters() if p.grad is None]
    fact(f"  [{name}] parameters without gradient (saved as zeros, dropped if bias): {no_grad}")
    gm = copy.deepcopy(model)
    with torch.no_grad():
        src = dict(model.named_parameters())
        for n, p in gm.named_parameters():
            g = src[n].grad
            p.data = g.detach().clone() if g is not None else torch.zeros_like(p.data)
    tmp = tempfile.mkdtemp(prefix="grad_")
    try:
        save_model(gm, tmp)
        gsd = load_file(os.path.join(tmp, "model.safetensors"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    msd = load_file(os.path.join(path, "model.safetensors"))
    dropped = sorted(k for k in gsd if k.endswith("e_score_correction_bias"))
    grads = {k: v.float().contiguous() for k, v in gsd.items() if not k.endswith("e_score_correction_bias")}
    want = {k for k in msd if not k.endswith("e_score_correction_bias")}
    assert set(grads) == want, f"grad names != model names: {sorted(set(grads) ^ want)}"
    for k in grads:
        assert grads[k].shape == msd[k].shape, f"{k}: grad shape {grads[k].shape} vs weight {msd[k].shape}"
    fact(f"  [{name}] {len(grads)} gradients saved under the hub names of model.safetensors (verified same names "
         f"and shapes); dropped buffers {dropped}")
    # Cross-check the fused-expert <-> hub-name mapping on one expert, if experts are fused in memory.
    for n, p in model.named_parameters():
        if n.endswith("experts.gate_up_proj") and p.grad is not None:
            layer = n[: -len("experts.gate_up_proj")]
            I = p.shape[1] // 2
            for e in (0, p.shape[0] - 1):
                g_hub = grads.get(f"{layer}experts.{e}.gate_proj.weight")
                u_hub = grads.get(f"{layer}experts.{e}.up_proj.weight")
                if g_hub is not None and u_hub is not None:
                    ok_g = torch.equal(g_hub, p.grad[e, :I].float())
                    ok_u = torch.equal(u_hub, p.grad[e, I:].float())
                    fact(f"  [{name}] fused {n}[{e}] rows [:I] == hub {layer}experts.{e}.gate_proj grad: {ok_g}; "
                         f"rows [I:] == up_proj grad: {ok_u}")
            break
    out = {"loss": loss.detach().float().reshape(())}
    for k, v in grads.items():
        out[f"grad.{k}"] = v
    model.zero_grad(set_to_none=True)
    return out


def cuda_reference(name, path, input_ids, logits_cpu):
    if not torch.cuda.is_available():
        fact(f"  [{name}] WARNING: CUDA not available: no logits_bf16 / logits_cuda_fp32")
        return {}
    out = {}
    ids = input_ids.cuda()
    m32 = load_model(path, torch.float32, "cuda")
    with torch.no_grad():
        out["logits_cuda_fp32"] = m32(input_ids=ids, use_cache=False).logits.float().cpu().contiguous()
    del m32
    m16 = load_model(path, torch.bfloat16, "cuda")
    dtypes = sorted({f"{n}:{b.dtype}" for n, b in list(m16.named_buffers()) + list(m16.named_parameters())
                     if n.endswith("e_score_correction_bias")})
    cap = RoutingCapture(m16)
    with torch.no_grad():
        out["logits_bf16"] = m16(input_ids=ids, use_cache=False).logits.float().cpu().contiguous()
    route_dtypes = {L: (str(i.dtype), str(w.dtype)) for L, (i, w) in cap.route.items()}
    fact(f"  [{name}] bf16 CUDA model: gate outputs dtypes per layer {cap.gate_out_dtypes}; (index, weight) dtypes "
         f"given to experts {route_dtypes}; e_score_correction_bias dtypes {dtypes}")
    cap.remove()
    del m16
    torch.cuda.empty_cache()
    for k in ("logits_cuda_fp32", "logits_bf16"):
        rel, mx = cmp(out[k], logits_cpu)
        fact(f"  [{name}] {k} vs CPU fp32 logits: rel {rel:.3g}, max abs {mx:.3g}")
    return out


# ----------------------------------------------------------------------------------------------------------------
# Source facts
# ----------------------------------------------------------------------------------------------------------------

GREP = {
    "deepseek_v2/modeling": r"scaling|mscale|rotary|rope|complex|polar|rotate_half|softmax|topk|group|norm_topk_prob|"
                            r"routed_scaling|float32|masked_fill|num_experts|sigmoid",
    "deepseek_v3/modeling": r"scaling|mscale|rotary|rope|interleave|rotate_half|topk|group|norm_topk_prob|"
                            r"routed_scaling|float32|masked_fill|sigmoid|e_score_correction_bias",
    "deepseek_v2/configuration": r"rope|mscale|topk|norm_topk|scoring|group|head_dim",
    "deepseek_v3/configuration": r"rope|mscale|topk|norm_topk|scoring|group|head_dim|interleave",
}


def grep_file(path, pattern):
    rx = re.compile(pattern)
    with open(path) as f:
        for i, line in enumerate(f, 1):
            if rx.search(line):
                fact(f"{os.path.basename(path)}:{i}: {line.rstrip()}")


def print_source(obj, label=None):
    try:
        lines, start = inspect.getsourcelines(obj)
        fn = os.path.basename(inspect.getsourcefile(obj))
    except (OSError, TypeError):
        return
    fact(f"--- source of {label or getattr(obj, '__qualname__', obj)} ({fn}:{start}) ---")
    for i, line in enumerate(lines):
        fact(f"{fn}:{start + i}: {line.rstrip()}")


def source_facts(src_tar):
    import importlib

    fact("=== versions ===")
    import safetensors

    fact(f"python {sys.version.split()[0]}, torch {torch.__version__}, transformers {transformers.__version__}, "
         f"safetensors {safetensors.__version__}, cuda available {torch.cuda.is_available()}"
         + (f" ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else ""))
    mods = {}
    for key in GREP:
        model, kind = key.split("/")
        try:
            mods[key] = importlib.import_module(f"transformers.models.{model}.{kind}_{model}")
        except Exception as e:  # noqa: BLE001
            fact(f"cannot import {key}: {e!r}")
    rope_utils = importlib.import_module("transformers.modeling_rope_utils")
    files = [inspect.getsourcefile(m) for m in mods.values()] + [inspect.getsourcefile(rope_utils)]
    for key, mod in mods.items():
        fact(f"\n=== grep -n -E '{GREP[key]}' {inspect.getsourcefile(mod)} ===")
        grep_file(inspect.getsourcefile(mod), GREP[key])
    fact("\n=== selected definitions (full source, with line numbers) ===")
    for key in ("deepseek_v2/modeling", "deepseek_v3/modeling"):
        mod = mods.get(key)
        if mod is None:
            continue
        for nm, obj in sorted(vars(mod).items()):
            if getattr(obj, "__module__", None) != mod.__name__:
                continue
            if inspect.isclass(obj) and re.search(r"Moe|MoE|Router|Experts|Attention|Rotary", nm):
                print_source(obj, f"{mod.__name__}.{nm}")
            elif inspect.isfunction(obj) and re.search(r"rotary|rotate|mscale|eager_attention", nm):
                print_source(obj, f"{mod.__name__}.{nm}")
    for nm in ("_compute_yarn_parameters", "_compute_default_rope_parameters", "get_mscale"):
        if hasattr(rope_utils, nm):
            print_source(getattr(rope_utils, nm), f"modeling_rope_utils.{nm}")
    for nm, obj in sorted(vars(rope_utils).items()):
        if inspect.isfunction(obj) and re.search(r"standardize|convert_rope|rope_config_validation", nm):
            print_source(obj, f"modeling_rope_utils.{nm}")
    if src_tar:
        with tarfile.open(src_tar, "w:gz") as tf:
            for fpath in files:
                tf.add(fpath, arcname=os.path.relpath(fpath, os.path.dirname(os.path.dirname(transformers.__file__))))
        fact(f"(source files packed into {src_tar})")


# ----------------------------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--facts", default=None, help="facts file (default OUT/transformers_facts.txt)")
    ap.add_argument("--src-tar", default=None, help="also pack transformers' DeepSeek source files into this tar.gz")
    ap.add_argument("--only", default=None, help="comma-separated fixture names")
    ap.add_argument("--no-source-facts", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(min(8, os.cpu_count() or 1))
    os.makedirs(args.out, exist_ok=True)
    facts_path = args.facts or os.path.join(args.out, "transformers_facts.txt")

    failures = []
    if not args.no_source_facts:
        try:
            source_facts(args.src_tar)
        except Exception:  # noqa: BLE001
            fact("source facts FAILED:\n" + traceback.format_exc())
    fact("\n=== runtime checks, one section per fixture ===")
    only = set(args.only.split(",")) if args.only else None
    for name, mt, spec, T, seed, opts in FIXTURES:
        if only and name not in only:
            continue
        try:
            try:
                build_fixture(name, mt, spec, T, seed, opts, args.out)
            except RopeMismatch as e:
                rp0 = spec["rope"]
                mp = int(rp0["factor"] * rp0["original_max_position_embeddings"])
                fact(f"  [{name}] {e}; REBUILDING with max_position_embeddings = factor * original = {mp}")
                build_fixture(name, mt, dict(spec, max_position_embeddings=mp), T, seed, opts, args.out)
        except Exception:  # noqa: BLE001
            tb = traceback.format_exc()
            fact(f"  [{name}] FAILED:\n{tb}")
            failures.append(name)
            shutil.rmtree(os.path.join(args.out, name), ignore_errors=True)
    fact(f"\nfixtures failed: {failures or 'none'}")
    with open(facts_path, "w") as f:
        f.write("\n".join(FACTS) + "\n")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
