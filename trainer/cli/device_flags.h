// --device and --dtype as every model-running subcommand spells them.
#pragma once

#include <torch/torch.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace reasonrl::cli {

inline absl::StatusOr<torch::Device> ParseDevice(const std::string& name) {
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name == "cuda") {
    if (!torch::cuda::is_available()) return absl::FailedPreconditionError("--device cuda: no CUDA device is available");
    return torch::Device(torch::kCUDA);
  }
  return absl::InvalidArgumentError(absl::StrCat("--device: expected cpu or cuda, got \"", name, "\""));
}

inline absl::StatusOr<torch::ScalarType> ParseDtype(const std::string& name) {
  if (name == "float32") return torch::kFloat32;
  if (name == "bfloat16") return torch::kBFloat16;
  return absl::InvalidArgumentError(absl::StrCat("--dtype: expected float32 or bfloat16, got \"", name, "\""));
}

}  // namespace reasonrl::cli
