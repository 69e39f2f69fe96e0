#include "trainer/tasks/tiny_tokenizer.h"

#include <filesystem>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "trainer/data/atomic_file.h"

namespace reasonrl::tasks {
namespace {

using Json = nlohmann::ordered_json;

struct AddedToken {
  int id;
  const char* content;
  bool special;
};

constexpr AddedToken kAddedTokens[] = {
    {kTinyBosId, "<|bos|>", true},       {kTinyEosId, "<|eos|>", true},          {kTinyPadId, "<|pad|>", true},
    {kTinyThinkId, "<think>", false},    {kTinyThinkEndId, "</think>", false},   {kTinyAnswerId, "<answer>", false},
    {kTinyAnswerEndId, "</answer>", false},
};

constexpr char kMergedOperators[] = {'+', '-', '*', '/', '='};  // ids 256.. in this order

std::string Utf8(uint32_t code_point) {  // code points below 0x800 are all we need
  std::string s;
  if (code_point < 0x80) {
    s.push_back(static_cast<char>(code_point));
  } else {
    s.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    s.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
  return s;
}

Json ByteLevelStep(bool add_prefix_space, bool trim_offsets, bool use_regex) {
  Json j;
  j["type"] = "ByteLevel";
  j["add_prefix_space"] = add_prefix_space;
  j["trim_offsets"] = trim_offsets;
  j["use_regex"] = use_regex;
  return j;
}

Json TemplatePiece(const char* kind, const char* id, int type_id) {
  Json inner;
  inner["id"] = id;
  inner["type_id"] = type_id;
  Json piece;
  piece[kind] = inner;
  return piece;
}

Json AddedTokenJson(const AddedToken& t, bool with_id) {
  Json j;
  if (with_id) j["id"] = t.id;
  j["content"] = t.content;
  j["single_word"] = false;
  j["lstrip"] = false;
  j["rstrip"] = false;
  j["normalized"] = false;
  j["special"] = t.special;
  return j;
}

}  // namespace

std::string ByteLevelChar(unsigned char b) {
  auto kept = [](int c) { return (c >= 33 && c <= 126) || (c >= 161 && c <= 172) || (c >= 174 && c <= 255); };
  if (kept(b)) return Utf8(b);
  int shifted = 0;  // how many non-kept bytes come before b
  for (int c = 0; c < b; ++c) shifted += kept(c) ? 0 : 1;
  return Utf8(256 + static_cast<uint32_t>(shifted));
}

std::string TinyTokenizerJson() {
  Json j;
  j["version"] = "1.0";
  j["truncation"] = nullptr;
  j["padding"] = nullptr;
  j["added_tokens"] = Json::array();
  for (const AddedToken& t : kAddedTokens) j["added_tokens"].push_back(AddedTokenJson(t, true));
  j["normalizer"] = nullptr;

  Json split;
  split["type"] = "Split";
  split["pattern"] = Json{{"Regex", kTinyPreTokenizerRegex}};
  split["behavior"] = "Isolated";
  split["invert"] = false;
  j["pre_tokenizer"] = Json{{"type", "Sequence"}, {"pretokenizers", {split, ByteLevelStep(false, true, false)}}};

  Json templ;
  templ["type"] = "TemplateProcessing";
  templ["single"] = {TemplatePiece("SpecialToken", "<|bos|>", 0), TemplatePiece("Sequence", "A", 0)};
  templ["pair"] = {TemplatePiece("SpecialToken", "<|bos|>", 0), TemplatePiece("Sequence", "A", 0),
                   TemplatePiece("SpecialToken", "<|bos|>", 1), TemplatePiece("Sequence", "B", 1)};
  Json bos;
  bos["id"] = "<|bos|>";
  bos["ids"] = {kTinyBosId};
  bos["tokens"] = {"<|bos|>"};
  templ["special_tokens"] = Json{{"<|bos|>", bos}};
  j["post_processor"] = Json{{"type", "Sequence"}, {"processors", {ByteLevelStep(true, false, true), templ}}};
  j["decoder"] = ByteLevelStep(true, true, true);

  Json model;
  model["type"] = "BPE";
  model["dropout"] = nullptr;
  model["unk_token"] = nullptr;
  model["continuing_subword_prefix"] = nullptr;
  model["end_of_word_suffix"] = nullptr;
  model["fuse_unk"] = false;
  model["byte_fallback"] = false;
  model["ignore_merges"] = false;
  Json vocab = Json::object();
  for (int b = 0; b < 256; ++b) vocab[ByteLevelChar(static_cast<unsigned char>(b))] = b;
  Json merges = Json::array();
  const std::string space = ByteLevelChar(' ');
  int id = 256;
  for (char op : kMergedOperators) {
    vocab[space + op] = id++;
    merges.push_back(absl::StrCat(space, " ", std::string(1, op)));
  }
  model["vocab"] = vocab;
  model["merges"] = merges;
  j["model"] = model;
  return j.dump(2);
}

std::string TinyTokenizerConfigJson() {
  Json j;
  j["add_bos_token"] = true;
  j["add_eos_token"] = false;
  Json decoder = Json::object();
  for (const AddedToken& t : kAddedTokens) decoder[absl::StrCat(t.id)] = AddedTokenJson(t, false);
  j["added_tokens_decoder"] = decoder;
  j["bos_token"] = "<|bos|>";
  j["eos_token"] = "<|eos|>";
  j["pad_token"] = "<|pad|>";
  j["unk_token"] = nullptr;
  j["clean_up_tokenization_spaces"] = false;
  j["model_max_length"] = 4096;
  j["tokenizer_class"] = "PreTrainedTokenizerFast";
  return j.dump(2);
}

absl::Status WriteTinyTokenizer(const std::string& output_dir) {
  std::error_code ec;
  std::filesystem::create_directories(output_dir, ec);
  if (ec || !std::filesystem::is_directory(output_dir)) {
    return absl::InvalidArgumentError(absl::StrCat(output_dir, ": cannot create the output directory",
                                                   ec ? absl::StrCat(": ", ec.message()) : ": not a directory"));
  }
  return data::WriteFilesAtomically({{output_dir + "/tokenizer.json", TinyTokenizerJson() + "\n"},
                                     {output_dir + "/tokenizer_config.json", TinyTokenizerConfigJson() + "\n"}});
}

}  // namespace reasonrl::tasks
