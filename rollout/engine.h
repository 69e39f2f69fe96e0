// Batched generation over any CausalLm with the latent KV cache. This first version is greedy and
// token-id in, token-id out; sampling, text prompts and the RolloutService come on top of it.
//
// Prompts may differ in length: they are prefilled together (right-padded; each row's padding is
// masked and later overwritten), then every step decodes one token per row at that row's own position.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "model/causal_lm.h"

namespace reasonrl {

struct GreedyOptions {
  int64_t max_new_tokens = 16;
  std::optional<int64_t> eos_token_id;  // stop a row once it emits this id; otherwise only at max_new_tokens
};

struct GenerationResult {
  std::vector<std::vector<int64_t>> tokens;  // per row: prompt + generated tokens (eos included)
  std::vector<int64_t> num_generated;        // per row
};

// REQUIRES: every prompt non-empty; ids in [0, vocab_size).
absl::StatusOr<GenerationResult> GreedyGenerate(CausalLm& model, const std::vector<std::vector<int64_t>>& prompts,
                                                const GreedyOptions& options);

}  // namespace reasonrl
