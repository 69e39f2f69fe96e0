#!/usr/bin/env python3
"""Checks `reasonrl data tiny-tokenizer` output with Hugging Face tokenizers and transformers.

Run where those libraries are installed (the GPU machine):

    build/reasonrl data tiny-tokenizer --output-dir /tmp/tiny_tok
    python3 tests/data/datasets/check_tiny_tokenizer.py /tmp/tiny_tok

It asserts the ids that tests/trainer/tasks_tiny_tokenizer_test.cc expects from reasonrl::Tokenizer
(worked out by hand from trainer/tasks/tiny_tokenizer.h), that every tag is one id, and that encode/decode
round-trips, for both tokenizers.Tokenizer.from_file and transformers.AutoTokenizer. Prints "OK" and the
library versions on success; raises AssertionError otherwise.
"""
import sys

TEXT = "<think>12 + 3 = 15</think> <answer>15</answer>"
IDS = [264, 49, 50, 256, 32, 51, 260, 32, 49, 53, 265, 32, 266, 49, 53, 267]
OPS_TEXT = "(7 - 2) * 9 / 3"
OPS_IDS = [40, 55, 257, 32, 50, 41, 258, 32, 57, 259, 32, 51]
TAGS = {"<|bos|>": 261, "<|eos|>": 262, "<|pad|>": 263, "<think>": 264, "</think>": 265, "<answer>": 266,
        "</answer>": 267}
ROUND_TRIP = ["", " ", "  leading and trailing  ", "line\nbreaks\r\n\ttabs", "héllo wörld ✓ 日本", "emoji 😀!",
              "it's we'll they've", "Using the numbers [44, 19, 35], create an equation that equals 98.",
              "".join(chr(b) for b in range(1, 128))]


def main(directory):
    import tokenizers
    import transformers

    tok = tokenizers.Tokenizer.from_file(directory + "/tokenizer.json")
    assert tok.get_vocab_size(with_added_tokens=True) == 268, tok.get_vocab_size(with_added_tokens=True)
    assert tok.encode(TEXT, add_special_tokens=False).ids == IDS, tok.encode(TEXT, add_special_tokens=False).ids
    assert tok.encode(TEXT).ids == [261] + IDS, tok.encode(TEXT).ids
    assert tok.encode(OPS_TEXT, add_special_tokens=False).ids == OPS_IDS
    for text, i in TAGS.items():
        assert tok.encode(text, add_special_tokens=False).ids == [i], text
        assert tok.encode("x" + text + "y", add_special_tokens=False).ids == [ord("x"), i, ord("y")], text
    assert tok.decode([261] + IDS, skip_special_tokens=True) == TEXT
    for text in ROUND_TRIP:
        assert tok.decode(tok.encode(text, add_special_tokens=False).ids, skip_special_tokens=False) == text, text

    auto = transformers.AutoTokenizer.from_pretrained(directory)
    assert auto.bos_token_id == 261 and auto.eos_token_id == 262 and auto.pad_token_id == 263
    assert auto(TEXT)["input_ids"] == [261] + IDS, auto(TEXT)["input_ids"]
    assert auto(TEXT, add_special_tokens=False)["input_ids"] == IDS
    assert auto.decode([261] + IDS, skip_special_tokens=True) == TEXT
    for text in ROUND_TRIP:
        ids = auto(text, add_special_tokens=False)["input_ids"]
        assert auto.decode(ids) == text, text
    print("OK tokenizers", tokenizers.__version__, "transformers", transformers.__version__)


if __name__ == "__main__":
    main(sys.argv[1])
