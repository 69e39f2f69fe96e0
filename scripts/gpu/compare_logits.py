#!/usr/bin/env python3
"""Compares one tensor of two safetensors files.

    python3 scripts/gpu/compare_logits.py A.safetensors B.safetensors [--key logits] [--key-b KEY] [--tol 1e-4]

Prints the relative error ||a - b|| / ||b|| and the max absolute difference; exits 1 when the relative error is
above --tol (or, with --abs-tol given, when the max abs difference is above it). B is the reference.
Needs nothing but the Python standard library (it reads the safetensors format itself: F32, F16, BF16, F64,
I64, I32), so it also runs where numpy/torch are missing.
"""

import argparse
import json
import math
import struct
import sys
from array import array

_FMT = {"F32": ("f", 4), "F64": ("d", 8), "I64": ("q", 8), "I32": ("i", 4), "I16": ("h", 2), "U8": ("B", 1),
        "I8": ("b", 1)}


def read_tensor(path, key):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        if key not in header:
            names = sorted(k for k in header if k != "__metadata__")
            sys.exit(f"{path}: no tensor {key!r}; has {names[:20]}{' ...' if len(names) > 20 else ''}")
        info = header[key]
        begin, end = info["data_offsets"]
        f.seek(8 + n + begin)
        raw = f.read(end - begin)
    dt, shape = info["dtype"], info["shape"]
    if dt in ("BF16", "F16"):
        u16 = array("H")
        u16.frombytes(raw)
        if sys.byteorder != "little":
            u16.byteswap()
        if dt == "BF16":
            u32 = array("I", (v << 16 for v in u16))
            vals = array("f")
            vals.frombytes(u32.tobytes())
        else:
            vals = array("f", struct.unpack(f"<{len(u16)}e", raw))
    else:
        code, _ = _FMT[dt]
        vals = array(code)
        vals.frombytes(raw)
        if sys.byteorder != "little":
            vals.byteswap()
    return shape, dt, vals


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--key", default="logits")
    ap.add_argument("--key-b", default=None, help="key in B (default: --key)")
    ap.add_argument("--tol", type=float, default=1e-4, help="max relative error ||a-b||/||b||")
    ap.add_argument("--abs-tol", type=float, default=None, help="also require max |a-b| <= this")
    args = ap.parse_args()

    sa, da, a = read_tensor(args.a, args.key)
    sb, db, b = read_tensor(args.b, args.key_b or args.key)
    if sa != sb:
        print(f"shape mismatch: {sa} ({da}) vs {sb} ({db})")
        sys.exit(1)
    num = den = mx = 0.0
    bad = 0
    for x, y in zip(a, b):
        d = float(x) - float(y)
        if d != d:  # NaN
            bad += 1
            continue
        num += d * d
        den += float(y) * float(y)
        if abs(d) > mx:
            mx = abs(d)
    rel = math.sqrt(num) / max(math.sqrt(den), 1e-30)
    ok = bad == 0 and rel <= args.tol and (args.abs_tol is None or mx <= args.abs_tol)
    print(f"{args.key} {sa} ({da} vs {db}): rel_err {rel:.3e}  max_abs_diff {mx:.3e}"
          + (f"  NaNs {bad}" if bad else "")
          + f"  (tol {args.tol:g}" + (f", abs_tol {args.abs_tol:g}" if args.abs_tol is not None else "")
          + f") -> {'OK' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
