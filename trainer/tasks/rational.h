// Exact rational numbers on __int128 with overflow checks, for the countdown solver.
//
// A Rational is always normalised: den > 0 and gcd(|num|, den) == 1, so equal values compare equal
// field by field. Every operation returns std::nullopt instead of overflowing (and for division by zero),
// so a search can never produce a wrong value silently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace reasonrl::tasks {

class Rational {
 public:
  using Int = __int128;

  Rational() = default;
  explicit Rational(int64_t n) : num_(n), den_(1) {}
  // num / den, normalised. std::nullopt when den == 0 or normalising overflows.
  static std::optional<Rational> Make(Int num, Int den);

  Int num() const { return num_; }
  Int den() const { return den_; }
  bool is_integer() const { return den_ == 1; }
  bool is_zero() const { return num_ == 0; }

  friend std::optional<Rational> Add(const Rational& a, const Rational& b);
  friend std::optional<Rational> Sub(const Rational& a, const Rational& b);
  friend std::optional<Rational> Mul(const Rational& a, const Rational& b);
  friend std::optional<Rational> Div(const Rational& a, const Rational& b);  // nullopt when b == 0

  bool operator==(const Rational& o) const { return num_ == o.num_ && den_ == o.den_; }
  bool operator!=(const Rational& o) const { return !(*this == o); }

  std::string ToString() const;  // "7", "-3/4"

 private:
  Int num_ = 0;
  Int den_ = 1;
};

std::optional<Rational> Add(const Rational& a, const Rational& b);
std::optional<Rational> Sub(const Rational& a, const Rational& b);
std::optional<Rational> Mul(const Rational& a, const Rational& b);
std::optional<Rational> Div(const Rational& a, const Rational& b);

// Decimal text of an __int128 ("-170141183460469231731687303715884105728" included).
std::string Int128ToString(__int128 v);

struct RationalHash {
  size_t operator()(const Rational& r) const;
};

}  // namespace reasonrl::tasks
