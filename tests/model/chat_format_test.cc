// Built-in chat formats against transformers' apply_chat_template (tests/data/chat/README.md): every format
// x every conversation of messages.jsonl, byte for byte; plus hand-written cases, the R1-Zero paragraph,
// validation and JSON errors.
#include "model/chat/chat_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"

namespace reasonrl::chat {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

const std::string kDataDir = std::string(REASONRL_TEST_DATA_DIR) + "/chat";

std::vector<Json> ReadJsonl(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::vector<Json> out;
  std::string line;
  while (std::getline(in, line)) out.push_back(Json::parse(line));
  return out;
}

std::vector<Message> Msgs(const Json& conv) {
  absl::StatusOr<std::vector<Message>> m = MessagesFromJson(conv.at("messages").dump(), "messages.jsonl");
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : std::vector<Message>();
}

RenderOptions Options(const Json& conv) {
  RenderOptions o;
  o.add_generation_prompt = conv.at("add_generation_prompt").get<bool>();
  if (conv.contains("enable_thinking")) o.enable_thinking = conv.at("enable_thinking").get<bool>();
  return o;
}

// First byte where a and b differ, with some context, for readable failures.
std::string FirstDifference(const std::string& got, const std::string& want) {
  size_t i = 0;
  while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
  const size_t from = i < 40 ? 0 : i - 40;
  return "first difference at byte " + std::to_string(i) + "\n  got:  " + Json(got.substr(from, 120)).dump() +
         "\n  want: " + Json(want.substr(from, 120)).dump();
}

TEST(ChatFormat, ReferenceSetCoversAtLeastFortyConversationsWithAlignedExpectations) {
  const std::vector<Json> convs = ReadJsonl(kDataDir + "/messages.jsonl");
  EXPECT_GE(convs.size(), 40u);
  for (const char* name : {"deepseek_v3", "deepseek_r1", "qwen2_5", "qwen3"}) {
    EXPECT_EQ(ReadJsonl(kDataDir + "/expected_" + name + ".jsonl").size(), convs.size()) << name;
  }
}

TEST(ChatFormat, EveryFormatRendersEveryConversationExactlyAsTransformers) {
  const std::vector<Json> convs = ReadJsonl(kDataDir + "/messages.jsonl");
  for (const char* name : {"deepseek_v3", "deepseek_r1", "qwen2_5", "qwen3"}) {
    absl::StatusOr<ChatFormat> format = ChatFormatFromName(name);
    ASSERT_TRUE(format.ok()) << format.status();
    const std::vector<Json> expected = ReadJsonl(kDataDir + "/expected_" + name + ".jsonl");
    ASSERT_EQ(expected.size(), convs.size()) << name;
    int texts = 0, errors = 0, matched = 0;
    for (size_t i = 0; i < convs.size(); ++i) {
      const std::string id = convs[i].at("id").get<std::string>();
      absl::StatusOr<std::string> got = RenderChat(*format, Msgs(convs[i]), Options(convs[i]));
      if (expected[i].contains("error")) {
        ++errors;
        EXPECT_FALSE(got.ok()) << name << " " << id << ": transformers raised "
                               << expected[i]["error"].get<std::string>() << ", we rendered "
                               << Json(*got).dump();
        if (!got.ok()) {
          ++matched;
          // The same failure transformers had, not just any error: each Python exception maps to ours.
          const std::string theirs = expected[i]["error"].get<std::string>();
          const std::string ours(got.status().message());
          EXPECT_THAT(ours, HasSubstr(name)) << id;
          if (absl::StrContains(theirs, "empty conversation")) {
            EXPECT_THAT(ours, HasSubstr("no messages")) << id;
          } else if (absl::StrContains(theirs, "'NoneType' is not iterable")) {
            EXPECT_THAT(ours, HasSubstr("content is null")) << id;
          } else {
            ADD_FAILURE() << id << ": no mapping for transformers' error " << theirs;
          }
        }
        continue;
      }
      ++texts;
      const std::string want = expected[i].at("text").get<std::string>();
      if (!got.ok()) {
        ADD_FAILURE() << name << " " << id << ": " << got.status();
      } else if (*got != want) {
        ADD_FAILURE() << name << " " << id << ": " << FirstDifference(*got, want);
      } else {
        ++matched;
      }
    }
    std::cout << name << ": " << matched << "/" << convs.size() << " conversations match (" << texts
              << " texts, " << errors << " errors)\n";
  }
}

// Hand-written expectations (model-spec.md §10), independent of the reference files.
TEST(ChatFormat, R1PromptOpensTheThinkBlockAfterTheAssistantTag) {
  const std::vector<Message> m = {{"user", "What is 1+1?", std::nullopt, {}}};
  EXPECT_EQ(*RenderChat(ChatFormat::kDeepSeekR1, m, {true, std::nullopt}),
            "<｜begin▁of▁sentence｜><｜User｜>What is 1+1?<｜Assistant｜><think>\n");
  EXPECT_EQ(*RenderChat(ChatFormat::kDeepSeekV3, m, {true, std::nullopt}),
            "<｜begin▁of▁sentence｜><｜User｜>What is 1+1?<｜Assistant｜>");
  EXPECT_EQ(*RenderChat(ChatFormat::kDeepSeekV3, m, {false, std::nullopt}),
            "<｜begin▁of▁sentence｜><｜User｜>What is 1+1?");
}

TEST(ChatFormat, R1DropsTheReasoningOfEarlierAssistantTurnsAndV3KeepsIt) {
  const std::vector<Message> m = {{"system", "S1", std::nullopt, {}},
                                  {"user", "Q1", std::nullopt, {}},
                                  {"assistant", "<think>r</think>a</think>b", std::nullopt, {}},
                                  {"system", "S2", std::nullopt, {}},
                                  {"user", "Q2", std::nullopt, {}}};
  EXPECT_EQ(*RenderChat(ChatFormat::kDeepSeekR1, m, {true, std::nullopt}),
            "<｜begin▁of▁sentence｜>S1\n\nS2<｜User｜>Q1<｜Assistant｜>b<｜end▁of▁sentence｜><｜User｜>Q2"
            "<｜Assistant｜><think>\n");
  EXPECT_EQ(*RenderChat(ChatFormat::kDeepSeekV3, m, {false, std::nullopt}),
            "<｜begin▁of▁sentence｜>S1\n\nS2<｜User｜>Q1<｜Assistant｜><think>r</think>a</think>b"
            "<｜end▁of▁sentence｜><｜User｜>Q2");
}

TEST(ChatFormat, QwenFormatsWriteChatMlWithTheirOwnSystemAndThinkingRules) {
  const std::vector<Message> m = {{"user", "hi", std::nullopt, {}}};
  EXPECT_EQ(
      *RenderChat(ChatFormat::kQwen2_5, m, {true, std::nullopt}),
      "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
      "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(*RenderChat(ChatFormat::kQwen3, m, {true, std::nullopt}),
            "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(*RenderChat(ChatFormat::kQwen3, m, {true, false}),
            "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
  EXPECT_EQ(*RenderChat(ChatFormat::kQwen3, m, {true, true}),
            "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
  const std::vector<Message> last = {{"user", "q", std::nullopt, {}},
                                     {"assistant", "\n<think>\nr\n</think>\n\na", std::nullopt, {}}};
  EXPECT_EQ(*RenderChat(ChatFormat::kQwen3, last, {false, std::nullopt}),
            "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<think>\nr\n</think>\n\na<|im_end|>\n");
}

TEST(ChatFormat, R1ZeroPromptIsThePapersParagraphWithTheQuestionInPlaceOfPrompt) {
  const std::string paragraph =
      "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. The "
      "assistant first thinks about the reasoning process in the mind and then provides the user with the "
      "answer. The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> "
      "tags, respectively, i.e., <think> reasoning process here </think> <answer> answer here </answer>. "
      "User: "
      "prompt. Assistant:";
  EXPECT_EQ(R1ZeroPrompt("prompt"), paragraph);
  const std::vector<Message> m = {{"user", "What is 2+3?", std::nullopt, {}}};
  absl::StatusOr<std::string> got = RenderChat(ChatFormat::kR1Zero, m, {true, std::nullopt});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, paragraph.substr(0, paragraph.size() - std::string("prompt. Assistant:").size()) +
                      "What is 2+3?. Assistant:");
}

TEST(ChatFormat, R1ZeroRejectsAnythingButOneUserMessageWithTheGenerationPrompt) {
  const Message user = {"user", "q", std::nullopt, {}};
  const Message system = {"system", "s", std::nullopt, {}};
  absl::StatusOr<std::string> r = RenderChat(ChatFormat::kR1Zero, {system, user}, {true, std::nullopt});
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("r1_zero: the R1-Zero template takes exactly one user"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("[system, user]"));
  EXPECT_FALSE(RenderChat(ChatFormat::kR1Zero, {user, user}, {true, std::nullopt}).ok());
  r = RenderChat(ChatFormat::kR1Zero, {user}, {false, std::nullopt});
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("add_generation_prompt must be true"));
}

TEST(ChatFormat, NamesMapToFormatsAndBack) {
  EXPECT_EQ(AllChatFormats().size(), 5u);
  for (ChatFormat f : AllChatFormats()) {
    absl::StatusOr<ChatFormat> back = ChatFormatFromName(ChatFormatName(f));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, f);
  }
  EXPECT_EQ(ChatFormatName(ChatFormat::kQwen2_5), "qwen2_5");
  absl::StatusOr<ChatFormat> bad = ChatFormatFromName("qwen2.5");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(
      bad.status().message(),
      "unknown chat format \"qwen2.5\" (expected one of deepseek_v3, deepseek_r1, qwen2_5, qwen3, r1_zero)");
}

TEST(ChatFormat, InvalidMessagesAreRejectedNamingTheFormatIndexAndRole) {
  const RenderOptions gen = {true, std::nullopt};
  absl::StatusOr<std::string> r = RenderChat(ChatFormat::kDeepSeekV3, {}, gen);
  EXPECT_EQ(r.status().message(), "deepseek_v3: no messages (a conversation needs at least one)");
  r = RenderChat(ChatFormat::kQwen3, {{"user", "a", std::nullopt, {}}, {"developer", "x", std::nullopt, {}}},
                 gen);
  EXPECT_EQ(r.status().message(),
            "qwen3: messages[1]: unknown role \"developer\" (expected system, user, assistant or tool)");
  r = RenderChat(ChatFormat::kQwen2_5, {{"user", std::nullopt, std::nullopt, {}}}, gen);
  EXPECT_EQ(
      r.status().message(),
      "qwen2_5: messages[0] (user): content is null (only an assistant message with tool_calls may have "
      "null content)");
  r = RenderChat(ChatFormat::kDeepSeekR1, {{"assistant", std::nullopt, std::nullopt, {}}}, gen);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("deepseek_r1: messages[0] (assistant): content is null"));
  r = RenderChat(ChatFormat::kDeepSeekR1, {{"user", "q", "why", {}}}, gen);
  EXPECT_EQ(r.status().message(),
            "deepseek_r1: messages[0] (user): reasoning_content is only allowed on assistant messages");
  r = RenderChat(ChatFormat::kQwen3, {{"tool", "out", std::nullopt, {{"function", "f", "{}"}}}}, gen);
  EXPECT_EQ(r.status().message(),
            "qwen3: messages[0] (tool): tool_calls are only allowed on assistant messages");
}

TEST(ChatFormat, Qwen3FailsOnANullAssistantContentWhereOtherFormatsRenderTheCalls) {
  const std::vector<Message> m = {
      {"user", "q", std::nullopt, {}},
      {"assistant", std::nullopt, std::nullopt, {{"function", "f", "{\"a\": 1}"}}}};
  absl::StatusOr<std::string> r = RenderChat(ChatFormat::kQwen3, m, {false, std::nullopt});
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("qwen3: messages[1] (assistant): content is null"));
  EXPECT_EQ(
      *RenderChat(ChatFormat::kQwen2_5, m, {false, std::nullopt}),
      "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
      "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n<tool_call>\n{\"name\": \"f\", \"arguments\": "
      "\"{\\\"a\\\": 1}\"}\n</tool_call><|im_end|>\n");
  EXPECT_EQ(
      *RenderChat(ChatFormat::kDeepSeekV3, m, {true, std::nullopt}),
      "<｜begin▁of▁sentence｜><｜User｜>q<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function"
      "<｜tool▁sep｜>f\n```json\n{\"a\": 1}\n```<｜tool▁call▁end｜><｜Assistant｜>");
}

TEST(ChatFormat, MessagesFromJsonReadsOpenAiMessages) {
  absl::StatusOr<std::vector<Message>> m = MessagesFromJson(
      R"([{"role": "system", "content": "s"},
          {"role": "assistant", "content": null, "reasoning_content": "r",
           "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
          {"role": "tool", "content": "out", "tool_call_id": "c1"},
          {"role": "assistant", "content": "a", "reasoning_content": null}])",
      "t.json");
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->size(), 4u);
  EXPECT_FALSE((*m)[1].content.has_value());
  EXPECT_EQ((*m)[1].reasoning_content, "r");
  ASSERT_EQ((*m)[1].tool_calls.size(), 1u);
  EXPECT_EQ((*m)[1].tool_calls[0].type, "function");
  EXPECT_EQ((*m)[1].tool_calls[0].name, "f");
  EXPECT_EQ((*m)[1].tool_calls[0].arguments, "{}");
  EXPECT_FALSE((*m)[3].reasoning_content.has_value());
}

TEST(ChatFormat, MessagesFromJsonNamesTheSourceAndPathOfBadInput) {
  auto error = [](const char* json) {
    absl::StatusOr<std::vector<Message>> m = MessagesFromJson(json, "c.json");
    EXPECT_FALSE(m.ok()) << json;
    return m.ok() ? std::string() : std::string(m.status().message());
  };
  EXPECT_EQ(error("[{\"role\": \"user\"}]"),
            "c.json: [0]: missing key content (use null for an assistant message with only tool_calls)");
  EXPECT_EQ(error("[{\"role\": \"user\", \"content\": [\"x\"]}]"),
            "c.json: [0].content: expected a string or null, got array");
  EXPECT_EQ(
      error("[{\"role\": \"user\", \"content\": \"x\", \"name\": \"bob\"}]"),
      "c.json: [0].name: unknown key (expected role, content, reasoning_content, tool_calls, tool_call_id)");
  EXPECT_EQ(error("[{\"role\": \"assistant\", \"content\": null, \"tool_calls\": []}]"),
            "c.json: [0].tool_calls: expected a non-empty list (omit the key for none), got an empty list");
  EXPECT_EQ(error("[{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"type\": \"function\", "
                  "\"function\": {\"name\": \"f\", \"arguments\": {\"a\": 1}}}]}]"),
            "c.json: [0].tool_calls[0].function.arguments: expected a string (the arguments' JSON text), got "
            "object");
  EXPECT_EQ(error("{\"role\": \"user\"}"), "c.json: expected a JSON array of messages, got object");
  EXPECT_EQ(error("[{\"role\": \"user\", "), "c.json: not valid JSON");
  EXPECT_EQ(error("[{\"role\": 3, \"content\": \"x\"}]"), "c.json: [0].role: expected a string, got number");
}

}  // namespace
}  // namespace reasonrl::chat
