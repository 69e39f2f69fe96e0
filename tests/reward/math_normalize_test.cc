// Normalize: the cosmetic rewriting both sides go through before they are parsed.
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "reward/math/math_accuracy.h"

namespace reasonrl::reward {
namespace {

struct Pair {
  const char* in;
  const char* out;
};

void ExpectAll(const std::vector<Pair>& pairs) {
  for (const Pair& p : pairs) EXPECT_EQ(Normalize(p.in), p.out) << "input: " << p.in;
}

TEST(MathNormalizeTest, StripsDelimitersSpacingAndSizing) {
  ExpectAll({
      {"$5$", "5"},
      {"  \\( 5 \\) ", "5"},
      {"\\[x\\]", "x"},
      {"\\left( 1, 2 \\right]", "( 1, 2 ]"},
      {"\\left.\\frac{x}{2}\\right|", "\\frac{x}{2}|"},
      {"1\\,000\\,000", "1000000"},
      {"a\\!b\\;c\\:d", "abcd"},
      {"6\\ \\text{cm}", "6"},
      {"x~y", "x y"},
      {"\\displaystyle\\frac12", "\\frac12"},
      {"\\bigl( x \\bigr)", "( x )"},
  });
}

TEST(MathNormalizeTest, RemovesUnitsDegreesCurrencyAndPercent) {
  ExpectAll({
      {"5\\text{ cm}", "5"},
      {"5\\mbox{ cm}", "5"},
      {"5\\text{ cm}^2", "5"},
      {"5 \\text{cm}^{3}", "5"},
      {"5\\mathrm{cm}", "5"},
      {"\\text{18 dollars}", "18"},
      {"\\text{5 sq. ft}", "5"},
      {"90^\\circ", "90"},
      {"90^{\\circ}", "90"},
      {"90^{ \\circ }", "90"},
      {"90\xC2\xB0", "90"},
      {"25^\\circ C", "25"},
      {"\\$5.00", "5.00"},
      {"\xE2\x82\xAC" "12", "12"},
      {"50\\%", "50"},
      {"50%", "50"},
  });
}

TEST(MathNormalizeTest, UnwrapsFontsAndLeadingText) {
  ExpectAll({
      {"\\mathbf{7}", "7"},
      {"\\textbf{(B)}", "(B)"},
      {"\\text{(B)}", "(B)"},
      {"\\text{Monday}", "Monday"},
      {"\\boxed{\\boxed{5}}", "5"},
      {"\\mathrm{e}^{2}", "e^{2}"},
      {"\\mathrm{B}", "B"},
      {"2\\mathbf{x}", "2x"},
      {"\\pi\\mathbf{x}", "\\pi x"},
  });
}

TEST(MathNormalizeTest, SpellsCommandsOneWay) {
  ExpectAll({
      {"\\dfrac{1}{2}", "\\frac{1}{2}"},
      {"\\tfrac12", "\\frac12"},
      {"\\dbinom{5}{2}", "\\binom{5}{2}"},
      {"x \\leq 3", "x \\le 3"},
      {"x \\geqslant 3", "x \\ge 3"},
      {"x \\neq 3", "x \\ne 3"},
      {"\\lvert x \\rvert", "| x |"},
      {"\\lbrace 1 \\rbrace", "\\{ 1 \\}"},
      {"2**10", "2^10"},
      {"1{,}000", "1000"},
  });
}

TEST(MathNormalizeTest, RewritesPlainTextAndUnicode) {
  ExpectAll({
      {"sqrt(2)", "\\sqrt(2)"},
      {"2pi", "2\\pi"},
      {"pix", "pix"},
      {"infinity", "\\infty"},
      {"3 or 4", "3 , 4"},
      {"3 \\text{ or } 4", "3 , 4"},
      {"2 \\text{ and } 3", "2 , 3"},
      {"\xE2\x88\x92" "5", "-5"},
      {"3\xC3\x97" "4", "3\\times4"},
      {"\xCF\x80" "r", "\\pi r"},
      {"\xE2\x88\x9E", "\\infty"},
      {"x\xC2\xB2", "x^2"},
  });
}

TEST(MathNormalizeTest, DropsTrailingPeriodsAndOuterBraces) {
  ExpectAll({
      {"5.", "5"},
      {"5. . .", "5"},
      {"{5}", "5"},
      {"{{x+1}}", "x+1"},
      {"{1}+{2}", "{1}+{2}"},
      {"x\\\\", "x"},
      {"3.5", "3.5"},
      {"...", ""},
  });
}

TEST(MathNormalizeTest, IsIdempotent) {
  for (const char* s : {"s$qrt{2}", "\\text{\\text{\\text{a}}}", "$\\$5$", "\\left(\\mathbf{x}\\right)",
                        "5 \\text{ cm}^2.", "{ {5} }.", "p$i", "o$r", "\\frac{1}{2}\\text{ or }\\frac13",
                        "\\mathrm{sin} x", "a\\,n\\,d"}) {
    const std::string once = Normalize(s);
    EXPECT_EQ(Normalize(once), once) << "input: " << s;
  }
}

TEST(MathNormalizeTest, DeeplyNestedWrappersReturn) {
  std::string s;
  for (int i = 0; i < 5000; ++i) s += "\\mathbf{";
  s += "7";
  for (int i = 0; i < 5000; ++i) s += "}";
  const std::string n = Normalize(s);
  EXPECT_FALSE(n.empty());
  EXPECT_EQ(Normalize(n), n);
}

}  // namespace
}  // namespace reasonrl::reward
