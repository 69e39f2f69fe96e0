// The countdown reward's expression parser: a recursive-descent parser and exact evaluator for
//
//   expr   := term   (('+' | '-') term)*
//   term   := factor (('*' | '/') factor)*
//   factor := number | '(' expr ')'
//   number := [0-9]+
//
// Whitespace (ASCII space, \t, \n, \r, \f, \v) may stand between tokens. The Unicode signs − (U+2212),
// × (U+00D7) and ÷ (U+00F7) are the same operators as - * /. Nothing else is accepted: no unary signs,
// no `**`, no `//`, no decimal points, no implicit multiplication (`2(3+4)`), no `=`.
//
// Values are exact rationals (Boost.Multiprecision cpp_rational); numbers may have any number of digits
// up to the byte limit. Division by an expression whose value is 0 is not a syntax error: the parse
// succeeds and reports it.
//
// Time and memory are O(max_bytes²) at worst (big-number arithmetic on at most max_bytes digits);
// recursion depth is bounded by max_depth. Thread-safe; never throws (fuzzed:
// tests/fuzz/countdown_expression_fuzzer.cc).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace reasonrl::reward {

struct CountdownExpressionLimits {
  size_t max_bytes = 1024;  // longer text is refused before parsing
  int max_depth = 128;      // parenthesis nesting
};

struct CountdownExpression {
  // Each number literal's value in canonical decimal (no leading zeros: "007" → "7"), in text order.
  std::vector<std::string> numbers;
  // True when some divisor evaluated to 0; `value` is then empty.
  bool division_by_zero = false;
  // The exact value, in lowest terms: "22", "-3", "23/2", "-1/3" (the denominator is positive and
  // written only when it is not 1).
  std::string value;
};

// InvalidArgument describing the first problem with its byte offset, e.g. "unexpected ')' at byte 7",
// "unary '-' at byte 0 (only binary + - * / are allowed)", "missing ')' for the '(' at byte 2",
// "nesting deeper than 128", "expression of 2000 bytes exceeds 1024", "empty expression".
absl::StatusOr<CountdownExpression> ParseCountdownExpression(
    std::string_view text, const CountdownExpressionLimits& limits = CountdownExpressionLimits());

// The canonical decimal form of an integer written as optional '-' and digits ("-007" → "-7",
// "-0" → "0"); "" if `text` is not such an integer.
std::string CanonicalInteger(std::string_view text);

}  // namespace reasonrl::reward
