// Reading the `input_ids` tensor of a safetensors file, as `forward` and `generate` take it.
#pragma once

#include <torch/torch.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "model/tensor_io.h"

namespace reasonrl::cli {

// input_ids: int64 [B, T], B, T >= 1, every id in [0, vocab_size).
inline absl::StatusOr<torch::Tensor> ReadInputIds(const std::string& path, int64_t vocab_size) {
  auto tensors = ReadSafetensors(path);
  if (!tensors.ok()) return tensors.status();
  auto it = tensors->find("input_ids");
  if (it == tensors->end()) return absl::InvalidArgumentError(absl::StrCat(path, ": no tensor \"input_ids\""));
  const torch::Tensor& ids = it->second;
  if (ids.scalar_type() != torch::kInt64) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": tensor \"input_ids\" must be I64, found ",
                                                   c10::toString(ids.scalar_type())));
  }
  if (ids.dim() != 2 || ids.size(0) == 0 || ids.size(1) == 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": tensor \"input_ids\" must be [B, T] with B, T >= 1"));
  }
  const int64_t lo = ids.min().item<int64_t>(), hi = ids.max().item<int64_t>();
  if (lo < 0 || hi >= vocab_size) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": tensor \"input_ids\" holds ids in [", lo, ", ", hi,
                                                   "], outside the vocabulary [0, ", vocab_size, ")"));
  }
  return ids;
}

}  // namespace reasonrl::cli
