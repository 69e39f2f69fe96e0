// tokenizer.json "model" of type BPE (tokenizers' models::bpe::BPE), for one pre-token at a time:
//
//   1. ignore_merges and the whole pre-token is in the vocab -> that one id;
//   2. split into characters; each character (with continuing_subword_prefix when not first and
//      end_of_word_suffix when last) -> its vocab id; a missing one -> its bytes as <0xHH> tokens when
//      byte_fallback and all exist, else unk_token (consecutive unks fused when fuse_unk), else dropped;
//   3. merges: repeatedly merge the adjacent pair of lowest rank (rank = index in "merges"; a pair listed
//      twice keeps its last rank), the leftmost one on ties (tokenizers' Word::merge_all).
//
// Byte input (EnableByteInput): when the pre-tokenizer's last step is ByteLevel, pre-tokens arrive as raw
// bytes and each byte is looked up as its bytes_to_unicode character: the same ids, without building the
// mapped strings. Results are cached per thread (keyed by the pre-token's bytes).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "model/tokenizer/json_loader.h"
#include "model/tokenizer/json_util.h"

namespace reasonrl::tokenizer {

// Every token id (model vocab, added tokens) is below this: ids index dense tables (decode, embeddings), and
// the largest real vocabularies hold ~260k tokens, so 2^24 leaves room while bounding the tables.
inline constexpr int64_t kMaxTokenIds = int64_t{1} << 24;

class BpeModel {
 public:
  // `j` is the "model" object at `path` (its type must be "BPE"), `tables` its vocab and merges as
  // ParseTokenizerJson streamed them.
  static absl::StatusOr<std::unique_ptr<BpeModel>> FromJson(const Json& j, const std::string& path, BpeTables tables);

  // Byte input is exact only without a (non-empty) continuing_subword_prefix or end_of_word_suffix.
  bool CanTakeByteInput() const;
  // Switches to byte input (see above); requires CanTakeByteInput().
  void EnableByteInput();

  // Appends the ids of one pre-token (valid UTF-8, or raw bytes in byte-input mode). Thread-safe.
  void Tokenize(std::string_view word, std::vector<int32_t>* out) const;

  std::optional<int32_t> TokenToId(std::string_view token) const;
  const std::string* IdToToken(int32_t id) const;
  // Number of vocab entries (tokenizers' get_vocab_size, which numbers new added tokens from here).
  size_t vocab_entries() const { return vocab_.size(); }
  // Largest id in the vocab, or -1 when it is empty.
  int32_t max_id() const { return static_cast<int32_t>(id_to_token_.size()) - 1; }

 private:
  BpeModel();
  // Appends the initial symbols of `word` (step 2).
  void InitialSymbols(std::string_view word, std::vector<int32_t>* symbols) const;
  // Step 3 in place.
  void MergeAll(std::vector<int32_t>* symbols) const;
  void MergeAllHeap(std::vector<int32_t>* symbols) const;
  // (rank, new id) of a pair, packed as rank << 32 | new_id; nullptr when the pair does not merge.
  const uint64_t* FindMerge(int32_t left, int32_t right) const {
    auto it = merges_.find((static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right));
    return it == merges_.end() ? nullptr : &it->second;
  }

  absl::flat_hash_map<std::string, int32_t> vocab_;
  std::vector<std::string> id_to_token_;
  std::vector<bool> has_id_;
  absl::flat_hash_map<uint64_t, uint64_t> merges_;
  std::optional<std::string> continuing_subword_prefix_;
  std::optional<std::string> end_of_word_suffix_;
  std::optional<int32_t> unk_id_;
  bool fuse_unk_ = false;
  bool byte_fallback_ = false;
  bool ignore_merges_ = false;

  // Byte input.
  bool byte_input_ = false;
  absl::flat_hash_map<std::string, int32_t> byte_vocab_;  // raw bytes -> id, for ignore_merges
  std::array<int32_t, 256> byte_ids_;                      // byte -> id of its character, or -1
  std::array<std::vector<int32_t>, 256> byte_fallback_ids_;  // <0xHH> ids of the character's UTF-8 bytes

  uint64_t cache_owner_;  // unique per model: keys the per-thread word caches
};

}  // namespace reasonrl::tokenizer
