// `reasonrl tokenize` end to end through the built binary, against the Hugging Face references in
// tests/data/tokenizer/ (ids made by tokenizers 0.23.2 on the same corpus): encoding, directory mode's BOS,
// decoding, and bad input that exits non-zero, names the stdin line, and writes nothing to stdout.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/trainer/cli_run.h"

namespace {

const std::string kData = REASONRL_TEST_DATA_DIR;
const std::string kCache = REASONRL_TOKENIZER_CACHE;

using reasonrl::testing::CliRun;
using reasonrl::testing::Reasonrl;

std::vector<nlohmann::json> Lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();  // a last line without its newline
    lines.push_back(nlohmann::json::parse(text.substr(start, end - start)));
    start = end + 1;
  }
  return lines;
}

std::vector<nlohmann::json> FileLines(const std::string& path, size_t limit) {
  std::ifstream in(path);
  std::vector<nlohmann::json> lines;
  for (std::string line; lines.size() < limit && std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

class TokenizeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kCache + "/deepseek_v3/tokenizer.json")) {
      GTEST_SKIP() << "no " << kCache << "/deepseek_v3 (scripts/fetch_tokenizers.sh fetches it)";
    }
    corpus_ = FileLines(kData + "/tokenizer/corpus.jsonl", 300);
    refs_ = FileLines(kData + "/tokenizer/deepseek_v3.tokenizers.jsonl", 300);
    for (const nlohmann::json& line : corpus_) input_ += nlohmann::json{{"text", line["text"]}}.dump() + "\n";
  }
  std::vector<nlohmann::json> corpus_, refs_;
  std::string input_;
};

TEST_F(TokenizeCliTest, EncodesEachLineToTheReferenceIds) {
  CliRun r = Reasonrl("tokenize --tokenizer " + kCache + "/deepseek_v3/tokenizer.json", input_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> out = Lines(r.out);
  ASSERT_EQ(out.size(), corpus_.size());
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i]["ids"], refs_[i]["ids"]) << "line " << i + 1;
}

TEST_F(TokenizeCliTest, ModelDirectoryAddsBosWhenAskedForSpecialTokens) {
  CliRun r = Reasonrl("tokenize --add-special-tokens --threads 2 --tokenizer " + kCache + "/deepseek_v3", input_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> out = Lines(r.out);
  ASSERT_EQ(out.size(), corpus_.size());
  for (size_t i = 0; i < out.size(); ++i) {
    nlohmann::json expected = nlohmann::json::array({0});
    for (const auto& id : refs_[i]["ids"]) expected.push_back(id);
    EXPECT_EQ(out[i]["ids"], expected) << "line " << i + 1;
  }
}

TEST_F(TokenizeCliTest, DecodesReferenceIdsBackToTheText) {
  std::string ids_input;
  for (const nlohmann::json& ref : refs_) ids_input += nlohmann::json{{"ids", ref["ids"]}}.dump() + "\n";
  CliRun r = Reasonrl("tokenize --decode --tokenizer " + kCache + "/deepseek_v3/tokenizer.json", ids_input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> out = Lines(r.out);
  ASSERT_EQ(out.size(), refs_.size());
  for (size_t i = 0; i < out.size(); ++i) {
    const nlohmann::json& expected = refs_[i].contains("d_ids") ? refs_[i]["d_ids"] : corpus_[i]["text"];
    EXPECT_EQ(out[i]["text"], expected) << "line " << i + 1;
  }
}

TEST_F(TokenizeCliTest, SkipsSpecialTokensWhenDecodingWithSkipSpecialTokens) {
  CliRun r = Reasonrl("tokenize --decode --skip-special-tokens --tokenizer " + kCache + "/deepseek_v3",
                   "{\"ids\": [0, 19923, 2058, 1]}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.out)[0]["text"], "Hello world");
}

TEST(TokenizeCliHoleTest, DecodingAnIdThatIsAHoleInASparseVocabularyIsAnError) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("reasonrl_tokenize_hole_" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/tokenizer.json")
      << R"({"version": "1.0", "added_tokens": [], "normalizer": null, "pre_tokenizer": null,)"
      << R"( "post_processor": null, "decoder": null,)"
      << R"( "model": {"type": "BPE", "vocab": {"a": 0, "b": 2}, "merges": []}})";
  CliRun ok = Reasonrl("tokenize --decode --tokenizer " + dir + "/tokenizer.json", "{\"ids\": [0, 2]}\n");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "{\"text\":\"a b\"}\n");  // no decoder: tokens joined with spaces, as tokenizers does
  CliRun bad = Reasonrl("tokenize --decode --tokenizer " + dir + "/tokenizer.json", "{\"ids\": [0, 1, 2]}\n");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("stdin:1: ids[1] = 1 is no token of this tokenizer"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.out, "");
  std::filesystem::remove_all(dir);
}

struct BadInput {
  std::string args, input, message;
};

TEST_F(TokenizeCliTest, BadInputExitsNonZeroNamingTheLineAndWritesNothing) {
  const std::string file = " --tokenizer " + kCache + "/deepseek_v3/tokenizer.json";
  const std::vector<BadInput> cases = {
      {"tokenize" + file, "{\"text\": \"a\"}\nnot json\n", "stdin:2: expected a JSON object"},
      {"tokenize" + file, "{\"text\": \"a\"}\n{\"txt\": \"b\"}\n", "stdin:2: missing field \"text\""},
      {"tokenize" + file, "{\"text\": 5}\n", "stdin:1: field \"text\" must be a string"},
      {"tokenize" + file, "{\"text\": \"a\"}\n\n", "stdin:2: expected a JSON object"},
      {"tokenize --decode" + file, "{\"ids\": [1, 2]}\n{\"ids\": [5, 999999]}\n",
       "stdin:2: ids[1] = 999999 is outside the vocabulary"},
      {"tokenize --decode" + file, "{\"ids\": [1, \"x\"]}\n", "stdin:1: ids[1] must be an integer"},
      {"tokenize --decode" + file, "{\"ids\": 3}\n", "stdin:1: field \"ids\" must be an array"},
      {"tokenize --decode --add-special-tokens" + file, "{\"ids\": [1]}\n", "applies to encoding"},
      {"tokenize --tokenizer " + kData + "/no_such_tokenizer.json", "{\"text\": \"a\"}\n", "no_such_tokenizer.json"},
  };
  for (const BadInput& c : cases) {
    CliRun r = Reasonrl(c.args, c.input);
    EXPECT_NE(r.exit_code, 0) << c.args;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\nstderr: " << r.err;
    EXPECT_EQ(r.out, "") << c.args;
  }
}

}  // namespace
