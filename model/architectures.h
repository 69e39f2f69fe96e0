// The one table from model_type to architecture. Adding a family (qwen2, qwen3, llama) is a file of its
// own plus one line here.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "model/causal_lm.h"
#include "model/model_config.h"

namespace reasonrl {

// An uninitialised model of the config's architecture, float32 on the CPU.
absl::StatusOr<std::shared_ptr<CausalLm>> CreateCausalLm(const ModelConfig& config);

// A fresh model: every Linear and Embedding weight ~ normal(0, initializer_range), norms 1, router
// biases 0, drawn on the CPU from `seed` so that CPU and CUDA runs start identical.
absl::StatusOr<std::shared_ptr<CausalLm>> CreateRandomCausalLm(const ModelConfig& config, uint64_t seed);

// Moves and casts a model; router correction biases stay float32 whatever the dtype.
void MoveModel(CausalLm& model, torch::Device device, torch::ScalarType dtype);

}  // namespace reasonrl
