// Helpers shared by the model tests: fixture paths and tensor comparisons.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>

namespace reasonrl::testing {

// tests/data/<name>
std::string DataPath(const std::string& name);
// A fresh empty directory under the test's temporary directory.
std::string TempDir(const std::string& name);
// ‖a − b‖ / ‖b‖ in float64.
double RelativeError(const torch::Tensor& a, const torch::Tensor& b);
// All tensors of a safetensors file; fails the test (and returns empty) on error.
std::map<std::string, torch::Tensor> ReadFixture(const std::string& path);
// Whole file as bytes.
std::string ReadBytes(const std::string& path);

}  // namespace reasonrl::testing
