#!/usr/bin/env python3
"""Writes the tokenizer reference corpus: thousands of strings, deterministic (seeded), stdlib only.

Usage: make_corpus.py OUT.jsonl [--seed 20261129]

Families (each line {"text": ..., "kind": ...}): natural language in many scripts, code (this repository's own
sources), LaTeX, whitespace runs and mixed newlines, emoji and other 4-byte characters, long digit runs,
special-token strings of all four tokenizers inside text (whole, partial, adjacent), non-NFC text
(decomposed, compatibility characters), random code points from assigned blocks, and random mixtures.
The expected ids are made from this file by scripts/gpu/make_tokenizer_references.py on the GPU machine.
"""
import argparse
import json
import os
import random
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "It's a truth universally acknowledged; we'll see, they're sure, I'd say you've DONE it, I'M here.",
    "Don't stop believing—hold on to that feeling… “quoted” ‘text’ «guillemets» and ¿preguntas? ¡sí!",
    "Der Größenwahn überfällt Bären äußerst häufig; Straße, Maß, Fuß.",
    "Le cœur a ses raisons que la raison ne connaît point. Où est l'hôtel ? C'est « génial » !",
    "El niño comió paella en la señorita's casa; ¿cuántos años tienes?",
    "Ação, coração, não há pão; você está bem?",
    "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "Γαζίες καὶ μυρτιὲς δὲν θὰ βρῶ πιὰ στὸ χρυσαφὶ ξέφωτο.",
    "我能吞下玻璃而不伤身体。深度求索的模型会先思考再回答。",
    "人工智能正在改变世界，数学推理需要一步一步地思考。",
    "私はガラスを食べられます。それは私を傷つけません。カタカナとひらがな、漢字。",
    "나는 유리를 먹을 수 있어요. 그래도 아프지 않아요. 한국어 문장입니다.",
    "أنا قادر على أكل الزجاج و هذا لا يؤلمني. مرحبا بالعالم!",
    "אני יכול לאכול זכוכית וזה לא מזיק לי. שלום עולם.",
    "मैं काँच खा सकता हूँ और मुझे उससे कोई चोट नहीं पहुंचती. नमस्ते दुनिया।",
    "আমি কাঁচ খেতে পারি, তাতে আমার কোনো ক্ষতি হয় না।",
    "நான் கண்ணாடி சாப்பிடுவேன், அதனால் எனக்கு ஒரு கேடும் வராது.",
    "ฉันกินกระจกได้ แต่มันไม่ทำให้ฉันเจ็บ ภาษาไทยไม่มีช่องว่างระหว่างคำ",
    "Tôi có thể ăn thủy tinh mà không hại gì. Tiếng Việt có nhiều dấu.",
    "Mogę jeść szkło i mi nie szkodzi. Zażółć gęślą jaźń.",
    "Můžu jíst sklo, neublíží mi. Příliš žluťoučký kůň úpěl ďábelské ódy.",
    "Cam yiyebilirim, bana zararı dokunmaz. İstanbul'da ığdır şöyle çalışır.",
    "Jeg kan spise glas, det gør ikke ondt på mig. Blåbærsyltetøy og æøå.",
    "Ég get etið gler án þess að meiða mig. Þetta er íslenska.",
    "Mi povas manĝi vitron, ĝi ne damaĝas min. Ĉu vi parolas Esperanton?",
    "Կրնամ ապակի ուտել և ինծի անհանգիստ չըներ։",
    "მინას ვჭამ და არა მტკივა. ქართული ენა.",
    "ཤེལ་སྒོ་ཟ་ནས་ང་ན་གི་མ་རེད།",
    "ខ្ញុំអាចញុំកញ្ចក់បាន ដោយគ្មានបញ្ហារ",
    "ኣነ ብርጭቆ ክበልዕ ይኽእል እየ፡ ኣይጎድኣንን።",
    "Ninaweza kula bilauri nayo haidhuru. Habari za asubuhi?",
    "Saya boleh makan kaca dan ia tidak mencederakan saya.",
    "Aš galiu valgyti stiklą ir jis manęs nežeidžia.",
    "Я можу їсти скло, і воно мені не зашкодить. Ґанок, їжак, є.",
    "Мога да ям стъкло и то не ми вреди.",
    "Metu kaca makan, ora lara. Basa Jawa.",
    "ᐊᓕᒍᖅ ᓂᕆᔭᕌᖓᒃᑯ ᓱᕋᙱᑦᑐᓐᓇᖅᑐᖓ",
    "𐌼𐌰𐌲 𐌲𐌻𐌴𐍃 𐍅𐌰𐍄 𐌰𐌽𐌳 Gothic letters are outside the BMP.",
    "ᚠᛇᚻ᛫ᛒᛦᚦ᛫ᚠᚱᚩᚠᚢᚱ᛫ᚠᛁᚱᚪ᛫ᚷᛖᚻᚹᛦᛚᚳᚢᛗ runes",
]

LATEX = [
    r"\frac{\sqrt{2}}{2} = \frac{1}{\sqrt{2}}",
    r"$\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}$",
    r"\[ \sum_{k=1}^{n} k^2 = \frac{n(n+1)(2n+1)}{6} \]",
    r"The answer is \boxed{\dfrac{3}{4}}.",
    r"\begin{align} a^2 + b^2 &= c^2 \\ \lim_{x\to 0} \frac{\sin x}{x} &= 1 \end{align}",
    r"Let $f(x) = \binom{n}{k} x^k (1-x)^{n-k}$ and $\left(\frac{a}{b}\right)^{-1}$.",
    r"\mathbb{R}^n \setminus \{0\}, \quad \forall \epsilon > 0 \; \exists \delta",
    r"<think>We need 2x+3=7, so x=2.</think> <answer>\boxed{2}</answer>",
    r"\text{Area} = 12\,\text{cm}^2, \angle ABC = 90^\circ, \$1{,}000",
    r"\mathbf{v} \cdot \mathbf{w} = \|\mathbf{v}\| \|\mathbf{w}\| \cos\theta",
]

SPECIAL = [
    "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜▁pad▁｜>", "<｜User｜>", "<｜Assistant｜>", "<|EOT|>",
    "<｜place▁holder▁no▁0｜>", "<｜place▁holder▁no▁797｜>", "<｜fim▁hole｜>", "<｜tool▁sep｜>",
    "<think>", "</think>", "<answer>", "</answer>",
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_pad|>", "<tool_call>", "</tool_call>",
    "<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
    "<|reserved_special_token_5|>", "<|python_tag|>",
]
PARTIAL = ["<｜begin▁of", "<|im_sta", "<|begin_of_text", "</thi", "<think", "｜>", "<|", "|>", "<｜", "▁"]

EMOJI = ["😀", "🤖", "🧠", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "🇯🇵", "❤️", "✅", "🔥", "🚀", "🥲", "🫠",
         "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𝐁𝐨𝐥𝐝", "𝟙𝟚𝟛", "𠜎𠜱𠝹𠱓", "𓀀𓁐", "🀄", "♠♥♦♣", "™", "©®"]

NON_NFC = ["e\u0301", "A\u030a", "o\u0308\u0304", "\u1100\u1161\u11a8", "n\u0303", "\u0041\u0301\u0302",
           "ﬁ", "ﬂ", "①", "Ⅻ", "㎏", "ｆｕｌｌｗｉｄｔｈ", "\u212b", "\u2126", "ſ", "ǆ", "\u00bd", "x\u00b2",
           "\u0915\u093c", "\u05d0\u05b7", "\u0627\u0653", "\u30ab\u3099"]

WHITESPACE = [" ", "  ", "    ", "\t", "\n", "\r\n", "\r", "\n\n", "\n\n\n", " \n", "\t\n ", "\u00a0", "\u3000",
              "\u2003", "\u200b", "\u2028", "\u000b", "\u000c", "\u0085", "\u202f"]

# Assigned, stable blocks (Unicode ≤ 13) for random code points; no surrogates, no private use, no
# noncharacters, so every string is valid in Python and in Rust.
BLOCKS = [(0x20, 0x7e), (0xa0, 0x24f), (0x370, 0x3ff), (0x400, 0x4ff), (0x530, 0x58f), (0x590, 0x5ff),
          (0x600, 0x6ff), (0x900, 0x97f), (0xe00, 0xe7f), (0x10a0, 0x10ff), (0x1100, 0x11ff), (0x1e00, 0x1eff),
          (0x2000, 0x206f), (0x2190, 0x22ff), (0x2500, 0x257f), (0x3040, 0x30ff), (0x4e00, 0x9fa5),
          (0xac00, 0xd7a3), (0xff00, 0xffef), (0x1f300, 0x1f5ff), (0x1f600, 0x1f64f), (0x1d400, 0x1d7ff),
          (0x20000, 0x2a6d6)]


def code_snippets(rng, n):
    files = []
    for sub in ("model", "rollout", "scripts", "trainer", "tests/model"):
        d = os.path.join(ROOT, sub)
        for dirpath, _, names in os.walk(d):
            for name in sorted(names):
                if name.endswith((".cc", ".h", ".py", ".sh", ".cmake", ".txt")) and "corpus" not in dirpath:
                    files.append(os.path.join(dirpath, name))
    files.sort()
    out = []
    for _ in range(n):
        with open(rng.choice(files), encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        a = rng.randrange(len(lines))
        out.append("\n".join(lines[a:a + rng.randint(1, 25)]))
    return out


def random_codepoints(rng, k):
    s = []
    for _ in range(k):
        lo, hi = rng.choice(BLOCKS)
        c = rng.randint(lo, hi)
        if unicodedata.category(chr(c)) in ("Cn", "Cs", "Co"):
            c = 0x41 + rng.randrange(26)
        s.append(chr(c))
    return "".join(s)


def digits(rng):
    n = rng.choice([1, 2, 3, 4, 5, 7, 10, 16, 33, 64, 101])
    d = "".join(rng.choice("0123456789") for _ in range(n))
    forms = [d, f"{d}.{rng.randint(0, 999)}", f"-{d}", f"{d},{rng.randint(100, 999)}", f"1e{rng.randint(-30, 30)}",
             f"x{d}y", f"{d}%", f"٣٤٥{d}", f"①{d}", f"{d}th", f"0x{rng.randint(0, 2**40):x}", f"３４５{d}"]
    return rng.choice(forms)


def mixture(rng, pools):
    parts = []
    for _ in range(rng.randint(2, 12)):
        pool = rng.choice(pools)
        parts.append(pool(rng) if callable(pool) else rng.choice(pool))
        if rng.random() < 0.6:
            parts.append(rng.choice(WHITESPACE))
    return "".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=20261129)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    rows = []

    def add(kind, text):
        rows.append({"kind": kind, "text": text})

    add("edge", "")
    for s in [" ", "a", "\n", "  leading", "trailing  ", "\r\n\r\n", "'s", "'S'LL", " '", "Ġ", "Ċ", "�", "\ufeffbom",
              "\x00nul\x01\x7f", "a\u0300", " \u0301", "12345678901234567890", "1 2 3", "　", "\t\t\tx"]:
        add("edge", s)
    for s in SENTENCES:
        add("language", s)
        add("language", s.upper())
        add("language", " " + s + "\n")
    for _ in range(500):
        k = rng.randint(1, 4)
        add("language_mix", rng.choice([" ", "\n", "", "  ", "\r\n"]).join(rng.choice(SENTENCES) for _ in range(k)))
    for s in code_snippets(rng, 400):
        add("code", s)
    for s in LATEX:
        add("latex", s)
    for _ in range(150):
        add("latex", " ".join(rng.choice(LATEX) for _ in range(rng.randint(1, 3))))
    for _ in range(200):
        add("whitespace", "".join(rng.choice(WHITESPACE + ["a", "b", "1", ".", "中"]) for _ in range(rng.randint(1, 40))))
    for _ in range(200):
        add("emoji", mixture(rng, [EMOJI, SENTENCES, EMOJI]))
    for _ in range(250):
        add("digits", mixture(rng, [digits, digits, ["+", "-", "*", "/", "=", " = ", "(", ")", "^", "."]]))
    for _ in range(300):
        add("special", mixture(rng, [SPECIAL, SPECIAL, PARTIAL, SENTENCES, WHITESPACE]))
    for t in SPECIAL:
        add("special", t)
        add("special", t + t)
        add("special", " " + t + " ")
        add("special", "x" + t + "y")
    for _ in range(150):
        add("non_nfc", mixture(rng, [NON_NFC, NON_NFC, SENTENCES]))
    for _ in range(300):
        add("random_codepoints", random_codepoints(rng, rng.randint(1, 80)))
    for _ in range(300):
        add("mixture", mixture(rng, [SENTENCES, LATEX, EMOJI, SPECIAL, NON_NFC, WHITESPACE, digits,
                                     lambda r: random_codepoints(r, r.randint(1, 10))]))
    for i in range(20):  # long documents
        add("long", "\n\n".join(rng.choice(SENTENCES + LATEX) for _ in range(rng.randint(20, 60))))

    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    os.replace(tmp, args.out)
    print(f"{len(rows)} strings, {sum(len(r['text'].encode()) for r in rows)} bytes -> {args.out}")


if __name__ == "__main__":
    main()
