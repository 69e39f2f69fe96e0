// tokenizer.json "pre_tokenizer": cuts each normalized stretch of text into pre-tokens (tokenizers'
// PreTokenizedString without offsets). Empty pieces are always dropped, as tokenizers does.
//
//   Sequence         {"pretokenizers": [...]}: each applied to every piece the previous one produced
//   Split            {"pattern": {"String"|"Regex"}, "behavior", "invert"}; behaviors Removed, Isolated,
//                    MergedWithPrevious, MergedWithNext, Contiguous (tokenizers' NormalizedString::split)
//   ByteLevel        {"add_prefix_space", "use_regex"}: " " + piece when it does not start with one, the GPT-2
//                    regex split (Isolated), then bytes -> bytes_to_unicode characters
//   Digits           {"individual_digits"}: numeric characters (Nd Nl No) Isolated one by one, or Contiguous
//   Whitespace       keeps the matches of \w+|[^\w\s]+
//   WhitespaceSplit  drops White_Space characters, splitting there
//   Punctuation      {"behavior"} (default Isolated) on each punctuation character
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "model/tokenizer/json_util.h"
#include "model/tokenizer/regex.h"

namespace reasonrl::tokenizer {

// Reusable per-call buffers.
struct PreTokenizeScratch {
  std::deque<std::string> arena;  // texts of pieces that are not views of the input (stable addresses)
  std::vector<Span> matches;
  std::vector<std::pair<Span, bool>> marked;
  std::vector<std::vector<std::string_view>> temp;  // for Sequence
  size_t temp_depth = 0;
};

enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

// tokenizers' NormalizedString::split of `piece` given the pattern's `matches` inside it (sorted, non-
// overlapping); `invert` swaps matches and gaps. Appends the resulting non-empty pieces to `out`.
void SplitByMatches(std::string_view piece, const std::vector<Span>& matches, bool invert, SplitBehavior behavior,
                    std::vector<std::pair<Span, bool>>* marked_scratch, std::vector<std::string_view>* out);

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Appends the pre-tokens of every piece of `in` (non-empty, valid UTF-8) to `out`, in order.
  virtual void PreTokenize(const std::vector<std::string_view>& in, std::vector<std::string_view>* out,
                           PreTokenizeScratch* scratch) const = 0;
  // If this pre-tokenizer ends with a ByteLevel step, switches that step to leave its pieces as raw bytes
  // (the BPE model then maps bytes itself, which gives the same tokens) and returns true.
  virtual bool DeferFinalByteLevelMapping() { return false; }
};

// `j` is the (non-null) pre_tokenizer object at `path`.
absl::StatusOr<std::unique_ptr<PreTokenizer>> ParsePreTokenizer(const Json& j, const std::string& path);

}  // namespace reasonrl::tokenizer
