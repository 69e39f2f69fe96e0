#include "reward/math/evaluate.h"

#include <cmath>
#include <string>

namespace reasonrl::reward::math {
namespace {

// An mpz_t / mpq_t that clear themselves.
struct Z {
  Z() { mpz_init(v); }
  ~Z() { mpz_clear(v); }
  Z(const Z&) = delete;
  Z& operator=(const Z&) = delete;
  mpz_t v;
};
struct Q {
  Q() { mpq_init(v); }
  ~Q() { mpq_clear(v); }
  Q(const Q&) = delete;
  Q& operator=(const Q&) = delete;
  mpq_t v;
};

bool SetDigits(mpz_ptr z, const std::string& digits, int base) {
  return mpz_set_str(z, digits.c_str(), base) == 0;
}

}  // namespace

Num LiteralValue(const Literal& lit, const NumLimits& limits) {
  Q value;
  if (!SetDigits(mpq_numref(value.v), lit.digits, lit.base)) return Num::Undefined();
  if (lit.base != 10) return Num::FromMpq(value.v, limits);
  if (std::abs(lit.exp10) > limits.max_exact_bits) return Num::Undefined();
  const unsigned long frac = static_cast<unsigned long>(lit.frac_digits);
  if (!lit.repeat.empty()) {
    // I.F(R)̅ = (IFR - IF) / (10^|F| · (10^|R| - 1))
    Z with_repeat, den;
    if (!SetDigits(with_repeat.v, lit.digits + lit.repeat, 10)) return Num::Undefined();
    mpz_sub(mpq_numref(value.v), with_repeat.v, mpq_numref(value.v));
    mpz_ui_pow_ui(den.v, 10, static_cast<unsigned long>(lit.repeat.size()));
    mpz_sub_ui(den.v, den.v, 1);
    Z scale;
    mpz_ui_pow_ui(scale.v, 10, frac);
    mpz_mul(mpq_denref(value.v), den.v, scale.v);
  } else {
    mpz_ui_pow_ui(mpq_denref(value.v), 10, frac);
  }
  mpq_canonicalize(value.v);
  if (lit.exp10 == 0) return Num::FromMpq(value.v, limits);
  // × 10^exp10: exact while small enough (log2 10 < 3.33), MPFR beyond.
  const double bits = static_cast<double>(RationalBits(value.v)) + 3.33 * std::abs(static_cast<double>(lit.exp10));
  const unsigned long e = static_cast<unsigned long>(std::abs(lit.exp10));
  if (bits <= limits.max_exact_bits) {
    Z p;
    mpz_ui_pow_ui(p.v, 10, e);
    if (lit.exp10 > 0) {
      mpz_mul(mpq_numref(value.v), mpq_numref(value.v), p.v);
    } else {
      mpz_mul(mpq_denref(value.v), mpq_denref(value.v), p.v);
    }
    mpq_canonicalize(value.v);
    return Num::FromMpq(value.v, limits);
  }
  const mpfr_prec_t prec = static_cast<mpfr_prec_t>(limits.precision_bits);
  mpfr_t re, im, p;
  mpfr_inits2(prec, re, im, p, static_cast<mpfr_ptr>(nullptr));
  mpfr_set_q(re, value.v, MPFR_RNDN);
  mpfr_ui_pow_ui(p, 10, e, MPFR_RNDN);
  if (lit.exp10 > 0) {
    mpfr_mul(re, re, p, MPFR_RNDN);
  } else {
    mpfr_div(re, re, p, MPFR_RNDN);
  }
  mpfr_set_zero(im, 1);
  Num result = Num::FromComplex(re, im, prec);
  mpfr_clears(re, im, p, static_cast<mpfr_ptr>(nullptr));
  return result;
}

Num Evaluate(const Ast& ast, int32_t root, uint32_t sign_mask, const std::vector<Num>& variables,
             const NumLimits& limits) {
  const Node& n = ast.node(root);
  auto child = [&](int32_t k) { return Evaluate(ast, ast.child(n, k), sign_mask, variables, limits); };
  switch (n.op) {
    case Op::kNumber: return LiteralValue(ast.literals[static_cast<size_t>(n.payload)], limits);
    case Op::kVariable: return variables[static_cast<size_t>(n.payload)].Clone();
    case Op::kPi: return Pi(limits);
    case Op::kE: return EulerE(limits);
    case Op::kI: return ImaginaryUnit(limits);
    case Op::kInfinity: return Num::Infinity(1);
    case Op::kAdd:
    case Op::kMul: {
      Num acc = child(0);
      for (int32_t k = 1; k < n.count && acc.defined(); ++k) {
        Num next = child(k);
        acc = n.op == Op::kAdd ? Add(acc, next, limits) : Mul(acc, next, limits);
      }
      return acc;
    }
    case Op::kNeg: return Neg(child(0));
    case Op::kDiv: return Div(child(0), child(1), limits);
    case Op::kPow: return Pow(child(0), child(1), limits);
    case Op::kPlusMinus: {
      const bool minus = n.payload < 32 && ((sign_mask >> n.payload) & 1U) != 0;
      return minus ? Sub(child(0), child(1), limits) : Add(child(0), child(1), limits);
    }
    case Op::kFunc: return Apply(n.fn, child(0), limits);
    case Op::kLog: return LogBase(child(0), child(1), limits);
    case Op::kRoot: return Root(child(1), child(0), limits);
    case Op::kFactorial: return Factorial(child(0), limits);
    case Op::kBinom: return Binomial(child(0), child(1), limits);
    case Op::kAbs: return Abs(child(0), limits);
    case Op::kFloor: return Floor(child(0), limits);
    case Op::kCeil: return Ceil(child(0), limits);
  }
  return Num::Undefined();
}

}  // namespace reasonrl::reward::math
