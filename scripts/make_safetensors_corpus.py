#!/usr/bin/env python3
"""Writes the seed corpus of tests/fuzz/safetensors_header_fuzzer.cc into tests/fuzz/corpus/safetensors_header/.

Seeds: small valid files (every dtype, scalars, empty tensors, metadata, escaped names, unpadded headers),
the fixture files' headers cut to a few sizes, and one file per kind of bad header. Files found by the
fuzzer are merged into the same directory with `-merge=1` (scripts/fuzz.sh) and keep their hash names.

Usage: scripts/make_safetensors_corpus.py  (from the repository root; needs only the standard library)
"""
import json
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus", "safetensors_header")
FIXTURES = os.path.join(ROOT, "tests", "data", "hf_tiny_deepseek_v3")

SIZES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2,
         "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8}
ORDER = list(SIZES)  # The Rust crate's Dtype enum order.


def raw(header: bytes, data_len: int) -> bytes:
    return struct.pack("<Q", len(header)) + header + bytes((i * 7) & 0xFF for i in range(data_len))


def valid(tensors, metadata=None, pad=True) -> bytes:
    """tensors: list of (name, dtype, shape); laid out like the Rust writer."""
    tensors = sorted(tensors, key=lambda t: (-ORDER.index(t[1]), t[0]))
    entries, offset = {}, 0
    if metadata is not None:
        entries["__metadata__"] = metadata
    for name, dtype, shape in tensors:
        n = SIZES[dtype]
        for d in shape:
            n *= d
        entries[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + n]}
        offset += n
    header = json.dumps(entries, separators=(",", ":"), ensure_ascii=False).encode()
    if pad:
        header += b" " * ((8 - len(header) % 8) % 8)
    return raw(header, offset)


def seeds():
    yield "valid_empty", valid([])
    yield "valid_metadata_only", valid([], {"format": "pt"})
    yield "valid_every_dtype", valid([(f"t.{d}", d, [2]) for d in SIZES], {"format": "pt"})
    yield "valid_scalar_and_empty", valid([("s", "F32", []), ("e", "BF16", [0, 3]), ("v", "U8", [3])])
    yield "valid_unpadded", valid([("a", "I32", [1, 2])], pad=False)
    yield "valid_escaped_names", valid([("q\"\\\n\t\x01", "U8", [1]), ("caf\u00e9\U0001F600", "I16", [2])],
                                       {"k\x1f": "v\"", "": ""})
    yield "valid_two_metadata", valid([("w", "F16", [2, 2])], {"a": "1", "b": "2"})
    yield "valid_fixture_names", valid(
        [("model.embed_tokens.weight", "BF16", [4, 2]), ("model.layers.0.self_attn.q_a_proj.weight", "F8_E4M3", [2, 2]),
         ("model.layers.0.self_attn.q_a_proj.weight_scale_inv", "F32", [1, 1]),
         ("model.layers.3.mlp.gate.e_score_correction_bias", "F32", [2]), ("lm_head.weight", "BF16", [4, 2])],
        {"format": "pt"})
    # Listed out of offset order, with whitespace: valid, but not what the writer produces.
    yield "valid_unsorted_listing", raw(
        b'{ "b" : {"shape":[2],"dtype":"U8","data_offsets":[4,6]},\n'
        b'"a":{"data_offsets":[0,4],"dtype":"F32","shape":[]}}\t ', 6)

    for name in ("model.safetensors", "reference.safetensors"):
        with open(os.path.join(FIXTURES, name), "rb") as f:
            data = f.read(4096)
        stem = name.split(".")[0]
        for cut in (8, 64, 300, 4096):
            yield f"fixture_{stem}_cut_{cut}", data[:cut]
        # The same cuts with N rewritten to fit, so that the parser gets into the (truncated) JSON.
        for cut in (200, 1000, 4000):
            yield f"fixture_{stem}_json_cut_{cut}", struct.pack("<Q", cut - 8) + data[8:cut]

    t = lambda body: b'{"w":{' + body + b"}}"
    ok = b'"dtype":"U8","shape":[4],"data_offsets":[0,4]'
    yield "bad_short_file", b"\x08\x00\x00\x00"
    yield "bad_huge_n", struct.pack("<Q", 100_000_001) + b"{}"
    yield "bad_n_max", b"\xff" * 8 + b"{}"
    yield "bad_json", raw(b'{"w":{"dtype":"U8",}', 0)
    yield "bad_trailing_json", raw(b"{} x", 0)
    yield "bad_utf8", raw(b'{"\xc3\x28":{}}', 0)
    yield "bad_leading_space", raw(b" {}", 0)
    yield "bad_top_array", raw(b"[]", 0)
    yield "bad_duplicate_tensor", raw(b'{"w":{' + ok + b'},"w":{' + ok + b"}}", 4)
    yield "bad_duplicate_field", raw(t(b'"dtype":"U8",' + ok), 4)
    yield "bad_duplicate_metadata", raw(b'{"__metadata__":{"k":"a","k":"b"}}', 0)
    yield "bad_unknown_dtype", raw(t(b'"dtype":"F128","shape":[1],"data_offsets":[0,16]'), 16)
    yield "bad_negative_dim", raw(t(b'"dtype":"U8","shape":[-1],"data_offsets":[0,0]'), 0)
    yield "bad_float_dim", raw(t(b'"dtype":"U8","shape":[1e0],"data_offsets":[0,1]'), 1)
    yield "bad_huge_dim", raw(t(b'"dtype":"U8","shape":[18446744073709551615],"data_offsets":[0,0]'), 0)
    yield "bad_overflow", raw(t(b'"dtype":"F64","shape":[4294967296,4294967296,0],"data_offsets":[0,0]'), 0)
    yield "bad_offsets_mismatch", raw(t(b'"dtype":"F32","shape":[64],"data_offsets":[0,100]'), 100)
    yield "bad_offsets_unordered", raw(t(b'"dtype":"U8","shape":[0],"data_offsets":[1,0]'), 1)
    yield "bad_offsets_three", raw(t(b'"dtype":"U8","shape":[1],"data_offsets":[0,1,2]'), 1)
    yield "bad_hole", raw(b'{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},'
                          b'"b":{"dtype":"U8","shape":[4],"data_offsets":[6,10]}}', 10)
    yield "bad_overlap", raw(b'{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},'
                             b'"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}', 6)
    yield "bad_trailing_bytes", raw(t(ok), 7)
    yield "bad_past_end", raw(t(ok), 3)
    yield "bad_metadata_array", raw(b'{"__metadata__":["pt"]}', 0)
    yield "bad_metadata_number", raw(b'{"__metadata__":{"format":1}}', 0)
    yield "bad_unknown_key", raw(t(ok + b',"x":{"y":[1,{}]}'), 4)
    yield "bad_missing_key", raw(t(b'"dtype":"U8","shape":[4]'), 4)
    yield "bad_deep_nesting", raw(b'{"w":' + b"[" * 2000 + b"]" * 2000 + b"}", 0)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
