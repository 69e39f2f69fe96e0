// Arithmetic problems: every answer re-computed with GMP (an independent big-integer library), digit
// counts and operation mix as configured, the documented line and key.
#include <gtest/gtest.h>

#include <gmp.h>

#include <map>
#include <set>
#include <string>

#include "trainer/tasks/arithmetic.h"

namespace reasonrl::tasks {
namespace {

// a op b with GMP; for '/', also checks that the division is exact.
std::string GmpAnswer(const ArithmeticProblem& p, bool* exact) {
  mpz_t a, b, r;
  mpz_init_set_str(a, p.a.c_str(), 10);
  mpz_init_set_str(b, p.b.c_str(), 10);
  mpz_init(r);
  *exact = true;
  switch (p.op) {
    case ArithmeticOp::kAdd: mpz_add(r, a, b); break;
    case ArithmeticOp::kSub: mpz_sub(r, a, b); break;
    case ArithmeticOp::kMul: mpz_mul(r, a, b); break;
    case ArithmeticOp::kDiv:
      *exact = mpz_sgn(b) != 0 && mpz_divisible_p(a, b);
      if (mpz_sgn(b) != 0) mpz_tdiv_q(r, a, b);
      break;
  }
  char* text = mpz_get_str(nullptr, 10, r);
  std::string out(text);
  void (*free_fn)(void*, size_t);
  mp_get_memory_functions(nullptr, nullptr, &free_fn);
  free_fn(text, out.size() + 1);
  mpz_clears(a, b, r, nullptr);
  return out;
}

bool IsCanonicalDecimal(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) if (c < '0' || c > '9') return false;
  return s == "0" || s[0] != '0';
}

TEST(ArithmeticTest, AnswersAreExactAtEverySize) {
  for (auto [lo, hi] : std::vector<std::pair<int64_t, int64_t>>{{1, 3}, {5, 12}, {40, 80}, {300, 300}}) {
    ArithmeticConfig config;
    config.min_digits = lo;
    config.max_digits = hi;
    data::Rng rng(static_cast<uint64_t>(lo));
    for (int i = 0; i < 400; ++i) {
      ArithmeticProblem p = DrawArithmeticProblem(config, rng);
      bool exact = false;
      ASSERT_EQ(p.answer, GmpAnswer(p, &exact)) << ArithmeticPrompt(p);
      ASSERT_TRUE(exact) << ArithmeticPrompt(p);
      ASSERT_TRUE(IsCanonicalDecimal(p.a) && IsCanonicalDecimal(p.b)) << ArithmeticPrompt(p);
      // Operand digits: a and b directly; for '/', the divisor b and the quotient (the answer).
      const std::string& first = p.op == ArithmeticOp::kDiv ? p.answer : p.a;
      ASSERT_GE(static_cast<int64_t>(first.size()), lo);
      ASSERT_LE(static_cast<int64_t>(first.size()), hi);
      ASSERT_GE(static_cast<int64_t>(p.b.size()), lo);
      ASSERT_LE(static_cast<int64_t>(p.b.size()), hi);
      if (p.op == ArithmeticOp::kDiv) {
        ASSERT_NE(p.b, "0");
      }
    }
  }
}

TEST(ArithmeticTest, OperationsAndDigitCountsAreDrawnUniformly) {
  ArithmeticConfig config;
  config.min_digits = 1;
  config.max_digits = 4;
  data::Rng rng(5);
  std::map<char, int> ops;
  std::map<size_t, int> digits;
  std::set<std::string> one_digit;
  const int n = 8000;
  for (int i = 0; i < n; ++i) {
    ArithmeticProblem p = DrawArithmeticProblem(config, rng);
    ops[static_cast<char>(p.op)]++;
    digits[p.b.size()]++;
    if (p.b.size() == 1 && p.op != ArithmeticOp::kDiv) one_digit.insert(p.b);
  }
  // Binomial(8000, 1/4): mean 2000, sd 38.7; 5 sd either side.
  for (char op : {'+', '-', '*', '/'}) EXPECT_NEAR(ops[op], 2000, 194) << op;
  for (size_t d = 1; d <= 4; ++d) EXPECT_NEAR(digits[d], 2000, 194) << d;
  EXPECT_EQ(one_digit.size(), 10u);  // 0..9 all occur as 1-digit operands
}

TEST(ArithmeticTest, NegativeDifferencesAreKept) {
  ArithmeticConfig config;
  config.ops = {ArithmeticOp::kSub};
  data::Rng rng(1);
  int negative = 0;
  for (int i = 0; i < 200; ++i) {
    ArithmeticProblem p = DrawArithmeticProblem(config, rng);
    bool exact;
    ASSERT_EQ(p.answer, GmpAnswer(p, &exact));
    negative += p.answer[0] == '-';
  }
  EXPECT_GT(negative, 50);
}

TEST(ArithmeticTest, LinePromptAndKeyHaveTheDocumentedForm) {
  ArithmeticProblem p{"4821", "37", ArithmeticOp::kMul, "178377"};
  EXPECT_EQ(ArithmeticPrompt(p), "What is 4821 * 37?");
  EXPECT_EQ(ArithmeticLine(p), "{\"prompt\":\"What is 4821 * 37?\",\"answer\":\"178377\",\"a\":\"4821\",\"op\":\"*\",\"b\":\"37\"}");
  EXPECT_EQ(ArithmeticKey(p), "*:37,4821");
  EXPECT_EQ(ArithmeticKey({"37", "4821", ArithmeticOp::kMul, "178377"}), "*:37,4821");  // commutes
  EXPECT_EQ(ArithmeticKey({"37", "4821", ArithmeticOp::kSub, "-4784"}), "-:37,4821");
  EXPECT_EQ(ArithmeticKey({"4821", "37", ArithmeticOp::kSub, "4784"}), "-:4821,37");  // does not
}

TEST(ArithmeticTest, OpsListsAndConfigurationsAreValidated) {
  absl::StatusOr<std::vector<ArithmeticOp>> ops = ParseArithmeticOps("*,+");
  ASSERT_TRUE(ops.ok());
  EXPECT_EQ(*ops, (std::vector<ArithmeticOp>{ArithmeticOp::kMul, ArithmeticOp::kAdd}));
  EXPECT_EQ(ParseArithmeticOps("+,x").status().message(),
            "arithmetic ops: \"x\" is not one of +, -, *, / (write e.g. \"+,-,*,/\")");
  EXPECT_EQ(ParseArithmeticOps("+,+").status().message(), "arithmetic ops: \"+\" listed twice");
  EXPECT_FALSE(ParseArithmeticOps("").ok());
  ArithmeticConfig c;
  c.min_digits = 0;
  EXPECT_EQ(c.Validate().message(), "arithmetic: min_digits 0 < 1");
  c.min_digits = 4;
  EXPECT_EQ(c.Validate().message(), "arithmetic: min_digits 4 > max_digits 3");
  c = {};
  c.ops.clear();
  EXPECT_EQ(c.Validate().message(), "arithmetic: no operations");
}

}  // namespace
}  // namespace reasonrl::tasks
