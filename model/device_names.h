// Device and dtype names as users write them ("cpu", "cuda"; "float32", "bfloat16"), parsed in one
// place for the CLI flags (trainer/cli/device_flags.h) and for libraries that take names
// (rollout/model_generator.h). Messages start with "device" / "dtype", so a caller can name its flag
// by prefixing "--".
#pragma once

#include <torch/torch.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace reasonrl {

inline absl::StatusOr<torch::Device> ParseDeviceName(const std::string& name) {
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name == "cuda") {
    if (!torch::cuda::is_available()) return absl::FailedPreconditionError("device cuda: no CUDA device is available");
    return torch::Device(torch::kCUDA);
  }
  return absl::InvalidArgumentError(absl::StrCat("device: expected cpu or cuda, got \"", name, "\""));
}

inline absl::StatusOr<torch::ScalarType> ParseDtypeName(const std::string& name) {
  if (name == "float32") return torch::kFloat32;
  if (name == "bfloat16") return torch::kBFloat16;
  return absl::InvalidArgumentError(absl::StrCat("dtype: expected float32 or bfloat16, got \"", name, "\""));
}

}  // namespace reasonrl
