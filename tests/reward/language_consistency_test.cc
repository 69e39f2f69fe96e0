#include "reward/language_consistency.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/reward/case_file.h"

namespace reasonrl::reward {
namespace {

using testing::ReadCases;

TEST(LanguageConsistencyTest, EveryCaseOfTheCaseFileScoresAsLabelled) {
  int checked = 0;
  for (const nlohmann::json& c : ReadCases("language_cases.jsonl")) {
    SCOPED_TRACE(c["name"].get<std::string>());
    Sample sample;
    sample.completion = c["completion"];
    if (c.contains("extra")) {
      for (const auto& [key, value] : c["extra"].items()) sample.extra_json[key] = value.dump();
    }
    LanguageConsistencyConfig config;
    config.language = c["language"];
    const Result result = LanguageConsistency(sample, config);
    const int64_t target = c["words"][0];
    const int64_t total = c["words"][1];
    EXPECT_EQ(result.value, total == 0 ? 0.0 : static_cast<double>(target) / static_cast<double>(total));
    EXPECT_DOUBLE_EQ(result.value, c["value"].get<double>());
    EXPECT_EQ(result.reason, c["reason"].get<std::string>());
    ASSERT_EQ(result.components.size(), 1u);
    EXPECT_EQ(result.components[0].name, "language_consistency");
    // The word counts themselves, for the cases with a chain of thought and a known language.
    const std::optional<std::string_view> cot = ChainOfThought(sample.completion);
    if (cot.has_value() && !config.language.empty()) {
      const WordCount count = CountLanguageWords(*cot, config.language);
      EXPECT_EQ(count.target, target);
      EXPECT_EQ(count.total, total);
    }
    ++checked;
  }
  EXPECT_GE(checked, 30);
}

TEST(LanguageConsistencyTest, InvalidUtf8BytesSeparateWords) {
  const WordCount count = CountLanguageWords("ab\xff" "cd \xe4\xb8", "en");
  EXPECT_EQ(count.target, 2);
  EXPECT_EQ(count.total, 2);
}

TEST(LanguageConsistencyTest, ChainOfThoughtIsTextBeforeTheFirstClosingTag) {
  EXPECT_EQ(ChainOfThought("<think>a</think>b</think>"), "a");
  EXPECT_EQ(ChainOfThought("pre <think>a</think>"), "a");
  EXPECT_EQ(ChainOfThought("reasoning</think>answer"), "reasoning");
  EXPECT_EQ(ChainOfThought("</think>"), "");
  EXPECT_EQ(ChainOfThought("<think>a"), std::nullopt);
}

TEST(LanguageConsistencyTest, UnsupportedConfiguredLanguageIsAConfigError) {
  LanguageConsistencyConfig config;
  config.language = "klingon";
  const absl::Status status = config.Validate();
  EXPECT_EQ(status.message(),
            "language: unsupported \"klingon\" (expected one of ar, de, el, en, es, fr, he, hi, id, it, ja, ko, "
            "nl, pt, ru, th, uk, vi, zh, or \"\" for the sample's own)");
  Sample sample;
  sample.completion = "<think>hello world</think>";
  const Result result = LanguageConsistency(sample, config);
  EXPECT_EQ(result.value, 0.0);
  EXPECT_EQ(result.reason.rfind("invalid_config: language: unsupported", 0), 0u) << result.reason;
}

TEST(LanguageConsistencyTest, UnknownLanguageCountsNothing) {
  const WordCount count = CountLanguageWords("hello world", "xx");
  EXPECT_EQ(count.total, 0);
}

}  // namespace
}  // namespace reasonrl::reward
