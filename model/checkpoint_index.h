// `model.safetensors.index.json`, the map from tensor name to shard file of a sharded Hugging Face
// checkpoint (../shared/docs/model-spec.md §7):
//
//   {"metadata": {"total_size": <bytes>}, "weight_map": {"model.norm.weight": "model-00001-of-00002.safetensors"}}
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace reasonrl {

// The file name of a single-file checkpoint and of a sharded checkpoint's index, inside a model directory.
inline constexpr char kSingleCheckpointFile[] = "model.safetensors";
inline constexpr char kCheckpointIndexFile[] = "model.safetensors.index.json";

struct CheckpointIndex {
  // metadata.total_size: the sum of the tensors' byte sizes. Optional because some tools write an empty
  // "metadata" (DeepSeek's fp8_cast_bf16.py does).
  std::optional<uint64_t> total_size;
  // Tensor name -> shard file name (a plain name inside the checkpoint directory).
  std::map<std::string, std::string> weight_map;
};

// Parses the index JSON. Requires a JSON object with "weight_map", an object of strings whose values are
// plain file names (not empty, no '/', '\\' or ".."; anything else could escape the model directory).
// "metadata" may be absent; if present it must be an object, and its "total_size", if present, a
// non-negative integer. Other keys are ignored, as transformers does. Duplicate keys in any object are
// errors. Errors are InvalidArgument with a message that starts with `file_name` and names the key.
absl::StatusOr<CheckpointIndex> ParseCheckpointIndex(std::string_view json, std::string_view file_name);

// Reads and parses the index at `path`. I/O errors carry the errno-derived code and name `path`.
absl::StatusOr<CheckpointIndex> ReadCheckpointIndex(const std::string& path);

// The index as transformers' save_pretrained writes it: json.dumps(index, indent=2, sort_keys=True) + "\n"
// (so non-ASCII characters are written as \uXXXX escapes). Without total_size, "metadata" is {}.
std::string SerializeCheckpointIndex(const CheckpointIndex& index);

// The safetensors files of the checkpoint in `model_dir`, as names relative to it: {"model.safetensors"}
// if that file exists, otherwise the distinct shard names of model.safetensors.index.json, sorted. Every
// returned file exists. NotFound if the directory has neither file or a shard is missing; errors of
// ReadCheckpointIndex otherwise.
absl::StatusOr<std::vector<std::string>> ListCheckpointShards(const std::string& model_dir);

}  // namespace reasonrl
