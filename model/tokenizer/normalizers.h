// tokenizer.json "normalizer": rewrites each stretch of text between added tokens before pre-tokenization
// (tokenizers' NormalizedString; offsets are not tracked since reasonrl needs only ids).
//
//   Sequence      {"normalizers": [...]}: each in order
//   NFC NFD NFKC NFKD                     Unicode normalization forms (utf8proc)
//   Lowercase     every character by Rust's char::to_lowercase (full mapping: U+0130 -> "i\u0307")
//   Replace       {"pattern": {"String"|"Regex": ...}, "content": s}: every match -> s
//   Strip         {"strip_left", "strip_right"}: trims White_Space characters
//   Prepend       {"prepend": s}: s + text, unless the text is empty
//   StripAccents  drops combining marks (general category M)
//   ByteLevel     each byte -> its GPT-2 bytes_to_unicode character
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "model/tokenizer/json_util.h"

namespace reasonrl::tokenizer {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  // Replaces *text (valid UTF-8) by its normalized form (valid UTF-8).
  virtual void Normalize(std::string* text) const = 0;
  // True when Normalize never changes anything (an empty Sequence, as DeepSeek-V3 has).
  virtual bool IsNoOp() const { return false; }
};

// `j` is the (non-null) normalizer object at `path`.
absl::StatusOr<std::unique_ptr<Normalizer>> ParseNormalizer(const Json& j, const std::string& path);

}  // namespace reasonrl::tokenizer
