// Countdown: the exact solver against hand-known puzzles and an independent brute-force search over
// Boost's cpp_rational; every recorded solution re-evaluated by an independent parser; generation rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "boost/multiprecision/cpp_int.hpp"
#include "trainer/tasks/countdown.h"
#include "trainer/tasks/rational.h"

namespace reasonrl::tasks {
namespace {

using boost::multiprecision::cpp_rational;

// ---- independent reference: every binary tree over the multiset, by repeatedly combining two values.
void Brute(const std::vector<cpp_rational>& values, std::set<cpp_rational>& out) {
  if (values.size() == 1) {
    out.insert(values[0]);
    return;
  }
  for (size_t i = 0; i < values.size(); ++i) {
    for (size_t j = 0; j < values.size(); ++j) {
      if (i == j) continue;
      std::vector<cpp_rational> rest;
      for (size_t k = 0; k < values.size(); ++k) {
        if (k != i && k != j) rest.push_back(values[k]);
      }
      const cpp_rational& x = values[i];
      const cpp_rational& y = values[j];
      std::vector<cpp_rational> results = {x + y, x - y, x * y};
      if (y != 0) results.push_back(x / y);
      for (const cpp_rational& r : results) {
        rest.push_back(r);
        Brute(rest, out);
        rest.pop_back();
      }
    }
  }
}

std::set<int64_t> BruteTargets(const std::vector<int64_t>& numbers, int64_t lo, int64_t hi) {
  std::vector<cpp_rational> values(numbers.begin(), numbers.end());
  std::set<cpp_rational> all;
  Brute(values, all);
  std::set<int64_t> targets;
  for (const cpp_rational& v : all) {
    if (denominator(v) == 1 && v >= lo && v <= hi) targets.insert(static_cast<int64_t>(numerator(v)));
  }
  return targets;
}

// ---- independent evaluator of "(3 + 5) * 7 - 1": + - * / with the usual precedence, left to right.
struct Parser {
  const std::string& s;
  size_t i = 0;
  std::vector<int64_t> numbers;
  bool ok = true;

  void Space() { while (i < s.size() && s[i] == ' ') ++i; }
  cpp_rational Factor() {
    Space();
    if (i < s.size() && s[i] == '(') {
      ++i;
      cpp_rational v = Expr();
      Space();
      if (i >= s.size() || s[i] != ')') ok = false;
      ++i;
      return v;
    }
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) {
      ok = false;
      return 0;
    }
    int64_t n = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) n = n * 10 + (s[i++] - '0');
    numbers.push_back(n);
    return n;
  }
  cpp_rational Term() {
    cpp_rational v = Factor();
    for (Space(); ok && i < s.size() && (s[i] == '*' || s[i] == '/'); Space()) {
      char op = s[i++];
      cpp_rational r = Factor();
      if (op == '/' && r == 0) {
        ok = false;
        return 0;
      }
      v = op == '*' ? cpp_rational(v * r) : cpp_rational(v / r);
    }
    return v;
  }
  cpp_rational Expr() {
    cpp_rational v = Term();
    for (Space(); ok && i < s.size() && (s[i] == '+' || s[i] == '-'); Space()) {
      char op = s[i++];
      cpp_rational r = Term();
      v = op == '+' ? cpp_rational(v + r) : cpp_rational(v - r);
    }
    return v;
  }
};

// The solution uses each number exactly once and evaluates to the target (what TinyZero's reward checks).
void ExpectSolves(const std::string& expression, std::vector<int64_t> numbers, int64_t target) {
  Parser p{expression};
  cpp_rational value = p.Expr();
  ASSERT_TRUE(p.ok && p.i == expression.size()) << "unparsable: " << expression;
  EXPECT_EQ(value, cpp_rational(target)) << expression;
  std::sort(numbers.begin(), numbers.end());
  std::sort(p.numbers.begin(), p.numbers.end());
  EXPECT_EQ(p.numbers, numbers) << expression;
  for (char c : expression) EXPECT_NE(std::string("0123456789+-*/() ").find(c), std::string::npos) << expression;
}

TEST(RationalTest, ArithmeticIsExactAndNormalised) {
  Rational third = *Rational::Make(2, 6);
  EXPECT_EQ(third.ToString(), "1/3");
  EXPECT_EQ(Rational::Make(3, -6)->ToString(), "-1/2");
  EXPECT_EQ(Add(third, *Rational::Make(1, 6))->ToString(), "1/2");
  EXPECT_EQ(Sub(third, Rational(1))->ToString(), "-2/3");
  EXPECT_EQ(Mul(*Rational::Make(4, 9), *Rational::Make(3, 8))->ToString(), "1/6");
  EXPECT_EQ(Div(Rational(5), *Rational::Make(-5, 2))->ToString(), "-2");
  EXPECT_FALSE(Div(Rational(1), Rational(0)).has_value());
  EXPECT_FALSE(Rational::Make(1, 0).has_value());
}

TEST(RationalTest, OverflowIsReportedNotWrapped) {
  Rational big = *Rational::Make(static_cast<__int128>(1) << 100, 1);
  EXPECT_FALSE(Mul(big, big).has_value());
  Rational max = *Rational::Make(~(static_cast<unsigned __int128>(1) << 127), 1);  // 2^127 - 1
  EXPECT_FALSE(Add(max, Rational(1)).has_value());
  EXPECT_FALSE(Sub(Rational(-2), max).has_value());
  EXPECT_EQ(Sub(Rational(0), max)->ToString(), "-170141183460469231731687303715884105727");
  EXPECT_FALSE(Sub(Rational(-1), max).has_value());  // -2^127 fits in __int128, but Make refuses it (|x| overflows)
  EXPECT_EQ(Int128ToString(-(static_cast<__int128>(1) << 100)), "-1267650600228229401496703205376");
}

TEST(CountdownSolverTest, FindsHandKnownSolutionsThatNeedFractions) {
  for (auto [numbers, target] : std::vector<std::pair<std::vector<int64_t>, int64_t>>{
           {{1, 5, 5, 5}, 24},   // 5 * (5 - 1/5)
           {{3, 3, 8, 8}, 24},   // 8 / (3 - 8/3)
           {{1, 3, 4, 6}, 24},   // 6 / (1 - 3/4)
           {{44, 19, 35}, 98},   // 44 + 19 + 35
           {{7}, 7}}) {
    absl::StatusOr<std::optional<std::string>> s = SolveCountdown(numbers, target);
    ASSERT_TRUE(s.ok()) << s.status();
    ASSERT_TRUE(s->has_value()) << target;
    ExpectSolves(**s, numbers, target);
  }
}

TEST(CountdownSolverTest, KnowsUnsolvablePuzzles) {
  EXPECT_FALSE(SolveCountdown({1, 1, 1, 1}, 24)->has_value());  // at most (1+1)*(1+1) = 4
  EXPECT_FALSE(SolveCountdown({2, 3}, 7)->has_value());
  absl::StatusOr<std::map<int64_t, std::string>> r = ReachableTargets({1, 1, 1}, 1, 1000);
  ASSERT_TRUE(r.ok());
  std::set<int64_t> keys;
  for (const auto& [t, e] : *r) keys.insert(t);
  EXPECT_EQ(keys, (std::set<int64_t>{1, 2, 3}));
  r = ReachableTargets({2, 3}, -10, 10);  // 5, -1, 1, 6 (2/3 and 3/2 are not integers)
  keys.clear();
  for (const auto& [t, e] : *r) keys.insert(t);
  EXPECT_EQ(keys, (std::set<int64_t>{-1, 1, 5, 6}));
}

TEST(CountdownSolverTest, AgreesWithBruteForceOnRandomPuzzles) {
  data::Rng rng(2024);
  for (int trial = 0; trial < 60; ++trial) {
    std::vector<int64_t> numbers;
    const int64_t k = data::UniformInt(rng, 2, 4);
    for (int64_t i = 0; i < k; ++i) numbers.push_back(data::UniformInt(rng, 1, trial < 30 ? 9 : 60));
    absl::StatusOr<std::map<int64_t, std::string>> r = ReachableTargets(numbers, -200, 2000);
    ASSERT_TRUE(r.ok()) << r.status();
    std::set<int64_t> ours;
    for (const auto& [target, expression] : *r) {
      ours.insert(target);
      ExpectSolves(expression, numbers, target);
    }
    EXPECT_EQ(ours, BruteTargets(numbers, -200, 2000)) << "trial " << trial;
  }
}

TEST(CountdownSolverTest, HandlesSixLargeNumbersWithoutOverflow) {
  std::vector<int64_t> numbers = {1000000, 999999, 999998, 999997, 999996, 999995};
  absl::StatusOr<std::map<int64_t, std::string>> r = ReachableTargets(numbers, 0, 10);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->count(0));
  for (const auto& [t, e] : *r) ExpectSolves(e, numbers, t);
}

TEST(CountdownSolverTest, RejectsOutOfRangeInput) {
  EXPECT_FALSE(ReachableTargets({}, 0, 1).ok());
  EXPECT_FALSE(ReachableTargets({1, 2, 3, 4, 5, 6, 7}, 0, 1).ok());
  EXPECT_FALSE(ReachableTargets({0, 2}, 0, 1).ok());
  EXPECT_FALSE(ReachableTargets({1000001, 2}, 0, 1).ok());
  EXPECT_FALSE(ReachableTargets({1, 2}, 5, 4).ok());
}

TEST(CountdownGeneratorTest, DrawsSolvablePuzzlesWithinTheConfiguredRanges) {
  CountdownConfig config;
  ASSERT_TRUE(config.Validate().ok());
  data::Rng rng(7);
  int drawn = 0;
  std::set<size_t> sizes;
  for (int i = 0; i < 200; ++i) {
    absl::StatusOr<std::optional<CountdownPuzzle>> p = DrawCountdownPuzzle(config, rng);
    ASSERT_TRUE(p.ok()) << p.status();
    if (!p->has_value()) continue;
    ++drawn;
    const CountdownPuzzle& puzzle = **p;
    sizes.insert(puzzle.numbers.size());
    ASSERT_TRUE(puzzle.numbers.size() == 3 || puzzle.numbers.size() == 4);
    for (int64_t n : puzzle.numbers) ASSERT_TRUE(n >= 1 && n <= 100);
    ASSERT_TRUE(puzzle.target >= 1 && puzzle.target <= 1000);
    ExpectSolves(puzzle.solution, puzzle.numbers, puzzle.target);
  }
  EXPECT_GT(drawn, 190);  // 3-4 numbers up to 100 almost always reach some target in 1..1000
  EXPECT_EQ(sizes, (std::set<size_t>{3, 4}));
}

TEST(CountdownGeneratorTest, TheSameEngineStateGivesTheSamePuzzle) {
  CountdownConfig config;
  data::Rng a(99), b(99);
  for (int i = 0; i < 20; ++i) {
    auto pa = DrawCountdownPuzzle(config, a);
    auto pb = DrawCountdownPuzzle(config, b);
    ASSERT_TRUE(pa.ok() && pb.ok());
    ASSERT_EQ(pa->has_value(), pb->has_value());
    if (pa->has_value()) {
      EXPECT_EQ(CountdownLine(**pa), CountdownLine(**pb));
    }
  }
}

TEST(CountdownGeneratorTest, UnreachableTargetRangesYieldNothing) {
  CountdownConfig config;
  config.min_numbers = config.max_numbers = 2;
  config.max_number = 3;
  config.target_min = config.target_max = 100;  // at most 3 * 3 = 9
  data::Rng rng(1);
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(DrawCountdownPuzzle(config, rng)->has_value());
}

TEST(CountdownGeneratorTest, LineKeyAndPromptHaveTheDocumentedForm) {
  CountdownPuzzle p{{44, 19, 35}, 98, "44 + 19 + 35"};
  EXPECT_EQ(CountdownKey(p), "19,35,44:98");
  EXPECT_EQ(CountdownLine(p),
            "{\"prompt\":\"Using the numbers [44, 19, 35], create an equation that equals 98. You can use basic "
            "arithmetic operations (+, -, *, /) and each number can only be used once. Show your work in <think> "
            "</think> tags. And return the final answer in <answer> </answer> tags, for example <answer> (1 + 2) / "
            "3 </answer>.\",\"target\":98,\"numbers\":[44,19,35],\"solution\":\"44 + 19 + 35\"}");
}

TEST(CountdownGeneratorTest, InvalidConfigurationsNameTheKey) {
  CountdownConfig c;
  c.max_numbers = 7;
  EXPECT_EQ(c.Validate().message(), "countdown: max_numbers 7 > 6");
  c = {};
  c.min_numbers = 5;
  EXPECT_EQ(c.Validate().message(), "countdown: min_numbers 5 > max_numbers 4");
  c = {};
  c.min_number = 0;
  EXPECT_EQ(c.Validate().message(), "countdown: min_number 0 < 1");
  c = {};
  c.target_min = 10;
  c.target_max = 9;
  EXPECT_EQ(c.Validate().message(), "countdown: target_min 10 > target_max 9");
}

}  // namespace
}  // namespace reasonrl::tasks
