#include "trainer/tasks/rational.h"

#include <algorithm>

#include "trainer/data/random.h"

namespace reasonrl::tasks {
namespace {

using Int = Rational::Int;
constexpr Int kIntMin = static_cast<Int>(static_cast<unsigned __int128>(1) << 127);

Int Gcd(Int a, Int b) {  // REQUIRES: a, b >= 0
  while (b != 0) {
    Int t = a % b;
    a = b;
    b = t;
  }
  return a;
}

bool MulOk(Int a, Int b, Int* out) { return !__builtin_mul_overflow(a, b, out); }
bool AddOk(Int a, Int b, Int* out) { return !__builtin_add_overflow(a, b, out); }

// a/b ± c/d = (a*(d/g) ± c*(b/g)) / (b/g*d) with g = gcd(b, d): the usual way to keep terms small.
std::optional<Rational> AddSigned(const Rational& x, const Rational& y, bool subtract) {
  Int g = Gcd(x.den(), y.den());
  Int bg = x.den() / g, dg = y.den() / g;
  Int left, right, den;
  if (!MulOk(x.num(), dg, &left) || !MulOk(y.num(), bg, &right) || !MulOk(bg, y.den(), &den)) return std::nullopt;
  if (subtract) {
    if (right == kIntMin) return std::nullopt;
    right = -right;
  }
  Int num;
  if (!AddOk(left, right, &num)) return std::nullopt;
  return Rational::Make(num, den);
}

}  // namespace

std::optional<Rational> Rational::Make(Int num, Int den) {
  if (den == 0 || num == kIntMin || den == kIntMin) return std::nullopt;
  if (den < 0) {
    num = -num;
    den = -den;
  }
  Int g = Gcd(num < 0 ? -num : num, den);
  Rational r;
  r.num_ = num / g;
  r.den_ = den / g;
  return r;
}

std::optional<Rational> Add(const Rational& a, const Rational& b) { return AddSigned(a, b, false); }
std::optional<Rational> Sub(const Rational& a, const Rational& b) { return AddSigned(a, b, true); }

// (a/b)(c/d) = (a/g1)(c/g2) / ((b/g2)(d/g1)) with g1 = gcd(a, d), g2 = gcd(c, b): already reduced.
std::optional<Rational> Mul(const Rational& a, const Rational& b) {
  if (a.is_zero() || b.is_zero()) return Rational(0);
  Int g1 = Gcd(a.num() < 0 ? -a.num() : a.num(), b.den());
  Int g2 = Gcd(b.num() < 0 ? -b.num() : b.num(), a.den());
  Int num, den;
  if (!MulOk(a.num() / g1, b.num() / g2, &num) || !MulOk(a.den() / g2, b.den() / g1, &den)) return std::nullopt;
  return Rational::Make(num, den);
}

std::optional<Rational> Div(const Rational& a, const Rational& b) {
  if (b.is_zero()) return std::nullopt;
  std::optional<Rational> inverse = Rational::Make(b.den(), b.num());
  if (!inverse) return std::nullopt;
  return Mul(a, *inverse);
}

std::string Int128ToString(__int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  unsigned __int128 u = negative ? static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(v)
                                 : static_cast<unsigned __int128>(v);
  std::string s;
  while (u != 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (negative) s.push_back('-');
  std::reverse(s.begin(), s.end());
  return s;
}

std::string Rational::ToString() const {
  return den_ == 1 ? Int128ToString(num_) : Int128ToString(num_) + "/" + Int128ToString(den_);
}

size_t RationalHash::operator()(const Rational& r) const {
  auto halves = [](Int v) {
    auto u = static_cast<unsigned __int128>(v);
    return static_cast<uint64_t>(u) ^ data::SplitMix64(static_cast<uint64_t>(u >> 64));
  };
  return static_cast<size_t>(data::MixSeed(halves(r.num()), halves(r.den())));
}

}  // namespace reasonrl::tasks
