// AnswersEquivalent and the MathAccuracy reward: verdicts, reasons, limits that make every comparison
// return, thread safety and configuration.
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "reward/math/math_accuracy.h"

namespace reasonrl::reward {
namespace {

struct Pair {
  const char* answer;
  const char* truth;
};

void ExpectVerdict(const std::vector<Pair>& pairs, Verdict verdict,
                   const MathAccuracyConfig& config = MathAccuracyConfig()) {
  for (const Pair& p : pairs) {
    const Equivalence e = AnswersEquivalent(p.answer, p.truth, config);
    EXPECT_EQ(e.verdict, verdict) << "answer {" << p.answer << "} truth {" << p.truth << "}: " << e.detail;
  }
}

TEST(MathEquivalenceTest, EqualNumbers) {
  ExpectVerdict({{"42", "42"}, {"42.0", "42"}, {"-0", "0"}, {"007", "7"}, {"1,000", "1000"},
                 {"1000", "1,000"}, {"12,345.67", "12345.67"}, {"\\frac{3}{4}", "0.75"}, {"6/8", "\\frac34"},
                 {"-\\frac{1}{2}", "\\frac{-1}{2}"}, {"50\\%", "50"}, {"1.5 \\times 10^{3}", "1500"},
                 {"1.5e-3", "0.0015"}, {"2^{100}", "1267650600228229401496703205376"}, {"20!", "2432902008176640000"},
                 {"\\binom{5}{2}", "10"}, {"\\$1,250", "1250"}, {"90^\\circ", "90"}, {"5\\text{ cm}", "5"},
                 {"0.\\overline{6}", "\\frac23"}, {"0.\\overline{9}", "1"}, {"2\\frac{1}{2}", "2.5"}, {"1011_2", "11"}},
                Verdict::kEqual);
}

TEST(MathEquivalenceTest, EqualExpressions) {
  ExpectVerdict({{"\\frac{\\sqrt2}{2}", "\\frac{1}{\\sqrt2}"}, {"(x+1)^2", "x^2+2x+1"}, {"\\sin(\\pi/6)", "1/2"},
                 {"2\\sin x\\cos x", "\\sin 2x"}, {"\\frac{x^2-1}{x-1}", "x+1"}, {"e^{i\\pi}", "-1"},
                 {"\\sqrt{-4}", "2i"}, {"3+2i", "2i+3"}, {"\\log_2 8", "3"}, {"\\ln(e^3)", "3"},
                 {"\\sqrt{x^2}", "|x|"}, {"\\sqrt{12}", "2\\sqrt{3}"}, {"\\frac{1}{\\sqrt{3}-1}", "\\frac{\\sqrt3+1}{2}"},
                 {"\\tan^{-1}(1)", "\\frac{\\pi}{4}"}, {"\\binom{n}{2}", "\\frac{n(n-1)}{2}"},
                 {"(a+b)(a-b)", "a^2-b^2"}, {"x^{1/3}", "\\sqrt[3]{x}"}, {"\\cos^2 t + \\sin^2 t", "1"}},
                Verdict::kEqual);
}

TEST(MathEquivalenceTest, DecimalsAgainstExactValuesUseTheTolerance) {
  ExpectVerdict({{"0.3333333", "\\frac13"}, {"\\frac13", "0.3333333"}, {"1.5707963", "\\frac{\\pi}{2}"},
                 {"314.159", "100\\pi"}, {"1.4142136", "\\sqrt2"}},
                Verdict::kEqual);
  ExpectVerdict({{"0.33333", "\\frac13"}, {"1.5708", "\\frac{\\pi}{2}"}, {"314.16", "100\\pi"},
                 {"1.50000001", "1.5"}, {"0.5000001", "0.5"}, {"\\frac{22}{7}", "\\pi"}, {"0.000001", "0"}},
                Verdict::kNotEqual);
  MathAccuracyConfig loose;
  loose.relative_tolerance = 1e-3;
  ExpectVerdict({{"1.5708", "\\frac{\\pi}{2}"}, {"0.333", "\\frac13"}}, Verdict::kEqual, loose);
}

TEST(MathEquivalenceTest, Collections) {
  ExpectVerdict({{"(1, 2)", "(1,2)"}, {"\\{2, 1\\}", "\\{1,2\\}"}, {"1, 2", "\\{1,2\\}"}, {"5, 3, 4", "3, 4, 5"},
                 {"2 \\text{ and } 3", "2, 3"}, {"[0, \\infty)", "x \\ge 0"}, {"x > 3", "(3, \\infty)"},
                 {"(3,4) \\cup (1,2)", "(1,2) \\cup (3,4)"}, {"\\pm 2", "2, -2"}, {"1 \\pm \\sqrt2", "1+\\sqrt2, 1-\\sqrt2"},
                 {"\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "(1, 2)"}, {"x = 1, y = 2", "y = 2, x = 1"},
                 {"\\begin{pmatrix} 1 & \\frac12 \\end{pmatrix}", "\\begin{bmatrix} 1 & 0.5 \\end{bmatrix}"}},
                Verdict::kEqual);
  ExpectVerdict({{"(2, 1)", "(1, 2)"}, {"[1, 2]", "(1, 2)"}, {"[1, 2)", "[1, 2]"}, {"(1, 2, 3)", "(1, 2)"},
                 {"\\{1, 2, 3\\}", "\\{1, 2\\}"}, {"3, 4", "3, 4, 5"}, {"x = 2, y = 1", "x = 1, y = 2"},
                 {"(1, 2)", "5"}},
                Verdict::kNotEqual);
}

TEST(MathEquivalenceTest, AssignmentsAndEquations) {
  ExpectVerdict({{"x = 5", "5"}, {"5", "x=5"}, {"y = 2x+1", "2x+1"}, {"f(x) = x^2", "x^2"},
                 {"2x - y + 3 = 0", "y = 2x+3"}, {"x = \\frac{10}{2} = 5", "5"}, {"x \\in [0, 1]", "[0,1]"}},
                Verdict::kEqual);
  ExpectVerdict({{"x = 4", "5"}, {"x = 10/2 = 6", "6"}, {"x + y = 1", "x - y = 1"}}, Verdict::kNotEqual);
  // Undefined at every point proves nothing: two such equations are not equal (they were, vacuously).
  ExpectVerdict({{"\\ln(0) + x = 1", "\\ln(0) + 2x = 1"}}, Verdict::kNotEqual);
}

TEST(MathEquivalenceTest, InfinityEqualsOnlyInfinity) {
  ExpectVerdict({{"\\infty", "\\infty"}, {"+\\infty", "\\infty"}, {"\xE2\x88\x9E", "\\infty"}, {"-\\infty", "-\\infty"}},
                Verdict::kEqual);
  ExpectVerdict({{"10^{100}", "\\infty"}, {"2^{2^{2^{100}}}", "\\infty"}, {"\\frac{1}{0}", "\\infty"},
                 {"-\\infty", "\\infty"}},
                Verdict::kNotEqual);
}

TEST(MathEquivalenceTest, ChoicesWordsAndText) {
  ExpectVerdict({{"B", "B"}, {"(B)", "B"}, {"\\text{(B)}", "B"}, {"\\textbf{B}", "(B)"}, {"b", "B"},
                 {"(C) 12", "C"}, {"D", "(D) 12"}, {"\\text{Monday}", "Monday"}, {"no solution", "\\text{No Solution}"}},
                Verdict::kEqual);
  ExpectVerdict({{"A", "B"}, {"12", "B"}, {"Tuesday", "Monday"}}, Verdict::kNotEqual);
  ExpectVerdict({{"B, C", "B"}, {"(A), (B)", "A"}}, Verdict::kMultipleCandidates);
}

TEST(MathEquivalenceTest, SeveralCandidatesForOneValueScoreZero) {
  ExpectVerdict({{"3, 4, 5", "4"}, {"3 \\text{ or } 4", "3"}, {"\\pm 2", "2"}, {"x=5, y=3", "5"}, {"\\{3, 4\\}", "4"},
                 {"\\frac{-1\\pm\\sqrt5}{2}", "\\frac{-1+\\sqrt5}{2}"}},
                Verdict::kMultipleCandidates);
  ExpectVerdict({{"\\{4\\}", "4"}}, Verdict::kEqual);  // one candidate in braces is still one
}

TEST(MathEquivalenceTest, EmptyUnparseableAndBadGroundTruth) {
  ExpectVerdict({{"", "5"}, {"  ", "5"}, {"$$", "5"}, {"\\text{}", "5"}, {".", "5"}}, Verdict::kEmpty);
  ExpectVerdict({{"\\frac{1}{", "1"}, {"5 +", "5"}, {"3 * * 4", "12"}, {"\\foo{1}", "1"}, {"3 4", "34"}},
                Verdict::kUnparseable);
  ExpectVerdict({{"5", ""}, {"5", "$ $"}}, Verdict::kBadGroundTruth);
  MathAccuracyConfig config;
  config.max_answer_bytes = 16;
  ExpectVerdict({{"1+1+1+1+1+1+1+1+1+1", "10"}}, Verdict::kUnparseable, config);
  ExpectVerdict({{"10", "1+1+1+1+1+1+1+1+1+1"}}, Verdict::kBadGroundTruth, config);
}

TEST(MathEquivalenceTest, RewardCarriesValueComponentAndReason) {
  Sample s;
  s.ground_truth = "\\frac12";
  auto score = [&](const std::string& completion) {
    s.completion = completion;
    return MathAccuracy(s);
  };
  Result r = score("so the answer is $\\boxed{0.5}$");
  EXPECT_EQ(r.value, 1.0);
  ASSERT_EQ(r.components.size(), 1u);
  EXPECT_EQ(r.components[0].name, "math_accuracy");
  EXPECT_EQ(r.components[0].value, 1.0);
  EXPECT_EQ(r.reason, "");
  r = score("the answer is 0.5");
  EXPECT_EQ(r.value, 0.0);
  EXPECT_EQ(r.components[0].value, 0.0);
  EXPECT_EQ(r.reason, "no_answer");
  EXPECT_EQ(score("\\boxed{}").reason, "empty_answer");
  EXPECT_EQ(score("\\boxed{0.5, 0.25}").reason, "multiple_candidates");
  EXPECT_EQ(score("\\boxed{0.4}").reason, "wrong");
  EXPECT_EQ(score("\\boxed{\\frac{1}{2}+}").reason, "unparseable: unexpected end of answer");
  s.ground_truth = "";
  EXPECT_EQ(score("\\boxed{1}").reason, "bad_ground_truth: empty ground truth");
  MathAccuracyConfig bad;
  bad.num_points = 0;
  s.ground_truth = "1";
  s.completion = "\\boxed{1}";
  r = MathAccuracy(s, bad);
  EXPECT_EQ(r.value, 0.0);
  EXPECT_EQ(r.reason, "invalid_config: math_accuracy: num_points must be in [1, 64]");
}

TEST(MathEquivalenceTest, ConfigValidationNamesTheField) {
  MathAccuracyConfig c;
  EXPECT_TRUE(c.Validate().ok());
  c.relative_tolerance = -1;
  EXPECT_NE(c.Validate().message().find("relative_tolerance"), absl::string_view::npos);
  c = MathAccuracyConfig();
  c.precision_bits = 32;
  EXPECT_NE(c.Validate().message().find("precision_bits"), absl::string_view::npos);
  c = MathAccuracyConfig();
  c.max_depth = 0;
  EXPECT_NE(c.Validate().message().find("max_depth"), absl::string_view::npos);
  c = MathAccuracyConfig();
  c.max_exact_bits = 10;
  EXPECT_NE(c.Validate().message().find("max_exact_bits"), absl::string_view::npos);
}

// Inputs built to exhaust time or memory. Each comparison must return, and none may count as equal.
TEST(MathEquivalenceTest, AdversarialAnswersReturnAndScoreZero) {
  std::string digits(1000, '9');
  std::string nested;
  for (int i = 0; i < 60; ++i) nested += "\\frac{1}{1+";
  nested += "x";
  for (int i = 0; i < 60; ++i) nested += "}";
  std::string many_binomials = "\\binom{10000}{5000}";
  for (int i = 0; i < 40; ++i) many_binomials += "+\\binom{10000}{5000}";
  std::string many_factorials = "10000!";
  for (int i = 0; i < 60; ++i) many_factorials += "+10000!";
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"2^{2^{2^{2^{100}}}}", "2"},
      {"10^{10^{10^{10}}}!", "1"},
      {"(10^{100})!", "1"},
      {"\\binom{10^{100}}{10^{50}}", "1"},
      {"x^{10^{100}}", "x"},
      {"\\sin(10^{10^{5}})", "0"},
      {"9^{9^{9^{9}}}", "9"},
      {"(1+x)^{100000}", "1"},
      {"((x+1)^{100})^{100}", "x"},
      {"\\sqrt[10^{100}]{2}", "2"},
      {"1e999999999999", "1"},
      {"1e-999999999", "0"},
      {"e^{e^{e^{e^{e^{10}}}}}", "1"},
      {"\\Gamma(5)", "24"},
      {"(123456789^{123456789})", "1"},
      {"(" + digits + ")^{" + digits + "}", "1"},
      {"(" + digits + ")^{1000}", "1"},
      {"0.\\overline{" + digits + "}", "2"},  // = 1
      {"\\sin(\\sin(\\sin(\\sin(\\sin(\\sin(\\sin(\\sin(10^{4000}))))))))", "0"},
      {nested, "1"},
      {many_binomials, "1"},
      {many_factorials, "1"},
      {"\\lfloor 10^{10^{10}} \\pi \\rfloor", "3"},
      {"\\frac{x^{1000}-1}{x-1}", "1"},
      {"2^{2^{20}}-2^{2^{20}}+1", "2"},
  };
  const auto start = std::chrono::steady_clock::now();
  for (const auto& [answer, truth] : pairs) {
    const auto one = std::chrono::steady_clock::now();
    const Equivalence e = AnswersEquivalent(answer, truth);
    EXPECT_NE(e.verdict, Verdict::kEqual) << answer;
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - one).count();
    if (ms > 50) std::printf("  %.1f ms: %.60s\n", ms, answer.c_str());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu adversarial comparisons returned in %.3f s\n", pairs.size(), seconds);
}

TEST(MathEquivalenceTest, EvaluationBudgetBoundsTheWork) {
  // 100 · 10000! written out as a sum: equal, but 100 factorials of 10000 cost 100 · 313 units.
  std::string sum = "10000!";
  for (int i = 1; i < 100; ++i) sum += "+10000!";
  ExpectVerdict({{sum.c_str(), "100 \\cdot 10000!"}}, Verdict::kNotEqual);
  MathAccuracyConfig generous;
  generous.max_evaluation_cost = 1'000'000;
  generous.max_answer_bytes = 4096;
  ExpectVerdict({{sum.c_str(), "100 \\cdot 10000!"}}, Verdict::kEqual, generous);
}

TEST(MathEquivalenceTest, SameVerdictsFromManyThreads) {
  const std::vector<Pair> pairs = {{"\\frac{\\sqrt2}{2}", "\\frac{1}{\\sqrt2}"}, {"(x+1)^2", "x^2+2x+1"},
                                   {"\\sin(\\pi/6)", "1/2"}, {"0.3333333", "1/3"}, {"0.33", "1/3"},
                                   {"e^{i\\pi}", "-1"}, {"3, 4", "4"}, {"\\Gamma(x)", "1"}, {"(1,2)", "(2,1)"}};
  std::vector<Verdict> expected;
  for (const Pair& p : pairs) expected.push_back(AnswersEquivalent(p.answer, p.truth).verdict);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 30; ++round) {
        for (size_t k = 0; k < pairs.size(); ++k) {
          if (AnswersEquivalent(pairs[k].answer, pairs[k].truth).verdict != expected[k]) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TEST(MathEquivalenceTest, VariablesAreComparedAtSeveralPoints) {
  // x^2 and |x|·x agree at every positive point but not at negative ones; the points include both signs.
  ExpectVerdict({{"x^2", "|x| x"}}, Verdict::kNotEqual);
  // With one point, a wrong identity can slip through only if that point is a root of the difference;
  // the points are never integers, so (x-1)(x-2) = 0 cannot hide a difference.
  MathAccuracyConfig one;
  one.num_points = 1;
  ExpectVerdict({{"x^2 - 3x + 2", "0"}}, Verdict::kNotEqual, one);
  // Different seeds, same verdicts on true identities.
  MathAccuracyConfig other;
  other.seed = 12345;
  ExpectVerdict({{"(x+y)^3", "x^3+3x^2y+3xy^2+y^3"}, {"\\frac{1}{x}+\\frac{1}{y}", "\\frac{x+y}{xy}"}},
                Verdict::kEqual, other);
}

}  // namespace
}  // namespace reasonrl::reward
