// Evaluates an expression tree (expression.h) to a Num (number.h) at one point: exact while the values
// stay rational and small, MPFR complex otherwise.
#pragma once

#include <cstdint>
#include <vector>

#include "reward/math/expression.h"
#include "reward/math/number.h"

namespace reasonrl::reward::math {

// Work allowed to a batch of evaluations (one comparison), in units of very roughly 5 µs: every node
// costs 1, plus 1 per 256 digits of a literal and per 4096 bits of an exact result, 8 for an elementary
// function, n/32 for n! and min(k, n-k)/32 for binom(n, k). When it runs out, evaluation returns
// Undefined, so an answer too costly to check scores 0 instead of taking unbounded time.
struct EvaluationBudget {
  int64_t units = 20'000;
};

// The exact value of a literal (Undefined when its exponent is beyond max_exact_bits: 1e999999).
Num LiteralValue(const Literal& literal, const NumLimits& limits);

// The value of the subtree at `root`. `variables[k]` is the value of Ast::variables[k] (its size must be
// at least that of ast.variables); bit b of `sign_mask` takes the minus branch of ± node b.
// Recursion depth is that of the tree, which the parser bounds. Charges `budget` (see above).
Num Evaluate(const Ast& ast, int32_t root, uint32_t sign_mask, const std::vector<Num>& variables,
             const NumLimits& limits, EvaluationBudget* budget);

}  // namespace reasonrl::reward::math
