// TokenGenerator: token ids in, generated token ids out. The seam between the RolloutService (which
// speaks protobuf and must not see torch, ../shared/docs/gpu.md trap 1) and the LibTorch engine (which
// must not see protobuf). This header includes neither.
//
// Thread safety: implementations must accept concurrent Generate() calls from several threads (the gRPC
// server calls it from its own threads). The model-backed one (model_generator.h) serialises them with a
// mutex: one batch at a time on the device.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"

namespace reasonrl {

struct GenerationParams {
  int64_t max_new_tokens = 16;          // generate at most this many tokens per prompt; >= 1
  bool greedy = true;                   // argmax decoding (the only mode implemented so far)
  std::optional<int64_t> eos_token_id;  // stop a prompt after emitting this id; unset: only at max_new_tokens
  // The policy version the caller wants; a generator holding other weights returns FailedPrecondition.
  int64_t policy_version = 0;
};

enum class FinishReason {
  kLength,  // max_new_tokens generated without meeting eos_token_id
  kEos,     // the last generated token is eos_token_id
};

struct GeneratedSequence {
  std::vector<int64_t> token_ids;  // generated tokens only (no prompt), eos included when it stopped there
  FinishReason finish_reason = FinishReason::kLength;
};

class TokenGenerator {
 public:
  virtual ~TokenGenerator() = default;

  // One GeneratedSequence per prompt, in order. Errors: InvalidArgument for bad input (no prompts, an
  // empty prompt, an id outside the vocabulary, max_new_tokens < 1, non-greedy params) naming what is
  // wrong; FailedPrecondition for a policy_version it does not hold; Internal for a failure of the engine.
  virtual absl::StatusOr<std::vector<GeneratedSequence>> Generate(const std::vector<std::vector<int64_t>>& prompts,
                                                                  const GenerationParams& params) = 0;
};

}  // namespace reasonrl
