// Whole-corpus equality with Hugging Face: tests/data/tokenizer/corpus.jsonl (3,029 strings) against the ids
// and decoded texts that tokenizers 0.23.2 (file mode) and transformers 5.17 (directory mode) produced for the
// four real tokenizers (format: tests/data/tokenizer/README.md). The tokenizer files come from
// scripts/fetch_tokenizers.sh into .cache/tokenizers/; without them the tests skip.
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "model/tokenizer/tokenizer.h"

namespace reasonrl {
namespace {

using Json = nlohmann::json;

const std::string kData = std::string(REASONRL_TEST_DATA_DIR) + "/tokenizer/";
const std::string kCache = REASONRL_TOKENIZER_CACHE_DIR;

bool Exists(const std::string& path) { return std::ifstream(path).good(); }

std::vector<Json> ReadJsonl(const std::string& path) {
  std::vector<Json> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) lines.push_back(Json::parse(line));
  return lines;
}

std::string Show(const std::vector<int32_t>& ids) {
  std::string s = "[";
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s + "]";
}

// One reference line with its defaults filled in (README.md): `base` is the tokenizers line of the same text
// for a transformers file, or null for a tokenizers file.
struct Expected {
  std::vector<int32_t> ids, ids_special;
  std::string d_ids, d_ids_skip, d_sp, d_sp_skip;
};

Expected Fill(const Json& line, const std::string& text, const Expected* base) {
  Expected e;
  auto ids = [&](const char* key, const std::vector<int32_t>& fallback) {
    return line.contains(key) ? line[key].get<std::vector<int32_t>>() : fallback;
  };
  auto str = [&](const char* key, const std::string& fallback) {
    return line.contains(key) ? line[key].get<std::string>() : fallback;
  };
  if (base == nullptr) {
    e.ids = line.at("ids").get<std::vector<int32_t>>();
    e.ids_special = ids("ids_special", e.ids);
    e.d_ids = str("d_ids", text);
    e.d_ids_skip = str("d_ids_skip", e.d_ids);
    e.d_sp = str("d_sp", e.d_ids);
    e.d_sp_skip = str("d_sp_skip", e.d_ids_skip);
  } else {
    e.ids = ids("ids", base->ids);
    e.ids_special = ids("ids_special", base->ids_special);
    e.d_ids = str("d_ids", base->d_ids);
    e.d_ids_skip = str("d_ids_skip", base->d_ids_skip);
    e.d_sp = str("d_sp", base->d_sp);
    e.d_sp_skip = str("d_sp_skip", base->d_sp_skip);
  }
  return e;
}

// Compares every line; reports the first few differences in full and the count of all.
void CheckCorpus(const Tokenizer& tok, const std::vector<Json>& corpus, const std::vector<Expected>& expected,
                 const std::string& label) {
  ASSERT_EQ(corpus.size(), expected.size()) << label;
  int failures = 0;
  auto fail = [&](size_t i, const std::string& what, const std::string& want, const std::string& got) {
    if (++failures <= 8) {
      ADD_FAILURE() << label << " line " << i + 1 << " (" << corpus[i].value("kind", "") << ") " << what
                    << "\n text: " << Json(corpus[i]["text"]).dump() << "\n want: " << want << "\n got:  " << got;
    }
  };
  std::vector<std::string> texts;
  for (const Json& c : corpus) texts.push_back(c.at("text").get<std::string>());
  const auto batch = tok.EncodeBatch(texts, /*add_special_tokens=*/false, 4);
  for (size_t i = 0; i < corpus.size(); ++i) {
    const Expected& e = expected[i];
    const std::vector<int32_t> ids = tok.Encode(texts[i], false);
    const std::vector<int32_t> ids_special = tok.Encode(texts[i], true);
    if (ids != e.ids) fail(i, "ids", Show(e.ids), Show(ids));
    if (batch[i] != ids) fail(i, "EncodeBatch ids", Show(ids), Show(batch[i]));
    if (ids_special != e.ids_special) fail(i, "ids_special", Show(e.ids_special), Show(ids_special));
    auto check_decode = [&](const char* what, const std::vector<int32_t>& in, bool skip, const std::string& want) {
      const std::string got = tok.Decode(in, skip);
      if (got != want) fail(i, what, Json(want).dump(), Json(got).dump());
    };
    check_decode("decode(ids)", e.ids, false, e.d_ids);
    check_decode("decode(ids, skip_special)", e.ids, true, e.d_ids_skip);
    check_decode("decode(ids_special)", e.ids_special, false, e.d_sp);
    check_decode("decode(ids_special, skip_special)", e.ids_special, true, e.d_sp_skip);
  }
  EXPECT_EQ(failures, 0) << label << ": " << failures << " differences over " << corpus.size() << " strings";
}

class TokenizerCorpusTest : public testing::TestWithParam<std::string> {};

TEST_P(TokenizerCorpusTest, FileModeEqualsHuggingFaceTokenizersOnTheWholeCorpus) {
  const std::string name = GetParam();
  const std::string file = kCache + "/" + name + "/tokenizer.json";
  if (!Exists(file)) GTEST_SKIP() << file << " is absent: run scripts/fetch_tokenizers.sh";
  auto tok = Tokenizer::Load(file);
  ASSERT_TRUE(tok.ok()) << tok.status();
  const std::vector<Json> corpus = ReadJsonl(kData + "corpus.jsonl");
  const std::vector<Json> refs = ReadJsonl(kData + name + ".tokenizers.jsonl");
  ASSERT_EQ(refs.size(), corpus.size());
  std::vector<Expected> expected;
  for (size_t i = 0; i < corpus.size(); ++i) {
    expected.push_back(Fill(refs[i], corpus[i]["text"].get<std::string>(), nullptr));
  }
  CheckCorpus(**tok, corpus, expected, name + "/tokenizer.json");
}

TEST_P(TokenizerCorpusTest, DirectoryModeEqualsTransformersOnTheWholeCorpus) {
  const std::string name = GetParam();
  const std::string dir = kCache + "/" + name;
  const std::string refs_file = kData + name + ".transformers.jsonl";
  if (!Exists(dir + "/tokenizer.json")) GTEST_SKIP() << dir << " is absent: run scripts/fetch_tokenizers.sh";
  if (!Exists(refs_file)) GTEST_SKIP() << refs_file << " is absent";
  auto tok = Tokenizer::Load(dir);
  ASSERT_TRUE(tok.ok()) << tok.status();
  const std::vector<Json> corpus = ReadJsonl(kData + "corpus.jsonl");
  const std::vector<Json> base_refs = ReadJsonl(kData + name + ".tokenizers.jsonl");
  const std::vector<Json> refs = ReadJsonl(refs_file);
  ASSERT_EQ(base_refs.size(), corpus.size());
  ASSERT_EQ(refs.size(), corpus.size());
  std::vector<Expected> expected;
  for (size_t i = 0; i < corpus.size(); ++i) {
    const Expected base = Fill(base_refs[i], corpus[i]["text"].get<std::string>(), nullptr);
    expected.push_back(Fill(refs[i], corpus[i]["text"].get<std::string>(), &base));
  }
  CheckCorpus(**tok, corpus, expected, name + "/ (directory)");
}

INSTANTIATE_TEST_SUITE_P(RealTokenizers, TokenizerCorpusTest,
                         testing::Values("deepseek_v3", "deepseek_r1", "qwen3", "llama3"),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace reasonrl
