#!/usr/bin/env python3
"""Reference ids and decoded text for the tokenizer corpus, made with Hugging Face `tokenizers` and transformers.

Runs on the GPU machine (tokenizers and transformers installed, no network):
    python3 scripts/gpu/make_tokenizer_references.py --corpus tests/data/tokenizer/corpus.jsonl \
        --tokenizers .cache/tokenizers --out OUTDIR
For each tokenizer NAME in deepseek_v3, deepseek_r1, qwen3, llama3 it writes two files, line-aligned with the
corpus (format in tests/data/tokenizer/README.md):
  NAME.tokenizers.jsonl    tokenizers.Tokenizer.from_file(NAME/tokenizer.json)
  NAME.transformers.jsonl  transformers, directory mode (see below)
and OUTDIR/versions.json with the library versions and the class used for each.

Directory mode: transformers.AutoTokenizer.from_pretrained(NAME/), except where tokenizer_config.json names
LlamaTokenizerFast (DeepSeek-V3 and R1). transformers 5.x maps that name to its LlamaTokenizer class, which
rebuilds the pipeline SentencePiece-style (a Metaspace pre-tokenizer, byte fallback) and ignores the file's own
pre-tokenizer: "Hello world 123" becomes [42, 6629, 10030, 6895] instead of DeepSeek's [19923, 2058, 223,
6895], and no BOS is added despite add_bos_token true. That is not how DeepSeek-V3 tokenizes (transformers
4.x's LlamaTokenizerFast loaded tokenizer.json as it is and prepended BOS). For those directories the
reference is transformers' generic TokenizersBackend (PreTrainedTokenizerFast) over the same files, given the
config's add_bos_token / add_eos_token: the tokenizer.json pipeline plus the config's special-token rule.
"""
import argparse
import json
import os

import tokenizers
import transformers

NAMES = ["deepseek_v3", "deepseek_r1", "qwen3", "llama3"]


def record(text, enc, dec, base=None):
    """Full values, then each key dropped where it equals its default (see README.md)."""
    ids = enc(text, False)
    ids_special = enc(text, True)
    full = {
        "ids": ids,
        "ids_special": ids_special,
        "d_ids": dec(ids, False),
        "d_ids_skip": dec(ids, True),
        "d_sp": dec(ids_special, False),
        "d_sp_skip": dec(ids_special, True),
    }
    if base is None:  # tokenizers file: defaults chain from the text
        defaults = {"ids_special": full["ids"], "d_ids": text, "d_ids_skip": full["d_ids"],
                    "d_sp": full["d_ids"], "d_sp_skip": full["d_ids_skip"]}
    else:  # transformers file: defaults are the tokenizers values
        defaults = base
    out = {k: v for k, v in full.items() if k not in defaults or defaults[k] != v}
    return full, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--tokenizers", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    texts = [json.loads(line)["text"] for line in open(args.corpus, encoding="utf-8")]
    versions = {"tokenizers": tokenizers.__version__, "transformers": transformers.__version__, "classes": {}}
    for name in NAMES:
        d = os.path.join(args.tokenizers, name)
        tk = tokenizers.Tokenizer.from_file(os.path.join(d, "tokenizer.json"))
        with open(os.path.join(d, "tokenizer_config.json"), encoding="utf-8") as f:
            cfg = json.load(f)
        if cfg.get("tokenizer_class") == "LlamaTokenizerFast":
            at = transformers.PreTrainedTokenizerFast.from_pretrained(
                d, add_bos_token=cfg.get("add_bos_token", False), add_eos_token=cfg.get("add_eos_token", False))
        else:
            at = transformers.AutoTokenizer.from_pretrained(d)
        versions["classes"][name] = type(at).__name__
        t_enc = lambda t, sp: tk.encode(t, add_special_tokens=sp).ids
        t_dec = lambda ids, skip: tk.decode(ids, skip_special_tokens=skip)
        a_enc = lambda t, sp: at.encode(t, add_special_tokens=sp)
        a_dec = lambda ids, skip: at.decode(ids, skip_special_tokens=skip)
        n_diff = 0
        with open(os.path.join(args.out, f"{name}.tokenizers.jsonl"), "w", encoding="utf-8") as ft, \
             open(os.path.join(args.out, f"{name}.transformers.jsonl"), "w", encoding="utf-8") as fa:
            for text in texts:
                full, out_t = record(text, t_enc, t_dec)
                _, out_a = record(text, a_enc, a_dec, base=full)
                n_diff += bool(out_a)
                ft.write(json.dumps(out_t, ensure_ascii=False) + "\n")
                fa.write(json.dumps(out_a, ensure_ascii=False) + "\n")
        print(f"{name}: {len(texts)} strings; AutoTokenizer class {type(at).__name__}; "
              f"transformers differs from tokenizers on {n_diff}")
        probe = "Hello world 123"
        print(f"  probe {probe!r}: tokenizers {t_enc(probe, True)} transformers {a_enc(probe, True)}; "
              f"bos={at.bos_token!r} eos={at.eos_token!r} clean_up={getattr(at, 'clean_up_tokenization_spaces', None)}")
    with open(os.path.join(args.out, "versions.json"), "w") as f:
        json.dump(versions, f, indent=1)


if __name__ == "__main__":
    main()
