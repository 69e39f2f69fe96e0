// tokenizer_config.json: the transformers-side settings of a model directory that reasonrl uses.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace reasonrl::tokenizer {

struct TokenizerConfig {
  // The special tokens' contents: a string, or an object {"content": ..., "__type": "AddedToken", ...}; null or
  // absent -> nullopt.
  std::optional<std::string> bos_token, eos_token, pad_token, unk_token;
  // Explicitly set in the file (absent or null -> nullopt).
  std::optional<bool> add_bos_token, add_eos_token;
  // "chat_template": a string, or the template named "default" of a list of {"name", "template"}; "" if none.
  std::string chat_template;
  bool clean_up_tokenization_spaces = false;
};

// Parses the file's JSON text; errors name `file` and the key. Unknown keys are ignored (the file is not ours).
absl::StatusOr<TokenizerConfig> ParseTokenizerConfig(std::string_view json, const std::string& file);

}  // namespace reasonrl::tokenizer
