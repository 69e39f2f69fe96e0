// The tokenizer on the real DeepSeek-V3/R1, Qwen3 and Llama-3 files (scripts/fetch_tokenizers.sh puts them
// in .cache/tokenizers; without them these tests skip). Expected ids come from the files' own vocabularies
// (model-spec §9), the Hugging Face reference files in tests/data/tokenizer/, or are derived by hand.
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "model/tokenizer/tokenizer.h"

namespace reasonrl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Ids = std::vector<int32_t>;

const std::string kCache = REASONRL_TOKENIZER_CACHE_DIR;
const std::string kData = std::string(REASONRL_TEST_DATA_DIR) + "/tokenizer/";

// True when scripts/fetch_tokenizers.sh has put the tokenizer of `rel` ("name" or "name/tokenizer.json") there.
bool Cached(const std::string& rel) {
  return std::ifstream(kCache + "/" + rel.substr(0, rel.find('/')) + "/tokenizer.json").good();
}

// const Tokenizer& var = the tokenizer at .cache/tokenizers/<rel>; skips the test when the cache is absent.
#define LOAD_OR_SKIP(var, rel)                                                               \
  if (!Cached(rel)) GTEST_SKIP() << kCache << "/" << (rel) << " is absent: run scripts/fetch_tokenizers.sh"; \
  auto var##_or = Tokenizer::Load(kCache + "/" + (rel));                                     \
  ASSERT_TRUE(var##_or.ok()) << var##_or.status();                                           \
  const Tokenizer& var = **var##_or

// Python's bytes.decode("utf-8", "replace"), written out from Unicode Table 3-7: each maximal prefix of a
// well-formed sequence that cannot be completed becomes one U+FFFD.
std::string Utf8LossyForTest(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    int need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 < 0x80) {
      out += s[i++];
      continue;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
      need = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      need = 2;
      lo = b0 == 0xE0 ? 0xA0 : 0x80;
      hi = b0 == 0xED ? 0x9F : 0xBF;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      need = 3;
      lo = b0 == 0xF0 ? 0x90 : 0x80;
      hi = b0 == 0xF4 ? 0x8F : 0xBF;
    } else {
      out += "\uFFFD";
      ++i;
      continue;
    }
    size_t j = i + 1;
    int got = 0;
    while (got < need && j < s.size()) {
      const auto b = static_cast<unsigned char>(s[j]);
      if (got == 0 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) break;
      ++j;
      ++got;
    }
    if (got == need) {
      out.append(s, i, j - i);
    } else {
      out += "\uFFFD";
    }
    i = j;
  }
  return out;
}

TEST(TokenizerTest, DeepSeekV3ByteLevelCharactersHaveTheirVocabIds) {
  LOAD_OR_SKIP(tok, "deepseek_v3/tokenizer.json");
  EXPECT_EQ(tok.TokenToId("Ġ"), 223);   // ' ' -> U+0120
  EXPECT_EQ(tok.TokenToId("ĊĊ"), 271);  // "\n\n"
  EXPECT_EQ(tok.TokenToId("Ċ"), 201);
  EXPECT_THAT(tok.Encode(" ", false), ElementsAre(223));
  EXPECT_THAT(tok.Encode("\n\n", false), ElementsAre(271));
  EXPECT_EQ(tok.IdToToken(223), "Ġ");
  EXPECT_EQ(tok.vocab_size(), 128815);  // ids 0..127999 and added tokens up to 128814
}

TEST(TokenizerTest, DeepSeekV3MatchesTheHandPickedReferenceIds) {
  LOAD_OR_SKIP(tok, "deepseek_v3/tokenizer.json");
  std::ifstream in(kData + "deepseek_v3_reference_ids.json");
  ASSERT_TRUE(in.good());
  const nlohmann::json refs = nlohmann::json::parse(in);
  ASSERT_GE(refs.size(), 5u);
  for (const auto& r : refs) {
    const std::string text = r["text"];
    EXPECT_EQ(tok.Encode(text, false), r["ids"].get<Ids>()) << text;
    EXPECT_EQ(tok.Encode(text, true), r["ids_with_special"].get<Ids>()) << text;
    EXPECT_EQ(tok.Decode(r["ids"].get<Ids>(), false), r["decoded"].get<std::string>()) << text;
  }
}

TEST(TokenizerTest, AddedTokensInsideTextAreSingleIds) {
  LOAD_OR_SKIP(tok, "deepseek_v3/tokenizer.json");
  // <｜User｜> is 128803 (special: false), <｜Assistant｜> 128804, BOS 0, EOS 1.
  const Ids ids = tok.Encode("<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜>", false);
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[0], 0);
  EXPECT_EQ(ids[1], 128803);
  EXPECT_EQ(ids[3], 128804);
  EXPECT_EQ(Ids{ids[2]}, tok.Encode("Hi", false));
  // A token glued to letters on both sides is still cut out (single_word is false).
  const Ids glued = tok.Encode("ab<｜User｜>cd", false);
  EXPECT_NE(std::find(glued.begin(), glued.end(), 128803), glued.end());
  // Half a token is ordinary text.
  const Ids half = tok.Encode("<｜User", false);
  EXPECT_EQ(std::find(half.begin(), half.end(), 128803), half.end());
}

TEST(TokenizerTest, DeepSeekR1HasThinkTokens) {
  LOAD_OR_SKIP(tok, "deepseek_r1/tokenizer.json");
  EXPECT_EQ(tok.TokenToId("<think>"), 128798);
  EXPECT_EQ(tok.TokenToId("</think>"), 128799);
  EXPECT_THAT(tok.Encode("<think>\n", false), ElementsAre(128798, 201));
  EXPECT_THAT(tok.Encode("</think>", false), ElementsAre(128799));
  EXPECT_FALSE(tok.is_special(128798));  // "special": false, so skip_special_tokens keeps it
  EXPECT_EQ(tok.Decode(Ids{128798, 201, 128799}, true), "<think>\n</think>");
}

TEST(TokenizerTest, DecodeReplacesInvalidUtf8AsFromUtf8Lossy) {
  LOAD_OR_SKIP(tok, "deepseek_v3/tokenizer.json");
  // 163 = "ä" (byte E4), 275 = "ä¸" (E4 B8), 525 = "ä¸Ń" (E4 B8 AD = "中").
  EXPECT_EQ(tok.Decode(Ids{525}, false), "中");
  EXPECT_EQ(tok.Decode(Ids{163}, false), "\uFFFD");
  EXPECT_EQ(tok.Decode(Ids{275}, false), "\uFFFD");  // a truncated sequence is one maximal subpart
  EXPECT_EQ(tok.Decode(Ids{163, 275}, false), "\uFFFD\uFFFD");
  EXPECT_EQ(tok.Decode(Ids{275, 223, 163}, false), "\uFFFD \uFFFD");
  // Unknown ids are dropped, as tokenizers does.
  EXPECT_EQ(tok.Decode(Ids{-5, 525, 999999}, false), "中");
}

TEST(TokenizerTest, EncodeTreatsInvalidUtf8AsReplacementCharacters) {
  LOAD_OR_SKIP(tok, "deepseek_v3/tokenizer.json");
  EXPECT_EQ(tok.Encode("a\xFF" "b", false), tok.Encode("a\uFFFDb", false));
  EXPECT_EQ(tok.Encode("x\xE4\xB8", false), tok.Encode("x\uFFFD", false));
  EXPECT_EQ(tok.Encode("\xE0\x80y", false), tok.Encode("\uFFFD\uFFFDy", false));  // E0 80: two subparts
  // A NUL byte is valid UTF-8: byte-level 'Ā' (id 191), then 'z' (id 92); "Āz" is no merge.
  EXPECT_EQ(tok.Encode(std::string("\0z", 2), false), (std::vector<int32_t>{191, 92}));
  EXPECT_TRUE(tok.Encode("", false).empty());
}

TEST(TokenizerTest, SpecialFlagsComeFromTheAddedTokens) {
  LOAD_OR_SKIP(tok, "deepseek_v3/tokenizer.json");
  EXPECT_TRUE(tok.is_special(0));
  EXPECT_TRUE(tok.is_special(128805));   // <|EOT|>
  EXPECT_FALSE(tok.is_special(128803));  // <｜User｜> is special: false
  EXPECT_FALSE(tok.is_special(5000));
  EXPECT_EQ(tok.Decode(Ids{0, 128803, 19923}, true), "<｜User｜>Hello");
  EXPECT_EQ(tok.Decode(Ids{0, 128803, 19923}, false), "<｜begin▁of▁sentence｜><｜User｜>Hello");
}

TEST(TokenizerTest, FileModeTakesNoBosButTheDeepSeekDirectoryPrependsIt) {
  LOAD_OR_SKIP(file, "deepseek_v3/tokenizer.json");
  LOAD_OR_SKIP(dir, "deepseek_v3");
  const std::string text = "Hello world";
  EXPECT_THAT(file.Encode(text, true), ElementsAre(19923, 2058));  // ByteLevel post-processor adds nothing
  EXPECT_THAT(dir.Encode(text, true), ElementsAre(0, 19923, 2058));  // add_bos_token: true
  EXPECT_THAT(dir.Encode(text, false), ElementsAre(19923, 2058));
  EXPECT_EQ(dir.bos_id(), 0);
  EXPECT_EQ(dir.eos_id(), 1);
  EXPECT_EQ(dir.pad_id(), 1);
  EXPECT_THAT(dir.chat_template(), HasSubstr("<｜Assistant｜>"));
  EXPECT_FALSE(file.bos_id().has_value());
  EXPECT_TRUE(file.chat_template().empty());
}

TEST(TokenizerTest, QwenAndLlamaDirectoriesAddNothingAndKnowTheirSpecialTokens) {
  LOAD_OR_SKIP(qwen, "qwen3");
  LOAD_OR_SKIP(llama, "llama3");
  EXPECT_EQ(qwen.Encode("Hi there", true), qwen.Encode("Hi there", false));
  EXPECT_EQ(llama.Encode("Hi there", true), llama.Encode("Hi there", false));
  EXPECT_FALSE(qwen.bos_id().has_value());
  EXPECT_EQ(qwen.eos_id(), 151645);  // <|im_end|>
  EXPECT_EQ(qwen.pad_id(), 151643);  // <|endoftext|>
  EXPECT_EQ(llama.bos_id(), 128000);
  EXPECT_EQ(llama.eos_id(), 128001);
  EXPECT_EQ(qwen.vocab_size(), 151669);
  EXPECT_EQ(llama.vocab_size(), 128256);
  EXPECT_EQ(qwen.TokenToId("<think>"), 151667);
}

TEST(TokenizerTest, QwenNormalizesToNfcBeforeTokenizing) {
  LOAD_OR_SKIP(tok, "qwen3/tokenizer.json");
  // "e" + U+0301 COMBINING ACUTE becomes U+00E9 "é" (byte-level "Ã©", id 963) under NFC.
  EXPECT_THAT(tok.Encode("\u00E9", false), ElementsAre(963));
  EXPECT_THAT(tok.Encode("e\u0301", false), ElementsAre(963));
  EXPECT_EQ(tok.Encode("caf\u0065\u0301 \u212B", false), tok.Encode("caf\u00E9 \u00C5", false));  // Å: U+212B -> U+00C5
}

TEST(TokenizerTest, LlamaIgnoreMergesMapsAWholeVocabWordToItsId) {
  LOAD_OR_SKIP(tok, "llama3/tokenizer.json");
  // With ignore_merges a pre-token that is a vocab entry is that id, even though BPE merges would end
  // elsewhere (" Việt" -> [11655, 26298, 83] by merges alone). The ids appear in tokenizers' own
  // llama3.tokenizers.jsonl reference (lines 79, 81, 143).
  EXPECT_THAT(tok.Encode(" Việt", false), ElementsAre(101798));
  EXPECT_THAT(tok.Encode(" nhiều", false), ElementsAre(100937));
  std::ifstream in(kCache + "/llama3/tokenizer.json");
  std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t at = json.find("\"ignore_merges\": true");
  ASSERT_NE(at, std::string::npos);
  json.replace(at, 21, "\"ignore_merges\": false");
  auto merges_only = Tokenizer::FromJson(json, nullptr, "llama3 without ignore_merges");
  ASSERT_TRUE(merges_only.ok()) << merges_only.status();
  EXPECT_THAT((*merges_only)->Encode(" Việt", false), ElementsAre(11655, 26298, 83));
}

TEST(TokenizerTest, EncodeBatchEqualsEncodeOnEveryThreadCount) {
  LOAD_OR_SKIP(tok, "deepseek_v3/tokenizer.json");
  std::vector<std::string> texts;
  for (int i = 0; i < 300; ++i) {
    texts.push_back("Sample " + std::to_string(i * 7919) + ": 数学 <｜User｜> x^" + std::to_string(i) +
                    std::string(i % 13, ' ') + "end\n");
  }
  std::vector<Ids> expected;
  for (const auto& t : texts) expected.push_back(tok.Encode(t, true));
  for (int threads : {0, 1, 2, 7, 16, 3}) EXPECT_EQ(tok.EncodeBatch(texts, true, threads), expected) << threads;
  EXPECT_TRUE(tok.EncodeBatch({}, true, 4).empty());
  // Callers that batch at the same time (one gets the worker pool, the others temporary threads).
  std::vector<std::thread> callers;
  std::vector<int> wrong(4, 0);
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&, c] {
      for (int i = 0; i < 5; ++i) wrong[c] += tok.EncodeBatch(texts, true, 3) != expected;
    });
  }
  for (auto& t : callers) t.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
}

TEST(TokenizerTest, ConcurrentEncodeOnOneTokenizerIsConsistent) {
  LOAD_OR_SKIP(tok, "llama3/tokenizer.json");
  const std::string text = "The quick brown fox — 12345 — jumps over the lazy dog. 🙂 Ünïcödé\n\n";
  const Ids expected = tok.Encode(text, false);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) mismatches[t] += tok.Encode(text, false) != expected;
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(TokenizerTest, RandomBytesEncodeAndDecodeBackToTheirLossyText) {
  LOAD_OR_SKIP(v3, "deepseek_v3/tokenizer.json");
  LOAD_OR_SKIP(llama, "llama3/tokenizer.json");
  // Byte-level BPE without a normalizer loses nothing: decode(encode(s)) is s, after invalid UTF-8 became
  // U+FFFD. The inputs mix random bytes, ASCII, whitespace runs, added-token fragments and long words.
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::vector<std::string> atoms = {"<｜User｜>", "<｜", "▁", "<|begin_of_text|>", "  ", "\n\n", "\r\n", "'s",
                                          "12345", "数学", "🙂", "é", "e\u0301", "\u0085", "\u3000", "x"};
  for (int iteration = 0; iteration < 2000; ++iteration) {
    std::string s;
    const int parts = static_cast<int>(next() % 12);
    for (int p = 0; p < parts; ++p) {
      const uint64_t r = next();
      if (r % 3 == 0) {
        s += atoms[(r >> 8) % atoms.size()];
      } else if (r % 3 == 1) {
        s.append(static_cast<size_t>((r >> 8) % 7), static_cast<char>(r >> 16));  // arbitrary bytes
      } else {
        s.append(static_cast<size_t>((r >> 8) % 200), static_cast<char>('a' + (r >> 16) % 3));
      }
    }
    const std::string lossy = Utf8LossyForTest(s);
    for (const Tokenizer* tok : {&v3, &llama}) {
      const Ids ids = tok->Encode(s, false);
      for (int32_t id : ids) ASSERT_TRUE(id >= 0 && id < tok->vocab_size());
      ASSERT_EQ(tok->Decode(ids, false), lossy) << nlohmann::json(lossy).dump();
    }
  }
}

TEST(TokenizerTest, LoadErrorsNameTheFile) {
  auto missing = Tokenizer::Load("/nonexistent/dir/tokenizer.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("/nonexistent/dir/tokenizer.json"));

  auto malformed = Tokenizer::FromJson("{\"model\": {", nullptr, "broken.json");
  ASSERT_FALSE(malformed.ok());
  EXPECT_THAT(std::string(malformed.status().message()), HasSubstr("broken.json: invalid JSON"));

  auto no_model = Tokenizer::FromJson(R"({"version": "1.0", "added_tokens": []})", nullptr, "t.json");
  ASSERT_FALSE(no_model.ok());
  EXPECT_THAT(std::string(no_model.status().message()), HasSubstr("t.json: missing key \"model\""));
}

}  // namespace
}  // namespace reasonrl
