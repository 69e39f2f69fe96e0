#!/usr/bin/env python3
"""Cross-checks the labels of the math-equivalence corpus with sympy.

    python3 scripts/gpu/check_math_labels.py tests/data/reward/math_equivalence.jsonl --out REPORT.md

Each line of the corpus is {"id", "completion", "ground_truth", "expected" (0/1), "category", "note"}.
For every case this script, independently of the C++ scorer:
  1. extracts the answer from the completion: the content of the last \\boxed{...} / \\fbox{...}
     (nested braces; `\\boxed x` runs to the next `$` or line end); if there is none, the content of the
     last closed <answer>...</answer>. Nothing else counts.
  2. normalises answer and ground truth (strips $, \\left/\\right, spacing, unit text after a quantity,
     degree marks, currency signs, font wrappers, %, a trailing period; `\\text{ or }`/`\\text{ and }`
     separate candidates; a whole-string `1,000` is a number with thousands separators);
  3. reads both sides into values: choice letter, text, expression, list (unordered), set \\{..\\}
     (unordered), bracketed sequence (tuple or interval: brackets must match), union of intervals (\\cup,
     unordered), `a \\pm b` as the list [a+b, a-b]; a single-variable assignment `x = ...` is its right side;
  4. parses expressions with the small LaTeX reader below into sympy (no latex2sympy / antlr), and decides
     equality: rationals exactly; otherwise simplify(a - b) == 0, else high-precision evaluation (60 digits)
     at fixed complex points for the free variables (all points must agree to 1e-30 relative). If one side
     of a pair has a decimal literal and the other has none, a remaining difference is forgiven within a
     relative tolerance of 1e-6 (|a-b| <= 1e-6 max(|a|,|b|)); two exact decimals are compared exactly.
     Powers of numbers above 10^6 bits, n! above n = 10000, and anything slower than --timeout seconds
     count as "limit" (verdict 0), as in the C++ scorer's contract (reward/math/math_accuracy.h).

It writes a Markdown report (written to a temporary file and renamed): counts overall and per category,
every case where its verdict disagrees with the label, and every case where it could not parse a side.
Exit status: 0 when every verdict agrees with its label, 1 when some disagree, 2 on bad input or when
sympy is missing. Needs Python 3.8+ and sympy (tested with 1.14); standard library otherwise.
"""

import argparse
import json
import math
import os
import re
import signal
import sys
from collections import Counter, OrderedDict

try:
    import sympy
    from sympy import (E, I, Abs, Integer, Rational, Symbol, oo, pi, zoo, nan, sqrt, root, factorial,
                       binomial, log, simplify, expand_func)
except ImportError:  # handled in main() so that --help and imports still work without sympy
    sympy = None

REL_TOL = 1e-6           # the corpus convention for inexact numbers
EXACT_REL = 1e-30        # numeric agreement that counts as "exactly equal" at 60 digits
DIGITS = 60              # evaluation precision
MAX_POW_BITS = 10 ** 6   # |exponent| * log2|base| above this is a limit
MAX_FACTORIAL = 10000


class ParseError(Exception):
    pass


class LimitExceeded(Exception):
    pass


class Timeout(Exception):
    pass


class InputError(Exception):
    """The corpus file is malformed; the message names file:line and key."""


# ----------------------------------------------------------------------------- extraction

def _match_brace(s, i):
    """s[i] == '{'. Index of the matching '}', skipping escaped \\{ \\} \\\\; -1 if unclosed."""
    depth = 0
    j = i
    while j < len(s):
        ch = s[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return -1


def _box_content(s, start):
    """Content of the box whose command ends at `start`; None when the braced form is unclosed."""
    j = start
    while j < len(s) and s[j] in " \t":
        j += 1
    if j < len(s) and s[j] == "{":
        k = _match_brace(s, j)
        if k < 0:
            return None
        return s[j + 1:k]
    # `\boxed x`: up to the next `$` or line end
    end = len(s)
    for stop in ("$", "\n"):
        p = s.find(stop, j)
        if p >= 0:
            end = min(end, p)
    return s[j:end]


def extract_answer(completion):
    """Raw answer text, or None when the completion has no box and no closed <answer> tag."""
    boxes = [m for m in re.finditer(r"\\(?:boxed|fbox)(?![A-Za-z])", completion)]
    for m in reversed(boxes):
        content = _box_content(completion, m.end())
        if content is not None:
            return content
    close = completion.rfind("</answer>")
    if close < 0:
        return None
    open_ = completion.rfind("<answer>", 0, close)
    if open_ < 0:
        return None
    return completion[open_ + len("<answer>"):close]


# ----------------------------------------------------------------------------- normalisation

_UNIT_RE = re.compile(r"(?<=\S)\s*\\(?:text|mbox|textrm|mathrm)\{\s*([A-Za-z][A-Za-z .]*?)\s*\}"
                      r"(?:\^\{?\d\}?)?")
_FONT_RE = re.compile(r"\\(?:text|mbox|textrm|textbf|textit|mathrm|mathbf|mathit|mathsf|operatorname)"
                      r"\s*\{([^{}]*)\}")
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def normalize(s):
    s = s.strip()
    s = (s.replace("\u221e", "\\infty ").replace("\u03c0", "\\pi ").replace("\u2212", "-")
         .replace("\u00d7", "\\times ").replace("\u00b7", "\\cdot ").replace("\u00b0", ""))
    s = re.sub(r"\\[dt]frac(?![A-Za-z])", r"\\frac", s)
    s = re.sub(r"\\[dt]binom(?![A-Za-z])", r"\\binom", s)
    s = re.sub(r"\\(?:left|right)(?![A-Za-z])\.?", "", s)
    s = re.sub(r"\\(?:displaystyle|quad|qquad)(?![A-Za-z])", " ", s)
    s = re.sub(r"\\[!,;: ]", " ", s)
    s = s.replace("~", " ")
    s = re.sub(r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ(?![A-Za-z])|\\degree(?![A-Za-z])", "", s)
    s = s.replace("\\%", "").replace("%", "")
    s = s.replace("\\$", "").replace("$", "")
    for sign in ("\u20ac", "\u00a3", "\u00a5", "\\euro"):
        s = s.replace(sign, "")
    s = s.replace("{,}", "")
    # candidate separators written in words
    s = re.sub(r"\\(?:text|mbox)\{\s*(?:or|and)\s*\}", ",", s)
    # unit text after a quantity (the word must not be the whole answer)
    s = _UNIT_RE.sub("", s)
    # font wrappers around what is left
    prev = None
    while prev != s:
        prev = s
        s = _FONT_RE.sub(lambda m: m.group(1), s)
    s = s.strip()
    if s.endswith("."):
        s = s[:-1].rstrip()
    if _THOUSANDS_RE.match(s):
        s = s.replace(",", "")
    return s


# ----------------------------------------------------------------------------- tokenizer / parser

_FUNCS = {
    "sin": "sin", "cos": "cos", "tan": "tan", "sec": "sec", "csc": "csc", "cot": "cot",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "ln": "log", "log": "log", "exp": "exp",
}
_GREEK = {"alpha", "beta", "gamma", "delta", "theta", "phi", "varphi", "lambda", "mu", "sigma", "omega",
          "rho", "tau", "epsilon", "varepsilon", "psi", "chi", "eta", "zeta", "kappa", "nu", "xi"}


def tokenize(s):
    toks = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch.isspace():
            i += 1
            continue
        if ch.isdigit() or (ch == "." and i + 1 < len(s) and s[i + 1].isdigit()):
            m = re.match(r"\d*\.?\d*", s[i:])
            toks.append(["num", m.group(0)])
            i += len(m.group(0))
            continue
        if ch == "\\":
            m = re.match(r"\\([A-Za-z]+)", s[i:])
            if m:
                toks.append(["cmd", m.group(1)])
                i += len(m.group(0))
                continue
            if i + 1 < len(s):
                toks.append(["esc", s[i + 1]])
                i += 2
                continue
            raise ParseError("dangling backslash")
        if ch.isalpha():
            toks.append(["var", ch])
            i += 1
            continue
        if ch in "+-*/^_()[]{}!|=,":
            toks.append(["op", ch])
            i += 1
            continue
        raise ParseError("unexpected character %r" % ch)
    return toks


class ExprParser:
    """Recursive-descent LaTeX reader for the answer forms of the corpus; builds sympy expressions."""

    def __init__(self, text):
        self.toks = tokenize(text)
        self.pos = 0
        self.has_decimal = False
        self.abs_depth = 0

    # -- token helpers
    def peek(self, k=0):
        p = self.pos + k
        return self.toks[p] if p < len(self.toks) else None

    def is_(self, kind, val=None, k=0):
        t = self.peek(k)
        return t is not None and t[0] == kind and (val is None or t[1] == val)

    def take(self):
        t = self.peek()
        if t is None:
            raise ParseError("unexpected end")
        self.pos += 1
        return t

    def expect(self, kind, val):
        t = self.take()
        if t[0] != kind or t[1] != val:
            raise ParseError("expected %r, got %r" % (val, t[1]))

    # -- grammar
    def parse(self):
        if not self.toks:
            raise ParseError("empty")
        e = self.expr()
        if self.pos != len(self.toks):
            raise ParseError("trailing %r" % (self.peek()[1],))
        return e

    def expr(self):
        if self.is_("op", "+") or self.is_("op", "-"):
            sign = self.take()[1]
            e = self.term()
            if sign == "-":
                e = -e
        else:
            e = self.term()
        while self.is_("op", "+") or self.is_("op", "-"):
            op = self.take()[1]
            r = self.term()
            e = e + r if op == "+" else e - r
        return e

    def _starts_primary(self):
        t = self.peek()
        if t is None:
            return False
        kind, val = t
        if kind in ("num", "var"):
            return True
        if kind == "op":
            return val in "({[" or (val == "|" and self.abs_depth == 0)
        if kind == "cmd":
            return val in _FUNCS or val in _GREEK or val in ("frac", "sqrt", "binom", "pi", "infty")
        if kind == "esc":
            return False
        return False

    def term(self):
        e = self.unary()
        while True:
            if self.is_("op", "*") or self.is_("cmd", "cdot") or self.is_("cmd", "times"):
                self.take()
                e = e * self.unary()
            elif self.is_("op", "/") or self.is_("cmd", "div"):
                self.take()
                e = self._divide(e, self.unary())
            elif self._starts_primary():
                e = e * self.power()
            else:
                return e

    def _divide(self, a, b):
        if b.is_number and b == 0:
            raise ParseError("division by zero")
        return a / b

    def unary(self):
        if self.is_("op", "-"):
            self.take()
            return -self.unary()
        if self.is_("op", "+"):
            self.take()
            return self.unary()
        return self.power()

    def power(self):
        base = self.postfix()
        if self.is_("op", "^"):
            self.take()
            ex = self.script_arg()
            return self._pow(base, ex)
        return base

    def _pow(self, base, ex):
        if base.is_number and ex.is_number and ex.is_Integer and base.is_finite:
            b = abs(complex(sympy.N(base, 15))) if not base.is_Integer else abs(int(base))
            if b not in (0, 1) and abs(int(ex)) > 64:
                bits = abs(int(ex)) * abs(math.log2(b))
                if bits > MAX_POW_BITS:
                    raise LimitExceeded("power of %s bits" % format(bits, ".3g"))
        if base.is_number and base == 0 and ex.is_number and (ex.is_negative or ex == 0):
            raise ParseError("0 to a non-positive power")
        return base ** ex

    def postfix(self):
        e = self.primary()
        while self.is_("op", "!"):
            self.take()
            e = self._factorial(e)
        return e

    def _factorial(self, n):
        if n.is_number:
            if not (n.is_Integer and n >= 0):
                raise ParseError("factorial of a non-natural number")
            if n > MAX_FACTORIAL:
                raise LimitExceeded("factorial of %s" % (str(n)[:20],))
        return factorial(n)

    def script_arg(self):
        """Argument of ^ or _ (and of \\frac, \\sqrt without braces): a braced group, one digit, one token."""
        if self.is_("op", "{"):
            return self.group()
        if self.is_("op", "-") or self.is_("op", "+"):
            sign = self.take()[1]
            a = self.script_arg()
            return -a if sign == "-" else a
        t = self.peek()
        if t is not None and t[0] == "num" and len(t[1]) > 1:
            first, rest = t[1][0], t[1][1:]
            t[1] = rest
            return Integer(int(first))
        return self.primary()

    def group(self):
        self.expect("op", "{")
        if self.is_("op", "}"):
            raise ParseError("empty group")
        e = self.expr()
        self.expect("op", "}")
        return e

    def func_arg(self):
        """Argument of \\sin, \\ln, ...: a parenthesised or braced group, else an implicit product."""
        if self.is_("op", "(") or self.is_("op", "{"):
            return self.primary()
        if not self._starts_primary():
            raise ParseError("function without argument")
        e = self.power()
        while self._starts_primary() and not (self.is_("cmd") and self.peek()[1] in _FUNCS):
            e = e * self.power()
        return e

    def primary(self):
        t = self.take()
        kind, val = t
        if kind == "num":
            if val in (".", ""):
                raise ParseError("bad number")
            if "." in val:
                self.has_decimal = True
            return Rational(val)
        if kind == "var":
            if val == "e":
                return E
            if val == "i":
                return I
            return Symbol(val)
        if kind == "op":
            if val == "(":
                e = self.expr()
                self.expect("op", ")")
                return e
            if val == "[":
                e = self.expr()
                self.expect("op", "]")
                return e
            if val == "{":
                self.pos -= 1
                return self.group()
            if val == "|" and self.abs_depth == 0:
                self.abs_depth += 1
                e = self.expr()
                self.abs_depth -= 1
                self.expect("op", "|")
                return Abs(e)
            raise ParseError("unexpected %r" % val)
        if kind == "cmd":
            if val == "pi":
                return pi
            if val == "infty":
                return oo
            if val in _GREEK:
                return Symbol(val)
            if val == "frac":
                a = self.script_arg()
                b = self.script_arg()
                return self._divide(a, b)
            if val == "binom":
                n = self.script_arg()
                k = self.script_arg()
                if n.is_number and (not n.is_Integer or n > MAX_FACTORIAL):
                    raise LimitExceeded("binomial of %s" % (str(n)[:20],))
                return binomial(n, k)
            if val == "sqrt":
                if self.is_("op", "["):
                    self.take()
                    n = self.expr()
                    self.expect("op", "]")
                    x = self.script_arg()
                    return root(x, n)
                return sqrt(self.script_arg())
            if val in _FUNCS:
                return self.function(val)
        raise ParseError("unsupported token %r" % val)

    def function(self, name):
        power = None
        base = None
        for _ in range(2):
            if self.is_("op", "^") and power is None:
                self.take()
                power = self.script_arg()
            elif self.is_("op", "_") and base is None:
                self.take()
                base = self.script_arg()
        arg = self.func_arg()
        f = _FUNCS[name]
        if f == "log":
            if arg.is_number and arg == 0:
                raise ParseError("log of 0")
            val = log(arg, base) if base is not None else log(arg)
        else:
            if base is not None:
                raise ParseError("subscript on %s" % name)
            val = getattr(sympy, f)(arg)
        return val ** power if power is not None else val


def parse_expr_latex(text):
    p = ExprParser(text)
    e = p.parse()
    if e.has(zoo) or e.has(nan):
        raise ParseError("undefined value")
    return e, p.has_decimal


# ----------------------------------------------------------------------------- structured values

def split_top(s, sep=","):
    """Split at top-level `sep` (',' or '\\cup'), outside (), [], {} and \\{ \\}."""
    parts, depth, cur, i = [], 0, [], 0
    while i < len(s):
        if s.startswith("\\{", i) or s.startswith("\\}", i):
            depth += 1 if s[i + 1] == "{" else -1
            cur.append(s[i:i + 2])
            i += 2
            continue
        ch = s[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        at_sep = depth == 0 and s.startswith(sep, i)
        if at_sep and sep[-1].isalpha() and i + len(sep) < len(s) and s[i + len(sep)].isalpha():
            at_sep = False  # \\cupcake is not \\cup
        if at_sep:
            parts.append("".join(cur))
            cur = []
            i += len(sep)
            continue
        cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return [p.strip() for p in parts]


def _closing_index(s, i):
    """s[i] in '(['. Index of its closer among )], counting ([ / )] alike; -1 if none."""
    depth = 0
    for j in range(i, len(s)):
        if s[j] in "([":
            depth += 1
        elif s[j] in ")]":
            depth -= 1
            if depth == 0:
                return j
    return -1


class Value:
    def __init__(self, kind, **kw):
        self.kind = kind  # empty, choice, text, expr, list, set, seq, union, limit, error
        self.__dict__.update(kw)

    def __repr__(self):
        if self.kind == "expr":
            return "expr(%s%s)" % (sympy.sstr(self.expr)[:200], ", decimal" if self.decimal else "")
        if self.kind in ("list", "set"):
            return "%s[%s]" % (self.kind, ", ".join(map(repr, self.items)))
        if self.kind == "seq":
            return "seq%s%s%s" % (self.open, ", ".join(map(repr, self.items)), self.close)
        if self.kind == "union":
            return "union[%s]" % " U ".join(map(repr, self.items))
        if self.kind in ("choice", "text"):
            return "%s(%s)" % (self.kind, self.text)
        if self.kind in ("limit", "error"):
            return "%s(%s)" % (self.kind, self.reason)
        return self.kind


_ASSIGN_RE = re.compile(r"^\s*(?:[A-Za-z]|\\[A-Za-z]+)\s*=\s*([^=]+)$")
_CHOICE_RE = re.compile(r"^\(?\s*([A-E])\s*\)?$")
_WORDS_RE = re.compile(r"^[A-Za-z][A-Za-z' ]*$")


def _is_text(raw, norm):
    return ("\\text" in raw or "\\mbox" in raw) and bool(_WORDS_RE.match(norm)) and \
        re.search(r"[A-Za-z]{2,}", norm) is not None


def read_value(norm, raw, text_mode=False):
    """The value of a normalised answer or ground truth; `raw` is the text before normalisation.
    text_mode: the other side is text written in \\text{...}, so a bare word here is text too."""
    s = norm.strip()
    if not s:
        return Value("empty")
    m = _CHOICE_RE.match(s)
    if m:
        return Value("choice", text=m.group(1))
    if _is_text(raw, s) or (text_mode and _WORDS_RE.match(s)):
        return Value("text", text=" ".join(s.lower().split()))
    try:
        return _read_structured(s)
    except LimitExceeded as ex:
        return Value("limit", reason=str(ex))
    except (ParseError, RecursionError) as ex:
        return Value("error", reason=str(ex))
    except Timeout:
        raise
    except Exception as ex:  # sympy raising on odd input is a parse failure, not a crash
        return Value("error", reason="%s: %s" % (type(ex).__name__, ex))


def _read_structured(s):
    parts = split_top(s, ",")
    if len(parts) > 1:
        items = []
        for p in parts:
            v = _read_structured(p)
            items.extend(v.items if v.kind == "list" else [v])
        return Value("list", items=items)
    if "\\pm" in s:
        left, _, right = s.partition("\\pm")
        r, rd = parse_expr_latex(right)
        if left.strip():
            l, ld = parse_expr_latex(left)
            return Value("list", items=[Value("expr", expr=l + r, decimal=ld or rd),
                                        Value("expr", expr=l - r, decimal=ld or rd)])
        return Value("list", items=[Value("expr", expr=r, decimal=rd), Value("expr", expr=-r, decimal=rd)])
    cups = split_top(s, "\\cup")
    if len(cups) > 1:
        return Value("union", items=[_read_structured(c) for c in cups])
    if s.startswith("\\{") and s.endswith("\\}"):
        inner = s[2:-2].strip()
        items = [_read_structured(p) for p in split_top(inner, ",")] if inner else []
        return Value("set", items=items)
    if s[0] in "([" and _closing_index(s, 0) == len(s) - 1:
        inner = s[1:-1]
        parts = split_top(inner, ",")
        if len(parts) > 1:
            return Value("seq", open=s[0], close=s[-1], items=[_read_structured(p) for p in parts])
    m = _ASSIGN_RE.match(s)
    if m:
        s = m.group(1).strip()
        if not s:
            raise ParseError("empty right side")
    e, dec = parse_expr_latex(s)
    return Value("expr", expr=e, decimal=dec)


# ----------------------------------------------------------------------------- equality

_POINTS = [
    [Rational(-137, 100) + Rational(41, 100) * I, Rational(83, 100) - Rational(119, 100) * I,
     Rational(211, 100) + Rational(27, 100) * I, Rational(-59, 100) - Rational(73, 100) * I,
     Rational(31, 100) + Rational(157, 100) * I, Rational(173, 100) - Rational(11, 100) * I],
    [Rational(47, 100) + Rational(93, 100) * I, Rational(-181, 100) - Rational(37, 100) * I,
     Rational(121, 100) + Rational(163, 100) * I, Rational(97, 100) + Rational(3, 100) * I,
     Rational(-23, 100) + Rational(61, 100) * I, Rational(-149, 100) - Rational(89, 100) * I],
    [Rational(3, 2), Rational(-7, 3), Rational(13, 5), Rational(-5, 7), Rational(11, 4), Rational(2, 9)],
    [Rational(-43, 10) + Rational(21, 10) * I, Rational(37, 10), Rational(-3, 10) - Rational(29, 10) * I,
     Rational(17, 10) + Rational(5, 10) * I, Rational(-1, 10), Rational(26, 10) - Rational(13, 10) * I],
] if sympy is not None else []


def _numeric_equal(a, b, tol):
    """a, b sympy expressions; evaluate at the fixed points; True when all agree within tol (relative)."""
    syms = sorted((a.free_symbols | b.free_symbols), key=lambda s: s.name)
    if len(syms) > len(_POINTS[0]):
        raise ParseError("too many variables")
    ea, eb = expand_func(a), expand_func(b)
    point_sets = _POINTS if syms else [[]]
    for pts in point_sets:
        subs = {s: pts[k] for k, s in enumerate(syms)}
        va = sympy.N(ea.subs(subs), DIGITS)
        vb = sympy.N(eb.subs(subs), DIGITS)
        if not (va.is_number and vb.is_number):
            raise ParseError("could not evaluate numerically")
        if va.has(zoo, nan, oo, -oo) or vb.has(zoo, nan, oo, -oo):
            raise ParseError("not finite at an evaluation point")
        d = abs(sympy.N(va - vb, DIGITS))
        scale = max(abs(va), abs(vb))
        if scale == 0:
            if d != 0:
                return False
            continue
        if d > tol * scale:
            return False
    return True


def exprs_equal(a, da, b, db):
    """(equal, how). da/db: whether each side had a decimal literal."""
    if a.has(oo, -oo) or b.has(oo, -oo):
        return (a == b), "infinity"
    if a == b:
        return True, "identical"
    if a.is_Rational and b.is_Rational:
        how = "rational"  # exact and different
    else:
        try:
            if simplify(a - b) == 0:
                return True, "simplify"
        except Timeout:
            raise
        except Exception:
            pass  # simplify failing is no verdict; the numeric check decides
        how = "numeric"
        if _numeric_equal(a, b, EXACT_REL):
            return True, how
    if da != db and not (a.free_symbols or b.free_symbols):
        if _numeric_equal(a, b, REL_TOL):
            return True, "tolerance 1e-6"
        return False, "outside 1e-6"
    return False, how


def _match_all(xs, ys, eq):
    """Unordered: a perfect matching between xs and ys under eq (backtracking; small inputs)."""
    if len(xs) != len(ys):
        return False
    used = [False] * len(ys)

    def go(i):
        if i == len(xs):
            return True
        for j, y in enumerate(ys):
            if not used[j] and eq(xs[i], y):
                used[j] = True
                if go(i + 1):
                    return True
                used[j] = False
        return False

    return go(0)


def values_equal(a, g):
    """(equal, reason) for answer value a against ground-truth value g."""
    if g.kind in ("empty", "error", "limit"):
        return False, "ground truth " + g.kind
    if a.kind == "empty":
        return False, "empty answer"
    if a.kind == "limit":
        return False, "limit: " + a.reason
    if a.kind == "error":
        return False, "unparseable: " + a.reason
    if g.kind == "choice":
        return (a.kind == "choice" and a.text == g.text), ("multiple candidates" if a.kind == "list" else "choice")
    if g.kind == "text":
        return (a.kind == "text" and a.text == g.text), "text"
    if g.kind == "expr":
        if a.kind == "list":
            return False, "multiple candidates"
        if a.kind != "expr":
            return False, "%s vs expression" % a.kind
        return exprs_equal(a.expr, a.decimal, g.expr, g.decimal)
    eq = lambda x, y: values_equal(x, y)[0]
    if g.kind in ("list", "set"):
        if a.kind not in ("list", "set"):
            return False, "%s vs %s" % (a.kind, g.kind)
        if g.kind == "set":
            ai = _dedupe(a.items, eq)
            gi = _dedupe(g.items, eq)
        else:
            ai, gi = a.items, g.items
        return _match_all(ai, gi, eq), "unordered"
    if g.kind == "seq":
        if a.kind != "seq" or a.open != g.open or a.close != g.close or len(a.items) != len(g.items):
            return False, "brackets or length"
        return all(eq(x, y) for x, y in zip(a.items, g.items)), "ordered"
    if g.kind == "union":
        items = a.items if a.kind == "union" else [a]
        return _match_all(items, g.items, eq), "union"
    return False, "unhandled kind " + g.kind


def _dedupe(items, eq):
    out = []
    for x in items:
        if not any(eq(x, y) for y in out):
            out.append(x)
    return out


# ----------------------------------------------------------------------------- driver

def _alarm(signum, frame):
    raise Timeout()


def check_case(case, timeout):
    """Returns dict(verdict 0/1, reason, answer, norm_answer, norm_gt, value_a, value_g, unparsed)."""
    out = {"answer": None, "norm_answer": None, "norm_gt": None, "value_a": None, "value_g": None,
           "unparsed": None}
    raw = extract_answer(case["completion"])
    out["answer"] = raw
    ng = normalize(case["ground_truth"])
    out["norm_gt"] = ng
    if raw is None:
        out.update(verdict=0, reason="no answer")
        return out
    na = normalize(raw)
    out["norm_answer"] = na
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        # Text is decided by both sides: `Evelyn` against `\\text{Evelyn}` is the word, not E*v*e*l*y*n.
        text_mode = _is_text(case["ground_truth"], ng) or _is_text(raw, na)
        vg = read_value(ng, case["ground_truth"], text_mode)
        va = read_value(na, raw, text_mode)
        out["value_a"], out["value_g"] = repr(va), repr(vg)
        for side, v in (("answer", va), ("ground truth", vg)):
            if v.kind == "error":
                out["unparsed"] = "%s: %s" % (side, v.reason)
        eq, how = values_equal(va, vg)
        out.update(verdict=1 if eq else 0, reason=how)
    except Timeout:
        out.update(verdict=0, reason="limit: timeout after %gs" % timeout)
    except RecursionError:
        out.update(verdict=0, reason="limit: recursion")
    except LimitExceeded as ex:
        out.update(verdict=0, reason="limit: %s" % ex)
    except Exception as ex:  # a comparison sympy could not carry out: listed with the unparsed cases
        out.update(verdict=0, reason="undecided")
        out["unparsed"] = "comparison: %s: %s" % (type(ex).__name__, ex)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return out


def load_cases(path):
    cases = []
    ids = set()
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as ex:
                raise InputError("%s:%d: not JSON: %s" % (path, lineno, ex))
            for key, typ in (("id", str), ("completion", str), ("ground_truth", str), ("expected", int),
                             ("category", str), ("note", str)):
                if not isinstance(d.get(key), typ):
                    raise InputError("%s:%d: key %r missing or not a %s" % (path, lineno, key, typ.__name__))
            if d["expected"] not in (0, 1):
                raise InputError("%s:%d: key 'expected' must be 0 or 1, got %r" % (path, lineno, d["expected"]))
            if d["id"] in ids:
                raise InputError("%s:%d: duplicate id %r" % (path, lineno, d["id"]))
            ids.add(d["id"])
            d["_line"] = lineno
            cases.append(d)
    return cases


def _md(s):
    if s is None:
        return "—"
    s = str(s).replace("\n", "\\n").replace("|", "\\|")
    return "`%s`" % s.replace("`", "'") if s else "`` (empty)"


def write_report(path, corpus, cases, results, show_all=False):
    n = len(cases)
    neg = sum(1 for c in cases if c["expected"] == 0)
    disagree = [(c, r) for c, r in zip(cases, results) if r["verdict"] != c["expected"]]
    unparsed = [(c, r) for c, r in zip(cases, results) if r["unparsed"]]
    cats = OrderedDict()
    for c, r in zip(cases, results):
        st = cats.setdefault(c["category"], Counter())
        st["n"] += 1
        st["neg"] += c["expected"] == 0
        st["agree"] += r["verdict"] == c["expected"]
        st["unparsed"] += bool(r["unparsed"])
    L = []
    L.append("# Math-equivalence labels: sympy cross-check\n")
    L.append("- corpus: `%s`" % corpus)
    L.append("- sympy %s, Python %s" % (sympy.__version__, sys.version.split()[0]))
    L.append("- cases: %d (expected 1: %d, expected 0: %d, negative share %.1f%%)" % (n, n - neg, neg, 100.0 * neg / n))
    L.append("- sympy verdict agrees with the label: %d; disagrees: %d; a side could not be parsed: %d\n"
             % (n - len(disagree), len(disagree), len(unparsed)))
    L.append("| category | cases | expected 0 | agree | disagree | unparsed |")
    L.append("|---|---:|---:|---:|---:|---:|")
    for k, st in cats.items():
        L.append("| %s | %d | %d | %d | %d | %d |" % (k, st["n"], st["neg"], st["agree"], st["n"] - st["agree"],
                                                      st["unparsed"]))
    L.append("\n## Disagreements (sympy verdict != label)\n")
    if not disagree:
        L.append("None.")
    for c, r in disagree:
        L.append("- **%s** (line %d, %s): label %d, sympy %d (%s). %s" % (
            c["id"], c["_line"], c["category"], c["expected"], r["verdict"], r["reason"], c["note"]))
        L.append("  - answer %s → %s → %s" % (_md(r["answer"]), _md(r["norm_answer"]), _md(r["value_a"])))
        L.append("  - ground truth %s → %s → %s" % (_md(c["ground_truth"]), _md(r["norm_gt"]), _md(r["value_g"])))
    L.append("\n## Could not parse a side\n")
    if not unparsed:
        L.append("None.")
    for c, r in unparsed:
        ok = "agrees with label 0" if (c["expected"] == 0 and r["verdict"] == 0) else "DISAGREES"
        L.append("- **%s** (%s, label %d, %s): %s; answer %s, ground truth %s" % (
            c["id"], c["category"], c["expected"], ok, r["unparsed"], _md(r["norm_answer"]), _md(r["norm_gt"])))
    if show_all:
        L.append("\n## Every case\n")
        L.append("| id | label | sympy | how | answer (normalised) | ground truth (normalised) |")
        L.append("|---|---:|---:|---|---|---|")
        for c, r in zip(cases, results):
            L.append("| %s | %d | %d | %s | %s | %s |" % (c["id"], c["expected"], r["verdict"], r["reason"],
                                                      _md(r["norm_answer"]), _md(r["norm_gt"])))
    text = "\n".join(L) + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
    return len(disagree)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Cross-check math-equivalence labels with sympy.")
    ap.add_argument("corpus", help="JSONL file (tests/data/reward/math_equivalence.jsonl)")
    ap.add_argument("--out", required=True, help="Markdown report to write")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per case before it counts as a limit")
    ap.add_argument("--only", default="", help="comma-separated ids to check (debugging)")
    ap.add_argument("--all", action="store_true", help="also list every case with its verdict and route")
    args = ap.parse_args(argv)
    if sympy is None:
        sys.stderr.write("check_math_labels.py: sympy is not installed (python3 -m pip install sympy; tested "
                         "with 1.14). Nothing was checked.\n")
        return 2
    if not os.path.isfile(args.corpus):
        sys.stderr.write("check_math_labels.py: no such file: %s\n" % args.corpus)
        return 2
    try:
        cases = load_cases(args.corpus)
    except (InputError, UnicodeDecodeError) as ex:
        sys.stderr.write("check_math_labels.py: %s\n" % ex)
        return 2
    if args.only:
        want = set(args.only.split(","))
        cases = [c for c in cases if c["id"] in want]
    signal.signal(signal.SIGALRM, _alarm)
    sys.setrecursionlimit(10000)
    results = [check_case(c, args.timeout) for c in cases]
    bad = write_report(args.out, args.corpus, cases, results, args.all)
    print("%d cases, %d disagree with their label, report: %s" % (len(cases), bad, args.out))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
