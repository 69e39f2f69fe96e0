#include "reward/math/evaluate.h"

#include <algorithm>
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

namespace {

// Units for n! (integer n) or binom(n, k).
int64_t CountCost(const Num& n) {
  if (!n.is_integer()) return 16;
  constexpr unsigned long kCap = 1UL << 30;  // beyond any budget
  if (mpz_cmpabs_ui(mpq_numref(n.q()), kCap) > 0) return static_cast<int64_t>(kCap / 32);
  return 1 + std::abs(mpz_get_si(mpq_numref(n.q()))) / 32;  // |n| <= 2^30: no overflow
}

int64_t ResultCost(const Num& v) { return v.is_rational() ? RationalBits(v.q()) / 4096 : 0; }

}  // namespace

Num Evaluate(const Ast& ast, int32_t root, uint32_t sign_mask, const std::vector<Num>& variables,
             const NumLimits& limits, EvaluationBudget* budget) {
  if (budget->units <= 0) return Num::Undefined();
  --budget->units;
  const Node& n = ast.node(root);
  auto child = [&](int32_t k) { return Evaluate(ast, ast.child(n, k), sign_mask, variables, limits, budget); };
  // Charges `cost` and says whether the budget covers it.
  auto charge = [&](int64_t cost) {
    budget->units -= cost;
    return budget->units >= 0;
  };
  Num result;
  switch (n.op) {
    case Op::kNumber: {
      const Literal& lit = ast.literals[static_cast<size_t>(n.payload)];
      if (!charge(static_cast<int64_t>(lit.digits.size() + lit.repeat.size()) / 256 +
                  std::min<int64_t>(std::abs(lit.exp10), limits.max_exact_bits) / 4096)) {
        return Num::Undefined();
      }
      result = LiteralValue(lit, limits);
      break;
    }
    case Op::kVariable: return variables[static_cast<size_t>(n.payload)].Clone();
    case Op::kPi: return Pi(limits);
    case Op::kE: return EulerE(limits);
    case Op::kI: return ImaginaryUnit(limits);
    case Op::kInfinity: return Num::Infinity(1);
    case Op::kAdd:
    case Op::kMul: {
      result = child(0);
      for (int32_t k = 1; k < n.count && result.defined(); ++k) {
        Num next = child(k);
        result = n.op == Op::kAdd ? Add(result, next, limits) : Mul(result, next, limits);
        if (!charge(ResultCost(result))) return Num::Undefined();
      }
      return result;
    }
    case Op::kNeg: return Neg(child(0));
    case Op::kDiv: result = Div(child(0), child(1), limits); break;
    case Op::kPow: {
      Num base = child(0);
      Num exponent = child(1);
      if (!exponent.is_integer() && !charge(8)) return Num::Undefined();
      result = Pow(base, exponent, limits);
      break;
    }
    case Op::kPlusMinus: {
      const bool minus = n.payload < 32 && ((sign_mask >> n.payload) & 1U) != 0;
      result = minus ? Sub(child(0), child(1), limits) : Add(child(0), child(1), limits);
      break;
    }
    case Op::kFunc: {
      Num a = child(0);
      if (!charge(8)) return Num::Undefined();
      result = Apply(n.fn, a, limits);
      break;
    }
    case Op::kLog: {
      Num base = child(0);
      Num x = child(1);
      if (!charge(16)) return Num::Undefined();
      result = LogBase(base, x, limits);
      break;
    }
    case Op::kRoot: {
      Num index = child(0);
      Num radicand = child(1);
      if (!charge(8)) return Num::Undefined();
      result = Root(radicand, index, limits);
      break;
    }
    case Op::kFactorial: {
      Num a = child(0);
      if (!charge(CountCost(a))) return Num::Undefined();
      result = Factorial(a, limits);
      break;
    }
    case Op::kBinom: {
      Num top = child(0);
      Num k = child(1);
      // binom(n, k) works through min(k, n - k) factors when n is an integer, k otherwise.
      Num other = top.is_integer() ? Sub(top, k, limits) : Num::Integer(0);
      const int64_t cost = other.is_integer() && k.is_integer()
                               ? std::min(CountCost(k), CountCost(other))
                               : CountCost(k);
      if (!charge(cost)) return Num::Undefined();
      result = Binomial(top, k, limits);
      break;
    }
    case Op::kAbs: return Abs(child(0), limits);
    case Op::kFloor: result = Floor(child(0), limits); break;
    case Op::kCeil: result = Ceil(child(0), limits); break;
  }
  if (!charge(ResultCost(result))) return Num::Undefined();
  return result;
}

}  // namespace reasonrl::reward::math
