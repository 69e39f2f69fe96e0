#include "model/tokenizer/tokenizer.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <functional>

#include "absl/strings/str_cat.h"
#include "model/status_macros.h"
#include "model/tokenizer/added_vocabulary.h"
#include "model/tokenizer/bpe.h"
#include "model/tokenizer/decoders.h"
#include "model/tokenizer/json_util.h"
#include "model/tokenizer/normalizers.h"
#include "model/tokenizer/post_processors.h"
#include "model/tokenizer/pre_tokenizers.h"
#include "model/tokenizer/tokenizer_config.h"
#include "model/tokenizer/unicode.h"
#include "model/tokenizer/worker_pool.h"

namespace reasonrl {

using tokenizer::Json;
using tokenizer::JsonChild;
using tokenizer::JsonError;
using tokenizer::JsonField;

struct Tokenizer::Impl {
  std::unique_ptr<tokenizer::Normalizer> normalizer;      // null: none
  std::unique_ptr<tokenizer::PreTokenizer> pre_tokenizer;  // null: none
  std::unique_ptr<tokenizer::BpeModel> model;
  tokenizer::AddedVocabulary added;
  std::unique_ptr<tokenizer::PostProcessor> post_processor;  // null: adds nothing
  std::unique_ptr<tokenizer::Decoder> decoder;               // null: tokens joined with " "

  // Decode's table for the ByteLevel decoder: the bytes of id i are decode_bytes[decode_offset[i] ..
  // decode_offset[i + 1]); decode_kind[i] is 0 (unknown id), 1 (token) or 2 (special token).
  std::string decode_bytes;
  std::vector<uint32_t> decode_offset;
  std::vector<uint8_t> decode_kind;

  int64_t vocab_size = 0;
  std::optional<int32_t> bos_id, eos_id, pad_id;
  mutable tokenizer::WorkerPool pool;  // EncodeBatch's threads
  std::string chat_template;

  // The token string of `id` as tokenizers' decode sees it (added tokens first), or nullptr.
  const std::string* TokenString(int32_t id) const {
    if (const tokenizer::AddedToken* t = added.Token(id)) return &t->content;
    return model->IdToToken(id);
  }
};

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    const std::string what = absl::StrCat(path, ": cannot open: ", std::strerror(err));
    return err == ENOENT ? absl::NotFoundError(what) : absl::PermissionDeniedError(what);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return ss.str();
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Per-thread buffers of Encode.
struct EncodeScratch {
  std::vector<tokenizer::TextSegment> raw_segments, normalized_segments;
  std::deque<std::string> normalized_texts;
  std::vector<std::string_view> pieces_in, pieces_out;
  tokenizer::PreTokenizeScratch pre;
  void Reset() {
    raw_segments.clear();
    normalized_segments.clear();
    normalized_texts.clear();
    pre.arena.clear();
  }
};

// The directory-mode rule (transformers 5's TokenizersBackend over tokenizer.json + tokenizer_config.json):
//  * bos/eos/pad ids from the config's bos_token / eos_token / pad_token;
//  * when the config sets add_bos_token or add_eos_token explicitly, the post-processor is replaced by the
//    template "[bos] $A [eos]" with each part present iff its flag is true (update_post_processor);
//    otherwise tokenizer.json's post-processor stays;
//  * decoding is the tokenizers decode: transformers 5 skips clean_up_tokenization_spaces for BPE models.
absl::Status ApplyDirectoryConfig(const tokenizer::TokenizerConfig& config, const std::string& file,
                                  Tokenizer::Impl* impl) {
  auto resolve = [&](const std::optional<std::string>& content, std::string_view key,
                     std::optional<int32_t>* id) -> absl::Status {
    if (!content) return absl::OkStatus();
    std::optional<int32_t> found = impl->added.TokenToId(*content);
    if (!found) found = impl->model->TokenToId(*content);
    if (!found) {
      return absl::InvalidArgumentError(absl::StrCat(file, ": ", std::string(key), " \"", *content,
                                                     "\" is not a token of tokenizer.json"));
    }
    *id = found;
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(resolve(config.bos_token, "bos_token", &impl->bos_id));
  RETURN_IF_ERROR(resolve(config.eos_token, "eos_token", &impl->eos_id));
  RETURN_IF_ERROR(resolve(config.pad_token, "pad_token", &impl->pad_id));
  if (config.add_bos_token || config.add_eos_token) {
    const bool add_bos = config.add_bos_token.value_or(false), add_eos = config.add_eos_token.value_or(false);
    if (add_bos && !impl->bos_id) {
      return absl::InvalidArgumentError(absl::StrCat(file, ": add_bos_token is true but there is no bos_token"));
    }
    if (add_eos && !impl->eos_id) {
      return absl::InvalidArgumentError(absl::StrCat(file, ": add_eos_token is true but there is no eos_token"));
    }
    std::vector<int32_t> prefix, suffix;
    if (add_bos) prefix.push_back(*impl->bos_id);
    if (add_eos) suffix.push_back(*impl->eos_id);
    impl->post_processor = tokenizer::MakeAffixProcessor(std::move(prefix), std::move(suffix));
  }
  impl->chat_template = config.chat_template;
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Tokenizer::Impl>> Build(std::string_view tokenizer_json, const std::string& file,
                                                       const std::string* config_json,
                                                       const std::string& config_file) {
  tokenizer::BpeTables tables;
  ASSIGN_OR_RETURN(const Json root, tokenizer::ParseTokenizerJson(tokenizer_json, file, &tables));
  const std::string path = file + ": ";
  if (!root.is_object()) return absl::InvalidArgumentError(absl::StrCat(file, ": expected a JSON object"));
  auto impl = std::make_unique<Tokenizer::Impl>();

  if (const Json* version = JsonField(root, "version"); version != nullptr && *version != "1.0") {
    return JsonError(JsonChild(path, "version"), absl::StrCat("unknown tokenizer version ", tokenizer::JsonBrief(*version)));
  }
  const Json* model = JsonField(root, "model");
  if (model == nullptr) return JsonError(file, "missing key \"model\"");
  ASSIGN_OR_RETURN(impl->model, tokenizer::BpeModel::FromJson(*model, JsonChild(path, "model"), std::move(tables)));

  if (const Json* j = JsonField(root, "normalizer"); j != nullptr && !j->is_null()) {
    ASSIGN_OR_RETURN(impl->normalizer, tokenizer::ParseNormalizer(*j, JsonChild(path, "normalizer")));
    if (impl->normalizer->IsNoOp()) impl->normalizer.reset();  // same result, no copy of the text
  }
  if (const Json* j = JsonField(root, "pre_tokenizer"); j != nullptr && !j->is_null()) {
    ASSIGN_OR_RETURN(impl->pre_tokenizer, tokenizer::ParsePreTokenizer(*j, JsonChild(path, "pre_tokenizer")));
  }
  if (const Json* j = JsonField(root, "post_processor"); j != nullptr && !j->is_null()) {
    ASSIGN_OR_RETURN(impl->post_processor, tokenizer::ParsePostProcessor(*j, JsonChild(path, "post_processor")));
  }
  if (const Json* j = JsonField(root, "decoder"); j != nullptr && !j->is_null()) {
    ASSIGN_OR_RETURN(impl->decoder, tokenizer::ParseDecoder(*j, JsonChild(path, "decoder")));
  }
  if (const Json* j = JsonField(root, "added_tokens"); j != nullptr) {
    RETURN_IF_ERROR(impl->added.AddFromJson(*j, JsonChild(path, "added_tokens"), *impl->model, impl->normalizer.get()));
  }
  // Pre-tokens of a pipeline that ends with ByteLevel reach the model as raw bytes (same ids, less work).
  if (impl->pre_tokenizer && impl->model->CanTakeByteInput() && impl->pre_tokenizer->DeferFinalByteLevelMapping()) {
    impl->model->EnableByteInput();
  }
  impl->vocab_size = static_cast<int64_t>(std::max(impl->model->max_id(), impl->added.max_id())) + 1;
  // A sparse added-token id far above the others would make the dense tables huge (bpe.h, kMaxTokenIds).
  if (impl->vocab_size > tokenizer::kMaxTokenIds) {
    return absl::InvalidArgumentError(absl::StrCat(path, "token id ", impl->vocab_size - 1,
                                                   " is too large (ids must be below ", tokenizer::kMaxTokenIds, ")"));
  }
  // The post-processor's special tokens are ids, not strings (TemplateProcessing's "ids"): each must name
  // a token of this tokenizer, or Encode would emit ids that no embedding row or decoder knows.
  if (impl->post_processor != nullptr) {
    std::vector<int32_t> template_ids;
    impl->post_processor->Process(&template_ids);
    for (int32_t id : template_ids) {
      if (id < 0 || id >= impl->vocab_size || impl->TokenString(id) == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(path, "post_processor: special token id ", id,
                                                       " is neither in model.vocab nor in added_tokens"));
      }
    }
  }

  if (impl->decoder && impl->decoder->IsByteLevel()) {
    impl->decode_kind.assign(impl->vocab_size, 0);
    impl->decode_offset.assign(impl->vocab_size + 1, 0);
    for (int32_t id = 0; id < impl->vocab_size; ++id) {
      impl->decode_offset[id] = static_cast<uint32_t>(impl->decode_bytes.size());
      const std::string* token = impl->TokenString(id);
      if (token == nullptr) continue;
      impl->decode_bytes += tokenizer::ByteLevelTokenBytes(*token);
      impl->decode_kind[id] = impl->added.IsSpecialContent(*token) ? 2 : 1;
    }
    impl->decode_offset[impl->vocab_size] = static_cast<uint32_t>(impl->decode_bytes.size());
  }

  if (config_json != nullptr) {
    ASSIGN_OR_RETURN(const tokenizer::TokenizerConfig config, tokenizer::ParseTokenizerConfig(*config_json, config_file));
    RETURN_IF_ERROR(ApplyDirectoryConfig(config, config_file, impl.get()));
  }
  return impl;
}

}  // namespace

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;

absl::StatusOr<std::unique_ptr<Tokenizer>> Tokenizer::Load(const std::string& path) {
  std::unique_ptr<Impl> impl;
  if (IsDirectory(path)) {
    const std::string dir = path.back() == '/' ? path : path + "/";
    const std::string file = dir + "tokenizer.json", config_file = dir + "tokenizer_config.json";
    ASSIGN_OR_RETURN(const std::string json, ReadFile(file));
    std::string config = "{}";
    struct stat st;
    if (::stat(config_file.c_str(), &st) == 0) {
      ASSIGN_OR_RETURN(config, ReadFile(config_file));
    }
    ASSIGN_OR_RETURN(impl, Build(json, file, &config, config_file));
  } else {
    ASSIGN_OR_RETURN(const std::string json, ReadFile(path));
    ASSIGN_OR_RETURN(impl, Build(json, path, nullptr, ""));
  }
  return std::unique_ptr<Tokenizer>(new Tokenizer(std::move(impl)));
}

absl::StatusOr<std::unique_ptr<Tokenizer>> Tokenizer::FromJson(std::string_view tokenizer_json,
                                                               const std::string* tokenizer_config_json,
                                                               const std::string& source_name) {
  ASSIGN_OR_RETURN(std::unique_ptr<Impl> impl,
                   Build(tokenizer_json, source_name, tokenizer_config_json, source_name + " (tokenizer_config.json)"));
  return std::unique_ptr<Tokenizer>(new Tokenizer(std::move(impl)));
}

std::vector<int32_t> Tokenizer::Encode(std::string_view text, bool add_special_tokens) const {
  const Impl& m = *impl_;
  std::vector<int32_t> ids;
  ids.reserve(text.size() / 4 + 4);
  std::string sanitized;
  if (!tokenizer::IsValidUtf8(text)) {
    sanitized = tokenizer::Utf8Lossy(text);
    text = sanitized;
  }
  thread_local EncodeScratch scratch;
  scratch.Reset();
  // One stretch of text without added tokens: pre-tokenize, then the model.
  auto tokenize = [&](std::string_view stretch) {
    if (m.pre_tokenizer == nullptr) {
      m.model->Tokenize(stretch, &ids);
      return;
    }
    scratch.pieces_in.assign(1, stretch);
    scratch.pieces_out.clear();
    m.pre_tokenizer->PreTokenize(scratch.pieces_in, &scratch.pieces_out, &scratch.pre);
    for (const std::string_view piece : scratch.pieces_out) m.model->Tokenize(piece, &ids);
  };
  m.added.SplitRaw(text, &scratch.raw_segments);
  for (const tokenizer::TextSegment& segment : scratch.raw_segments) {
    if (segment.id >= 0) {
      ids.push_back(segment.id);
      continue;
    }
    std::string_view normalized = segment.text;
    if (m.normalizer != nullptr) {
      scratch.normalized_texts.emplace_back(segment.text);
      m.normalizer->Normalize(&scratch.normalized_texts.back());
      normalized = scratch.normalized_texts.back();
    }
    if (!m.added.has_normalized_tokens()) {
      if (!normalized.empty()) tokenize(normalized);
      continue;
    }
    scratch.normalized_segments.clear();
    m.added.SplitNormalized(normalized, &scratch.normalized_segments);
    for (const tokenizer::TextSegment& part : scratch.normalized_segments) {
      if (part.id >= 0) {
        ids.push_back(part.id);
      } else {
        tokenize(part.text);
      }
    }
  }
  if (add_special_tokens && m.post_processor != nullptr) m.post_processor->Process(&ids);
  return ids;
}

std::vector<std::vector<int32_t>> Tokenizer::EncodeBatch(const std::vector<std::string>& texts,
                                                         bool add_special_tokens, int num_threads) const {
  std::vector<std::vector<int32_t>> out(texts.size());
  const size_t threads = std::min<size_t>(std::max(num_threads, 1), texts.size());
  if (threads <= 1) {
    for (size_t i = 0; i < texts.size(); ++i) out[i] = Encode(texts[i], add_special_tokens);
    return out;
  }
  // Work is handed out in small chunks so that a few long texts do not leave threads idle.
  std::atomic<size_t> next{0};
  const size_t chunk = std::max<size_t>(1, std::min<size_t>(64, texts.size() / (threads * 8)));
  const std::function<void()> work = [&] {
    for (;;) {
      const size_t begin = next.fetch_add(chunk);
      if (begin >= texts.size()) return;
      const size_t end = std::min(texts.size(), begin + chunk);
      for (size_t i = begin; i < end; ++i) out[i] = Encode(texts[i], add_special_tokens);
    }
  };
  impl_->pool.Run(static_cast<int>(threads), work);
  return out;
}

std::string Tokenizer::Decode(absl::Span<const int32_t> ids, bool skip_special_tokens) const {
  const Impl& m = *impl_;
  if (!m.decode_kind.empty()) {
    std::string bytes;
    for (const int32_t id : ids) {
      if (id < 0 || id >= m.vocab_size) continue;
      const uint8_t kind = m.decode_kind[id];
      if (kind == 0 || (kind == 2 && skip_special_tokens)) continue;
      bytes.append(m.decode_bytes, m.decode_offset[id], m.decode_offset[id + 1] - m.decode_offset[id]);
    }
    return tokenizer::Utf8Lossy(bytes);
  }
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (const int32_t id : ids) {
    const std::string* token = m.TokenString(id);
    if (token == nullptr) continue;
    if (skip_special_tokens && m.added.IsSpecialContent(*token)) continue;
    tokens.push_back(*token);
  }
  if (m.decoder == nullptr) {
    std::string out;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i > 0) out += ' ';
      out += tokens[i];
    }
    return out;
  }
  m.decoder->DecodeChain(&tokens);
  std::string out;
  for (const std::string& t : tokens) out += t;
  return out;
}

std::optional<int32_t> Tokenizer::TokenToId(std::string_view token) const {
  if (auto id = impl_->added.TokenToId(token)) return id;
  return impl_->model->TokenToId(token);
}

std::optional<std::string> Tokenizer::IdToToken(int32_t id) const {
  const std::string* token = impl_->TokenString(id);
  if (token == nullptr) return std::nullopt;
  return *token;
}

int64_t Tokenizer::vocab_size() const { return impl_->vocab_size; }
std::optional<int32_t> Tokenizer::bos_id() const { return impl_->bos_id; }
std::optional<int32_t> Tokenizer::eos_id() const { return impl_->eos_id; }
std::optional<int32_t> Tokenizer::pad_id() const { return impl_->pad_id; }
const std::string& Tokenizer::chat_template() const { return impl_->chat_template; }

bool Tokenizer::is_special(int32_t id) const {
  const tokenizer::AddedToken* t = impl_->added.Token(id);
  return t != nullptr && impl_->added.IsSpecialContent(t->content);
}

}  // namespace reasonrl
