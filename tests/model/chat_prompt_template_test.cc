// Recipe prompt templates: placeholders, escapes, errors, and PromptBuilder over the chat formats.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/chat/chat_format.h"
#include "model/chat/prompt_template.h"

namespace reasonrl::chat {
namespace {

using ::testing::ElementsAre;

std::string ParseError(const std::string& text) {
  absl::StatusOr<PromptTemplate> t = PromptTemplate::Parse(text, "prompt.user");
  EXPECT_FALSE(t.ok()) << text;
  return t.ok() ? std::string() : std::string(t.status().message());
}

TEST(PromptTemplate, SubstitutesNamedFieldsAndUnescapesDoubledBraces) {
  absl::StatusOr<PromptTemplate> t = PromptTemplate::Parse(
      "Using the numbers {numbers}, create an equation that equals {target}. Sets look like {{1, 2}}; "
      "{numbers} again; end}}");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->placeholders(), ElementsAre("numbers", "target"));
  absl::StatusOr<std::string> s = t->Render({{"numbers", "[3, 5, 7]"}, {"target", "22"}, {"unused", "x"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(
      *s,
      "Using the numbers [3, 5, 7], create an equation that equals 22. Sets look like {1, 2}; [3, 5, 7] "
      "again; end}");
}

TEST(PromptTemplate, InsertsValuesVerbatimWithoutExpandingBracesInside) {
  absl::StatusOr<PromptTemplate> t = PromptTemplate::Parse("Q: {question}\nA:");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t->Render({{"question", "Solve {x} + 1 = 2 for x, \\boxed{}."}}),
            "Q: Solve {x} + 1 = 2 for x, \\boxed{}.\nA:");
}

TEST(PromptTemplate, TextWithoutPlaceholdersAndEmptyTextRenderAsThemselves) {
  EXPECT_EQ(*PromptTemplate::Parse("plain")->Render({}), "plain");
  EXPECT_EQ(*PromptTemplate::Parse("")->Render({}), "");
  EXPECT_EQ(*PromptTemplate::Parse("{{}}")->Render({}), "{}");
  EXPECT_EQ(*PromptTemplate::Parse("{a}{b_1}{_c}")->Render({{"a", "1"}, {"b_1", "2"}, {"_c", "3"}}), "123");
}

TEST(PromptTemplate, MalformedBracesAreSyntaxErrorsNamingTheColumn) {
  EXPECT_EQ(ParseError("abc } def"), "prompt.user: column 5: a lone '}' (write '}}' for a literal brace)");
  EXPECT_EQ(
      ParseError("x {}"),
      "prompt.user: column 3: bad placeholder \"{}\" (expected {name} with a name of letters, digits and "
      "'_' not starting with a digit; write '{{' for a literal brace)");
  EXPECT_THAT(ParseError("{ question}"),
              ::testing::StartsWith("prompt.user: column 1: bad placeholder \"{ question}\""));
  EXPECT_THAT(ParseError("{a.b}"), ::testing::StartsWith("prompt.user: column 1: bad placeholder \"{a.b}\""));
  EXPECT_THAT(ParseError("{1st}"), ::testing::StartsWith("prompt.user: column 1: bad placeholder \"{1st}\""));
  EXPECT_THAT(ParseError("ok {question"),
              ::testing::StartsWith("prompt.user: column 4: bad placeholder \"{question\""));
  EXPECT_THAT(ParseError("{"), ::testing::StartsWith("prompt.user: column 1: bad placeholder \"{\""));
}

TEST(PromptTemplate, UnknownPlaceholderAndMissingFieldAreErrorsNamingThePlaceholder) {
  absl::StatusOr<PromptTemplate> t = PromptTemplate::Parse("{numbers} -> {target}", "prompt.user");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->CheckFields({"target", "numbers", "question"}).ok());
  EXPECT_EQ(t->CheckFields({"question", "numbers"}).message(),
            "prompt.user: unknown placeholder {target} (the dataset has fields: numbers, question)");
  absl::StatusOr<std::string> s = t->Render({{"numbers", "[1]"}, {"question", "q"}});
  EXPECT_EQ(
      s.status().message(),
      "prompt.user: placeholder {target}: the record has no field \"target\" (it has: numbers, question)");
}

TEST(PromptBuilder, BuildsTheChatPromptOfARecordWithTheConfiguredFormat) {
  PromptConfig config;
  config.chat_format = ChatFormat::kQwen2_5;
  config.system = "You are a helpful assistant. Target: {target}.";
  config.user = "Numbers {numbers}.";
  absl::StatusOr<PromptBuilder> b = PromptBuilder::Create(config, {"numbers", "target"});
  ASSERT_TRUE(b.ok()) << b.status();
  absl::StatusOr<std::string> p = b->Build({{"numbers", "[1, 2]"}, {"target", "3"}});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(*p,
            "<|im_start|>system\nYou are a helpful assistant. Target: 3.<|im_end|>\n<|im_start|>user\n"
            "Numbers [1, 2].<|im_end|>\n<|im_start|>assistant\n");
}

TEST(PromptBuilder, DefaultConfigIsTheR1PromptOfTheQuestion) {
  absl::StatusOr<PromptBuilder> b = PromptBuilder::Create(PromptConfig(), {"question", "answer"});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(*b->Build({{"question", "1+1?"}, {"answer", "2"}}),
            "<｜begin▁of▁sentence｜><｜User｜>1+1?<｜Assistant｜><think>\n");
}

TEST(PromptBuilder, R1ZeroAndRawUseTheUserTextAsTheWholeQuestion) {
  PromptConfig config;
  config.chat_format = ChatFormat::kR1Zero;
  config.user = "Using {numbers}, make {target}";
  absl::StatusOr<PromptBuilder> b = PromptBuilder::Create(config, {"numbers", "target"});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(*b->Build({{"numbers", "[2, 3]"}, {"target", "6"}}), R1ZeroPrompt("Using [2, 3], make 6"));
  config.chat_format = std::nullopt;
  config.user = "Q: {question} {{raw}}";
  b = PromptBuilder::Create(config, {"question"});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(*b->Build({{"question", "x"}}), "Q: x {raw}");
}

TEST(PromptBuilder, ConfigErrorsNameTheRecipeKey) {
  PromptConfig config;
  config.user = "{question} {hint}";
  EXPECT_EQ(PromptBuilder::Create(config, {"question"}).status().message(),
            "prompt.user: unknown placeholder {hint} (the dataset has fields: question)");
  config.user = "{question}";
  config.system = "{persona";
  EXPECT_THAT(std::string(PromptBuilder::Create(config, {"question"}).status().message()),
              ::testing::StartsWith("prompt.system: column 1: bad placeholder"));
  config.chat_format = ChatFormat::kR1Zero;
  config.system = "sys";
  EXPECT_EQ(
      PromptBuilder::Create(config, {"question"}).status().message(),
      "prompt.system: chat_format r1_zero has no system message; put the instructions into prompt.user");
  config.system.reset();
  config.add_generation_prompt = false;
  EXPECT_EQ(
      PromptBuilder::Create(config, {"question"}).status().message(),
      "prompt.add_generation_prompt: chat_format r1_zero always ends where the model starts; it cannot be "
      "false");
  config.add_generation_prompt = true;
  config.chat_format = ChatFormat::kDeepSeekR1;
  config.enable_thinking = false;
  EXPECT_EQ(PromptBuilder::Create(config, {"question"}).status().message(),
            "prompt.enable_thinking: only chat_format qwen3 reads it (chat_format is deepseek_r1)");
  config.chat_format = ChatFormat::kQwen3;
  absl::StatusOr<PromptBuilder> b = PromptBuilder::Create(config, {"question"});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(*b->Build({{"question", "hi"}}),
            "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
  EXPECT_EQ(b->Build({{"prompt", "hi"}}).status().message(),
            "prompt.user: placeholder {question}: the record has no field \"question\" (it has: prompt)");
}

TEST(PromptBuilder, RecipeChatFormatNamesIncludeRaw) {
  EXPECT_EQ(*PromptChatFormatFromName("raw"), std::nullopt);
  EXPECT_EQ(*PromptChatFormatFromName("qwen3"), ChatFormat::kQwen3);
  EXPECT_EQ(*PromptChatFormatFromName("r1_zero"), ChatFormat::kR1Zero);
  EXPECT_EQ(
      PromptChatFormatFromName("chatml").status().message(),
      "unknown chat_format \"chatml\" (expected one of deepseek_v3, deepseek_r1, qwen2_5, qwen3, r1_zero, "
      "raw)");
}

}  // namespace
}  // namespace reasonrl::chat
