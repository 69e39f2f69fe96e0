// tokenizer.json "post_processor", for a single sequence: what Encode(text, add_special_tokens=true) adds
// around the ids. With add_special_tokens=false none of them adds anything.
//
//   ByteLevel                      nothing (it only trims offsets)
//   TemplateProcessing             {"single": [...], "special_tokens": {...}}: the "single" template, its
//                                  SpecialToken pieces replaced by their "ids", the Sequence A piece by the ids
//   BertProcessing / Roberta...    {"cls": [token, id], "sep": [token, id]}: cls + ids + sep
//   Sequence                       {"processors": [...]}: each in order
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/tokenizer/json_util.h"

namespace reasonrl::tokenizer {

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // Rewrites *ids (the encoding of one sequence) when add_special_tokens is true.
  virtual void Process(std::vector<int32_t>* ids) const = 0;
};

// `j` is the (non-null) post_processor object at `path`.
absl::StatusOr<std::unique_ptr<PostProcessor>> ParsePostProcessor(const Json& j, const std::string& path);

// A template "prefix $A suffix" (transformers' add_bos_token / add_eos_token rule).
std::unique_ptr<PostProcessor> MakeAffixProcessor(std::vector<int32_t> prefix, std::vector<int32_t> suffix);

}  // namespace reasonrl::tokenizer
