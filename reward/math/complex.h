// Complex numbers as pairs of MPFR reals, for the numeric side of the math-equivalence reward
// (number.cc). Principal branches throughout; functions that return bool return false where the value is
// undefined (a pole, log 0) or too costly (a trigonometric argument beyond 2^kMaxTrigExponent).
// Outputs may not alias inputs. Thread-safe: no state.
#pragma once

#include <mpfr.h>

namespace reasonrl::reward::math {

constexpr mpfr_rnd_t kRnd = MPFR_RNDN;
// Trigonometric functions of |x| >= 2^kMaxTrigExponent are refused: MPFR reduces the argument with a
// π as wide as the argument's exponent, which for 2^(2^30) would take gigabytes.
constexpr mpfr_exp_t kMaxTrigExponent = 4096;

// An mpfr_t that clears itself.
class Real {
 public:
  explicit Real(mpfr_prec_t prec) { mpfr_init2(v, prec); }
  ~Real() { mpfr_clear(v); }
  Real(const Real&) = delete;
  Real& operator=(const Real&) = delete;
  mpfr_t v;
};

// A complex number as two MPFR reals.
struct Cx {
  explicit Cx(mpfr_prec_t prec) : re(prec), im(prec) {}
  Real re, im;
  bool IsReal() const { return mpfr_zero_p(im.v); }
  bool IsZero() const { return mpfr_zero_p(re.v) && mpfr_zero_p(im.v); }
};

bool TooLargeForTrig(mpfr_srcptr x);

void CxAdd(const Cx& a, const Cx& b, Cx* out);
void CxSub(const Cx& a, const Cx& b, Cx* out);
// (a+bi)(c+di) = (ac - bd) + (ad + bc)i
void CxMul(const Cx& a, const Cx& b, Cx* out, mpfr_prec_t prec);
// (a+bi)/(c+di) = ((ac + bd) + (bc - ad)i) / (c² + d²). False when dividing by zero.
bool CxDiv(const Cx& a, const Cx& b, Cx* out, mpfr_prec_t prec);
// e^(a+bi) = e^a (cos b + i sin b)
bool CxExp(const Cx& a, Cx* out, mpfr_prec_t prec);
// log z = ln|z| + i·atan2(Im z, Re z). False for z = 0.
bool CxLog(const Cx& a, Cx* out);
// Re >= 0, and Im >= 0 on the negative real axis.
void CxSqrt(const Cx& a, Cx* out, mpfr_prec_t prec);
// Either output may be null.
bool CxSinCos(const Cx& a, Cx* sin_out, Cx* cos_out, mpfr_prec_t prec);
bool CxSinhCosh(const Cx& a, Cx* sinh_out, Cx* cosh_out, mpfr_prec_t prec);
void SetI(Cx* out);
// asin z = -i·log(iz + sqrt(1 - z²))
bool CxAsin(const Cx& z, Cx* out, mpfr_prec_t prec);
// atan z = (i/2)·log((i + z)/(i - z)); false at z = ±i.
bool CxAtan(const Cx& z, Cx* out, mpfr_prec_t prec);
// z^w = exp(w·log z); 0^w = 0 for Re w > 0.
bool CxPowGeneral(const Cx& z, const Cx& w, Cx* out, mpfr_prec_t prec);
// z^n by repeated squaring.
bool CxPowInt(const Cx& z, long n, Cx* out, mpfr_prec_t prec);

}  // namespace reasonrl::reward::math
