// Hugging Face checkpoint directories in and out: config.json + model.safetensors, or shards named by
// model.safetensors.index.json. FP8 tensors with a `<name>_scale_inv` sibling are dequantised blockwise:
//   W[r, c] = float(Wq[r, c]) · scale_inv[r / 128, c / 128]   (block size from quantization_config).
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "model/causal_lm.h"

namespace reasonrl {

struct LoadOptions {
  torch::Device device = torch::kCPU;
  torch::ScalarType dtype = torch::kFloat32;  // float32 or bfloat16
};

// Loads a model directory. Errors name the file and the tensor or key: a missing tensor, a shape
// mismatch, a corrupt file, an unreadable config. Tensors the model does not use are ignored.
absl::StatusOr<std::shared_ptr<CausalLm>> LoadPretrained(const std::string& model_dir, const LoadOptions& options = {});

struct SaveOptions {
  int64_t max_shard_bytes = 5LL << 30;  // like save_pretrained's "5GB"
  // The dtype tensors are written in; kUndefined keeps each tensor's own (router biases stay float32).
  torch::ScalarType dtype = torch::ScalarType::Undefined;
};

// Writes config.json (Hub form), model.safetensors or shards + index. Each file is written under a
// temporary name and renamed, the index last.
absl::Status SavePretrained(CausalLm& model, const std::string& model_dir, const SaveOptions& options = {});

}  // namespace reasonrl
