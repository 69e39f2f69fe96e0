#include "reward/math/complex.h"

namespace reasonrl::reward::math {

bool TooLargeForTrig(mpfr_srcptr x) {
  return mpfr_regular_p(x) && mpfr_get_exp(x) > kMaxTrigExponent;
}

// ---- complex arithmetic on Cx (out may not alias the inputs) ----

void CxAdd(const Cx& a, const Cx& b, Cx* out) {
  mpfr_add(out->re.v, a.re.v, b.re.v, kRnd);
  mpfr_add(out->im.v, a.im.v, b.im.v, kRnd);
}

void CxSub(const Cx& a, const Cx& b, Cx* out) {
  mpfr_sub(out->re.v, a.re.v, b.re.v, kRnd);
  mpfr_sub(out->im.v, a.im.v, b.im.v, kRnd);
}

// (a+bi)(c+di) = (ac - bd) + (ad + bc)i
void CxMul(const Cx& a, const Cx& b, Cx* out, mpfr_prec_t prec) {
  if (a.IsReal() && b.IsReal()) {
    mpfr_mul(out->re.v, a.re.v, b.re.v, kRnd);
    mpfr_set_zero(out->im.v, 1);
    return;
  }
  Real t(prec);
  mpfr_mul(t.v, a.im.v, b.im.v, kRnd);
  mpfr_fms(out->re.v, a.re.v, b.re.v, t.v, kRnd);
  mpfr_mul(t.v, a.im.v, b.re.v, kRnd);
  mpfr_fma(out->im.v, a.re.v, b.im.v, t.v, kRnd);
}

// (a+bi)/(c+di) = ((ac + bd) + (bc - ad)i) / (c² + d²). False when dividing by zero.
bool CxDiv(const Cx& a, const Cx& b, Cx* out, mpfr_prec_t prec) {
  if (b.IsZero()) return false;
  if (b.IsReal()) {
    mpfr_div(out->re.v, a.re.v, b.re.v, kRnd);
    mpfr_div(out->im.v, a.im.v, b.re.v, kRnd);
    return true;
  }
  Real den(prec), t(prec);
  mpfr_sqr(den.v, b.re.v, kRnd);
  mpfr_fma(den.v, b.im.v, b.im.v, den.v, kRnd);
  mpfr_mul(t.v, a.im.v, b.im.v, kRnd);
  mpfr_fma(out->re.v, a.re.v, b.re.v, t.v, kRnd);
  mpfr_mul(t.v, a.re.v, b.im.v, kRnd);
  mpfr_fms(out->im.v, a.im.v, b.re.v, t.v, kRnd);
  mpfr_div(out->re.v, out->re.v, den.v, kRnd);
  mpfr_div(out->im.v, out->im.v, den.v, kRnd);
  return true;
}

// e^(a+bi) = e^a (cos b + i sin b)
bool CxExp(const Cx& a, Cx* out, mpfr_prec_t prec) {
  if (a.IsReal()) {
    mpfr_exp(out->re.v, a.re.v, kRnd);
    mpfr_set_zero(out->im.v, 1);
    return true;
  }
  if (TooLargeForTrig(a.im.v)) return false;
  Real m(prec);
  mpfr_exp(m.v, a.re.v, kRnd);
  mpfr_sin_cos(out->im.v, out->re.v, a.im.v, kRnd);
  mpfr_mul(out->re.v, out->re.v, m.v, kRnd);
  mpfr_mul(out->im.v, out->im.v, m.v, kRnd);
  return true;
}

// log z = ln|z| + i·atan2(Im z, Re z), the principal branch. False for z = 0.
bool CxLog(const Cx& a, Cx* out) {
  if (a.IsZero()) return false;
  if (a.IsReal() && mpfr_sgn(a.re.v) > 0) {
    mpfr_log(out->re.v, a.re.v, kRnd);
    mpfr_set_zero(out->im.v, 1);
    return true;
  }
  mpfr_hypot(out->re.v, a.re.v, a.im.v, kRnd);
  mpfr_log(out->re.v, out->re.v, kRnd);
  mpfr_atan2(out->im.v, a.im.v, a.re.v, kRnd);
  return true;
}

// The principal square root: Re >= 0, and Im >= 0 on the negative real axis.
void CxSqrt(const Cx& a, Cx* out, mpfr_prec_t prec) {
  if (a.IsReal()) {
    if (mpfr_sgn(a.re.v) >= 0) {
      mpfr_sqrt(out->re.v, a.re.v, kRnd);
      mpfr_set_zero(out->im.v, 1);
    } else {
      mpfr_neg(out->im.v, a.re.v, kRnd);
      mpfr_sqrt(out->im.v, out->im.v, kRnd);
      mpfr_set_zero(out->re.v, 1);
    }
    return;
  }
  // sqrt(a+bi) = sqrt((r+a)/2) + i·sign(b)·sqrt((r-a)/2), r = |z|
  Real r(prec);
  mpfr_hypot(r.v, a.re.v, a.im.v, kRnd);
  mpfr_add(out->re.v, r.v, a.re.v, kRnd);
  mpfr_div_2ui(out->re.v, out->re.v, 1, kRnd);
  mpfr_sqrt(out->re.v, out->re.v, kRnd);
  mpfr_sub(out->im.v, r.v, a.re.v, kRnd);
  mpfr_div_2ui(out->im.v, out->im.v, 1, kRnd);
  mpfr_sqrt(out->im.v, out->im.v, kRnd);
  if (mpfr_sgn(a.im.v) < 0) mpfr_neg(out->im.v, out->im.v, kRnd);
}

// sin(a+bi) = sin a cosh b + i cos a sinh b;  cos(a+bi) = cos a cosh b - i sin a sinh b
bool CxSinCos(const Cx& a, Cx* sin_out, Cx* cos_out, mpfr_prec_t prec) {
  if (TooLargeForTrig(a.re.v)) return false;
  Real s(prec), c(prec), sh(prec), ch(prec);
  mpfr_sin_cos(s.v, c.v, a.re.v, kRnd);
  mpfr_sinh_cosh(sh.v, ch.v, a.im.v, kRnd);
  if (sin_out != nullptr) {
    mpfr_mul(sin_out->re.v, s.v, ch.v, kRnd);
    mpfr_mul(sin_out->im.v, c.v, sh.v, kRnd);
  }
  if (cos_out != nullptr) {
    mpfr_mul(cos_out->re.v, c.v, ch.v, kRnd);
    mpfr_mul(cos_out->im.v, s.v, sh.v, kRnd);
    mpfr_neg(cos_out->im.v, cos_out->im.v, kRnd);
  }
  return true;
}

// sinh(a+bi) = sinh a cos b + i cosh a sin b;  cosh(a+bi) = cosh a cos b + i sinh a sin b
bool CxSinhCosh(const Cx& a, Cx* sinh_out, Cx* cosh_out, mpfr_prec_t prec) {
  if (TooLargeForTrig(a.im.v)) return false;
  Real s(prec), c(prec), sh(prec), ch(prec);
  mpfr_sin_cos(s.v, c.v, a.im.v, kRnd);
  mpfr_sinh_cosh(sh.v, ch.v, a.re.v, kRnd);
  if (sinh_out != nullptr) {
    mpfr_mul(sinh_out->re.v, sh.v, c.v, kRnd);
    mpfr_mul(sinh_out->im.v, ch.v, s.v, kRnd);
  }
  if (cosh_out != nullptr) {
    mpfr_mul(cosh_out->re.v, ch.v, c.v, kRnd);
    mpfr_mul(cosh_out->im.v, sh.v, s.v, kRnd);
  }
  return true;
}

void SetI(Cx* out) {
  mpfr_set_zero(out->re.v, 1);
  mpfr_set_ui(out->im.v, 1, kRnd);
}

// asin z = -i·log(iz + sqrt(1 - z²))
bool CxAsin(const Cx& z, Cx* out, mpfr_prec_t prec) {
  Cx one(prec), z2(prec), w(prec), s(prec), iz(prec), l(prec);
  mpfr_set_ui(one.re.v, 1, kRnd);
  mpfr_set_zero(one.im.v, 1);
  CxMul(z, z, &z2, prec);
  CxSub(one, z2, &w);
  CxSqrt(w, &s, prec);
  mpfr_neg(iz.re.v, z.im.v, kRnd);
  mpfr_set(iz.im.v, z.re.v, kRnd);
  CxAdd(iz, s, &w);
  if (!CxLog(w, &l)) return false;
  // -i·(x + yi) = y - xi
  mpfr_set(out->re.v, l.im.v, kRnd);
  mpfr_neg(out->im.v, l.re.v, kRnd);
  return true;
}

// atan z = (i/2)·log((i + z)/(i - z)); Undefined at z = ±i.
bool CxAtan(const Cx& z, Cx* out, mpfr_prec_t prec) {
  Cx i(prec), num(prec), den(prec), q(prec), l(prec);
  SetI(&i);
  CxAdd(i, z, &num);
  CxSub(i, z, &den);
  if (!CxDiv(num, den, &q, prec) || !CxLog(q, &l)) return false;
  // (i/2)(x + yi) = -y/2 + (x/2)i
  mpfr_neg(out->re.v, l.im.v, kRnd);
  mpfr_div_2ui(out->re.v, out->re.v, 1, kRnd);
  mpfr_div_2ui(out->im.v, l.re.v, 1, kRnd);
  return true;
}

// z^w = exp(w·log z), principal value; 0^w = 0 for Re w > 0.
bool CxPowGeneral(const Cx& z, const Cx& w, Cx* out, mpfr_prec_t prec) {
  if (z.IsZero()) {
    if (mpfr_sgn(w.re.v) > 0) {
      mpfr_set_zero(out->re.v, 1);
      mpfr_set_zero(out->im.v, 1);
      return true;
    }
    return false;
  }
  if (z.IsReal() && w.IsReal() && mpfr_sgn(z.re.v) > 0) {
    mpfr_pow(out->re.v, z.re.v, w.re.v, kRnd);
    mpfr_set_zero(out->im.v, 1);
    return true;
  }
  Cx l(prec), p(prec);
  if (!CxLog(z, &l)) return false;
  CxMul(w, l, &p, prec);
  return CxExp(p, out, prec);
}

// z^n by repeated squaring, |n| <= kMaxComplexSquaringExponent.
bool CxPowInt(const Cx& z, long n, Cx* out, mpfr_prec_t prec) {
  Cx base(prec), acc(prec), tmp(prec);
  mpfr_set(base.re.v, z.re.v, kRnd);
  mpfr_set(base.im.v, z.im.v, kRnd);
  mpfr_set_ui(acc.re.v, 1, kRnd);
  mpfr_set_zero(acc.im.v, 1);
  unsigned long e = static_cast<unsigned long>(n < 0 ? -n : n);
  while (e != 0) {
    if (e & 1) {
      CxMul(acc, base, &tmp, prec);
      mpfr_swap(acc.re.v, tmp.re.v);
      mpfr_swap(acc.im.v, tmp.im.v);
    }
    e >>= 1;
    if (e != 0) {
      CxMul(base, base, &tmp, prec);
      mpfr_swap(base.re.v, tmp.re.v);
      mpfr_swap(base.im.v, tmp.im.v);
    }
  }
  if (n >= 0) {
    mpfr_swap(out->re.v, acc.re.v);
    mpfr_swap(out->im.v, acc.im.v);
    return true;
  }
  Cx one(prec);
  mpfr_set_ui(one.re.v, 1, kRnd);
  mpfr_set_zero(one.im.v, 1);
  return CxDiv(one, acc, out, prec);
}

}  // namespace reasonrl::reward::math
