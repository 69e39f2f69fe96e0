// Hugging Face tokenizers, torch-free: loads `tokenizer.json` (+ `tokenizer_config.json`) and encodes /
// decodes with exactly the ids and text of the reference libraries (tests/data/tokenizer/README.md):
//
//   * a tokenizer.json FILE behaves as `tokenizers.Tokenizer.from_file(path)` (tokenizers 0.23): its
//     post_processor alone decides what add_special_tokens adds;
//   * a model DIRECTORY (tokenizer.json + optional tokenizer_config.json) behaves as transformers 5's
//     AutoTokenizer / TokenizersBackend: the same pipeline, except that when tokenizer_config.json sets
//     add_bos_token or add_eos_token explicitly, the post-processor becomes "[bos] $A [eos]" accordingly
//     (so DeepSeek-V3/R1 directories prepend BOS id 0; Qwen3 and Llama-3 directories equal the bare file).
//
// Pipeline of Encode (as tokenizers' `encode_single_sequence`):
//   1. added tokens with normalized:false are cut out of the raw text (leftmost-longest, honouring
//      lstrip / rstrip / single_word); each becomes one id;
//   2. every other piece is normalized, then added tokens with normalized:true are cut out of it;
//   3. the remaining pieces are pre-tokenized (Split / ByteLevel / Digits / ...), each pre-token goes
//      through the BPE model (merges by rank, ignore_merges, byte_fallback, unk);
//   4. the post-processor adds special tokens when add_special_tokens is true.
//
// Supported components (anything else is an error naming the component and its JSON path, e.g.
// `tokenizer.json: pre_tokenizer.pretokenizers[2]: unsupported type "Metaspace"`):
//   normalizer:     null, Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Replace, Strip, Prepend, StripAccents,
//                   ByteLevel
//   pre_tokenizer:  null, Sequence, Split, ByteLevel, Digits, Whitespace, WhitespaceSplit, Punctuation
//   model:          BPE (dropout null or 0)
//   post_processor: null, ByteLevel, TemplateProcessing, Sequence, BertProcessing, RobertaProcessing
//   decoder:        null, ByteLevel, Sequence, Replace, Strip, Fuse, ByteFallback, Metaspace, BPEDecoder
// (each in model/tokenizer/<kind>s.h). `truncation` and `padding` of tokenizer.json are ignored: Encode never
// truncates or pads. Of the directory, only tokenizer.json and tokenizer_config.json are read (not
// special_tokens_map.json; tokenizer_config's added_tokens_decoder must agree with tokenizer.json).
// Regexes run on PCRE2 (Unicode 14 tables) and normalization on utf8proc (Unicode 15) where Hugging Face uses
// Oniguruma and unicode-normalization-alignments; characters assigned in newer Unicode versions may differ.
//
// Input that is not valid UTF-8 (Hugging Face's API only accepts valid strings): Encode first replaces each
// maximal invalid subsequence by U+FFFD, exactly as Rust's String::from_utf8_lossy and Python's
// bytes.decode("utf-8", "replace") do, so Encode(bytes) == HF encode(bytes.decode("utf-8", "replace")).
// Encode never fails and never throws on any byte string.
//
// A Tokenizer is immutable after Load; every const method may be called from any number of threads at once.
// Each thread that encodes keeps a word cache of 2 MiB per tokenizer (at most four tokenizers' worth); the
// threads of EncodeBatch stay alive with the Tokenizer, so their caches stay warm between batches.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace reasonrl {

class Tokenizer {
 public:
  // PATH is a tokenizer.json file (tokenizers.Tokenizer.from_file) or a directory holding tokenizer.json and
  // optionally tokenizer_config.json (transformers' AutoTokenizer). Errors name the file and the JSON path.
  static absl::StatusOr<std::unique_ptr<Tokenizer>> Load(const std::string& path);
  // The same from memory. `tokenizer_config_json` null means file mode, non-null means directory mode.
  // `source_name` prefixes error messages (e.g. the directory).
  static absl::StatusOr<std::unique_ptr<Tokenizer>> FromJson(std::string_view tokenizer_json,
                                                             const std::string* tokenizer_config_json,
                                                             const std::string& source_name);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // The ids of `text` (any bytes; see above for invalid UTF-8). Thread-safe.
  std::vector<int32_t> Encode(std::string_view text, bool add_special_tokens) const;
  // Encode of each text, spread over `num_threads` threads (<= 1: the calling thread only). Result i
  // belongs to texts[i].
  std::vector<std::vector<int32_t>> EncodeBatch(const std::vector<std::string>& texts, bool add_special_tokens,
                                                int num_threads) const;

  // tokenizers' Tokenizer.decode: each id becomes its token string (added tokens first, then the model
  // vocab; unknown ids are dropped; special added tokens are dropped when skip_special_tokens), then the
  // decoder runs over the list (ByteLevel: chars back to bytes; invalid UTF-8 becomes U+FFFD as Rust's
  // from_utf8_lossy). Without a decoder the tokens are joined with " ".
  std::string Decode(absl::Span<const int32_t> ids, bool skip_special_tokens) const;

  // Added tokens first, then the model vocab (tokenizers' token_to_id / id_to_token).
  std::optional<int32_t> TokenToId(std::string_view token) const;
  std::optional<std::string> IdToToken(int32_t id) const;

  // Largest id + 1 over the model vocab and the added tokens (an embedding needs at least this many rows).
  int64_t vocab_size() const;

  // From tokenizer_config.json's bos_token / eos_token / pad_token (a string or {"content": ...}) in
  // directory mode; in file mode, and where the config has none (or null), nullopt.
  std::optional<int32_t> bos_id() const;
  std::optional<int32_t> eos_id() const;
  std::optional<int32_t> pad_id() const;

  // tokenizer_config.json's chat_template (a string, or the entry named "default" of a list of
  // {name, template}); "" in file mode or when there is none.
  const std::string& chat_template() const;

  // True for added tokens flagged `special` (the ones skip_special_tokens drops).
  bool is_special(int32_t id) const;

  struct Impl;

 private:
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace reasonrl
