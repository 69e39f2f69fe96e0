// Num: exact rationals with bit limits, MPFR complex fallback, functions, and the equality rule.
// References: exact integers from their definitions (hand-checked with Python's int), constants to 60
// digits from the literature.
#include <string>

#include "gtest/gtest.h"
#include "reward/math/number.h"

namespace reasonrl::reward::math {
namespace {

const NumLimits kLimits;

Num Q(long p, long q = 1) {
  mpq_t v;
  mpq_init(v);
  mpq_set_si(v, p, static_cast<unsigned long>(q));
  mpq_canonicalize(v);
  Num n = Num::FromMpq(v, kLimits);
  mpq_clear(v);
  return n;
}

// A real constant given in decimal at 256 bits.
Num Dec(const char* re, const char* im = "0") {
  mpfr_t r, i;
  mpfr_inits2(256, r, i, static_cast<mpfr_ptr>(nullptr));
  mpfr_set_str(r, re, 10, MPFR_RNDN);
  mpfr_set_str(i, im, 10, MPFR_RNDN);
  Num n = Num::FromComplex(r, i, 256);
  mpfr_clears(r, i, static_cast<mpfr_ptr>(nullptr));
  return n;
}

std::string Str(const Num& n) {
  if (!n.defined()) return "undefined";
  if (n.kind() == Num::Kind::kInfinity) return n.infinity_sign() > 0 ? "inf" : "-inf";
  if (!n.is_rational()) return "inexact";
  char* s = mpq_get_str(nullptr, 10, n.q());
  std::string out(s);
  free(s);
  return out;
}

// Equal to `expected` within 1e-60 relative (the constants carry 63 digits; the reward uses 1e-6 at most).
void ExpectClose(const Num& got, const Num& expected) {
  EXPECT_TRUE(NumsEqual(got, expected, Closeness{1e-60, false}, kLimits));
}

constexpr const char* kPi = "3.14159265358979323846264338327950288419716939937510582097494459";
constexpr const char* kE = "2.71828182845904523536028747135266249775724709369995957496696763";
constexpr const char* kSqrt2 = "1.41421356237309504880168872420969807856967187537694807317667974";
constexpr const char* kSqrtPiHalf = "0.88622692545275801364908374167057259139877472806119356410690389";  // Γ(3/2)

TEST(MathNumberTest, RationalArithmeticIsExact) {
  EXPECT_EQ(Str(Add(Q(1, 3), Q(1, 6), kLimits)), "1/2");
  EXPECT_EQ(Str(Sub(Q(1, 3), Q(1, 3), kLimits)), "0");
  EXPECT_EQ(Str(Mul(Q(-2, 3), Q(9, 4), kLimits)), "-3/2");
  EXPECT_EQ(Str(Div(Q(1), Q(7), kLimits)), "1/7");
  EXPECT_EQ(Str(Div(Q(1), Q(0), kLimits)), "undefined");
  EXPECT_EQ(Str(Neg(Q(5, 2))), "-5/2");
  EXPECT_EQ(Str(Pow(Q(2), Q(100), kLimits)), "1267650600228229401496703205376");
  EXPECT_EQ(Str(Pow(Q(2, 3), Q(-3), kLimits)), "27/8");
  EXPECT_EQ(Str(Pow(Q(0), Q(0), kLimits)), "1");
  EXPECT_EQ(Str(Pow(Q(0), Q(-1), kLimits)), "undefined");
  EXPECT_EQ(Str(Abs(Q(-7, 2), kLimits)), "7/2");
  EXPECT_EQ(Str(Floor(Q(-7, 2), kLimits)), "-4");
  EXPECT_EQ(Str(Ceil(Q(-7, 2), kLimits)), "-3");
}

TEST(MathNumberTest, RationalPowersStayExactWhenTheRootIsExact) {
  EXPECT_EQ(Str(Pow(Q(8), Q(1, 3), kLimits)), "2");
  EXPECT_EQ(Str(Pow(Q(-8), Q(1, 3), kLimits)), "-2");
  EXPECT_EQ(Str(Pow(Q(4), Q(3, 2), kLimits)), "8");
  EXPECT_EQ(Str(Pow(Q(16, 81), Q(-1, 4), kLimits)), "3/2");
  EXPECT_EQ(Str(Root(Q(-32), Q(5), kLimits)), "-2");
  ExpectClose(Pow(Q(2), Q(1, 2), kLimits), Dec(kSqrt2));
  ExpectClose(Root(Q(-2), Q(3), kLimits), Neg(Pow(Q(2), Q(1, 3), kLimits)));  // odd root of a negative: real
  ExpectClose(Pow(Q(-4), Q(1, 2), kLimits), Dec("0", "2"));                    // even root: principal
}

TEST(MathNumberTest, ExactResultsBeyondTheBitLimitFallBackToMpfr) {
  NumLimits small;
  small.max_exact_bits = 1000;
  const Num big = Pow(Q(3), Q(1000), small);  // 1585 bits
  EXPECT_EQ(big.kind(), Num::Kind::kComplex);
  EXPECT_TRUE(big.is_real());
  // 3^1000 = 1.3220708194808066368904552597521443659654220327521481676649203682e477
  ExpectClose(big, Dec("1.3220708194808066368904552597521443659654220327521481676649203682e477"));
  EXPECT_EQ(Pow(Q(3), Q(400), small).kind(), Num::Kind::kRational);  // 634 bits
  EXPECT_EQ(Str(Pow(Q(3), Q(400), small)).size(), 191u);              // 3^400 has 191 digits
  // Overflow of MPFR's exponent range is Undefined, never a value that could equal infinity.
  mpq_t e;
  mpq_init(e);
  mpq_set_str(e, "10000000000", 10);
  const Num ten_to_ten = Num::FromMpq(e, kLimits);
  mpq_clear(e);
  EXPECT_EQ(Str(Pow(Q(10), ten_to_ten, kLimits)), "undefined");
  EXPECT_EQ(Str(Pow(Q(1), ten_to_ten, kLimits)), "1");
  EXPECT_EQ(Str(Pow(Q(-1), ten_to_ten, kLimits)), "1");
  // Underflow is Undefined too: 2^-(10^30) is not 0.
  EXPECT_EQ(Str(Pow(Q(1, 2), Pow(Q(10), Q(30), kLimits), kLimits)), "undefined");
  EXPECT_EQ(Str(Div(Q(1), Pow(Q(10), ten_to_ten, kLimits), kLimits)), "undefined");
  // Regression (fuzzer): an exponent near 2^61 overflowed the bit bound's multiplication.
  mpq_t huge;
  mpq_init(huge);
  mpq_set_str(huge, "2575450310137870393", 10);
  EXPECT_EQ(Str(Pow(Q(36), Num::FromMpq(huge, kLimits), kLimits)), "undefined");
  mpq_set_str(huge, "-9223372036854775808", 10);
  EXPECT_EQ(Str(Pow(Q(3), Num::FromMpq(huge, kLimits), kLimits)), "undefined");
  mpq_clear(huge);
}

TEST(MathNumberTest, FactorialsAndBinomials) {
  EXPECT_EQ(Str(Factorial(Q(0), kLimits)), "1");
  EXPECT_EQ(Str(Factorial(Q(20), kLimits)), "2432902008176640000");
  EXPECT_EQ(Str(Factorial(Q(-1), kLimits)), "undefined");
  EXPECT_EQ(Str(Factorial(Q(10001), kLimits)), "undefined");
  EXPECT_EQ(Factorial(Q(10000), kLimits).kind(), Num::Kind::kComplex);  // 118,459 bits > 100,000
  ExpectClose(Factorial(Q(1, 2), kLimits), Dec(kSqrtPiHalf));           // (1/2)! = Γ(3/2) = √π/2
  EXPECT_EQ(Str(Binomial(Q(50), Q(25), kLimits)), "126410606437752");
  EXPECT_EQ(Str(Binomial(Q(5), Q(7), kLimits)), "0");
  EXPECT_EQ(Str(Binomial(Q(-1), Q(3), kLimits)), "-1");
  EXPECT_EQ(Str(Binomial(Q(1, 2), Q(2), kLimits)), "-1/8");
  EXPECT_EQ(Str(Binomial(Q(5), Q(-1), kLimits)), "0");
  EXPECT_EQ(Str(Binomial(Q(100000), Q(3), kLimits)), "undefined");
}

TEST(MathNumberTest, ElementaryFunctionsMatchKnownConstants) {
  ExpectClose(Pi(kLimits), Dec(kPi));
  ExpectClose(EulerE(kLimits), Dec(kE));
  ExpectClose(Apply(Fn::kSin, Div(Pi(kLimits), Q(6), kLimits), kLimits), Q(1, 2));
  ExpectClose(Apply(Fn::kCos, Div(Pi(kLimits), Q(3), kLimits), kLimits), Q(1, 2));
  ExpectClose(Apply(Fn::kTan, Div(Pi(kLimits), Q(4), kLimits), kLimits), Q(1));
  ExpectClose(Apply(Fn::kAtan, Q(1), kLimits), Div(Pi(kLimits), Q(4), kLimits));
  ExpectClose(Apply(Fn::kAcos, Q(1, 2), kLimits), Div(Pi(kLimits), Q(3), kLimits));
  ExpectClose(Apply(Fn::kAcot, Q(0), kLimits), Div(Pi(kLimits), Q(2), kLimits));
  ExpectClose(Apply(Fn::kLn, EulerE(kLimits), kLimits), Q(1));
  ExpectClose(LogBase(Q(2), Q(1024), kLimits), Q(10));
  ExpectClose(Apply(Fn::kSqrt, Q(2), kLimits), Dec(kSqrt2));
  ExpectClose(Apply(Fn::kCosh, Q(0), kLimits), Q(1));
}

TEST(MathNumberTest, ComplexValuesUsePrincipalBranches) {
  const Num i = ImaginaryUnit(kLimits);
  ExpectClose(Mul(i, i, kLimits), Q(-1));
  ExpectClose(Pow(i, Q(2), kLimits), Q(-1));
  ExpectClose(Div(Q(1), i, kLimits), Neg(i));
  ExpectClose(Apply(Fn::kExp, Mul(i, Pi(kLimits), kLimits), kLimits), Q(-1));     // e^{iπ} = -1
  ExpectClose(Apply(Fn::kLn, Q(-1), kLimits), Mul(i, Pi(kLimits), kLimits));      // log(-1) = iπ
  ExpectClose(Pow(i, i, kLimits), Apply(Fn::kExp, Neg(Div(Pi(kLimits), Q(2), kLimits)), kLimits));  // i^i
  ExpectClose(Abs(Add(Q(3), Mul(Q(4), i, kLimits), kLimits), kLimits), Q(5));
  // sin(asin z) = z off the real interval [-1, 1] too.
  const Num z = Add(Q(2), Mul(Q(1, 3), i, kLimits), kLimits);
  ExpectClose(Apply(Fn::kSin, Apply(Fn::kAsin, z, kLimits), kLimits), z);
  ExpectClose(Apply(Fn::kTan, Apply(Fn::kAtan, z, kLimits), kLimits), z);
  EXPECT_EQ(Str(Apply(Fn::kAtan, i, kLimits)), "undefined");  // a pole
  EXPECT_EQ(Str(Apply(Fn::kLn, Q(0), kLimits)), "undefined");
  EXPECT_EQ(Str(Factorial(i, kLimits)), "undefined");
}

TEST(MathNumberTest, HugeTrigonometricArgumentsAreUndefinedNotSlow) {
  const Num huge = Pow(Q(2), Q(5000), kLimits);
  EXPECT_EQ(Str(Apply(Fn::kSin, huge, kLimits)), "undefined");
  EXPECT_EQ(Str(Apply(Fn::kExp, huge, kLimits)), "undefined");  // overflow
  EXPECT_EQ(Str(Apply(Fn::kSin, Pow(Q(2), Q(100), kLimits), kLimits)), "inexact");
}

TEST(MathNumberTest, InfinityOnlyNegates) {
  const Num inf = Num::Infinity(1);
  EXPECT_EQ(Str(Neg(inf)), "-inf");
  EXPECT_EQ(Str(Abs(Neg(inf), kLimits)), "inf");
  EXPECT_EQ(Str(Add(inf, Q(1), kLimits)), "undefined");
  EXPECT_EQ(Str(Mul(inf, Q(0), kLimits)), "undefined");
  EXPECT_TRUE(NumsEqual(inf, Num::Infinity(1), Closeness{}, kLimits));
  EXPECT_FALSE(NumsEqual(inf, Num::Infinity(-1), Closeness{}, kLimits));
  EXPECT_FALSE(NumsEqual(inf, Pow(Q(10), Q(1000), kLimits), Closeness{}, kLimits));
}

TEST(MathNumberTest, EqualityRule) {
  const Closeness exact;
  const Closeness tolerance{1e-6, false};
  EXPECT_TRUE(NumsEqual(Q(2, 4), Q(1, 2), exact, kLimits));
  EXPECT_FALSE(NumsEqual(Q(1, 3), Q(333333, 1000000), exact, kLimits));
  EXPECT_TRUE(NumsEqual(Q(1, 3), Q(333333, 1000000), tolerance, kLimits));  // exactly 1e-6 relative
  EXPECT_FALSE(NumsEqual(Q(1, 3), Q(33333, 100000), tolerance, kLimits));   // 1e-5
  EXPECT_FALSE(NumsEqual(Q(0), Q(1, 1000000000), tolerance, kLimits));      // nothing but 0 is near 0
  // Non-rational values agree to 2^-128 relative by default: 2^-200 apart is equal, 2^-100 is not.
  const Num one = Q(1);
  const Num tiny = Pow(Q(2), Q(-200), kLimits);
  const Num small = Pow(Q(2), Q(-100), kLimits);
  EXPECT_TRUE(NumsEqual(Add(Apply(Fn::kSqrt, Q(2), kLimits), tiny, kLimits), Dec(kSqrt2), exact, kLimits));
  EXPECT_FALSE(NumsEqual(Add(Apply(Fn::kSqrt, Q(2), kLimits), small, kLimits), Dec(kSqrt2), exact, kLimits));
  EXPECT_FALSE(NumsEqual(Num::Undefined(), Num::Undefined(), exact, kLimits));
  EXPECT_TRUE(NumsEqual(Apply(Fn::kSin, Pi(kLimits), kLimits), Q(0), exact, kLimits));  // |sin π| < 2^-192
  (void)one;
}

TEST(MathNumberTest, CopiesAndMovesKeepValues) {
  Num a = Apply(Fn::kSqrt, Q(2), kLimits);
  Num b = a.Clone();
  Num c = std::move(a);
  ExpectClose(b, Dec(kSqrt2));
  ExpectClose(c, Dec(kSqrt2));
  EXPECT_FALSE(a.defined());  // NOLINT(bugprone-use-after-move): moved-from is Undefined
  Num d = Q(3, 4);
  d = std::move(c);
  ExpectClose(d, Dec(kSqrt2));
}

}  // namespace
}  // namespace reasonrl::reward::math
