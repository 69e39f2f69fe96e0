#include "reward/spec_yaml.h"

#include <string>

#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace reasonrl::reward {
namespace {

std::string ErrorOf(std::string_view yaml) {
  const absl::StatusOr<RewardSpec> spec = RewardSpecFromYaml(yaml, "spec.yaml");
  EXPECT_FALSE(spec.ok()) << yaml;
  return spec.ok() ? "" : std::string(spec.status().message());
}

TEST(SpecYamlTest, YamlGivesTheSameSpecAsJson) {
  const absl::StatusOr<RewardSpec> from_yaml = RewardSpecFromYaml(R"(
timeout_seconds: 12
rewards:
  - name: math_accuracy
  - name: format
    weight: 0.5
    params: {style: r1_chat, mode: strict}
  - name: language_consistency
    label: lang
    weight: 0.1
    params:
      language: "zh"
  - name: repetition
    params:
      n: 4
      max_penalty: .5
)", "spec.yaml");
  ASSERT_TRUE(from_yaml.ok()) << from_yaml.status();
  const absl::StatusOr<RewardSpec> from_json = RewardSpecFromJson(R"({"timeout_seconds": 12, "rewards": [
      {"name": "math_accuracy"},
      {"name": "format", "weight": 0.5, "params": {"style": "r1_chat", "mode": "strict"}},
      {"name": "language_consistency", "label": "lang", "weight": 0.1, "params": {"language": "zh"}},
      {"name": "repetition", "params": {"n": 4, "max_penalty": 0.5}}]})", "spec.json");
  ASSERT_TRUE(from_json.ok()) << from_json.status();
  EXPECT_EQ(RewardSpecToJson(*from_yaml, 2), RewardSpecToJson(*from_json, 2));
}

TEST(SpecYamlTest, ErrorsNameTheLineAndColumnOfTheKey) {
  EXPECT_EQ(ErrorOf("rewards:\n"
                    "  - name: format\n"
                    "  - name: overlong\n"
                    "    params:\n"
                    "      buffer_tokns: 512\n"),
            "spec.yaml:5:7: rewards[1].params.buffer_tokns: unknown parameter of overlong (expected buffer_tokens, "
            "penalty_factor, max_tokens)");
  EXPECT_EQ(ErrorOf("rewards:\n"
                    "  - name: overlong\n"
                    "    params: {buffer_tokens: 0}\n"),
            "spec.yaml:3:14: rewards[0].params.buffer_tokens: must be >= 1, got 0");
  EXPECT_EQ(ErrorOf("rewards:\n"
                    "  - name: formt\n"),
            "spec.yaml:2:5: rewards[0].name: unknown reward \"formt\" (expected one of math_accuracy, format, "
            "countdown, language_consistency, overlong, repetition, code)");
  EXPECT_EQ(ErrorOf("rewards:\n"
                    "  - name: format\n"
                    "  - name: format\n"),
            "spec.yaml:3:5: rewards[1].label: \"format\" is used by an earlier term (labels are unique; set label "
            "to tell two terms of one reward apart)");
  EXPECT_EQ(ErrorOf("rewards: []\n"), "spec.yaml:1:1: rewards: at least one reward is needed");
}

TEST(SpecYamlTest, QuotedScalarsStayStrings) {
  EXPECT_EQ(ErrorOf("rewards:\n"
                    "  - name: format\n"
                    "    weight: \"1\"\n"),
            "spec.yaml:3:5: rewards[0].weight: expected a number, got \"1\"");
  EXPECT_EQ(ErrorOf("rewards:\n"
                    "  - name: countdown\n"
                    "    params: {format_score: yes}\n"),
            "spec.yaml:3:14: rewards[0].params.format_score: expected a number, got \"yes\"");
  EXPECT_EQ(ErrorOf("rewards:\n"
                    "  - name: countdown\n"
                    "    params: {format_score: true}\n"),
            "spec.yaml:3:14: rewards[0].params.format_score: expected a number, got true");
}

TEST(SpecYamlTest, DuplicateKeysNonFiniteNumbersAndBadYamlAreErrors) {
  EXPECT_EQ(ErrorOf("rewards:\n"
                    "  - name: format\n"
                    "    name: countdown\n"),
            "spec.yaml:3:5: rewards[0].name: duplicate key");
  EXPECT_EQ(ErrorOf("rewards:\n"
                    "  - name: format\n"
                    "    weight: .nan\n"),
            "spec.yaml:3:5: rewards[0].weight: must be a finite number");
  EXPECT_EQ(ErrorOf("rewards:\n"
                    "  - name: format\n"
                    "    weight: -.inf\n"),
            "spec.yaml:3:5: rewards[0].weight: must be a finite number");
  EXPECT_EQ(ErrorOf("rewards: [\n").rfind("spec.yaml:", 0), 0u);
  EXPECT_NE(ErrorOf("rewards: [\n").find("invalid YAML"), std::string::npos);
  EXPECT_EQ(ErrorOf("? [a, b]\n: 1\n"), "spec.yaml:1:3: a mapping key must be a scalar");
  EXPECT_EQ(ErrorOf(""), "spec.yaml: expected an object, got null");
}

TEST(SpecYamlTest, ASectionOfALargerDocumentReportsItsOwnLines) {
  const YAML::Node recipe = YAML::Load("model: tiny\n"
                                       "reward:\n"
                                       "  rewards:\n"
                                       "    - name: countdown\n"
                                       "      params:\n"
                                       "        correct_score: 2\n"
                                       "        format_scor: 0.1\n");
  const absl::StatusOr<RewardSpec> spec = RewardSpecFromYamlNode(recipe["reward"], "recipe.yaml");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(),
            "recipe.yaml:7:9: rewards[0].params.format_scor: unknown parameter of countdown (expected correct_score, "
            "format_score, max_answer_bytes, max_depth)");
}

TEST(SpecYamlTest, YamlNodeToJsonKeepsScalarTypes) {
  const YAML::Node node = YAML::Load("{a: 1, b: -2, c: 1.5e3, d: true, e: ~, f: '7', g: text, h: [1, x], "
                                     "i: 18446744073709551615, j: 0x10}");
  const absl::StatusOr<std::string> json = YamlNodeToJson(node, "n");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json,
            R"({"a":1,"b":-2,"c":1500.0,"d":true,"e":null,"f":"7","g":"text","h":[1,"x"],)"
            R"("i":18446744073709551615,"j":"0x10"})");
}

}  // namespace
}  // namespace reasonrl::reward
