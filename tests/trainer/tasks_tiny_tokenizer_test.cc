// The tiny tokenizer: its JSON checked field by field against the documented layout, then loaded with
// reasonrl::Tokenizer (model/tokenizer) and checked against ids worked out by hand from the rules in
// trainer/tasks/tiny_tokenizer.h, plus encode/decode round trips.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "model/tokenizer/tokenizer.h"
#include "nlohmann/json.hpp"
#include "trainer/data/random.h"
#include "trainer/tasks/arithmetic.h"
#include "trainer/tasks/countdown.h"
#include "trainer/tasks/tiny_tokenizer.h"

namespace reasonrl::tasks {
namespace {

std::string TokenizerDir() {
  static const std::string dir = [] {
    std::string d = (std::filesystem::temp_directory_path() / ("reasonrl_tiny_tok_" + std::to_string(::getpid()))).string();
    std::filesystem::remove_all(d);
    absl::Status s = WriteTinyTokenizer(d);
    EXPECT_TRUE(s.ok()) << s;
    return d;
  }();
  return dir;
}

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  return nlohmann::json::parse(in);
}

TEST(TinyTokenizerTest, ByteCharactersFollowGpt2BytesToUnicode) {
  EXPECT_EQ(ByteLevelChar(' '), "\xC4\xA0");   // U+0120 'Ġ'
  EXPECT_EQ(ByteLevelChar('\n'), "\xC4\x8A");  // U+010A 'Ċ'
  EXPECT_EQ(ByteLevelChar(0), "\xC4\x80");     // U+0100
  EXPECT_EQ(ByteLevelChar(127), "\xC4\xA1");   // U+0121: the 34th remapped byte (after 0..32)
  EXPECT_EQ(ByteLevelChar(173), "\xC5\x83");   // U+0143: the last of the 68 remapped bytes
  EXPECT_EQ(ByteLevelChar('a'), "a");
  EXPECT_EQ(ByteLevelChar(0xE9), "\xC3\xA9");  // 233 maps to itself, U+00E9
  std::set<std::string> all;
  for (int b = 0; b < 256; ++b) all.insert(ByteLevelChar(static_cast<unsigned char>(b)));
  EXPECT_EQ(all.size(), 256u);
}

TEST(TinyTokenizerTest, TokenizerJsonHasTheDocumentedLayout) {
  nlohmann::json j = ReadJson(TokenizerDir() + "/tokenizer.json");
  const nlohmann::json& model = j["model"];
  EXPECT_EQ(model["type"], "BPE");
  EXPECT_TRUE(model["unk_token"].is_null());
  EXPECT_EQ(model["byte_fallback"], false);
  ASSERT_EQ(model["vocab"].size(), 261u);
  std::set<int> ids;
  for (const auto& [token, id] : model["vocab"].items()) ids.insert(id.get<int>());
  EXPECT_EQ(ids.size(), 261u);
  EXPECT_EQ(*ids.begin(), 0);
  EXPECT_EQ(*ids.rbegin(), 260);
  EXPECT_EQ(model["vocab"]["0"], 48);
  EXPECT_EQ(model["vocab"]["+"], 43);
  EXPECT_EQ(model["vocab"]["\xC4\xA0"], 32);
  EXPECT_EQ(model["vocab"]["\xC4\xA0+"], 256);
  EXPECT_EQ(model["vocab"]["\xC4\xA0="], 260);
  EXPECT_EQ(model["merges"],
            nlohmann::json({"\xC4\xA0 +", "\xC4\xA0 -", "\xC4\xA0 *", "\xC4\xA0 /", "\xC4\xA0 ="}));

  const nlohmann::json& added = j["added_tokens"];
  ASSERT_EQ(added.size(), 7u);
  const char* contents[] = {"<|bos|>", "<|eos|>", "<|pad|>", "<think>", "</think>", "<answer>", "</answer>"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(added[i]["id"], 261 + i);
    EXPECT_EQ(added[i]["content"], contents[i]);
    EXPECT_EQ(added[i]["special"], i < 3) << contents[i];
    EXPECT_EQ(added[i]["normalized"], false);
  }
  EXPECT_EQ(j["pre_tokenizer"]["type"], "Sequence");
  EXPECT_EQ(j["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"], kTinyPreTokenizerRegex);
  EXPECT_EQ(j["pre_tokenizer"]["pretokenizers"][0]["behavior"], "Isolated");
  EXPECT_EQ(j["pre_tokenizer"]["pretokenizers"][1]["type"], "ByteLevel");
  EXPECT_EQ(j["pre_tokenizer"]["pretokenizers"][1]["use_regex"], false);
  const nlohmann::json& templ = j["post_processor"]["processors"][1];
  EXPECT_EQ(templ["type"], "TemplateProcessing");
  EXPECT_EQ(templ["single"][0]["SpecialToken"]["id"], "<|bos|>");
  EXPECT_EQ(templ["special_tokens"]["<|bos|>"]["ids"], nlohmann::json({261}));
  EXPECT_EQ(j["decoder"]["type"], "ByteLevel");

  nlohmann::json c = ReadJson(TokenizerDir() + "/tokenizer_config.json");
  EXPECT_EQ(c["bos_token"], "<|bos|>");
  EXPECT_EQ(c["eos_token"], "<|eos|>");
  EXPECT_EQ(c["pad_token"], "<|pad|>");
  EXPECT_EQ(c["add_bos_token"], true);
  EXPECT_EQ(c["added_tokens_decoder"]["264"]["content"], "<think>");
  EXPECT_EQ(c["tokenizer_class"], "PreTrainedTokenizerFast");
}

std::unique_ptr<Tokenizer> LoadTiny(const std::string& path) {
  absl::StatusOr<std::unique_ptr<Tokenizer>> t = Tokenizer::Load(path);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *std::move(t) : nullptr;
}

TEST(TinyTokenizerTest, LoadsWithTheFrameworkTokenizerAndGivesHandComputedIds) {
  std::unique_ptr<Tokenizer> tok = LoadTiny(TokenizerDir());
  ASSERT_NE(tok, nullptr);
  EXPECT_EQ(tok->vocab_size(), kTinyVocabSize);
  EXPECT_EQ(tok->bos_id(), kTinyBosId);
  EXPECT_EQ(tok->eos_id(), kTinyEosId);
  EXPECT_EQ(tok->pad_id(), kTinyPadId);
  EXPECT_TRUE(tok->is_special(kTinyBosId));
  EXPECT_FALSE(tok->is_special(kTinyThinkId));
  // Pieces: <think> | 1 | 2 | " +" | " " | 3 | " =" | " " | 1 | 5 | </think> | " " | <answer> | 1 | 5 | </answer>
  const std::string text = "<think>12 + 3 = 15</think> <answer>15</answer>";
  const std::vector<int32_t> ids = {264, 49, 50, 256, 32, 51, 260, 32, 49, 53, 265, 32, 266, 49, 53, 267};
  EXPECT_EQ(tok->Encode(text, /*add_special_tokens=*/false), ids);
  std::vector<int32_t> with_bos = ids;
  with_bos.insert(with_bos.begin(), kTinyBosId);
  EXPECT_EQ(tok->Encode(text, /*add_special_tokens=*/true), with_bos);
  EXPECT_EQ(tok->Decode(with_bos, /*skip_special_tokens=*/false), "<|bos|>" + text);
  EXPECT_EQ(tok->Decode(with_bos, /*skip_special_tokens=*/true), text);  // the tags are kept
  // "(7 - 2) * 9 / 3": digits and brackets alone, operators with their space merged.
  EXPECT_EQ(tok->Encode("(7 - 2) * 9 / 3", false),
            (std::vector<int32_t>{40, 55, 257, 32, 50, 41, 258, 32, 57, 259, 32, 51}));
  // The file alone (tokenizers' Tokenizer.from_file) adds <|bos|> through its TemplateProcessing too.
  std::unique_ptr<Tokenizer> file = LoadTiny(TokenizerDir() + "/tokenizer.json");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->Encode(text, true), with_bos);
}

TEST(TinyTokenizerTest, EveryTagAndSpecialTokenIsOneId) {
  std::unique_ptr<Tokenizer> tok = LoadTiny(TokenizerDir());
  ASSERT_NE(tok, nullptr);
  const std::pair<const char*, int> tokens[] = {{"<|bos|>", 261}, {"<|eos|>", 262},  {"<|pad|>", 263},  {"<think>", 264},
                                                {"</think>", 265}, {"<answer>", 266}, {"</answer>", 267}};
  for (const auto& [text, id] : tokens) {
    EXPECT_EQ(tok->Encode(text, false), std::vector<int32_t>{id}) << text;
    EXPECT_EQ(tok->TokenToId(text), id);
    EXPECT_EQ(tok->Encode(std::string("x") + text + "y", false), (std::vector<int32_t>{'x', id, 'y'})) << text;
  }
}

TEST(TinyTokenizerTest, TaskTextsAndArbitraryUtf8RoundTrip) {
  std::unique_ptr<Tokenizer> tok = LoadTiny(TokenizerDir());
  ASSERT_NE(tok, nullptr);
  std::vector<std::string> texts = {
      "", " ", "  leading and trailing  ", "line\nbreaks\r\n\ttabs", "h\xC3\xA9llo w\xC3\xB6rld \xE2\x9C\x93 \xE6\x97\xA5\xE6\x9C\xAC",
      "emoji \xF0\x9F\x98\x80!", "it's we'll they've", "<think> nested <think> </answer>", "<|eos|><|pad|>",
      "A conversation between User and Assistant. User: What is 12 * 34? Assistant: <think>",
  };
  data::Rng rng(1);
  CountdownConfig countdown;
  for (int i = 0; i < 20; ++i) {
    auto p = DrawCountdownPuzzle(countdown, rng);
    ASSERT_TRUE(p.ok());
    if (p->has_value()) {
      texts.push_back(CountdownPrompt((*p)->numbers, (*p)->target));
      texts.push_back("<answer> " + (*p)->solution + " </answer>");
    }
    ArithmeticProblem a = DrawArithmeticProblem({}, rng);
    texts.push_back(ArithmeticPrompt(a) + " <answer>" + a.answer + "</answer>");
  }
  std::string bytes;
  for (int b = 1; b < 128; ++b) bytes.push_back(static_cast<char>(b));
  texts.push_back(bytes);
  for (const std::string& text : texts) {
    std::vector<int32_t> ids = tok->Encode(text, false);
    EXPECT_EQ(tok->Decode(ids, false), text) << text;
    for (int32_t id : ids) ASSERT_TRUE(id >= 0 && id < kTinyVocabSize);
    // Every digit is its own token.
    size_t digits = 0;
    for (char c : text) digits += c >= '0' && c <= '9';
    size_t digit_ids = 0;
    for (int32_t id : ids) digit_ids += id >= '0' && id <= '9';
    EXPECT_EQ(digit_ids, digits) << text;
  }
}

TEST(TinyTokenizerTest, WritingIntoAFileIsAnError) {
  std::string file = TokenizerDir() + "/tokenizer.json";
  absl::Status s = WriteTinyTokenizer(file);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("cannot create the output directory"), std::string::npos) << s;
}

}  // namespace
}  // namespace reasonrl::tasks
