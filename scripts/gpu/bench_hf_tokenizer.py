#!/usr/bin/env python3
"""Hugging Face `tokenizers` encode speed on the benchmark text, the peer of benchmarks/tokenizer_benchmark.cc.

    python3 scripts/gpu/bench_hf_tokenizer.py --tokenizer .cache/tokenizers/deepseek_v3/tokenizer.json \
        --corpus tests/data/tokenizer/corpus.jsonl --min-mb 4 --threads 1 [--repeat 3]
The text is the corpus's strings repeated until at least --min-mb MB (the same rule as the C++ benchmark).
`encode` runs one string at a time on the calling thread; `encode_batch` uses Rayon with --threads threads
(RAYON_NUM_THREADS is set before tokenizers is imported). Prints one JSON line with MB/s (best of --repeat).
"""
import argparse
import json
import os
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--min-mb", type=float, default=4.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    os.environ["RAYON_NUM_THREADS"] = str(args.threads)
    os.environ["TOKENIZERS_PARALLELISM"] = "true"
    import tokenizers  # after RAYON_NUM_THREADS

    base = [json.loads(line)["text"] for line in open(args.corpus, encoding="utf-8")]
    texts, nbytes = [], 0
    while nbytes < args.min_mb * 1e6:
        for t in base:
            texts.append(t)
            nbytes += len(t.encode("utf-8"))
    tk = tokenizers.Tokenizer.from_file(args.tokenizer)
    tk.encode_batch(texts[:100])  # warm-up
    res = {"tokenizer": args.tokenizer, "threads": args.threads, "bytes": nbytes, "tokenizers": tokenizers.__version__}
    best = 0.0
    if args.threads == 1:
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            n = sum(len(tk.encode(t, add_special_tokens=False).ids) for t in texts)
            best = max(best, nbytes / (time.perf_counter() - t0) / 1e6)
        res["encode_mb_s"] = round(best, 2)
        res["tokens"] = n
    best = 0.0
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        out = tk.encode_batch(texts, add_special_tokens=False)
        best = max(best, nbytes / (time.perf_counter() - t0) / 1e6)
    res["encode_batch_mb_s"] = round(best, 2)
    res["tokens"] = sum(len(e.ids) for e in out)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
