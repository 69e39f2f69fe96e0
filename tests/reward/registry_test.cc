#include "reward/registry.h"

#include <string>

#include "gtest/gtest.h"

namespace reasonrl::reward {
namespace {

RewardSpec SpecOf(std::string_view json) {
  absl::StatusOr<RewardSpec> spec = RewardSpecFromJson(json, "test");
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? *std::move(spec) : RewardSpec();
}

// A TinyZero countdown sample: the prompt opens the think block, the answer is right, and the completion
// is 90 tokens long under a 100-token limit.
Sample CountdownSample() {
  Sample sample;
  sample.prompt = "User: Using the numbers [1, 2, 3], make 9. Assistant: Let me solve this step by step.\n<think>";
  sample.completion = " 1+2=3, 3*3=9 </think>\n<answer>(1 + 2) * 3</answer>";
  sample.extra_json = {{"nums", "[1, 2, 3]"}, {"target", "9"}};
  sample.completion_tokens = 90;
  sample.max_tokens = 100;
  sample.finish_reason = FinishReason::kStop;
  return sample;
}

TEST(RegistryTest, EveryRewardOfTheSpecHasARowAndTheOtherWayRound) {
  const std::vector<std::string> names = RewardNames();
  EXPECT_EQ(names, (std::vector<std::string>{"math_accuracy", "format", "countdown", "language_consistency",
                                             "overlong", "repetition", "code"}));
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const RewardSpec spec = SpecOf("{\"rewards\": [{\"name\": \"" + name + "\"}]}");
    ASSERT_EQ(spec.terms.size(), 1u);
    EXPECT_EQ(RewardName(spec.terms[0].config), name);
    // The registry scores it with the reward named so: its component carries the name.
    const Result result = ScoreReward(spec.terms[0].config, Sample(), absl::InfiniteFuture());
    ASSERT_FALSE(result.components.empty());
    EXPECT_EQ(result.components[0].name, name);
  }
}

TEST(RegistryTest, ScoreIsTheWeightedSumWithEveryComponent) {
  const RewardSpec spec = SpecOf(R"({"rewards": [
      {"name": "format", "weight": 0.5},
      {"name": "countdown"},
      {"name": "overlong", "weight": 2, "params": {"buffer_tokens": 20}}]})");
  const Result result = Score(spec, CountdownSample());
  // 0.5 · 1 (format) + 1 · 1 (countdown) + 2 · (-(90 - 80) / 20) (overlong) = 0.5
  EXPECT_DOUBLE_EQ(result.value, 0.5);
  ASSERT_EQ(result.components.size(), 3u);
  EXPECT_EQ(result.components[0].name, "format");
  EXPECT_EQ(result.components[0].value, 1.0);
  EXPECT_EQ(result.components[1].name, "countdown");
  EXPECT_EQ(result.components[1].value, 1.0);
  EXPECT_EQ(result.components[2].name, "overlong");
  EXPECT_EQ(result.components[2].value, -0.5);  // unweighted
  EXPECT_EQ(result.reason, "overlong: overlong: 10 tokens past L_max - L_cache");
}

TEST(RegistryTest, LabelsNameTheComponentsAndReasonsOfEachTerm) {
  const RewardSpec spec = SpecOf(R"({"rewards": [
      {"name": "format", "label": "strict_format", "params": {"mode": "strict"}},
      {"name": "format", "label": "lenient_format", "weight": 0.25, "params": {"mode": "lenient"}},
      {"name": "countdown", "weight": 3}]})");
  Sample sample = CountdownSample();
  sample.completion = " 1+2=3 </think> so <answer>1 + 2 + 3</answer>";
  const Result result = Score(spec, sample);
  // strict fails (text between blocks), lenient passes, countdown gets its format score 0.1.
  EXPECT_DOUBLE_EQ(result.value, 0.0 + 0.25 * 1.0 + 3 * 0.1);
  ASSERT_EQ(result.components.size(), 3u);
  EXPECT_EQ(result.components[0].name, "strict_format");
  EXPECT_EQ(result.components[0].value, 0.0);
  EXPECT_EQ(result.components[1].name, "lenient_format");
  EXPECT_EQ(result.components[1].value, 1.0);
  EXPECT_EQ(result.components[2].name, "countdown");
  EXPECT_EQ(result.components[2].value, 0.1);
  EXPECT_EQ(result.reason, "strict_format: text_between_think_and_answer; countdown: wrong_value: 6 (target 9)");
}

TEST(RegistryTest, ExtraComponentsArePrefixedWithTheLabel) {
  const RewardSpec spec = SpecOf(R"({"rewards": [{"name": "code", "label": "tests"}]})");
  Sample sample;
  sample.completion = "no code here";
  sample.extra_json = {{"tests", R"([{"stdin": "", "stdout": "1\n"}])"}};
  const Result result = Score(spec, sample);
  EXPECT_EQ(result.value, 0.0);
  ASSERT_FALSE(result.components.empty());
  EXPECT_EQ(result.components[0].name, "tests");
  for (size_t i = 1; i < result.components.size(); ++i) {
    EXPECT_EQ(result.components[i].name.rfind("tests.", 0), 0u) << result.components[i].name;
  }
  EXPECT_EQ(result.reason, "tests: no_code");
}

TEST(RegistryTest, MathAccuracyIsReachedThroughTheTable) {
  const RewardSpec spec = SpecOf(R"({"rewards": [{"name": "math_accuracy"}, {"name": "format",
      "weight": 0.1, "params": {"style": "r1_chat"}}]})");
  Sample sample;
  sample.prompt = "<｜User｜>What is 6/4?<｜Assistant｜><think>\n";
  sample.completion = "6/4 = 1.5\n</think>\n\nThe answer is \\boxed{\\frac{3}{2}}.";
  sample.ground_truth = "1.5";
  const Result result = Score(spec, sample);
  EXPECT_DOUBLE_EQ(result.value, 1.1);
  EXPECT_EQ(result.reason, "");
  sample.completion = "6/4 = 1.4\n</think>\n\nThe answer is \\boxed{1.4}.";
  EXPECT_DOUBLE_EQ(Score(spec, sample).value, 0.1);
}

TEST(RegistryTest, TermsNotStartedBeforeTheDeadlineScoreZeroWithTimeout) {
  const RewardSpec spec = SpecOf(R"({"rewards": [{"name": "format"}, {"name": "countdown", "label": "cd"}]})");
  const Result result = Score(spec, CountdownSample(), absl::Now() - absl::Seconds(1));
  EXPECT_EQ(result.value, 0.0);
  ASSERT_EQ(result.components.size(), 2u);
  EXPECT_EQ(result.components[0].name, "format");
  EXPECT_EQ(result.components[0].value, 0.0);
  EXPECT_EQ(result.components[1].name, "cd");
  EXPECT_EQ(result.reason, "format: timeout; cd: timeout");
}

TEST(RegistryTest, AnInvalidSpecScoresZeroWithTheProblem) {
  RewardSpec spec;
  spec.terms.push_back({"a", 1.0, FormatConfig()});
  spec.terms.push_back({"a", 1.0, CountdownConfig()});
  const Result result = Score(spec, CountdownSample());
  EXPECT_EQ(result.value, 0.0);
  EXPECT_TRUE(result.components.empty());
  EXPECT_EQ(result.reason.rfind("invalid_spec: spec: rewards[1].label: \"a\" is used by an earlier term", 0), 0u)
      << result.reason;
}

TEST(RegistryTest, HelpTextListsEveryRewardAndParameter) {
  const std::string help = RewardHelpText();
  for (const RewardDoc& doc : RewardDocs()) {
    EXPECT_NE(help.find(doc.name + ": " + doc.summary + "\n"), std::string::npos) << doc.name;
    for (const ParamDoc& param : doc.params) {
      EXPECT_NE(help.find("  " + param.name + " (" + param.type + ", default " + param.default_value + "): "),
                std::string::npos)
          << doc.name << "." << param.name;
    }
  }
  EXPECT_NE(help.find("  buffer_tokens (integer, default 4096): "), std::string::npos);
  EXPECT_NE(help.find("  style (r1_zero | r1_chat, default \"r1_zero\"): "), std::string::npos);
}

}  // namespace
}  // namespace reasonrl::reward
