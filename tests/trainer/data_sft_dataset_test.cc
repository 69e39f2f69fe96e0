// SFT datasets: prompt/response and chat messages, with errors naming the file, line and field path.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "trainer/data/sft_dataset.h"

namespace reasonrl::data {
namespace {

std::string DataPath(const std::string& name) { return std::string(REASONRL_TEST_DATA_DIR) + "/datasets/" + name; }

std::string WriteTemp(const std::string& name, const std::string& contents) {
  std::string dir = (std::filesystem::temp_directory_path() / ("reasonrl_sft_" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(dir);
  std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

TEST(SftDatasetTest, ReadsPromptResponsePairs) {
  SftDatasetConfig config;
  config.path = DataPath("sft_prompt_response.jsonl");
  absl::StatusOr<SftDataset> d = LoadSftDataset(config);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->records.size(), 2u);
  EXPECT_EQ(d->format, SftFormat::kPromptResponse);
  EXPECT_EQ(d->records[0].prompt, "What is 2 + 3?");
  EXPECT_EQ(d->records[0].response, "<think>2 + 3 = 5</think> <answer>5</answer>");
  EXPECT_EQ(d->records[1].line, 2);
  EXPECT_TRUE(d->records[1].messages.empty());
}

TEST(SftDatasetTest, ReadsChatMessagesInOrder) {
  SftDatasetConfig config;
  config.path = DataPath("sft_messages.jsonl");
  config.format = SftFormat::kMessages;
  absl::StatusOr<SftDataset> d = LoadSftDataset(config);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->records.size(), 2u);
  const auto& m0 = d->records[0].messages;
  ASSERT_EQ(m0.size(), 3u);
  EXPECT_EQ(m0[0].role, "system");
  EXPECT_EQ(m0[0].content, "Be brief.");
  EXPECT_EQ(m0[2].role, "assistant");
  EXPECT_EQ(m0[2].content, "<think>2 + 3 = 5</think> <answer>5</answer>");
  const auto& m1 = d->records[1].messages;
  ASSERT_EQ(m1.size(), 4u);
  EXPECT_EQ(m1[1].content, "");  // an empty assistant turn is allowed
  EXPECT_EQ(m1[2].role, "tool");
  EXPECT_EQ(m1[3].content, "It is 42.");
}

TEST(SftDatasetTest, EachKindOfBadMessagesLineNamesTheFieldPath) {
  const std::string good =
      "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"a\"}]}\n";
  const std::pair<std::string, std::string> cases[] = {
      {"{\"conversation\": []}", "field \"messages\": missing"},
      {"{\"messages\": \"hi\"}", "field \"messages\": expected an array of messages, got string"},
      {"{\"messages\": []}", "field \"messages\": expected at least one message, got []"},
      {"{\"messages\": [[\"user\", \"q\"]]}", "field \"messages[0]\": expected an object {role, content}, got array"},
      {"{\"messages\": [{\"content\": \"q\"}]}", "field \"messages[0].role\": missing"},
      {"{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"bot\", \"content\": \"a\"}]}",
       "field \"messages[1].role\": expected one of system, user, assistant, tool, got \"bot\""},
      {"{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\"}]}",
       "field \"messages[1].content\": missing"},
      {"{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": null}]}",
       "field \"messages[1].content\": expected a string, got null"},
      {"{\"messages\": [{\"role\": 1, \"content\": \"q\"}]}", "field \"messages[0].role\": expected a string, got number"},
      {"{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}",
       "field \"messages\": no assistant message: nothing to train on"},
  };
  for (const auto& [line, expected] : cases) {
    SftDatasetConfig config;
    config.format = SftFormat::kMessages;
    config.path = WriteTemp("bad_messages.jsonl", good + line + "\n");
    absl::StatusOr<SftDataset> d = LoadSftDataset(config);
    ASSERT_FALSE(d.ok()) << line;
    EXPECT_EQ(d.status().message(), config.path + ":2: " + expected) << line;

    config.on_bad_line = OnBadLine::kSkip;
    d = LoadSftDataset(config);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->records.size(), 1u);
    EXPECT_EQ(d->report.skipped, 1);
  }
}

TEST(SftDatasetTest, PromptResponseErrorsNameTheField) {
  SftDatasetConfig config;
  config.path = WriteTemp("bad_pr.jsonl", "{\"prompt\": \"p\", \"response\": 5}\n");
  absl::StatusOr<SftDataset> d = LoadSftDataset(config);
  EXPECT_EQ(d.status().message(), config.path + ":1: field \"response\": expected a string, got number");
  // A messages file read as prompt/response.
  config.path = DataPath("sft_messages.jsonl");
  d = LoadSftDataset(config);
  EXPECT_EQ(d.status().message(), config.path + ":1: field \"prompt\": missing");
  config.prompt_field = config.response_field = "text";
  EXPECT_EQ(LoadSftDataset(config).status().message(),
            "sft dataset: prompt_field and response_field are both \"text\"");
  EXPECT_TRUE(ParseSftFormat("messages").ok());
  EXPECT_FALSE(ParseSftFormat("chat").ok());
}

}  // namespace
}  // namespace reasonrl::data
