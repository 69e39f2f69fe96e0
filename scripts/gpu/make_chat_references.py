#!/usr/bin/env python3
"""Reference renderings of tests/data/chat/messages.jsonl by transformers' apply_chat_template.

Runs on the GPU machine (transformers 5.17 installed, no network), from the repository root:
    python3 scripts/gpu/make_chat_references.py --out DIR
and writes, line-aligned with messages.jsonl, one file per chat format:
    DIR/expected_deepseek_v3.jsonl  AutoTokenizer(.cache/tokenizers/deepseek_v3)
    DIR/expected_deepseek_r1.jsonl  AutoTokenizer(.cache/tokenizers/deepseek_r1)  (derive_r1.py: R1's template)
    DIR/expected_qwen3.jsonl        AutoTokenizer(.cache/tokenizers/qwen3)
    DIR/expected_qwen2_5.jsonl      AutoTokenizer(.cache/tokenizers/qwen3) with
                                    chat_template=scripts/tokenizers/qwen2_5_chat_template.jinja
Each line is {"text": apply_chat_template(messages, tokenize=False, add_generation_prompt=..., **kwargs)}
or, when that raises, {"error": "<ExceptionType>: <message>"}. kwargs are the conversation's keys other than
id, messages and add_generation_prompt (enable_thinking). DIR/versions.json records the library versions,
the backend, the sha256 of each template and the tokenizer's bos/eos tokens (the DeepSeek templates write
bos_token, which must be <｜begin▁of▁sentence｜>). Copy the files into tests/data/chat/ and diff them.

--backend jinja2 renders the same templates with plain jinja2 in the environment transformers builds
(transformers/utils/chat_template_utils.py, _cached_compile_jinja_template): ImmutableSandboxedEnvironment
(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols]), the `tojson` filter overridden by
json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False), the globals
raise_exception (raises TemplateError) and strftime_now, and render(messages=, tools=None, documents=None,
add_generation_prompt=, bos_token=, eos_token=, pad_token=, unk_token=, **kwargs). That needs only jinja2 and
makes the provisional files (tests/data/chat/README.md); the transformers backend is the reference.
Empty conversations are an error in both: transformers' apply_chat_template reads conversation[0].
"""
import argparse
import copy
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FORMATS = ["deepseek_v3", "deepseek_r1", "qwen2_5", "qwen3"]
RESERVED = {"id", "messages", "add_generation_prompt"}


def tokenizer_dir(tokenizers, fmt):
    return os.path.join(tokenizers, "qwen3" if fmt == "qwen2_5" else fmt)


def template_override(fmt):
    if fmt != "qwen2_5":
        return None
    with open(os.path.join(ROOT, "scripts", "tokenizers", "qwen2_5_chat_template.jinja"), encoding="utf-8") as f:
        return f.read()


def token_text(value):
    """A tokenizer_config.json special token: a string, {"content": ...} or null."""
    if isinstance(value, dict):
        return value.get("content")
    return value


class Jinja2Renderer:
    def __init__(self, directory, override):
        import jinja2
        import jinja2.ext
        from jinja2.sandbox import ImmutableSandboxedEnvironment
        from datetime import datetime

        with open(os.path.join(directory, "tokenizer_config.json"), encoding="utf-8") as f:
            cfg = json.load(f)
        self.template = override if override is not None else cfg["chat_template"]
        self.special = {k: token_text(cfg.get(k)) for k in ("bos_token", "eos_token", "pad_token", "unk_token")}

        def raise_exception(message):
            raise jinja2.exceptions.TemplateError(message)

        def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
            return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

        def strftime_now(fmt):
            return datetime.now().strftime(fmt)

        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                            extensions=[jinja2.ext.loopcontrols])
        env.filters["tojson"] = tojson
        env.globals["raise_exception"] = raise_exception
        env.globals["strftime_now"] = strftime_now
        self.compiled = env.from_string(self.template)

    def render(self, messages, add_generation_prompt, kwargs):
        if not messages:
            raise IndexError("list index out of range")  # as transformers: conversation[0]
        return self.compiled.render(messages=messages, tools=None, documents=None,
                                    add_generation_prompt=add_generation_prompt, **self.special, **kwargs)


class TransformersRenderer:
    def __init__(self, directory, override):
        import transformers

        self.tok = transformers.AutoTokenizer.from_pretrained(directory)
        self.override = override
        self.template = override if override is not None else self.tok.chat_template
        self.special = {"bos_token": self.tok.bos_token, "eos_token": self.tok.eos_token,
                        "class": type(self.tok).__name__}

    def render(self, messages, add_generation_prompt, kwargs):
        extra = {} if self.override is None else {"chat_template": self.override}
        out = self.tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt,
                                           **extra, **kwargs)
        if not isinstance(out, str):
            raise TypeError(f"apply_chat_template(tokenize=False) returned {type(out).__name__}, not str")
        return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--messages", default=os.path.join(ROOT, "tests", "data", "chat", "messages.jsonl"))
    ap.add_argument("--tokenizers", default=os.path.join(ROOT, ".cache", "tokenizers"))
    ap.add_argument("--backend", choices=["transformers", "jinja2"], default="transformers")
    args = ap.parse_args()

    convs = []
    with open(args.messages, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            conv = json.loads(line)
            if not isinstance(conv.get("messages"), list) or not isinstance(conv.get("add_generation_prompt"), bool):
                sys.exit(f"{args.messages}:{n}: expected messages (list) and add_generation_prompt (bool)")
            convs.append(conv)

    os.makedirs(args.out, exist_ok=True)
    versions = {"backend": args.backend, "python": sys.version.split()[0], "templates": {}}
    import jinja2
    versions["jinja2"] = jinja2.__version__
    if args.backend == "transformers":
        import transformers
        versions["transformers"] = transformers.__version__

    for fmt in FORMATS:
        directory = tokenizer_dir(args.tokenizers, fmt)
        override = template_override(fmt)
        renderer = (TransformersRenderer if args.backend == "transformers" else Jinja2Renderer)(directory, override)
        if fmt == "deepseek_r1":  # derive_r1.py must have put R1's template into the directory
            with open(os.path.join(ROOT, "scripts", "tokenizers", "deepseek_r1_chat_template.jinja"),
                      encoding="utf-8") as f:
                if renderer.template != f.read():
                    sys.exit(f"{directory}: chat_template is not deepseek_r1_chat_template.jinja; "
                             "run bash scripts/fetch_tokenizers.sh")
        versions["templates"][fmt] = hashlib.sha256(renderer.template.encode("utf-8")).hexdigest()
        versions.setdefault("special_tokens", {})[fmt] = {k: v for k, v in renderer.special.items()
                                                          if k in ("bos_token", "eos_token", "class")}
        path = os.path.join(args.out, f"expected_{fmt}.jsonl")
        errors = 0
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            for conv in convs:
                kwargs = {k: v for k, v in conv.items() if k not in RESERVED}
                try:
                    rec = {"text": renderer.render(copy.deepcopy(conv["messages"]), conv["add_generation_prompt"],
                                                   kwargs)}
                except Exception as e:  # noqa: BLE001  (the reference records what transformers raises)
                    rec = {"error": f"{type(e).__name__}: {e}"}
                    errors += 1
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        os.replace(path + ".tmp", path)
        print(f"{fmt}: {len(convs)} conversations, {errors} errors -> {path}")

    with open(os.path.join(args.out, "versions.json"), "w", encoding="utf-8") as f:
        json.dump(versions, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
