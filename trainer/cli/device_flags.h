// --device and --dtype as every model-running subcommand spells them (names parsed in
// model/device_names.h; the messages here name the flag).
#pragma once

#include <torch/torch.h>

#include <string>

#include "absl/status/statusor.h"
#include "model/device_names.h"

namespace reasonrl::cli {

inline absl::StatusOr<torch::Device> ParseDevice(const std::string& name) {
  absl::StatusOr<torch::Device> device = ParseDeviceName(name);
  if (!device.ok()) return absl::Status(device.status().code(), "--" + std::string(device.status().message()));
  return device;
}

inline absl::StatusOr<torch::ScalarType> ParseDtype(const std::string& name) {
  absl::StatusOr<torch::ScalarType> dtype = ParseDtypeName(name);
  if (!dtype.ok()) return absl::Status(dtype.status().code(), "--" + std::string(dtype.status().message()));
  return dtype;
}

}  // namespace reasonrl::cli
