#include "reward/length.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "utf8proc.h"

namespace reasonrl::reward {
namespace {

Result Make(std::string_view name, double value, std::string reason) {
  return Result{value, {{std::string(name), value}}, std::move(reason)};
}

// open-r1's text.lower().split(): words separated by Unicode whitespace, each lower-cased code point by
// code point. Invalid UTF-8 bytes are kept as they are (they are part of a word).
std::vector<std::string> LowerWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  size_t pos = 0;
  while (pos < text.size()) {
    utf8proc_int32_t cp = -1;
    const utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos),
                                                static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    if (n <= 0) {  // invalid byte: part of the word
      word.push_back(text[pos]);
      ++pos;
      continue;
    }
    pos += static_cast<size_t>(n);
    // Python's str.split() separators: Unicode White_Space plus the ASCII separators \x1c-\x1f.
    const utf8proc_category_t category = utf8proc_category(cp);
    const bool space = (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 ||
                       cp == 0xa0 || category == UTF8PROC_CATEGORY_ZS || cp == 0x2028 || cp == 0x2029;
    if (space) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      continue;
    }
    utf8proc_uint8_t buffer[4];
    const utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(cp), buffer);
    word.append(reinterpret_cast<const char*>(buffer), static_cast<size_t>(m));
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

// Distinct and total n-grams of `units`.
template <typename T>
std::pair<int64_t, int64_t> CountNgrams(const std::vector<T>& units, int n) {
  if (units.size() < static_cast<size_t>(n)) return {0, 0};
  std::set<std::vector<T>> distinct;
  const size_t total = units.size() - static_cast<size_t>(n) + 1;
  for (size_t i = 0; i < total; ++i) distinct.emplace(units.begin() + i, units.begin() + i + n);
  return {static_cast<int64_t>(distinct.size()), static_cast<int64_t>(total)};
}

}  // namespace

absl::Status OverlongConfig::Validate() const {
  if (buffer_tokens < 1) {
    return absl::InvalidArgumentError(absl::StrCat("buffer_tokens: must be >= 1, got ", buffer_tokens));
  }
  if (!std::isfinite(penalty_factor) || penalty_factor < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("penalty_factor: must be finite and >= 0, got ", penalty_factor));
  }
  if (max_tokens < 0) {
    return absl::InvalidArgumentError(absl::StrCat("max_tokens: must be >= 0, got ", max_tokens));
  }
  if (max_tokens > 0 && max_tokens < buffer_tokens) {
    return absl::InvalidArgumentError(absl::StrCat("max_tokens: ", max_tokens,
                                                   " is less than buffer_tokens ", buffer_tokens));
  }
  return absl::OkStatus();
}

double OverlongPenalty(int64_t length, int64_t max_tokens, int64_t buffer_tokens, double penalty_factor) {
  const int64_t expected = max_tokens - buffer_tokens;  // L_max - L_cache
  if (length <= expected) return 0.0;
  if (length > max_tokens) return -penalty_factor;
  return -static_cast<double>(length - expected) / static_cast<double>(buffer_tokens) * penalty_factor;
}

Result Overlong(const Sample& sample, const OverlongConfig& config) {
  constexpr std::string_view kName = "overlong";
  if (const absl::Status valid = config.Validate(); !valid.ok()) {
    return Make(kName, 0.0, absl::StrCat("invalid_config: ", valid.message()));
  }
  if (sample.finish_reason == FinishReason::kLength) {
    return Make(kName, config.penalty_factor == 0 ? 0.0 : -config.penalty_factor, "truncated");
  }
  const int64_t max_tokens = config.max_tokens > 0 ? config.max_tokens : sample.max_tokens;
  if (max_tokens <= 0) return Make(kName, 0.0, "unknown_max_tokens");
  const int64_t buffer = std::min(config.buffer_tokens, max_tokens);
  const double penalty = OverlongPenalty(sample.completion_tokens, max_tokens, buffer, config.penalty_factor);
  if (penalty == 0.0) return Make(kName, 0.0, "");
  return Make(kName, penalty,
              absl::StrCat("overlong: ", sample.completion_tokens - (max_tokens - buffer),
                           " tokens past L_max - L_cache"));
}

absl::Status RepetitionConfig::Validate() const {
  if (n < 1 || n > 64) return absl::InvalidArgumentError(absl::StrCat("n: must be in [1, 64], got ", n));
  if (!std::isfinite(max_penalty) || max_penalty < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_penalty: must be finite and >= 0, got ", max_penalty));
  }
  return absl::OkStatus();
}

Result Repetition(const Sample& sample, const RepetitionConfig& config) {
  constexpr std::string_view kName = "repetition";
  if (const absl::Status valid = config.Validate(); !valid.ok()) {
    return Make(kName, 0.0, absl::StrCat("invalid_config: ", valid.message()));
  }
  std::pair<int64_t, int64_t> counts;
  if (config.unit == NgramUnit::kTokens) {
    if (sample.completion_token_ids.empty() && sample.completion_tokens > 0) {
      return Make(kName, 0.0, "no_token_ids");
    }
    counts = CountNgrams(sample.completion_token_ids, config.n);
  } else {
    counts = CountNgrams(LowerWords(sample.completion), config.n);
  }
  const auto [distinct, total] = counts;
  if (total == 0 || distinct == total || config.max_penalty == 0) return Make(kName, 0.0, "");
  const double penalty =
      -config.max_penalty * (1.0 - static_cast<double>(distinct) / static_cast<double>(total));
  return Make(kName, penalty, absl::StrCat("repetition: ", distinct, " distinct of ", total, " n-grams"));
}

}  // namespace reasonrl::reward
