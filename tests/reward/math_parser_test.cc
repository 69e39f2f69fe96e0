// The answer parser: precedence and LaTeX conventions (checked through exact evaluation), the answer
// shapes (Value kinds), number literals, errors and limits.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "reward/math/evaluate.h"
#include "reward/math/parser.h"

namespace reasonrl::reward::math {
namespace {

ParsedAnswer Parse(const std::string& text, bool thousands = false) {
  ParseOptions options;
  options.thousands_separators = thousands;
  absl::StatusOr<ParsedAnswer> p = ParseAnswer(text, options);
  EXPECT_TRUE(p.ok()) << text << ": " << p.status();
  return p.ok() ? std::move(*p) : ParsedAnswer{};
}

std::string ParseError(const std::string& text, ParseOptions options = ParseOptions()) {
  absl::StatusOr<ParsedAnswer> p = ParseAnswer(text, options);
  return p.ok() ? "parsed" : std::string(p.status().message());
}

// The exact value of an expression answer ("p/q" or "p"); variables x, y, ... take the values 2, 3, ...
// in order of appearance. "inexact" when the value is not rational, "undefined" when it has none.
std::string Exact(const std::string& text, bool thousands = false) {
  ParsedAnswer p = Parse(text, thousands);
  if (p.ast.nodes.empty()) return "no parse";
  if (p.value.kind != Value::Kind::kExpr) return "not an expression";
  std::vector<Num> vars;
  for (size_t k = 0; k < p.ast.variables.size(); ++k) vars.push_back(Num::Integer(static_cast<long>(k) + 2));
  EvaluationBudget budget;
  const Num v = Evaluate(p.ast, p.value.root, 0, vars, NumLimits(), &budget);
  if (!v.defined()) return "undefined";
  if (!v.is_rational()) return "inexact";
  char* s = mpq_get_str(nullptr, 10, v.q());
  std::string out(s);
  free(s);
  return out;
}

TEST(MathParserTest, FollowsArithmeticPrecedence) {
  EXPECT_EQ(Exact("1+2\\cdot3"), "7");
  EXPECT_EQ(Exact("2^3^2"), "512");
  EXPECT_EQ(Exact("-2^2"), "-4");
  EXPECT_EQ(Exact("(-2)^2"), "4");
  EXPECT_EQ(Exact("6/2/3"), "1");
  EXPECT_EQ(Exact("2(3+4)"), "14");
  EXPECT_EQ(Exact("1/2x"), "1");  // x = 2; implicit products bind like *
  EXPECT_EQ(Exact("2 \\times -3"), "-6");
  EXPECT_EQ(Exact("12 \\div 4 \\cdot 3"), "9");
  EXPECT_EQ(Exact("3!"), "6");
  EXPECT_EQ(Exact("(3!)!"), "720");
  EXPECT_EQ(Exact("2^3!"), "40320");  // `2^3!` renders 2³!: the factorial of the power
}

TEST(MathParserTest, ReadsLatexConventions) {
  EXPECT_EQ(Exact("\\frac12"), "1/2");
  EXPECT_EQ(Exact("\\frac{1}{2}"), "1/2");
  EXPECT_EQ(Exact("\\frac1{2+1}"), "1/3");
  EXPECT_EQ(Exact("2\\frac12"), "5/2");    // a mixed number
  EXPECT_EQ(Exact("-2\\frac{1}{2}"), "-5/2");
  EXPECT_EQ(Exact("2\\frac{x}{4}"), "1");  // not mixed: 2·x/4 with x = 2
  EXPECT_EQ(Exact("2^10"), "1024");        // the digit run is the exponent
  EXPECT_EQ(Exact("2^{-2}"), "1/4");
  EXPECT_EQ(Exact("x^2y"), "12");          // x = 2, y = 3: x²·y
  EXPECT_EQ(Exact("\\sqrt{16}"), "4");
  EXPECT_EQ(Exact("\\sqrt[3]{-27}"), "-3");
  EXPECT_EQ(Exact("\\sqrt{\\frac{9}{4}}"), "3/2");
  EXPECT_EQ(Exact("8^{2/3}"), "4");
  EXPECT_EQ(Exact("\\binom{6}{3}"), "20");
  EXPECT_EQ(Exact("{6 \\choose 2}"), "15");
  EXPECT_EQ(Exact("|3-5|"), "2");
  EXPECT_EQ(Exact("|1 - |2 - 5||"), "2");
  EXPECT_EQ(Exact("\\lfloor 7/2 \\rfloor + \\lceil 7/2 \\rceil"), "7");
  EXPECT_EQ(Exact("\\sqrt(9)"), "3");
  EXPECT_EQ(Exact("\\sqrt2"), "inexact");
}

TEST(MathParserTest, ReadsNumberLiterals) {
  EXPECT_EQ(Exact(".5"), "1/2");
  EXPECT_EQ(Exact("0.125"), "1/8");
  EXPECT_EQ(Exact("1.25e2"), "125");
  EXPECT_EQ(Exact("1.5E-2"), "3/200");
  EXPECT_EQ(Exact("1.5 \\times 10^{-2}"), "3/200");
  EXPECT_EQ(Exact("3\\cdot 10^4"), "30000");
  EXPECT_EQ(Exact("0.\\overline{3}"), "1/3");
  EXPECT_EQ(Exact("0.1\\overline{6}"), "1/6");
  EXPECT_EQ(Exact("1.\\overline{142857}"), "8/7");
  EXPECT_EQ(Exact("1011_2"), "11");
  EXPECT_EQ(Exact("12_{3}"), "5");
  EXPECT_EQ(Exact("1,234,567", /*thousands=*/true), "1234567");
  EXPECT_EQ(Exact("12,345.5", true), "24691/2");
  EXPECT_EQ(Exact("1{,}000"), "1000");
  EXPECT_EQ(Exact("1 000", true), "1000");
  EXPECT_EQ(Exact("123456789012345678901234567890"), "123456789012345678901234567890");
  EXPECT_EQ(Exact("2e"), "inexact");  // 2·e, not an exponent
}

TEST(MathParserTest, MarksDecimalsAsApproximateToTheirLastDigit) {
  ParsedAnswer p = Parse("3.140");
  ASSERT_EQ(p.ast.literals.size(), 1u);
  EXPECT_TRUE(p.ast.literals[0].approximate());
  EXPECT_EQ(p.ast.literals[0].resolution(), -3);
  p = Parse("1.5e3");
  EXPECT_TRUE(p.ast.literals[0].approximate());
  EXPECT_EQ(p.ast.literals[0].resolution(), 2);
  EXPECT_FALSE(Parse("7").ast.literals[0].approximate());
  EXPECT_FALSE(Parse("0.\\overline{3}").ast.literals[0].approximate());
}

TEST(MathParserTest, ThousandsNeedGroupsOfThree) {
  EXPECT_EQ(Parse("1,000").value.kind, Value::Kind::kList);
  EXPECT_EQ(Parse("1,000", true).value.kind, Value::Kind::kExpr);
  EXPECT_EQ(Parse("1,00", true).value.kind, Value::Kind::kList);
  EXPECT_EQ(Parse("1,0000", true).value.kind, Value::Kind::kList);
  EXPECT_EQ(Parse("0,001", true).value.kind, Value::Kind::kList);
  EXPECT_EQ(Parse("3, 4, 5", true).value.kind, Value::Kind::kList);
}

TEST(MathParserTest, ReadsFunctions) {
  ParsedAnswer p = Parse("\\sin^2 x");
  const Node& pow = p.ast.node(p.value.root);
  ASSERT_EQ(pow.op, Op::kPow);
  EXPECT_EQ(p.ast.node(p.ast.child(pow, 0)).op, Op::kFunc);
  p = Parse("\\sin^{-1} x");
  EXPECT_EQ(p.ast.node(p.value.root).fn, Fn::kAsin);
  p = Parse("\\tan^{-1}(1)");
  EXPECT_EQ(p.ast.node(p.value.root).fn, Fn::kAtan);
  p = Parse("\\sin 2x");  // sin(2x)
  const Node& sin = p.ast.node(p.value.root);
  ASSERT_EQ(sin.op, Op::kFunc);
  EXPECT_EQ(p.ast.node(p.ast.child(sin, 0)).op, Op::kMul);
  p = Parse("\\sin x \\cos x");  // sin(x)·cos(x)
  EXPECT_EQ(p.ast.node(p.value.root).op, Op::kMul);
  p = Parse("\\log_2 8");
  EXPECT_EQ(p.ast.node(p.value.root).op, Op::kLog);
  p = Parse("\\operatorname{arctan} 1");
  EXPECT_EQ(p.ast.node(p.value.root).fn, Fn::kAtan);
  EXPECT_EQ(Exact("\\lg 1000"), "inexact");
}

TEST(MathParserTest, ReadsAnswerShapes) {
  using K = Value::Kind;
  ParsedAnswer p = Parse("(1, 2]");
  EXPECT_EQ(p.value.kind, K::kSequence);
  EXPECT_EQ(p.value.open, '(');
  EXPECT_EQ(p.value.close, ']');
  EXPECT_EQ(p.value.items.size(), 2u);
  EXPECT_EQ(Parse("\\langle 1, 2 \\rangle").value.kind, K::kSequence);
  EXPECT_EQ(Parse("(5)").value.kind, K::kExpr);
  EXPECT_EQ(Parse("\\{1, 2, 3\\}").value.items.size(), 3u);
  EXPECT_EQ(Parse("\\{1\\}").value.kind, K::kSet);
  EXPECT_EQ(Parse("\\emptyset").value.kind, K::kSet);
  EXPECT_EQ(Parse("1, 2; 3").value.items.size(), 3u);
  EXPECT_EQ(Parse("(1,2) \\cup [3, \\infty)").value.kind, K::kUnion);
  EXPECT_EQ(Parse("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}").value.kind, K::kMatrix);
  p = Parse("\\begin{bmatrix} 1 \\\\ 2 \\\\ 3 \\\\ \\end{bmatrix}");
  EXPECT_EQ(p.value.rows, 3);
  EXPECT_EQ(p.value.cols, 1);
}

TEST(MathParserTest, ReadsRelations) {
  using K = Value::Kind;
  ParsedAnswer p = Parse("x = 5");
  EXPECT_EQ(p.value.kind, K::kExpr);
  EXPECT_EQ(p.value.label, "x");
  EXPECT_EQ(Parse("f(x) = 2x").value.label, "f(x)");
  EXPECT_EQ(Parse("a_1 = 3").value.label, "a_1");
  EXPECT_EQ(Parse("\\theta = \\pi").value.label, "theta");
  p = Parse("x = 10/2 = 5");
  EXPECT_EQ(p.value.kind, K::kChain);
  EXPECT_EQ(p.value.items.size(), 2u);
  EXPECT_EQ(Parse("2x + y = 3").value.kind, K::kEquation);
  EXPECT_EQ(Parse("6/3 = 2 = 4/2").value.kind, K::kChain);
  p = Parse("x > 3");
  EXPECT_EQ(p.value.kind, K::kSequence);
  EXPECT_EQ(p.value.open, '(');
  EXPECT_EQ(p.ast.node(p.value.items[1].root).op, Op::kInfinity);
  p = Parse("1 < x \\le 2");
  EXPECT_EQ(p.value.open, '(');
  EXPECT_EQ(p.value.close, ']');
  p = Parse("5 \\ge x");
  EXPECT_EQ(p.value.close, ']');
  EXPECT_EQ(p.ast.node(p.value.items[0].root).op, Op::kNeg);
  EXPECT_EQ(Parse("x \\in [0, 1)").value.kind, K::kSequence);
  EXPECT_EQ(Parse("x + y > 3").value.kind, K::kRelation);
  EXPECT_EQ(Parse("x \\ne 3").value.kind, K::kRelation);
}

TEST(MathParserTest, CountsPlusMinus) {
  ParsedAnswer p = Parse("\\frac{-1 \\pm \\sqrt{5}}{2}");
  EXPECT_EQ(p.ast.num_plus_minus, 1);
  EXPECT_EQ(Parse("\\pm 2").ast.num_plus_minus, 1);
}

TEST(MathParserTest, RejectsMalformedAnswers) {
  EXPECT_NE(ParseError("3 4").find("two numbers in a row"), std::string::npos);
  EXPECT_EQ(ParseError("\\foo"), "unknown command \\foo");
  EXPECT_NE(ParseError("((1)").find("closing bracket"), std::string::npos);
  EXPECT_NE(ParseError("1 +").find("end of answer"), std::string::npos);
  EXPECT_NE(ParseError("\\frac{1}").find("missing argument"), std::string::npos);
  EXPECT_NE(ParseError("13_3").find("base"), std::string::npos);
  EXPECT_NE(ParseError("1_1").find("base"), std::string::npos);
  EXPECT_EQ(ParseError("(3]"), "an interval needs two ends");
  EXPECT_NE(ParseError("(1,2) + 1").find("inside arithmetic"), std::string::npos);
  EXPECT_NE(ParseError("x = 1 < 2").find("mixed"), std::string::npos);
  EXPECT_NE(ParseError("1 \\cup 2").find("\\cup"), std::string::npos);
  EXPECT_NE(ParseError("\\begin{pmatrix} 1 & 2 \\\\ 3 \\end{pmatrix}").find("different lengths"),
            std::string::npos);
  EXPECT_NE(ParseError("\\sin").find("without an argument"), std::string::npos);
  EXPECT_NE(ParseError("2^").find("missing exponent"), std::string::npos);
  EXPECT_NE(ParseError("0.\\overline{}").find("overline"), std::string::npos);
  EXPECT_NE(ParseError(")(").find("unexpected"), std::string::npos);
}

TEST(MathParserTest, EnforcesLimits) {
  ParseOptions small;
  small.max_nodes = 50;
  small.max_depth = 20;
  small.max_collection_size = 10;
  std::string sum = "1";
  for (int i = 0; i < 60; ++i) sum += "+1";
  EXPECT_EQ(ParseError(sum, small), "more than 50 nodes");
  EXPECT_EQ(ParseError(std::string(30, '(') + "1" + std::string(30, ')'), small), "nested deeper than 20");
  EXPECT_EQ(ParseError(std::string(30, '-') + "1", small), "nested deeper than 20");
  std::string exponent = "2";
  for (int i = 0; i < 30; ++i) exponent += "^{2";
  exponent += std::string(30, '}');
  EXPECT_EQ(ParseError(exponent, small), "nested deeper than 20");
  std::string list = "1";
  for (int i = 0; i < 20; ++i) list += ",1";
  EXPECT_EQ(ParseError(list, small), "more than 10 items");
  std::string pm = "1";
  for (int i = 0; i < 20; ++i) pm += "\\pm 1";
  EXPECT_EQ(ParseError(pm), "more than 16 \\pm");
  // The default depth limit holds for thousands of nested brackets without exhausting the stack.
  EXPECT_EQ(ParseError(std::string(100000, '(') + "1" + std::string(100000, ')')), "nested deeper than 64");
}

}  // namespace
}  // namespace reasonrl::reward::math
