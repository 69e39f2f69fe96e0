// safetensors <-> torch::Tensor. Every dtype of the format is read; F8_E4M3 / F8_E5M2 are decoded on
// the host to float32 (LibTorch 1.13 has no float8), U16/U32/U64 are widened to int64.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "model/safetensors_format.h"

namespace reasonrl {

// Copies one tensor out of a file's bytes into an owned CPU tensor. `file` names it in errors.
absl::StatusOr<torch::Tensor> TensorFromBytes(const TensorInfo& info, std::string_view bytes, std::string_view file);

// The safetensors dtype a torch dtype is written as; an error for dtypes the format lacks.
absl::StatusOr<DType> SafetensorsDType(torch::ScalarType type);

// Reads every tensor of one safetensors file.
absl::StatusOr<std::map<std::string, torch::Tensor>> ReadSafetensors(const std::string& path);

// Writes tensors (any device; copied to the CPU) to `path` atomically (temporary name + rename).
absl::Status WriteSafetensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                              const std::vector<std::pair<std::string, std::string>>& metadata = {});

// Float8 decoding, exposed for tests: the float value of one byte.
float DecodeFloat8E4M3(uint8_t byte);
float DecodeFloat8E5M2(uint8_t byte);

}  // namespace reasonrl
