// Token ids from a safetensors fixture, read through the torch-free model/safetensors_format.h, so that
// tests which include protobuf headers need no LibTorch (../shared/docs/gpu.md, trap 1).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "model/safetensors_format.h"

namespace reasonrl::testing {

inline std::string DataPath(const std::string& name) { return std::string(REASONRL_TEST_DATA_DIR) + "/" + name; }

// The int64 tensor `name` of the safetensors file at `path`, flattened (row-major). Fails the test and
// returns {} when the file, the tensor or its dtype is not there.
inline std::vector<int64_t> ReadInt64Fixture(const std::string& path, const std::string& name) {
  absl::StatusOr<SafetensorsFile> file = OpenSafetensors(path);
  if (!file.ok()) {
    ADD_FAILURE() << file.status();
    return {};
  }
  const TensorInfo* info = file->header.Find(name);
  if (info == nullptr || info->dtype != DType::kI64) {
    ADD_FAILURE() << path << ": no int64 tensor " << name;
    return {};
  }
  std::string_view bytes = file->TensorBytes(*info);
  std::vector<int64_t> values(bytes.size() / sizeof(int64_t));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(int64_t));  // little-endian, like the host
  return values;
}

// transformers' greedy decode on tests/data/hf_tiny_deepseek_v3: a 6-token prompt and the 16 tokens of
// prompt + 10 generated.
struct GreedyReference {
  std::vector<int64_t> prompt;  // [6]
  std::vector<int64_t> output;  // [16] = prompt + 10 generated tokens

  static GreedyReference Read() {
    const std::string path = DataPath("hf_tiny_deepseek_v3/reference.safetensors");
    return {ReadInt64Fixture(path, "greedy_prompt"), ReadInt64Fixture(path, "greedy_output")};
  }
  // output[begin, end)
  std::vector<int64_t> Slice(size_t begin, size_t end) const {
    return std::vector<int64_t>(output.begin() + begin, output.begin() + end);
  }
};

}  // namespace reasonrl::testing
