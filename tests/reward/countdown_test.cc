#include "reward/countdown.h"

#include <string>

#include "gtest/gtest.h"
#include "reward/countdown_expression.h"
#include "tests/reward/case_file.h"

namespace reasonrl::reward {
namespace {

using testing::ReadCases;

TEST(CountdownTest, EveryCaseOfTheCaseFileScoresAsLabelled) {
  int checked = 0;
  for (const nlohmann::json& c : ReadCases("countdown_cases.jsonl")) {
    SCOPED_TRACE(c["name"].get<std::string>());
    Sample sample;
    sample.completion = c["completion"];
    for (const auto& [key, value] : c["extra"].items()) sample.extra_json[key] = value.dump();
    CountdownConfig config;
    if (c.contains("config")) {
      const nlohmann::json& k = c["config"];
      config.correct_score = k.value("correct_score", config.correct_score);
      config.format_score = k.value("format_score", config.format_score);
      config.max_answer_bytes = k.value("max_answer_bytes", config.max_answer_bytes);
      config.max_depth = k.value("max_depth", config.max_depth);
    }
    const Result result = Countdown(sample, config);
    EXPECT_EQ(result.value, c["value"].get<double>());
    EXPECT_EQ(result.reason, c["reason"].get<std::string>());
    ASSERT_EQ(result.components.size(), 1u);
    EXPECT_EQ(result.components[0].name, "countdown");
    EXPECT_EQ(result.components[0].value, result.value);
    ++checked;
  }
  EXPECT_GE(checked, 50);
}

TEST(CountdownTest, InvalidConfigScoresZeroWithTheField) {
  Sample sample;
  sample.completion = "<answer>1</answer>";
  sample.extra_json = {{"numbers", "[1]"}, {"target", "1"}};
  CountdownConfig config;
  config.max_depth = 0;
  const Result result = Countdown(sample, config);
  EXPECT_EQ(result.value, 0.0);
  EXPECT_EQ(result.reason, "invalid_config: max_depth: must be in [1, 1024], got 0");
  config.max_depth = 1025;
  EXPECT_EQ(Countdown(sample, config).reason, "invalid_config: max_depth: must be in [1, 1024], got 1025");
}

TEST(CountdownTest, NestingBeyondTheLargestAllowedDepthFailsWithoutExhaustingTheStack) {
  CountdownConfig config;
  config.max_depth = 1024;
  config.max_answer_bytes = 1 << 20;
  Sample sample;
  sample.completion = "<answer>" + std::string(200000, '(') + "1" + std::string(200000, ')') + "</answer>";
  sample.extra_json = {{"numbers", "[1]"}, {"target", "1"}};
  const Result result = Countdown(sample, config);
  EXPECT_EQ(result.value, config.format_score);
  EXPECT_FALSE(result.reason.empty());
}

TEST(CountdownExpressionTest, ValuesAreExactRationalsInLowestTerms) {
  struct Case {
    const char* text;
    const char* value;
  };
  for (const Case& c : {Case{"1", "1"}, Case{"6 / 4", "3/2"}, Case{"1 - 4 / 3", "-1/3"}, Case{"2 * (3 - 5)", "-4"},
                        Case{"100 / 10 / 5", "2"}, Case{"0 / 7", "0"}, Case{"1/3 + 1/6", "1/2"},
                        Case{"(((7)))", "7"}, Case{"000", "0"},
                        Case{"99999999999999999999 * 99999999999999999999",
                             "9999999999999999999800000000000000000001"}}) {
    SCOPED_TRACE(c.text);
    const absl::StatusOr<CountdownExpression> e = ParseCountdownExpression(c.text);
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_FALSE(e->division_by_zero);
    EXPECT_EQ(e->value, c.value);
  }
}

TEST(CountdownExpressionTest, NumbersAreListedCanonicallyInTextOrder) {
  const absl::StatusOr<CountdownExpression> e = ParseCountdownExpression("(007 + 30) * 0 - 5 / 00");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->numbers, (std::vector<std::string>{"7", "30", "0", "5", "0"}));
  EXPECT_TRUE(e->division_by_zero);
  EXPECT_EQ(e->value, "");
}

TEST(CountdownExpressionTest, RefusesTextOverTheByteLimitBeforeParsing) {
  CountdownExpressionLimits limits;
  limits.max_bytes = 5;
  EXPECT_TRUE(ParseCountdownExpression("1 + 2", limits).ok());
  const absl::StatusOr<CountdownExpression> e = ParseCountdownExpression("1 + 2 ", limits);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "expression of 6 bytes exceeds 5");
}

TEST(CountdownExpressionTest, DeepNestingFailsCleanlyAtTheLimit) {
  const std::string deep = std::string(100000, '(') + "1" + std::string(100000, ')');
  CountdownExpressionLimits limits;
  limits.max_bytes = deep.size();
  const absl::StatusOr<CountdownExpression> e = ParseCountdownExpression(deep, limits);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "nesting deeper than 128");
}

TEST(CountdownExpressionTest, CanonicalIntegerStripsZerosAndNegativeZero) {
  EXPECT_EQ(CanonicalInteger("007"), "7");
  EXPECT_EQ(CanonicalInteger("-007"), "-7");
  EXPECT_EQ(CanonicalInteger("-0"), "0");
  EXPECT_EQ(CanonicalInteger("0"), "0");
  EXPECT_EQ(CanonicalInteger(""), "");
  EXPECT_EQ(CanonicalInteger("-"), "");
  EXPECT_EQ(CanonicalInteger("1e3"), "");
  EXPECT_EQ(CanonicalInteger("+3"), "");
}

}  // namespace
}  // namespace reasonrl::reward
