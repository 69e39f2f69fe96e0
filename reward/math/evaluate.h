// Evaluates an expression tree (expression.h) to a Num (number.h) at one point: exact while the values
// stay rational and small, MPFR complex otherwise.
#pragma once

#include <cstdint>
#include <vector>

#include "reward/math/expression.h"
#include "reward/math/number.h"

namespace reasonrl::reward::math {

// The exact value of a literal (Undefined when its exponent is beyond max_exact_bits: 1e999999).
Num LiteralValue(const Literal& literal, const NumLimits& limits);

// The value of the subtree at `root`. `variables[k]` is the value of Ast::variables[k] (its size must be
// at least that of ast.variables); bit b of `sign_mask` takes the minus branch of ± node b.
// Recursion depth is that of the tree, which the parser bounds.
Num Evaluate(const Ast& ast, int32_t root, uint32_t sign_mask, const std::vector<Num>& variables,
             const NumLimits& limits);

}  // namespace reasonrl::reward::math
