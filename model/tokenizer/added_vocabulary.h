// tokenizer.json "added_tokens" (tokenizers' AddedVocabulary): tokens matched in the text before the model
// ever sees it; each match is one id and never goes through BPE.
//
// Ids follow tokenizers' add_tokens, in list order: a content already known (an earlier added token, then
// the model vocab) keeps that id; a new one gets max(added ids) + 1 when that maximum is >= the model's vocab
// size (its number of entries), else the vocab size. (The file's "id" is only checked by tokenizers, with a
// warning; for well-formed files both agree.)
//
// Matching (tokenizers' find_matches): leftmost-longest over the token contents, non-overlapping, scanning
// on after each raw match; a single_word token whose match touches a word character (\w) on either side is
// skipped; lstrip / rstrip widen the match over White_Space on that side. Tokens with normalized:false are
// matched on the raw text, normalized:true ones on the normalized text, against their normalized content.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "model/tokenizer/bpe.h"
#include "model/tokenizer/json_util.h"
#include "model/tokenizer/normalizers.h"

namespace reasonrl::tokenizer {

struct AddedToken {
  std::string content;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = true;
  bool special = false;
  bool operator==(const AddedToken& o) const {
    return content == o.content && single_word == o.single_word && lstrip == o.lstrip && rstrip == o.rstrip &&
           normalized == o.normalized && special == o.special;
  }
};

// A part of a text: an added token (id >= 0) or a stretch to tokenize further (id == -1).
struct TextSegment {
  std::string_view text;
  int32_t id;
};

class AddedVocabulary {
 public:
  AddedVocabulary();
  // `list` is the "added_tokens" array at `path` (or null). `normalizer` (nullable) normalizes the contents
  // of normalized:true tokens.
  absl::Status AddFromJson(const Json& list, const std::string& path, const BpeModel& model,
                           const Normalizer* normalizer);
  // Adds tokens (tokenizers' add_tokens) and rebuilds the matchers.
  void AddTokens(const std::vector<AddedToken>& tokens, const BpeModel& model, const Normalizer* normalizer);

  // Appends the segments of `text`, matching the normalized:false (raw) or normalized:true tokens. Empty
  // non-token segments are left out.
  void SplitRaw(std::string_view text, std::vector<TextSegment>* out) const { Split(raw_, text, out); }
  void SplitNormalized(std::string_view text, std::vector<TextSegment>* out) const { Split(normalized_, text, out); }
  bool has_normalized_tokens() const { return !normalized_.patterns.empty(); }

  std::optional<int32_t> TokenToId(std::string_view content) const;
  // The token holding `id`, or nullptr.
  const AddedToken* Token(int32_t id) const;
  bool IsSpecialContent(std::string_view content) const { return special_set_.contains(AbslView(content)); }
  // Largest added id, or -1.
  int32_t max_id() const;

 private:
  // A byte trie over token contents for leftmost-longest matching.
  struct Matcher {
    std::vector<int32_t> patterns;  // id of each pattern
    std::array<bool, 256> first_byte{};
    int single_first_byte = -1;  // the only first byte of all patterns, if there is just one (memchr scan)
    absl::flat_hash_map<uint64_t, int32_t> edges;  // node << 8 | byte -> child node
    std::vector<int32_t> terminal;                 // node -> pattern index, or -1
    void Build(const std::vector<std::pair<std::string, int32_t>>& contents);
    // The longest pattern starting at text[pos]: its index (or -1) and length.
    int LongestAt(std::string_view text, size_t pos, size_t* length) const;
  };
  void Split(const Matcher& matcher, std::string_view text, std::vector<TextSegment>* out) const;
  void Rebuild(const BpeModel& model, const Normalizer* normalizer);

  absl::flat_hash_map<std::string, int32_t> content_to_id_;
  absl::flat_hash_map<int32_t, AddedToken> id_to_token_;
  std::vector<AddedToken> classic_;  // non-special, in order added
  std::vector<AddedToken> special_;  // special, in order added
  absl::flat_hash_set<std::string> special_set_;
  Matcher raw_, normalized_;
};

}  // namespace reasonrl::tokenizer
