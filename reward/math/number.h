// Numbers of the math-equivalence reward: a value is exact (a GMP rational) for as long as the exact
// result stays under a bit limit, and otherwise a complex number of MPFR reals at a fixed precision.
//
//   Num = Undefined            (division by zero, overflow, a limit exceeded, a function outside its domain)
//       | Rational q           (mpq, canonical; numerator and denominator below limits.max_exact_bits)
//       | Complex re + i·im    (two mpfr_t at limits.precision_bits; always finite)
//       | Infinity ±∞          (only from `\infty`; any arithmetic on it but negation is Undefined)
//
// MPFR results that are not finite become Undefined, and so does any operation during which MPFR
// overflowed or underflowed: overflow never turns into a value that could equal `\infty`, and 2^(-10^30)
// never equals 0. Every operation is bounded: exact results whose size would pass max_exact_bits fall back to
// MPFR, factorials and binomials beyond max_factorial_argument are Undefined, trigonometric functions of
// arguments beyond 2^4096 (whose reduction would need a huge π) are Undefined.
//
// Thread safety: no shared state (MPFR's constant caches are thread-local on Debian's build).
#pragma once

#include <gmp.h>
#include <mpfr.h>

#include <cstdint>

namespace reasonrl::reward::math {

struct NumLimits {
  int precision_bits = 256;
  int max_exact_bits = 100'000;
  int max_factorial_argument = 10'000;
};

// The functions a Node of kind kFunc applies (expression.h).
enum class Fn : uint8_t {
  kSin, kCos, kTan, kCot, kSec, kCsc,
  kAsin, kAcos, kAtan, kAcot,
  kSinh, kCosh, kTanh,
  kExp, kLn, kSqrt,
};

class Num {
 public:
  enum class Kind : uint8_t { kUndefined, kRational, kComplex, kInfinity };

  Num() { mpq_init(q_); }
  ~Num();
  Num(Num&& other) noexcept;
  Num& operator=(Num&& other) noexcept;
  Num(const Num&) = delete;
  Num& operator=(const Num&) = delete;

  static Num Undefined() { return Num(); }
  static Num Integer(long v);
  static Num Infinity(int sign);
  // Takes the value of `q` (canonical); Undefined if it is larger than the limit.
  static Num FromMpq(mpq_srcptr q, const NumLimits& limits);
  // A complex number at `prec` bits; Undefined unless both parts are finite.
  static Num FromComplex(mpfr_srcptr re, mpfr_srcptr im, mpfr_prec_t prec);
  // re + i·im from doubles (exact conversions).
  static Num FromDoubles(double re, double im, mpfr_prec_t prec);

  // A deep copy.
  Num Clone() const;

  Kind kind() const { return kind_; }
  bool defined() const { return kind_ != Kind::kUndefined; }
  bool is_rational() const { return kind_ == Kind::kRational; }
  int infinity_sign() const { return inf_sign_; }
  mpq_srcptr q() const { return q_; }
  mpfr_srcptr re() const { return re_; }
  mpfr_srcptr im() const { return im_; }
  // True for a Rational with denominator 1.
  bool is_integer() const;
  // True for a Rational, or a Complex whose imaginary part is exactly 0.
  bool is_real() const;

  // Writes this value into (re, im) at their precisions. REQUIRES: Rational or Complex.
  void ToComplex(mpfr_ptr re, mpfr_ptr im) const;

 private:
  void ClearComplex();
  Kind kind_ = Kind::kUndefined;
  int8_t inf_sign_ = 0;
  bool has_complex_ = false;
  mpq_t q_;
  mpfr_t re_, im_;
};

// Arithmetic. Results follow the rules at the top of this file.
Num Add(const Num& a, const Num& b, const NumLimits& limits);
Num Sub(const Num& a, const Num& b, const NumLimits& limits);
Num Mul(const Num& a, const Num& b, const NumLimits& limits);
Num Div(const Num& a, const Num& b, const NumLimits& limits);
Num Neg(const Num& a);
// a^b. Exact when b is an integer, or b = p/q with a an exact q-th power. For a real a < 0 and b an
// exact rational p/q with q odd, the real root (so (-8)^{1/3} = -2); otherwise the principal value
// exp(b·log a). 0^0 = 1; 0^b with Re b <= 0 otherwise Undefined.
Num Pow(const Num& a, const Num& b, const NumLimits& limits);
// The n-th root: a^{1/n} by the rule above (real for odd n and real a). n must be a positive integer.
Num Root(const Num& a, const Num& n, const NumLimits& limits);
// n! for integers 0 <= n <= max_factorial_argument (exact while under max_exact_bits, else MPFR);
// Γ(x+1) for real non-integer x; Undefined otherwise.
Num Factorial(const Num& a, const NumLimits& limits);
// binom(n, k) = n(n-1)...(n-k+1)/k! for an integer k >= 0 (k > n >= 0 gives 0); n any exact rational
// with |n|, k <= max_factorial_argument; Γ-based for real n; Undefined otherwise.
Num Binomial(const Num& n, const Num& k, const NumLimits& limits);
Num Abs(const Num& a, const NumLimits& limits);
Num Floor(const Num& a, const NumLimits& limits);
Num Ceil(const Num& a, const NumLimits& limits);
// log_base(x) = ln x / ln base.
Num LogBase(const Num& base, const Num& x, const NumLimits& limits);
Num Apply(Fn fn, const Num& a, const NumLimits& limits);
// The constants π and e at limits.precision_bits, and the imaginary unit.
Num Pi(const NumLimits& limits);
Num EulerE(const NumLimits& limits);
Num ImaginaryUnit(const NumLimits& limits);

// Whether two values are equal. Undefined equals nothing; ±∞ equals only the same ±∞. Two Rationals
// compare exactly when closeness.exact_rationals. Otherwise both are taken to complex at
// limits.precision_bits and are equal when |a - b| <= rel · max(|a|, |b|) or |a - b| <= 2^-(3p/4), with
// rel = closeness.relative (plus a 2^-40 relative slack for its binary rounding) or, when that is 0,
// rel = 2^-(p/2), p = precision_bits.
struct Closeness {
  double relative = 0.0;
  bool exact_rationals = true;
};
bool NumsEqual(const Num& a, const Num& b, const Closeness& closeness, const NumLimits& limits);

// MPFR keeps per-thread caches (π, log 2, an mpz pool) that it frees only when asked. Call this on a
// thread before computing there: it registers a thread_local object whose destructor frees this
// thread's caches when the thread exits, so threads that come and go leak nothing.
void ReleaseMpfrCachesAtThreadExit();

// Bits of a rational: bits(numerator) + bits(denominator).
int64_t RationalBits(mpq_srcptr q);

}  // namespace reasonrl::reward::math
