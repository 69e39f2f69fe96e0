#include "rollout/model_generator.h"

#include <exception>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "model/checkpoint.h"
#include "model/device_names.h"
#include "model/status_macros.h"
#include "rollout/engine.h"

namespace reasonrl {
namespace {

// The weights a worker loads at start; weight updates will bump it.
constexpr int64_t kLoadedPolicyVersion = 0;

class ModelTokenGenerator final : public TokenGenerator {
 public:
  explicit ModelTokenGenerator(std::shared_ptr<CausalLm> model) : model_(std::move(model)) {}

  absl::StatusOr<std::vector<GeneratedSequence>> Generate(const std::vector<std::vector<int64_t>>& prompts,
                                                          const GenerationParams& params) override {
    if (!params.greedy) return absl::InvalidArgumentError("greedy: only greedy decoding is implemented so far");
    if (params.max_new_tokens < 1) {
      return absl::InvalidArgumentError(absl::StrCat("max_new_tokens: must be >= 1, got ", params.max_new_tokens));
    }
    const int64_t vocab = model_->config().vocab_size;
    if (params.eos_token_id && (*params.eos_token_id < 0 || *params.eos_token_id >= vocab)) {
      return absl::InvalidArgumentError(
          absl::StrCat("eos_token_id: ", *params.eos_token_id, " is outside the vocabulary [0, ", vocab, ")"));
    }
    absl::MutexLock lock(&mu_);
    if (params.policy_version != policy_version_) {
      return absl::FailedPreconditionError(absl::StrCat("policy_version: this worker holds version ", policy_version_,
                                                        ", not ", params.policy_version));
    }
    absl::StatusOr<GenerationResult> result;
    try {
      result = GreedyGenerate(*model_, prompts, {params.max_new_tokens, params.eos_token_id});
    } catch (const std::exception& e) {  // c10::Error: a bug or the device failing (e.g. out of memory)
      return absl::InternalError(absl::StrCat("generation failed: ", e.what()));
    }
    if (!result.ok()) return result.status();
    std::vector<GeneratedSequence> sequences(prompts.size());
    for (size_t b = 0; b < prompts.size(); ++b) {
      const std::vector<int64_t>& row = result->tokens[b];
      GeneratedSequence& seq = sequences[b];
      seq.token_ids.assign(row.begin() + prompts[b].size(), row.end());
      const bool hit_eos =
          params.eos_token_id && !seq.token_ids.empty() && seq.token_ids.back() == *params.eos_token_id;
      seq.finish_reason = hit_eos ? FinishReason::kEos : FinishReason::kLength;
    }
    return sequences;
  }

 private:
  absl::Mutex mu_;
  const std::shared_ptr<CausalLm> model_ ABSL_PT_GUARDED_BY(mu_);
  int64_t policy_version_ ABSL_GUARDED_BY(mu_) = kLoadedPolicyVersion;
};

}  // namespace

absl::StatusOr<std::unique_ptr<TokenGenerator>> LoadModelTokenGenerator(const std::string& model_dir,
                                                                       const std::string& device,
                                                                       const std::string& dtype) {
  ASSIGN_OR_RETURN(torch::Device torch_device, ParseDeviceName(device));
  ASSIGN_OR_RETURN(torch::ScalarType torch_dtype, ParseDtypeName(dtype));
  absl::StatusOr<std::shared_ptr<CausalLm>> model;
  try {
    model = LoadPretrained(model_dir, {torch_device, torch_dtype});
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("loading ", model_dir, ": ", e.what()));
  }
  if (!model.ok()) return model.status();
  (*model)->eval();
  return std::unique_ptr<TokenGenerator>(std::make_unique<ModelTokenGenerator>(*std::move(model)));
}

}  // namespace reasonrl
