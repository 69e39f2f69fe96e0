#include "reward/length.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/reward/case_file.h"

namespace reasonrl::reward {
namespace {

using testing::ReadCases;

FinishReason ParseFinish(const std::string& text) {
  if (text == "stop") return FinishReason::kStop;
  if (text == "length") return FinishReason::kLength;
  return FinishReason::kUnknown;
}

TEST(LengthTest, EveryCaseOfTheCaseFileScoresAsLabelled) {
  int checked = 0;
  for (const nlohmann::json& c : ReadCases("length_cases.jsonl")) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const nlohmann::json& k = c["config"];
    const nlohmann::json& s = c["sample"];
    Sample sample;
    sample.completion = s.value("completion", "");
    sample.completion_tokens = s.value("completion_tokens", 0);
    sample.max_tokens = s.value("max_tokens", 0);
    sample.finish_reason = ParseFinish(s.value("finish_reason", "unknown"));
    if (s.contains("completion_token_ids")) {
      sample.completion_token_ids = s["completion_token_ids"].get<std::vector<int64_t>>();
    }
    Result result;
    if (c["reward"] == "overlong") {
      OverlongConfig config;
      config.buffer_tokens = k.value("buffer_tokens", config.buffer_tokens);
      config.penalty_factor = k.value("penalty_factor", config.penalty_factor);
      config.max_tokens = k.value("max_tokens", config.max_tokens);
      result = Overlong(sample, config);
      ASSERT_EQ(result.components.size(), 1u);
      EXPECT_EQ(result.components[0].name, "overlong");
    } else {
      RepetitionConfig config;
      config.n = k.value("n", config.n);
      config.max_penalty = k.value("max_penalty", config.max_penalty);
      config.unit = k.value("unit", "words") == "tokens" ? NgramUnit::kTokens : NgramUnit::kWords;
      result = Repetition(sample, config);
      ASSERT_EQ(result.components.size(), 1u);
      EXPECT_EQ(result.components[0].name, "repetition");
    }
    EXPECT_DOUBLE_EQ(result.value, c["value"].get<double>());
    EXPECT_EQ(result.components[0].value, result.value);
    EXPECT_EQ(result.reason, c["reason"].get<std::string>());
    ++checked;
  }
  EXPECT_GE(checked, 25);
}

TEST(LengthTest, OverlongPenaltyIsContinuousAndMonotone) {
  // L_max = 1000, L_cache = 300: zero up to 700, linear to -2 at 1000, flat beyond.
  double previous = 0.0;
  for (int64_t length = 0; length <= 1200; ++length) {
    const double p = OverlongPenalty(length, 1000, 300, 2.0);
    EXPECT_LE(p, previous + 1e-15) << length;
    EXPECT_LE(previous - p, 2.0 / 300 + 1e-12) << length;  // no jump larger than one step of the ramp
    EXPECT_GE(p, -2.0);
    previous = p;
  }
  EXPECT_EQ(OverlongPenalty(700, 1000, 300, 2.0), 0.0);
  EXPECT_DOUBLE_EQ(OverlongPenalty(850, 1000, 300, 2.0), -1.0);
  EXPECT_EQ(OverlongPenalty(1000, 1000, 300, 2.0), -2.0);
}

TEST(LengthTest, ConfigValidationNamesTheField) {
  OverlongConfig overlong;
  overlong.buffer_tokens = 0;
  EXPECT_EQ(overlong.Validate().message(), "buffer_tokens: must be >= 1, got 0");
  overlong = OverlongConfig();
  overlong.penalty_factor = -1;
  EXPECT_EQ(overlong.Validate().message(), "penalty_factor: must be finite and >= 0, got -1");
  RepetitionConfig repetition;
  repetition.n = 0;
  EXPECT_EQ(repetition.Validate().message(), "n: must be in [1, 64], got 0");
  repetition = RepetitionConfig();
  repetition.max_penalty = -0.5;
  EXPECT_EQ(repetition.Validate().message(), "max_penalty: must be finite and >= 0, got -0.5");
}

}  // namespace
}  // namespace reasonrl::reward
