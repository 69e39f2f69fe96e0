#include "reward/reward_spec.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "reward/registry.h"

namespace reasonrl::reward {
namespace {

std::string ErrorOf(std::string_view json_text) {
  const absl::StatusOr<RewardSpec> spec = RewardSpecFromJson(json_text, "spec.yaml");
  EXPECT_FALSE(spec.ok()) << json_text;
  if (spec.ok()) return "";
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(spec.status().message());
}

TEST(RewardSpecTest, ParsesTheDocumentedExample) {
  const absl::StatusOr<RewardSpec> spec = RewardSpecFromJson(R"({"timeout_seconds": 12.5,
      "rewards": [{"name": "math_accuracy", "weight": 1.0},
                  {"name": "format", "weight": 0.5, "params": {"style": "r1_chat", "mode": "lenient"}},
                  {"name": "overlong", "label": "soft_overlong", "params": {"buffer_tokens": 512}}]})",
                                                             "spec.json");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->timeout_seconds, 12.5);
  ASSERT_EQ(spec->terms.size(), 3u);
  EXPECT_EQ(spec->terms[0].label, "math_accuracy");
  EXPECT_EQ(spec->terms[0].weight, 1.0);
  EXPECT_TRUE(std::holds_alternative<MathAccuracyConfig>(spec->terms[0].config));
  EXPECT_EQ(spec->terms[1].label, "format");
  EXPECT_EQ(spec->terms[1].weight, 0.5);
  const FormatConfig& format = std::get<FormatConfig>(spec->terms[1].config);
  EXPECT_EQ(format.style, FormatStyle::kR1Chat);
  EXPECT_EQ(format.mode, FormatMode::kLenient);
  EXPECT_EQ(spec->terms[2].label, "soft_overlong");
  EXPECT_EQ(spec->terms[2].weight, 1.0);
  const OverlongConfig& overlong = std::get<OverlongConfig>(spec->terms[2].config);
  EXPECT_EQ(overlong.buffer_tokens, 512);
  EXPECT_EQ(overlong.penalty_factor, 1.0);  // default kept
  EXPECT_EQ(overlong.max_tokens, 0);
  EXPECT_EQ(RewardName(spec->terms[2].config), "overlong");
}

TEST(RewardSpecTest, OmittedFieldsTakeTheirDefaults) {
  const absl::StatusOr<RewardSpec> spec = RewardSpecFromJson(R"({"rewards": [{"name": "countdown", "params": null}]})", "s");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->timeout_seconds, 30.0);
  EXPECT_EQ(spec->terms[0].weight, 1.0);
  const CountdownConfig& countdown = std::get<CountdownConfig>(spec->terms[0].config);
  EXPECT_EQ(countdown.correct_score, 1.0);
  EXPECT_EQ(countdown.format_score, 0.1);
}

TEST(RewardSpecTest, AKeyGivenTwiceInOneObjectIsAnError) {
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "format"}], "rewards": [{"name": "countdown"}]})"),
            "spec.yaml: duplicate key \"rewards\" (each key may appear once per object)");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "repetition", "params": {"n": 3, "n": 5}}]})"),
            "spec.yaml: duplicate key \"n\" (each key may appear once per object)");
  // The same key in different objects is fine.
  EXPECT_TRUE(RewardSpecFromJson(R"({"rewards": [{"name": "format"}, {"name": "countdown"}]})", "s").ok());
}

TEST(RewardSpecTest, ErrorsNameTheSourceThePathAndWhatWasExpected) {
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "format"}, {"name": "overlong", "params": {"buffer_tokns": 5}}]})"),
            "spec.yaml: rewards[1].params.buffer_tokns: unknown parameter of overlong (expected buffer_tokens, "
            "penalty_factor, max_tokens)");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "formt"}]})"),
            "spec.yaml: rewards[0].name: unknown reward \"formt\" (expected one of math_accuracy, format, "
            "countdown, language_consistency, overlong, repetition, code)");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"weight": 1}]})"),
            "spec.yaml: rewards[0].name: missing (one of math_accuracy, format, countdown, language_consistency, "
            "overlong, repetition, code)");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": 3}]})"), "spec.yaml: rewards[0].name: expected a string, got 3");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "overlong", "params": {"buffer_tokens": "big"}}]})"),
            "spec.yaml: rewards[0].params.buffer_tokens: expected an integer, got \"big\"");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "overlong", "params": {"buffer_tokens": 1.5}}]})"),
            "spec.yaml: rewards[0].params.buffer_tokens: expected an integer, got 1.5");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "countdown", "params": {"max_depth": 10000000000}}]})"),
            "spec.yaml: rewards[0].params.max_depth: expected an integer in [-2147483648, 2147483647], got "
            "10000000000");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "math_accuracy", "params": {"seed": -1}}]})"),
            "spec.yaml: rewards[0].params.seed: expected an integer in [0, 18446744073709551615], got -1");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "format", "params": {"style": "r1"}}]})"),
            "spec.yaml: rewards[0].params.style: expected one of r1_zero | r1_chat, got \"r1\"");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "countdown", "params": {"format_score": true}}]})"),
            "spec.yaml: rewards[0].params.format_score: expected a number, got true");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "language_consistency", "params": {"language": 1}}]})"),
            "spec.yaml: rewards[0].params.language: expected a string, got 1");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "format", "params": [1]}]})"),
            "spec.yaml: rewards[0].params: expected an object, got an array");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "format", "wieght": 1}]})"),
            "spec.yaml: rewards[0].wieght: unknown key (expected name, label, weight, params)");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "format", "weight": "1"}]})"),
            "spec.yaml: rewards[0].weight: expected a number, got \"1\"");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "format", "label": 2}]})"),
            "spec.yaml: rewards[0].label: expected a string, got 2");
  EXPECT_EQ(ErrorOf(R"({"rewards": ["format"]})"), "spec.yaml: rewards[0]: expected an object, got a string");
  EXPECT_EQ(ErrorOf(R"({"reward": []})"), "spec.yaml: reward: unknown key (expected rewards, timeout_seconds)");
  EXPECT_EQ(ErrorOf(R"({})"), "spec.yaml: rewards: missing (a list of rewards)");
  EXPECT_EQ(ErrorOf(R"({"rewards": {}})"), "spec.yaml: rewards: expected a list, got an object");
  EXPECT_EQ(ErrorOf(R"({"rewards": []})"), "spec.yaml: rewards: at least one reward is needed");
  EXPECT_EQ(ErrorOf(R"([])"), "spec.yaml: expected an object, got an array");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "format"}], "timeout_seconds": 0})"),
            "spec.yaml: timeout_seconds: must be finite and > 0, got 0");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "format"}], "timeout_seconds": "1"})"),
            "spec.yaml: timeout_seconds: expected a number, got \"1\"");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "format"}, {"name": "format"}]})"),
            "spec.yaml: rewards[1].label: \"format\" is used by an earlier term (labels are unique; set label to "
            "tell two terms of one reward apart)");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "format", "label": ""}]})"),
            "spec.yaml: rewards[0].label: must not be empty");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "format"}], "rewards": 1e999})").rfind("spec.yaml: invalid JSON: ", 0),
            0u);
  EXPECT_EQ(ErrorOf(R"({"rewards": [)").rfind("spec.yaml: invalid JSON: [json.exception.parse_error.101]", 0), 0u);
}

TEST(RewardSpecTest, ConfigValidationErrorsNameTheParameter) {
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "overlong", "params": {"buffer_tokens": 0}}]})"),
            "spec.yaml: rewards[0].params.buffer_tokens: must be >= 1, got 0");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "format"}, {"name": "repetition", "params": {"n": 100}}]})"),
            "spec.yaml: rewards[1].params.n: must be in [1, 64], got 100");
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "language_consistency", "params": {"language": "tlh"}}]})")
                .rfind("spec.yaml: rewards[0].params.language: unsupported \"tlh\" (expected one of ar, de,", 0),
            0u);
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "code", "params": {"wall_seconds": 0}}]})"),
            "spec.yaml: rewards[0].params.wall_seconds: must be finite and > 0, got 0");
}

TEST(RewardSpecTest, ServerSideCodeFieldsAreNotSpecParameters) {
  EXPECT_EQ(ErrorOf(R"({"rewards": [{"name": "code", "params": {"python_path": "/bin/sh"}}]})"),
            "spec.yaml: rewards[0].params.python_path: unknown parameter of code (expected scoring, stdout_match, "
            "float_tolerance, max_tests, cpu_seconds, wall_seconds, memory_bytes, max_processes, output_bytes, "
            "file_bytes, max_open_files)");
  EXPECT_FALSE(RewardSpecFromJson(R"({"rewards": [{"name": "code", "params": {"caps": {}}}]})", "s").ok());

  absl::StatusOr<RewardSpec> spec =
      RewardSpecFromJson(R"({"rewards": [{"name": "format"}, {"name": "code", "params": {"cpu_seconds": 3}}]})", "s");
  ASSERT_TRUE(spec.ok()) << spec.status();
  CodeConfig server;
  server.python_path = "/opt/python/bin/python3";
  server.caps.cpu_seconds = 1.5;
  SetCodeServerFields(server, &*spec);
  const CodeConfig& code = std::get<CodeConfig>(spec->terms[1].config);
  EXPECT_EQ(code.python_path, "/opt/python/bin/python3");
  EXPECT_EQ(code.caps.cpu_seconds, 1.5);
  EXPECT_EQ(code.limits.cpu_seconds, 3.0);  // the client's request stays; the reward caps it
}

TEST(RewardSpecTest, ThePathLocatorGivesTheErrorPrefix) {
  const PathLocator locate = [](std::string_view path) { return "where(" + std::string(path) + ")"; };
  const absl::StatusOr<RewardSpec> spec =
      RewardSpecFromJson(R"({"rewards": [{"name": "format", "params": {"mode": "loose"}}]})", "s", locate);
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(),
            "where(rewards[0].params.mode): rewards[0].params.mode: expected one of strict | lenient, got \"loose\"");
}

TEST(RewardSpecTest, JsonRoundTripKeepsEveryParameter) {
  const std::string text = R"({"timeout_seconds": 7,
    "rewards": [
      {"name": "math_accuracy", "weight": 2, "params": {"relative_tolerance": 1e-4, "num_points": 3,
        "precision_bits": 128, "seed": 18446744073709551615, "max_answer_bytes": 10, "max_nodes": 11,
        "max_depth": 12, "max_exact_bits": 130, "max_factorial_argument": 14, "max_collection_size": 15}},
      {"name": "format", "weight": 0.25, "params": {"style": "r1_chat", "mode": "lenient"}},
      {"name": "countdown", "label": "cd", "params": {"correct_score": 3, "format_score": 0.5,
        "max_answer_bytes": 99, "max_depth": 9}},
      {"name": "language_consistency", "weight": -0.1, "params": {"language": "zh"}},
      {"name": "overlong", "params": {"buffer_tokens": 64, "penalty_factor": 0.3, "max_tokens": 1024}},
      {"name": "repetition", "params": {"n": 4, "unit": "tokens", "max_penalty": 0.7}},
      {"name": "code", "params": {"scoring": "all_or_nothing", "stdout_match": "tokens",
        "float_tolerance": 0.001, "max_tests": 5, "cpu_seconds": 1, "wall_seconds": 2,
        "memory_bytes": 1048576000, "max_processes": 4, "output_bytes": 1000, "file_bytes": 2000,
        "max_open_files": 32}}]})";
  const absl::StatusOr<RewardSpec> spec = RewardSpecFromJson(text, "s");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const std::string written = RewardSpecToJson(*spec);
  // Every parameter given above comes back with its value.
  const nlohmann::json given = nlohmann::json::parse(text);
  const nlohmann::json out = nlohmann::json::parse(written);
  EXPECT_EQ(out["timeout_seconds"], 7.0);
  ASSERT_EQ(out["rewards"].size(), given["rewards"].size());
  for (size_t i = 0; i < given["rewards"].size(); ++i) {
    SCOPED_TRACE(i);
    const nlohmann::json& g = given["rewards"][i];
    const nlohmann::json& o = out["rewards"][i];
    EXPECT_EQ(o["name"], g["name"]);
    EXPECT_EQ(o["label"], g.value("label", g["name"].get<std::string>()));
    EXPECT_EQ(o["weight"].get<double>(), g.value("weight", 1.0));
    EXPECT_EQ(o["params"].size(), RewardParamDocs(g["name"].get<std::string>()).size());
    for (const auto& [key, value] : g["params"].items()) {
      EXPECT_EQ(o["params"][key], value) << key;
    }
  }
  // And reading the written form gives the same spec again.
  const absl::StatusOr<RewardSpec> again = RewardSpecFromJson(written, "s");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(RewardSpecToJson(*again, 2), RewardSpecToJson(*spec, 2));
}

TEST(RewardSpecTest, EveryDocumentedParameterParsesWithItsDefault) {
  for (const std::string& name : RewardNames()) {
    SCOPED_TRACE(name);
    const std::vector<ParamDoc> docs = RewardParamDocs(name);
    EXPECT_FALSE(docs.empty());
    nlohmann::json params = nlohmann::json::object();
    for (const ParamDoc& doc : docs) {
      EXPECT_FALSE(doc.doc.empty()) << doc.name;
      params[doc.name] = nlohmann::json::parse(doc.default_value);
    }
    const nlohmann::json spec_json = {{"rewards", {{{"name", name}, {"params", params}}}}};
    const absl::StatusOr<RewardSpec> spec = RewardSpecFromJson(spec_json.dump(), "s");
    ASSERT_TRUE(spec.ok()) << spec.status();
    EXPECT_EQ(RewardName(spec->terms[0].config), name);
    // The defaults written back are the documented ones.
    const nlohmann::json written = nlohmann::json::parse(RewardSpecToJson(*spec));
    EXPECT_EQ(written["rewards"][0]["params"], params);
  }
  EXPECT_TRUE(RewardParamDocs("no_such_reward").empty());
}

TEST(RewardSpecTest, ValidateChecksAHandBuiltSpec) {
  RewardSpec spec;
  EXPECT_EQ(Validate(spec).message(), "spec: rewards: at least one reward is needed");
  spec.terms.push_back({"format", 1.0, FormatConfig()});
  EXPECT_TRUE(Validate(spec).ok());
  spec.terms.push_back({"len", std::numeric_limits<double>::infinity(), OverlongConfig()});
  EXPECT_EQ(Validate(spec).message(), "spec: rewards[1].weight: must be finite, got inf");
  spec.terms[1].weight = 1.0;
  std::get<OverlongConfig>(spec.terms[1].config).penalty_factor = -2;
  EXPECT_EQ(Validate(spec).message(), "spec: rewards[1].params.penalty_factor: must be finite and >= 0, got -2");
}

}  // namespace
}  // namespace reasonrl::reward
