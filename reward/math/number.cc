#include "reward/math/number.h"

#include "reward/math/complex.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

namespace reasonrl::reward::math {
namespace {

// Integer powers of complex numbers by repeated squaring up to this exponent, exp(n·log z) beyond.
constexpr long kMaxComplexSquaringExponent = 4096;
// q-th roots computed exactly / by mpfr_rootn_ui only for q up to this.
constexpr unsigned long kMaxRootIndex = 1UL << 20;

// An mpq_t that clears itself.
class Rat {
 public:
  Rat() { mpq_init(v); }
  ~Rat() { mpq_clear(v); }
  Rat(const Rat&) = delete;
  Rat& operator=(const Rat&) = delete;
  mpq_t v;
};

mpfr_prec_t Prec(const NumLimits& limits) { return static_cast<mpfr_prec_t>(limits.precision_bits); }

void ToCx(const Num& a, Cx* out) { a.ToComplex(out->re.v, out->im.v); }

Num FromCx(const Cx& c, mpfr_prec_t prec) { return Num::FromComplex(c.re.v, c.im.v, prec); }

// ---- helpers on exact values ----

int64_t Bits(mpz_srcptr z) { return mpz_sgn(z) == 0 ? 1 : static_cast<int64_t>(mpz_sizeinbase(z, 2)); }

bool FitsLimit(int64_t bits, const NumLimits& limits) { return bits <= limits.max_exact_bits; }

Num ExactOrReal(mpq_srcptr q, const NumLimits& limits) {
  if (FitsLimit(RationalBits(q), limits)) return Num::FromMpq(q, limits);
  Cx c(Prec(limits));
  mpfr_set_q(c.re.v, q, kRnd);
  mpfr_set_zero(c.im.v, 1);
  return FromCx(c, Prec(limits));
}

// The exact q-th root of a rational, if it has one (odd q for negative values).
bool ExactRoot(mpq_srcptr a, unsigned long q, mpq_ptr out) {
  if (mpq_sgn(a) < 0 && q % 2 == 0) return false;
  Rat r;
  mpz_abs(mpq_numref(r.v), mpq_numref(a));
  if (mpz_root(mpq_numref(r.v), mpq_numref(r.v), q) == 0) return false;
  if (mpz_root(mpq_denref(r.v), mpq_denref(a), q) == 0) return false;
  if (mpq_sgn(a) < 0) mpz_neg(mpq_numref(r.v), mpq_numref(r.v));
  mpq_set(out, r.v);  // already canonical: roots of coprime integers are coprime
  return true;
}

// a^n for a Rational a and an integer n given as an mpz.
Num RationalPowInt(mpq_srcptr a, mpz_srcptr n, const NumLimits& limits) {
  const mpfr_prec_t prec = Prec(limits);
  if (mpq_sgn(a) == 0) {
    if (mpz_sgn(n) > 0) return Num::Integer(0);
    if (mpz_sgn(n) == 0) return Num::Integer(1);
    return Num::Undefined();
  }
  if (mpz_cmp_ui(mpq_denref(a), 1) == 0 && mpz_cmpabs_ui(mpq_numref(a), 1) == 0) {
    const bool negative = mpz_sgn(mpq_numref(a)) < 0 && mpz_odd_p(n);
    return Num::Integer(negative ? -1 : 1);
  }
  // |n|·(bits of numerator + bits of a denominator other than 1) bounds the result's bits.
  const int64_t base_bits =
      Bits(mpq_numref(a)) + (mpz_cmp_ui(mpq_denref(a), 1) == 0 ? 0 : Bits(mpq_denref(a)));
  // (|n| <= max_exact_bits first, so that the product cannot overflow.)
  if (mpz_cmpabs_ui(n, static_cast<unsigned long>(limits.max_exact_bits)) <= 0 &&
      FitsLimit(base_bits * std::abs(mpz_get_si(n)), limits)) {
    const long e = mpz_get_si(n);
    const unsigned long ue = static_cast<unsigned long>(e < 0 ? -e : e);
    Rat r;
    mpz_pow_ui(mpq_numref(r.v), mpq_numref(a), ue);
    mpz_pow_ui(mpq_denref(r.v), mpq_denref(a), ue);
    if (e < 0) mpq_inv(r.v, r.v);
    return Num::FromMpq(r.v, limits);
  }
  Cx c(prec);
  mpfr_set_q(c.re.v, a, kRnd);
  mpfr_pow_z(c.re.v, c.re.v, n, kRnd);
  mpfr_set_zero(c.im.v, 1);
  return FromCx(c, prec);
}

// |x|^(p/q) with the sign rule for odd q: the real root of a negative real.
bool RealRationalPow(mpfr_srcptr x, mpq_srcptr e, mpfr_ptr out, mpfr_prec_t prec) {
  const bool negative = mpfr_sgn(x) < 0;
  if (negative && mpz_even_p(mpq_denref(e))) return false;
  Real ax(prec);
  mpfr_abs(ax.v, x, kRnd);
  if (mpfr_zero_p(ax.v)) {
    if (mpq_sgn(e) <= 0) return false;
    mpfr_set_zero(out, 1);
    return true;
  }
  if (mpz_fits_ulong_p(mpq_denref(e)) && mpz_get_ui(mpq_denref(e)) <= kMaxRootIndex) {
    mpfr_rootn_ui(out, ax.v, mpz_get_ui(mpq_denref(e)), kRnd);
    mpfr_pow_z(out, out, mpq_numref(e), kRnd);
  } else {
    Real ef(prec);
    mpfr_set_q(ef.v, e, kRnd);
    mpfr_pow(out, ax.v, ef.v, kRnd);
  }
  if (negative && mpz_odd_p(mpq_numref(e))) mpfr_neg(out, out, kRnd);
  return true;
}

Num RealFn(int (*fn)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), mpfr_srcptr x, mpfr_prec_t prec) {
  Cx c(prec);
  fn(c.re.v, x, kRnd);
  mpfr_set_zero(c.im.v, 1);
  return FromCx(c, prec);
}

}  // namespace

// ---------------------------------------------------------------- Num

Num::~Num() {
  mpq_clear(q_);
  ClearComplex();
}

Num::Num(Num&& other) noexcept : kind_(other.kind_), inf_sign_(other.inf_sign_) {
  mpq_init(q_);
  mpq_swap(q_, other.q_);
  has_complex_ = other.has_complex_;
  if (has_complex_) {
    std::memcpy(re_, other.re_, sizeof(re_));
    std::memcpy(im_, other.im_, sizeof(im_));
    other.has_complex_ = false;
  }
  other.kind_ = Kind::kUndefined;
}

Num& Num::operator=(Num&& other) noexcept {
  if (this == &other) return *this;
  ClearComplex();
  kind_ = other.kind_;
  inf_sign_ = other.inf_sign_;
  mpq_swap(q_, other.q_);
  has_complex_ = other.has_complex_;
  if (has_complex_) {
    std::memcpy(re_, other.re_, sizeof(re_));
    std::memcpy(im_, other.im_, sizeof(im_));
    other.has_complex_ = false;
  }
  other.kind_ = Kind::kUndefined;
  return *this;
}

void Num::ClearComplex() {
  if (has_complex_) {
    mpfr_clear(re_);
    mpfr_clear(im_);
    has_complex_ = false;
  }
}

Num Num::Integer(long v) {
  Num n;
  n.kind_ = Kind::kRational;
  mpq_set_si(n.q_, v, 1);
  return n;
}

Num Num::Infinity(int sign) {
  Num n;
  n.kind_ = Kind::kInfinity;
  n.inf_sign_ = static_cast<int8_t>(sign < 0 ? -1 : 1);
  return n;
}

Num Num::FromMpq(mpq_srcptr q, const NumLimits& limits) {
  if (!FitsLimit(RationalBits(q), limits)) return ExactOrReal(q, limits);
  Num n;
  n.kind_ = Kind::kRational;
  mpq_set(n.q_, q);
  return n;
}

Num Num::FromComplex(mpfr_srcptr re, mpfr_srcptr im, mpfr_prec_t prec) {
  Num n;
  if (!mpfr_number_p(re) || !mpfr_number_p(im)) return n;
  mpfr_init2(n.re_, prec);
  mpfr_init2(n.im_, prec);
  n.has_complex_ = true;
  mpfr_set(n.re_, re, kRnd);
  mpfr_set(n.im_, im, kRnd);
  n.kind_ = Kind::kComplex;
  return n;
}

Num Num::FromDoubles(double re, double im, mpfr_prec_t prec) {
  Cx c(prec);
  mpfr_set_d(c.re.v, re, kRnd);
  mpfr_set_d(c.im.v, im, kRnd);
  return FromCx(c, prec);
}

Num Num::Clone() const {
  Num n;
  n.kind_ = kind_;
  n.inf_sign_ = inf_sign_;
  mpq_set(n.q_, q_);
  if (has_complex_) {
    mpfr_init2(n.re_, mpfr_get_prec(re_));
    mpfr_init2(n.im_, mpfr_get_prec(im_));
    n.has_complex_ = true;
    mpfr_set(n.re_, re_, kRnd);
    mpfr_set(n.im_, im_, kRnd);
  }
  return n;
}

bool Num::is_integer() const { return kind_ == Kind::kRational && mpz_cmp_ui(mpq_denref(q_), 1) == 0; }

bool Num::is_real() const {
  return kind_ == Kind::kRational || (kind_ == Kind::kComplex && mpfr_zero_p(im_));
}

void Num::ToComplex(mpfr_ptr re, mpfr_ptr im) const {
  if (kind_ == Kind::kRational) {
    mpfr_set_q(re, q_, kRnd);
    mpfr_set_zero(im, 1);
  } else {
    mpfr_set(re, re_, kRnd);
    mpfr_set(im, im_, kRnd);
  }
}

namespace {

struct MpfrCacheReleaser {
  ~MpfrCacheReleaser() { mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE); }
};

}  // namespace

void ReleaseMpfrCachesAtThreadExit() {
  thread_local MpfrCacheReleaser releaser;
  (void)releaser;
}

int64_t RationalBits(mpq_srcptr q) { return Bits(mpq_numref(q)) + Bits(mpq_denref(q)); }

// ---------------------------------------------------------------- arithmetic

namespace {

bool Finite(const Num& a) { return a.kind() == Num::Kind::kRational || a.kind() == Num::Kind::kComplex; }

enum class BinOp { kAdd, kSub, kMul, kDiv };

Num Binary(BinOp op, const Num& a, const Num& b, const NumLimits& limits) {
  if (!Finite(a) || !Finite(b)) return Num::Undefined();
  const mpfr_prec_t prec = Prec(limits);
  if (a.is_rational() && b.is_rational()) {
    mpq_srcptr x = a.q();
    mpq_srcptr y = b.q();
    const int64_t nx = Bits(mpq_numref(x)), dx = Bits(mpq_denref(x));
    const int64_t ny = Bits(mpq_numref(y)), dy = Bits(mpq_denref(y));
    // Bounds on the bits of the result before canonicalisation.
    int64_t bound = 0;
    switch (op) {
      case BinOp::kAdd:
      case BinOp::kSub: bound = std::max(nx + dy, ny + dx) + 1 + dx + dy; break;
      case BinOp::kMul: bound = nx + ny + dx + dy; break;
      case BinOp::kDiv: bound = nx + dy + ny + dx; break;
    }
    if (op == BinOp::kDiv && mpq_sgn(y) == 0) return Num::Undefined();
    if (FitsLimit(bound, limits)) {
      Rat r;
      switch (op) {
        case BinOp::kAdd: mpq_add(r.v, x, y); break;
        case BinOp::kSub: mpq_sub(r.v, x, y); break;
        case BinOp::kMul: mpq_mul(r.v, x, y); break;
        case BinOp::kDiv: mpq_div(r.v, x, y); break;
      }
      return Num::FromMpq(r.v, limits);
    }
  }
  Cx x(prec), y(prec), r(prec);
  ToCx(a, &x);
  ToCx(b, &y);
  switch (op) {
    case BinOp::kAdd: CxAdd(x, y, &r); break;
    case BinOp::kSub: CxSub(x, y, &r); break;
    case BinOp::kMul: CxMul(x, y, &r, prec); break;
    case BinOp::kDiv:
      if (!CxDiv(x, y, &r, prec)) return Num::Undefined();
      break;
  }
  return FromCx(r, prec);
}



Num NegImpl(const Num& a) {
  switch (a.kind()) {
    case Num::Kind::kUndefined: return Num::Undefined();
    case Num::Kind::kInfinity: return Num::Infinity(-a.infinity_sign());
    case Num::Kind::kRational: {
      Rat r;
      mpq_neg(r.v, a.q());
      // -q has exactly the bits of q, so no limit can be newly exceeded.
      NumLimits unbounded;
      unbounded.max_exact_bits = std::numeric_limits<int>::max();
      return Num::FromMpq(r.v, unbounded);
    }
    case Num::Kind::kComplex: {
      const mpfr_prec_t prec = mpfr_get_prec(a.re());
      Cx c(prec);
      mpfr_neg(c.re.v, a.re(), kRnd);
      mpfr_neg(c.im.v, a.im(), kRnd);
      return FromCx(c, prec);
    }
  }
  return Num::Undefined();
}

Num PowImpl(const Num& a, const Num& b, const NumLimits& limits) {
  if (!Finite(a) || !Finite(b)) return Num::Undefined();
  const mpfr_prec_t prec = Prec(limits);
  if (b.is_integer()) {
    if (a.is_rational()) return RationalPowInt(a.q(), mpq_numref(b.q()), limits);
    Cx x(prec), r(prec);
    ToCx(a, &x);
    if (x.IsReal()) {
      mpfr_pow_z(r.re.v, x.re.v, mpq_numref(b.q()), kRnd);
      mpfr_set_zero(r.im.v, 1);
      if (mpfr_zero_p(x.re.v) && mpz_sgn(mpq_numref(b.q())) < 0) return Num::Undefined();
      return FromCx(r, prec);
    }
    if (mpz_cmpabs_ui(mpq_numref(b.q()), kMaxComplexSquaringExponent) <= 0) {
      if (!CxPowInt(x, mpz_get_si(mpq_numref(b.q())), &r, prec)) return Num::Undefined();
      return FromCx(r, prec);
    }
    Cx w(prec);
    ToCx(b, &w);
    if (!CxPowGeneral(x, w, &r, prec)) return Num::Undefined();
    return FromCx(r, prec);
  }
  if (b.is_rational()) {  // b = p/q, q > 1
    mpz_srcptr q = mpq_denref(b.q());
    if (a.is_rational() && mpz_fits_ulong_p(q) && mpz_get_ui(q) <= kMaxRootIndex) {
      Rat root;
      if (ExactRoot(a.q(), mpz_get_ui(q), root.v)) return RationalPowInt(root.v, mpq_numref(b.q()), limits);
    }
    if (a.is_real()) {
      Cx x(prec), r(prec);
      ToCx(a, &x);
      if (RealRationalPow(x.re.v, b.q(), r.re.v, prec)) {
        mpfr_set_zero(r.im.v, 1);
        return FromCx(r, prec);
      }
      if (mpfr_zero_p(x.re.v)) return Num::Undefined();
    }
  }
  Cx x(prec), w(prec), r(prec);
  ToCx(a, &x);
  ToCx(b, &w);
  if (!CxPowGeneral(x, w, &r, prec)) return Num::Undefined();
  return FromCx(r, prec);
}

Num RootImpl(const Num& a, const Num& n, const NumLimits& limits) {
  if (!n.is_integer() || mpq_sgn(n.q()) <= 0) {
    return PowImpl(a, Binary(BinOp::kDiv, Num::Integer(1), n, limits), limits);
  }
  Rat inv;
  mpq_inv(inv.v, n.q());
  Num e = Num::FromMpq(inv.v, limits);
  return PowImpl(a, e, limits);
}

Num FactorialImpl(const Num& a, const NumLimits& limits) {
  const mpfr_prec_t prec = Prec(limits);
  if (!a.is_real()) return Num::Undefined();
  if (a.is_integer()) {
    mpz_srcptr n = mpq_numref(a.q());
    if (mpz_sgn(n) < 0 || mpz_cmp_si(n, limits.max_factorial_argument) > 0) return Num::Undefined();
    const unsigned long k = mpz_get_ui(n);
    // log2(k!) <= k·log2(k) + 1
    const double bits = k < 2 ? 1.0 : static_cast<double>(k) * std::log2(static_cast<double>(k)) + 1.0;
    if (bits <= limits.max_exact_bits) {
      Rat r;
      mpz_fac_ui(mpq_numref(r.v), k);
      return Num::FromMpq(r.v, limits);
    }
    Cx c(prec);
    mpfr_fac_ui(c.re.v, k, kRnd);
    mpfr_set_zero(c.im.v, 1);
    return FromCx(c, prec);
  }
  Cx x(prec);
  ToCx(a, &x);
  if (mpfr_cmpabs_ui(x.re.v, static_cast<unsigned long>(limits.max_factorial_argument)) > 0) {
    return Num::Undefined();
  }
  mpfr_add_ui(x.re.v, x.re.v, 1, kRnd);
  return RealFn(mpfr_gamma, x.re.v, prec);
}

Num BinomialImpl(const Num& n, const Num& k, const NumLimits& limits) {
  const mpfr_prec_t prec = Prec(limits);
  if (!n.is_real() || !k.is_real()) return Num::Undefined();
  const long max_arg = limits.max_factorial_argument;
  if (k.is_integer()) {
    mpz_srcptr kz = mpq_numref(k.q());
    if (mpz_sgn(kz) < 0) return Num::Integer(0);
    if (mpz_cmp_si(kz, max_arg) > 0) return Num::Undefined();
    const unsigned long ku = mpz_get_ui(kz);
    if (n.is_integer()) {
      if (mpz_cmpabs_ui(mpq_numref(n.q()), static_cast<unsigned long>(max_arg)) > 0) return Num::Undefined();
      Rat r;
      mpz_bin_ui(mpq_numref(r.v), mpq_numref(n.q()), ku);
      return ExactOrReal(r.v, limits);
    }
    if (n.is_rational() && RationalBits(n.q()) * static_cast<int64_t>(ku) <= limits.max_exact_bits) {
      // n(n-1)...(n-k+1)/k!
      Rat r, term, one;
      mpq_set_ui(r.v, 1, 1);
      mpq_set_ui(one.v, 1, 1);
      mpq_set(term.v, n.q());
      for (unsigned long j = 0; j < ku; ++j) {
        mpq_mul(r.v, r.v, term.v);
        mpq_sub(term.v, term.v, one.v);
      }
      Rat fact;
      mpz_fac_ui(mpq_numref(fact.v), ku);
      mpq_div(r.v, r.v, fact.v);
      return ExactOrReal(r.v, limits);
    }
  }
  // Γ(n+1) / (Γ(k+1) Γ(n-k+1)) for real n, k.
  Cx x(prec), y(prec);
  ToCx(n, &x);
  ToCx(k, &y);
  if (mpfr_cmpabs_ui(x.re.v, static_cast<unsigned long>(max_arg)) > 0 ||
      mpfr_cmpabs_ui(y.re.v, static_cast<unsigned long>(max_arg)) > 0) {
    return Num::Undefined();
  }
  Real g1(prec), g2(prec), g3(prec), t(prec);
  mpfr_add_ui(t.v, x.re.v, 1, kRnd);
  mpfr_gamma(g1.v, t.v, kRnd);
  mpfr_add_ui(t.v, y.re.v, 1, kRnd);
  mpfr_gamma(g2.v, t.v, kRnd);
  mpfr_sub(t.v, x.re.v, y.re.v, kRnd);
  mpfr_add_ui(t.v, t.v, 1, kRnd);
  mpfr_gamma(g3.v, t.v, kRnd);
  mpfr_mul(g2.v, g2.v, g3.v, kRnd);
  if (mpfr_zero_p(g2.v)) return Num::Undefined();
  Cx r(prec);
  mpfr_div(r.re.v, g1.v, g2.v, kRnd);
  mpfr_set_zero(r.im.v, 1);
  return FromCx(r, prec);
}

Num AbsImpl(const Num& a, const NumLimits& limits) {
  if (a.kind() == Num::Kind::kInfinity) return Num::Infinity(1);
  if (!Finite(a)) return Num::Undefined();
  if (a.is_rational()) {
    Rat r;
    mpq_abs(r.v, a.q());
    return Num::FromMpq(r.v, limits);
  }
  const mpfr_prec_t prec = Prec(limits);
  Cx r(prec);
  mpfr_hypot(r.re.v, a.re(), a.im(), kRnd);
  mpfr_set_zero(r.im.v, 1);
  return FromCx(r, prec);
}

Num RoundToInteger(const Num& a, bool up, const NumLimits& limits) {
  if (!a.is_real()) return Num::Undefined();
  Rat r;
  if (a.is_rational()) {
    if (up) {
      mpz_cdiv_q(mpq_numref(r.v), mpq_numref(a.q()), mpq_denref(a.q()));
    } else {
      mpz_fdiv_q(mpq_numref(r.v), mpq_numref(a.q()), mpq_denref(a.q()));
    }
    return Num::FromMpq(r.v, limits);
  }
  if (mpfr_regular_p(a.re()) && mpfr_get_exp(a.re()) > limits.max_exact_bits) return Num::Undefined();
  const mpfr_prec_t prec = Prec(limits);
  Real x(std::max<mpfr_prec_t>(prec, mpfr_get_prec(a.re())));
  if (up) {
    mpfr_ceil(x.v, a.re());
  } else {
    mpfr_floor(x.v, a.re());
  }
  mpfr_get_z(mpq_numref(r.v), x.v, kRnd);
  return Num::FromMpq(r.v, limits);
}



Num ApplyImpl(Fn fn, const Num& a, const NumLimits& limits);

Num LogBaseImpl(const Num& base, const Num& x, const NumLimits& limits) {
  return Binary(BinOp::kDiv, ApplyImpl(Fn::kLn, x, limits), ApplyImpl(Fn::kLn, base, limits), limits);
}

Num ApplyImpl(Fn fn, const Num& a, const NumLimits& limits) {
  if (!Finite(a)) return Num::Undefined();
  const mpfr_prec_t prec = Prec(limits);
  if (fn == Fn::kSqrt) return RootImpl(a, Num::Integer(2), limits);
  Cx x(prec), r(prec);
  ToCx(a, &x);
  const bool real = x.IsReal();
  switch (fn) {
    case Fn::kSin:
    case Fn::kCos:
    case Fn::kTan:
    case Fn::kCot:
    case Fn::kSec:
    case Fn::kCsc: {
      Cx s(prec), c(prec), one(prec);
      if (!CxSinCos(x, &s, &c, prec)) return Num::Undefined();
      mpfr_set_ui(one.re.v, 1, kRnd);
      mpfr_set_zero(one.im.v, 1);
      bool ok = true;
      if (fn == Fn::kSin) return FromCx(s, prec);
      if (fn == Fn::kCos) return FromCx(c, prec);
      if (fn == Fn::kTan) ok = CxDiv(s, c, &r, prec);
      if (fn == Fn::kCot) ok = CxDiv(c, s, &r, prec);
      if (fn == Fn::kSec) ok = CxDiv(one, c, &r, prec);
      if (fn == Fn::kCsc) ok = CxDiv(one, s, &r, prec);
      return ok ? FromCx(r, prec) : Num::Undefined();
    }
    case Fn::kAsin:
    case Fn::kAcos:
      if (real && mpfr_cmpabs_ui(x.re.v, 1) <= 0) {
        return RealFn(fn == Fn::kAsin ? mpfr_asin : mpfr_acos, x.re.v, prec);
      }
      if (!CxAsin(x, &r, prec)) return Num::Undefined();
      if (fn == Fn::kAcos) {  // acos z = π/2 - asin z
        Real half_pi(prec);
        mpfr_const_pi(half_pi.v, kRnd);
        mpfr_div_2ui(half_pi.v, half_pi.v, 1, kRnd);
        mpfr_sub(r.re.v, half_pi.v, r.re.v, kRnd);
        mpfr_neg(r.im.v, r.im.v, kRnd);
      }
      return FromCx(r, prec);
    case Fn::kAtan:
      if (real) return RealFn(mpfr_atan, x.re.v, prec);
      if (!CxAtan(x, &r, prec)) return Num::Undefined();
      return FromCx(r, prec);
    case Fn::kAcot: {  // acot z = atan(1/z), acot 0 = π/2
      if (x.IsZero()) {
        mpfr_const_pi(r.re.v, kRnd);
        mpfr_div_2ui(r.re.v, r.re.v, 1, kRnd);
        mpfr_set_zero(r.im.v, 1);
        return FromCx(r, prec);
      }
      Cx one(prec), inv(prec);
      mpfr_set_ui(one.re.v, 1, kRnd);
      mpfr_set_zero(one.im.v, 1);
      CxDiv(one, x, &inv, prec);
      if (inv.IsReal()) return RealFn(mpfr_atan, inv.re.v, prec);
      if (!CxAtan(inv, &r, prec)) return Num::Undefined();
      return FromCx(r, prec);
    }
    case Fn::kSinh:
    case Fn::kCosh:
    case Fn::kTanh: {
      Cx sh(prec), ch(prec);
      if (!CxSinhCosh(x, &sh, &ch, prec)) return Num::Undefined();
      if (fn == Fn::kSinh) return FromCx(sh, prec);
      if (fn == Fn::kCosh) return FromCx(ch, prec);
      if (real) return RealFn(mpfr_tanh, x.re.v, prec);  // sinh/cosh would overflow for large x
      if (!CxDiv(sh, ch, &r, prec)) return Num::Undefined();
      return FromCx(r, prec);
    }
    case Fn::kExp:
      if (!CxExp(x, &r, prec)) return Num::Undefined();
      return FromCx(r, prec);
    case Fn::kLn:
      if (!CxLog(x, &r)) return Num::Undefined();
      return FromCx(r, prec);
    case Fn::kSqrt: break;
  }
  return Num::Undefined();
}

// Runs one operation and turns an MPFR underflow (a nonzero result rounded to 0) or overflow anywhere in
// it into Undefined: 2^(-10^30) is not 0. MPFR's flags are thread-local on Debian's build; the Impl
// functions call each other, never these wrappers, so one operation's flags are seen whole.
template <typename F>
Num Guarded(F&& f) {
  mpfr_clear_underflow();
  mpfr_clear_overflow();
  Num r = f();
  if (mpfr_underflow_p() || mpfr_overflow_p()) return Num::Undefined();
  return r;
}

}  // namespace

Num Add(const Num& a, const Num& b, const NumLimits& l) { return Guarded([&] { return Binary(BinOp::kAdd, a, b, l); }); }
Num Sub(const Num& a, const Num& b, const NumLimits& l) { return Guarded([&] { return Binary(BinOp::kSub, a, b, l); }); }
Num Mul(const Num& a, const Num& b, const NumLimits& l) { return Guarded([&] { return Binary(BinOp::kMul, a, b, l); }); }
Num Div(const Num& a, const Num& b, const NumLimits& l) { return Guarded([&] { return Binary(BinOp::kDiv, a, b, l); }); }
Num Neg(const Num& a) { return NegImpl(a); }
Num Pow(const Num& a, const Num& b, const NumLimits& l) { return Guarded([&] { return PowImpl(a, b, l); }); }
Num Root(const Num& a, const Num& n, const NumLimits& l) { return Guarded([&] { return RootImpl(a, n, l); }); }
Num Factorial(const Num& a, const NumLimits& l) { return Guarded([&] { return FactorialImpl(a, l); }); }
Num Binomial(const Num& n, const Num& k, const NumLimits& l) { return Guarded([&] { return BinomialImpl(n, k, l); }); }
Num Abs(const Num& a, const NumLimits& l) { return Guarded([&] { return AbsImpl(a, l); }); }
Num Floor(const Num& a, const NumLimits& l) { return Guarded([&] { return RoundToInteger(a, false, l); }); }
Num Ceil(const Num& a, const NumLimits& l) { return Guarded([&] { return RoundToInteger(a, true, l); }); }
Num LogBase(const Num& b, const Num& x, const NumLimits& l) { return Guarded([&] { return LogBaseImpl(b, x, l); }); }
Num Apply(Fn fn, const Num& a, const NumLimits& l) { return Guarded([&] { return ApplyImpl(fn, a, l); }); }

Num Pi(const NumLimits& limits) {
  const mpfr_prec_t prec = Prec(limits);
  Cx c(prec);
  mpfr_const_pi(c.re.v, kRnd);
  mpfr_set_zero(c.im.v, 1);
  return FromCx(c, prec);
}

Num EulerE(const NumLimits& limits) {
  const mpfr_prec_t prec = Prec(limits);
  Cx c(prec);
  mpfr_set_ui(c.im.v, 1, kRnd);
  mpfr_exp(c.re.v, c.im.v, kRnd);
  mpfr_set_zero(c.im.v, 1);
  return FromCx(c, prec);
}

Num ImaginaryUnit(const NumLimits& limits) {
  const mpfr_prec_t prec = Prec(limits);
  Cx c(prec);
  SetI(&c);
  return FromCx(c, prec);
}

namespace {

bool NumsEqualImpl(const Num& a, const Num& b, const Closeness& closeness, const NumLimits& limits) {
  if (!a.defined() || !b.defined()) return false;
  if (a.kind() == Num::Kind::kInfinity || b.kind() == Num::Kind::kInfinity) {
    return a.kind() == b.kind() && a.infinity_sign() == b.infinity_sign();
  }
  if (a.is_rational() && b.is_rational()) {
    if (mpq_equal(a.q(), b.q())) return true;
    if (closeness.exact_rationals) return false;
  }
  const mpfr_prec_t prec = Prec(limits);
  Cx x(prec), y(prec), d(prec);
  ToCx(a, &x);
  ToCx(b, &y);
  CxSub(x, y, &d);
  Real diff(prec), scale(prec), t(prec), bound(prec);
  mpfr_hypot(diff.v, d.re.v, d.im.v, kRnd);
  if (mpfr_zero_p(diff.v)) return true;
  // |d| <= 2^-(3p/4)
  mpfr_set_ui_2exp(bound.v, 1, -(3 * static_cast<mpfr_exp_t>(prec)) / 4, kRnd);
  if (mpfr_lessequal_p(diff.v, bound.v)) return true;
  mpfr_hypot(scale.v, x.re.v, x.im.v, kRnd);
  mpfr_hypot(t.v, y.re.v, y.im.v, kRnd);
  mpfr_max(scale.v, scale.v, t.v, kRnd);
  if (closeness.relative > 0) {
    mpfr_set_d(bound.v, closeness.relative, kRnd);
    mpfr_set_ui_2exp(t.v, 1, -40, kRnd);
    mpfr_add_ui(t.v, t.v, 1, kRnd);
    mpfr_mul(bound.v, bound.v, t.v, kRnd);
  } else {
    mpfr_set_ui_2exp(bound.v, 1, -static_cast<mpfr_exp_t>(prec) / 2, kRnd);
  }
  mpfr_mul(bound.v, bound.v, scale.v, kRnd);
  return mpfr_lessequal_p(diff.v, bound.v);
}

}  // namespace

bool NumsEqual(const Num& a, const Num& b, const Closeness& closeness, const NumLimits& limits) {
  // Values within a factor of two of MPFR's largest exponent could overflow |a - b| and the bound to
  // infinity (and compare as equal): such comparisons say "different".
  mpfr_clear_overflow();
  const bool equal = NumsEqualImpl(a, b, closeness, limits);
  return equal && !mpfr_overflow_p();
}

}  // namespace reasonrl::reward::math
