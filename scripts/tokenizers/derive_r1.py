#!/usr/bin/env python3
"""Derives DeepSeek-R1's tokenizer from DeepSeek-V3's (model-spec.md §9).

R1's tokenizer.json is V3's with the added tokens 128798 and 128799 renamed from placeholders to <think> and
</think> (not special, normalized, as in deepseek-ai/DeepSeek-R1). Its tokenizer_config.json is V3's with
those two entries renamed in added_tokens_decoder (where it has one) and R1's chat template (deepseek_r1_chat_template.jinja,
next to this script). Writes through temporary files and renames. Usage: derive_r1.py V3_DIR R1_DIR
"""
import json
import os
import sys

THINK = {128798: "<think>", 128799: "</think>"}


def write_atomic(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: derive_r1.py V3_DIR R1_DIR")
    v3_dir, r1_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(v3_dir, "tokenizer.json"), encoding="utf-8") as f:
        tok = json.load(f)
    with open(os.path.join(v3_dir, "tokenizer_config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    renamed = 0
    for added in tok["added_tokens"]:
        if added["id"] in THINK:
            added.update(content=THINK[added["id"]], special=False, normalized=True)
            renamed += 1
    if renamed != 2:
        sys.exit(f"derive_r1: {v3_dir}/tokenizer.json lacks added tokens 128798/128799")
    for tid, content in THINK.items():  # V3's npm tokenizer_config.json has no added_tokens_decoder
        entry = cfg.get("added_tokens_decoder", {}).get(str(tid))
        if entry is not None:
            entry.update(content=content, special=False, normalized=True)
    template = os.path.join(os.path.dirname(os.path.abspath(__file__)), "deepseek_r1_chat_template.jinja")
    if not os.path.exists(template):
        sys.exit(f"derive_r1: {template} is missing (R1's chat template); refusing to keep V3's")
    with open(template, encoding="utf-8") as f:
        cfg["chat_template"] = f.read()
    os.makedirs(r1_dir, exist_ok=True)
    write_atomic(os.path.join(r1_dir, "tokenizer.json"), tok)
    write_atomic(os.path.join(r1_dir, "tokenizer_config.json"), cfg)


if __name__ == "__main__":
    main()
