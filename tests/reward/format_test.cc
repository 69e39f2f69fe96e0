#include "reward/format.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/reward/case_file.h"

namespace reasonrl::reward {
namespace {

using testing::ReadCases;

TEST(FormatTest, EveryCaseOfTheCaseFileScoresAsLabelled) {
  int checked = 0;
  for (const nlohmann::json& c : ReadCases("format_cases.jsonl")) {
    SCOPED_TRACE(c["name"].get<std::string>());
    FormatConfig config;
    config.style = c["style"] == "r1_zero" ? FormatStyle::kR1Zero : FormatStyle::kR1Chat;
    config.mode = c["mode"] == "strict" ? FormatMode::kStrict : FormatMode::kLenient;
    Sample sample;
    sample.prompt = c["prompt"];
    sample.completion = c["completion"];
    const Result result = Format(sample, config);
    EXPECT_EQ(result.value, c["value"].get<double>());
    EXPECT_EQ(result.reason, c["reason"].get<std::string>());
    ASSERT_EQ(result.components.size(), 1u);
    EXPECT_EQ(result.components[0].name, "format");
    EXPECT_EQ(result.components[0].value, result.value);
    ++checked;
  }
  EXPECT_GE(checked, 70);
}

TEST(FormatTest, PromptOpensThinkOnlyWhenItEndsWithTheTag) {
  EXPECT_TRUE(PromptOpensThink("<｜Assistant｜><think>\n"));
  EXPECT_TRUE(PromptOpensThink("step by step.\n<think>"));
  EXPECT_TRUE(PromptOpensThink("<think> \t\r\n"));
  EXPECT_FALSE(PromptOpensThink("Assistant:"));
  EXPECT_FALSE(PromptOpensThink("<think></think>"));
  EXPECT_FALSE(PromptOpensThink("<think>x"));
  EXPECT_FALSE(PromptOpensThink(""));
}

TEST(FormatTest, LastTagBlockTakesTheLastClosedPair) {
  EXPECT_EQ(LastTagBlock("<answer>1</answer> <answer>2</answer>", "<answer>", "</answer>"), "2");
  EXPECT_EQ(LastTagBlock("<answer>1<answer>2</answer>", "<answer>", "</answer>"), "2");
  EXPECT_EQ(LastTagBlock("<answer></answer>", "<answer>", "</answer>"), "");
  EXPECT_EQ(LastTagBlock("<answer>1</answer><answer>2", "<answer>", "</answer>"), "1");
  EXPECT_EQ(LastTagBlock("<answer>1", "<answer>", "</answer>"), std::nullopt);
  EXPECT_EQ(LastTagBlock("</answer><answer>", "<answer>", "</answer>"), std::nullopt);
  EXPECT_EQ(LastTagBlock("", "<answer>", "</answer>"), std::nullopt);
}

}  // namespace
}  // namespace reasonrl::reward
