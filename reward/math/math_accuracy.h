// The `math_accuracy` reward: 1 if the answer a completion gives equals the reference answer
// mathematically, else 0.
//
//   completion ──ExtractAnswer──▶ raw answer ──Normalize──▶ text ──parse──▶ value ─┐
//   ground truth ─────────────────────────────Normalize──▶ text ──parse──▶ value ─┴─▶ equal?
//
// Extraction (ExtractAnswer): the content of the last `\boxed{...}` (nested braces, `\{ \}` escaped; also
// `\boxed x`, which runs to the next `$` or line end, `\boxed5`, and `\fbox{...}`) in the completion; a box
// left unclosed (cut off by the length limit) is skipped. If there is none, the content of the last
// closed `<answer>...</answer>`. Nothing else counts ("the answer is 5" does not).
//
// Normalisation (Normalize): strips `$`, `\left`/`\right`, spacing commands (`\!`, `\,`, `\;`, `\:`, `~`),
// `\displaystyle`, unit text in `\text{...}`/`\mbox{...}` after a quantity, degree marks (`^\circ`, `°`),
// currency signs, font wrappers (`\mathbf`, `\mathrm`, `\textbf`, ...), a trailing period; spells
// `\dfrac`/`\tfrac` as `\frac`, `\dbinom`/`\tbinom` as `\binom`. The ground truth goes through the same
// normaliser, and its shape decides how the answer is read: `1,000` is a number (thousands separators),
// `(1,2)` a tuple, `3, 4, 5` a list, `A`/`(A)` a multiple-choice letter, text that is not mathematics a
// string compared after normalisation.
//
// Equivalence (AnswersEquivalent): both sides are parsed into values: an expression, a bracketed sequence
// (tuple or interval, brackets must match), a set `\{...\}` or bare list (unordered, compared as
// multisets), a union of intervals, ±∞, or a choice letter. Expressions are compared
//   1. exactly, over the rationals (GMP), when both reduce to rational numbers: integers of any size (up to
//      max_exact_bits), decimals, fractions (`\frac`, `a/b`), thousands separators, percentages as
//      written (`50\%` ≡ `50`), scientific notation, factorials and binomials of small integers;
//   2. otherwise numerically: both sides are evaluated as complex numbers in MPFR at precision_bits, at
//      num_points pseudo-random points for their free variables (the same points on both sides), and must
//      agree at every point to a relative error of 2^-(precision_bits/2) (radicals, π, e, i, trig, log,
//      exp; polynomials in named variables: `(x+1)^2` ≡ `x^2+2x+1`).
// An answer whose decimals carry fewer digits than the exact ground truth (`0.333333` against `1/3`) is
// compared with relative_tolerance instead. A single-variable assignment compares its right side
// (`x=5` ≡ `5`); `a \pm b` is the set {a+b, a-b}.
//
// What scores 0: several candidates where the ground truth is one value (`3, 4, 5` against `4`;
// `3 \text{ or } 4`), an empty answer, an answer that does not parse, anything that exceeds a limit below
// (the limits bound time and memory: `2^{2^{2^{100}}}` is refused exactly and overflows to infinity in
// MPFR, which equals nothing finite).
//
// Thread safety: pure functions, no global mutable state; safe to call from any number of threads (MPFR
// is built thread-safe on Debian). Never throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "reward/reward.h"

namespace reasonrl::reward {

struct MathAccuracyConfig {
  // Relative tolerance for inexact numbers: |a - b| <= relative_tolerance * max(|a|, |b|), used when an
  // answer is a decimal with fewer digits than the exact value of the other side needs.
  double relative_tolerance = 1e-6;
  // Pseudo-random points at which expressions with free variables are evaluated (each must agree).
  int num_points = 4;
  // MPFR precision, in bits, of the numerical comparison (also the width of a complex component).
  int precision_bits = 256;
  // Seed of the evaluation points; the same seed gives the same verdicts.
  uint64_t seed = 0x5eed'2025'0001ULL;

  // Limits; exceeding one scores 0 with a reason (never a crash, a hang or unbounded memory).
  int max_answer_bytes = 1024;      // a normalised answer or ground truth longer than this is refused
                                    // (and raw text longer than 8 times this, before normalising)
  int max_nodes = 1024;             // parsed expression nodes per side
  int max_depth = 64;               // nesting depth of the parsed expression
  int max_exact_bits = 100'000;     // exact integers/rationals larger than this fall back to MPFR
  int max_factorial_argument = 10'000;  // n! and binom(n, k) are evaluated only for n up to this
  int max_collection_size = 64;     // elements of a tuple, set, list or union
  // Work units (very roughly 5 µs each) that evaluating both sides at all points may take; n! costs
  // n/32, an elementary function 8, a node 1. Past it the comparison fails (scores 0).
  int max_evaluation_cost = 20'000;

  // InvalidArgument naming the field when a value is out of range (num_points in [1, 64],
  // precision_bits in [64, 4096], relative_tolerance in [0, 1), limits positive).
  absl::Status Validate() const;
};

// The raw answer of a completion (see the top of this file), not yet normalised. nullopt when the
// completion has no `\boxed`/`\fbox` and no closed `<answer>...</answer>`; "" for `\boxed{}`.
// O(length of the completion), scanning backwards from the end.
std::optional<std::string> ExtractAnswer(std::string_view completion);

// The normalised text of an answer or a ground truth (see the top of this file). Idempotent.
std::string Normalize(std::string_view answer);

enum class Verdict {
  kEqual,
  kNotEqual,
  kEmpty,                // the answer is empty after normalisation
  kMultipleCandidates,   // several values where the ground truth is one
  kUnparseable,          // the answer does not parse, or exceeds a limit
  kBadGroundTruth,       // the ground truth is empty
};

struct Equivalence {
  Verdict verdict = Verdict::kNotEqual;
  std::string detail;  // for kUnparseable / kBadGroundTruth: what was wrong, e.g. "unbalanced braces"
};

// Compares a raw answer (as ExtractAnswer returns it) with a ground truth; both are normalised here.
// REQUIRES: config.Validate().ok() (an invalid config compares nothing: kUnparseable).
Equivalence AnswersEquivalent(std::string_view answer, std::string_view ground_truth,
                              const MathAccuracyConfig& config = MathAccuracyConfig());

// The reward: Result{v, {{"math_accuracy", v}}, reason} with v in {0, 1} and reason one of "" (equal),
// "no_answer", "empty_answer", "multiple_candidates", "unparseable: <detail>", "wrong",
// "bad_ground_truth: <detail>", "invalid_config: <detail>".
Result MathAccuracy(const Sample& sample, const MathAccuracyConfig& config = MathAccuracyConfig());

}  // namespace reasonrl::reward
