// ExtractAnswer: the last \boxed{...} / \fbox{...} of a completion, else the last <answer>...</answer>.
#include <string>

#include "gtest/gtest.h"
#include "reward/math/math_accuracy.h"

namespace reasonrl::reward {
namespace {

std::string Extract(const std::string& completion) {
  const std::optional<std::string> a = ExtractAnswer(completion);
  return a.has_value() ? "{" + *a + "}" : "none";
}

TEST(MathExtractionTest, TakesTheLastBoxWithNestedBraces) {
  EXPECT_EQ(Extract("so $\\boxed{\\frac{1}{2}}$."), "{\\frac{1}{2}}");
  EXPECT_EQ(Extract("first \\boxed{3}, then \\boxed{\\sqrt{\\frac{a}{b}}} done"), "{\\sqrt{\\frac{a}{b}}}");
  EXPECT_EQ(Extract("\\fbox{3} and finally \\boxed{8}"), "{8}");
  EXPECT_EQ(Extract("\\boxed{8} and finally \\fbox{3}"), "{3}");
}

TEST(MathExtractionTest, EscapedBracesDoNotOpenOrCloseTheBox) {
  EXPECT_EQ(Extract("$\\boxed{\\{1, 2\\}}$"), "{\\{1, 2\\}}");
  EXPECT_EQ(Extract("\\boxed{\\}}"), "{\\}}");
  EXPECT_EQ(Extract("\\boxed{a \\\\}"), "{a \\\\}");  // `\\` is a line break, then `}` closes
}

TEST(MathExtractionTest, BoxedWithoutBracesRunsToDollarOrLineEnd) {
  EXPECT_EQ(Extract("Therefore $\\boxed 5$."), "{5}");
  EXPECT_EQ(Extract("The answer is \\boxed 12\nmore text"), "{12}");
  EXPECT_EQ(Extract("The answer is \\boxed 12"), "{12}");
  EXPECT_EQ(Extract("$\\boxed5$"), "{5}");
  EXPECT_EQ(Extract("$\\boxed\\pi$"), "{\\pi}");
  EXPECT_EQ(Extract("$\\boxed {5}$"), "{5}");
}

TEST(MathExtractionTest, EmptyBoxIsAnEmptyAnswerNotAMissingOne) {
  EXPECT_EQ(Extract("\\boxed{5} then \\boxed{}"), "{}");
  EXPECT_EQ(Extract("<answer></answer>"), "{}");
}

TEST(MathExtractionTest, CommandsThatOnlyStartLikeBoxedAreNotBoxes) {
  EXPECT_EQ(Extract("\\boxedx{5}"), "none");
  EXPECT_EQ(Extract("\\fboxes{5}"), "none");
  EXPECT_EQ(Extract("I put it in a box: 5"), "none");
  EXPECT_EQ(Extract("The answer is 5."), "none");
}

TEST(MathExtractionTest, UnclosedBoxesAreSkipped) {
  EXPECT_EQ(Extract("the answer is $\\boxed{5"), "none");
  EXPECT_EQ(Extract("\\boxed"), "none");
  EXPECT_EQ(Extract("\\boxed "), "none");
  // An unclosed last box does not hide a complete earlier one.
  EXPECT_EQ(Extract("\\boxed{4} ... \\boxed{5"), "{4}");
  // Unclosed boxes nested in an unclosed box: linear, and nothing found.
  EXPECT_EQ(Extract("\\boxed{\\boxed{\\boxed{1}"), "{1}");
  EXPECT_EQ(Extract("\\boxed{\\boxed{\\boxed{"), "none");
}

TEST(MathExtractionTest, AnswerTagIsTheFallback) {
  EXPECT_EQ(Extract("<think>x</think><answer> 5 </answer>"), "{ 5 }");
  EXPECT_EQ(Extract("<answer>4</answer> wait <answer>6</answer>"), "{6}");
  EXPECT_EQ(Extract("<answer>7 \\boxed{5}</answer>"), "{5}");
  EXPECT_EQ(Extract("<answer>4</answer> but \\boxed{5}"), "{5}");
  EXPECT_EQ(Extract("<think>maybe \\boxed{4}</think><answer>6</answer>"), "{4}");
  EXPECT_EQ(Extract("<answer>5"), "none");
  EXPECT_EQ(Extract("<answer>5</answ"), "none");
  EXPECT_EQ(Extract("5</answer>"), "none");
}

TEST(MathExtractionTest, LongCompletionsWithManyUnclosedBoxesReturn) {
  // 200k unclosed boxes: each earlier scan stops where a later one failed, so this stays linear.
  std::string completion;
  for (int i = 0; i < 200000; ++i) completion += "\\boxed{x";
  EXPECT_EQ(Extract(completion), "none");
  completion = "\\boxed{7}" + completion;
  EXPECT_EQ(Extract(completion), "{7}");  // the closed box before them is still found
}

}  // namespace
}  // namespace reasonrl::reward
