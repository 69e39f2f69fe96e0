#!/usr/bin/env python3
"""Small safetensors chores with the Python standard library alone (used by quickstart.sh).

    safetensors_tool.py extract SRC KEY DST [--rename NEW]   write one tensor of SRC to a new file DST
    safetensors_tool.py show FILE [--values]                 list tensors (and print small integer ones)
"""

import argparse
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpu"))
from compare_logits import read_tensor  # noqa: E402


def header(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        return n, json.loads(f.read(n))


def extract(src, key, dst, rename):
    n, h = header(src)
    if key not in h:
        sys.exit(f"{src}: no tensor {key!r}")
    info = h[key]
    begin, end = info["data_offsets"]
    with open(src, "rb") as f:
        f.seek(8 + n + begin)
        data = f.read(end - begin)
    entry = {rename or key: {"dtype": info["dtype"], "shape": info["shape"], "data_offsets": [0, len(data)]}}
    text = json.dumps(entry, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(dst, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def show(path, values):
    _, h = header(path)
    for key, info in h.items():
        if key == "__metadata__":
            continue
        line = f"{path}: {key} {info['dtype']} {info['shape']}"
        if values and info["dtype"] == "I64":
            line += " = " + str(list(read_tensor(path, key)[2]))
        print(line)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("extract")
    e.add_argument("src")
    e.add_argument("key")
    e.add_argument("dst")
    e.add_argument("--rename")
    s = sub.add_parser("show")
    s.add_argument("file")
    s.add_argument("--values", action="store_true")
    args = ap.parse_args()
    if args.cmd == "extract":
        extract(args.src, args.key, args.dst, args.rename)
    else:
        show(args.file, args.values)


if __name__ == "__main__":
    main()
