#include "model/checkpoint.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "model/architectures.h"
#include "model/checkpoint_index.h"
#include "model/safetensors_format.h"
#include "model/status_macros.h"
#include "model/tensor_io.h"

namespace reasonrl {
namespace {

constexpr int64_t kFp8Block = 128;  // quantization_config.weight_block_size of every DeepSeek FP8 release

std::string ShapeString(c10::IntArrayRef shape) { return absl::StrCat("[", absl::StrJoin(shape, ","), "]"); }

// W[r, c] = Wq[r, c] · scale_inv[r / 128, c / 128]
absl::StatusOr<torch::Tensor> Dequantize(const torch::Tensor& w, const torch::Tensor& scale_inv,
                                         const std::string& where) {
  if (w.dim() != 2 || scale_inv.dim() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": weight_scale_inv needs a 2-D weight and scale"));
  }
  const int64_t rows = w.size(0), cols = w.size(1);
  const int64_t br = (rows + kFp8Block - 1) / kFp8Block, bc = (cols + kFp8Block - 1) / kFp8Block;
  if (scale_inv.size(0) != br || scale_inv.size(1) != bc) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": weight_scale_inv has shape ", ShapeString(scale_inv.sizes()),
                                                   ", expected [", br, ",", bc, "] for a ", ShapeString(w.sizes()),
                                                   " weight in 128x128 blocks"));
  }
  torch::Tensor scale = scale_inv.to(torch::kFloat32)
                            .repeat_interleave(kFp8Block, 0)
                            .repeat_interleave(kFp8Block, 1)
                            .narrow(0, 0, rows)
                            .narrow(1, 0, cols);
  return w.to(torch::kFloat32) * scale;
}

absl::Status WriteTextFile(const std::string& path, const std::string& text) {
  const std::string tmp = absl::StrCat(path, ".tmp.", ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return absl::InternalError(absl::StrCat(path, ": cannot write"));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return absl::InternalError(absl::StrCat(path, ": cannot rename the temporary file into place"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<CausalLm>> LoadPretrained(const std::string& model_dir, const LoadOptions& options) {
  if (options.dtype != torch::kFloat32 && options.dtype != torch::kBFloat16) {
    return absl::InvalidArgumentError("LoadPretrained: dtype must be float32 or bfloat16");
  }
  ASSIGN_OR_RETURN(ModelConfig config, LoadModelConfig(model_dir + "/config.json"));
  ASSIGN_OR_RETURN(std::vector<std::string> shard_names, ListCheckpointShards(model_dir));

  std::vector<SafetensorsFile> shards;
  std::map<std::string, std::pair<size_t, const TensorInfo*>> where;  // tensor name -> (shard, info)
  shards.reserve(shard_names.size());
  for (const std::string& name : shard_names) {
    ASSIGN_OR_RETURN(SafetensorsFile file, OpenSafetensors(model_dir + "/" + name));
    shards.push_back(std::move(file));
  }
  for (size_t s = 0; s < shards.size(); ++s) {
    for (const TensorInfo& info : shards[s].header.tensors) where[info.name] = {s, &info};
  }
  // transformers neither loads nor saves the MTP modules: a checkpoint without them loads as a model
  // without them (and is saved so), while a partial MTP module is an error like any missing tensor.
  if (config.num_nextn_predict_layers > 0 &&
      !where.count(absl::StrCat("model.layers.", config.num_hidden_layers, ".eh_proj.weight"))) {
    config.num_nextn_predict_layers = 0;
  }
  ASSIGN_OR_RETURN(std::shared_ptr<CausalLm> model, CreateCausalLm(config));
  auto read = [&](const std::string& name) -> absl::StatusOr<torch::Tensor> {
    auto it = where.find(name);
    const auto& [s, info] = it->second;
    return TensorFromBytes(*info, shards[s].TensorBytes(*info), model_dir + "/" + shard_names[s]);
  };

  torch::NoGradGuard no_grad;
  MoveModel(*model, torch::kCPU, options.dtype);
  for (HubTensor& t : model->HubTensors()) {
    if (t.save_only) continue;
    auto it = where.find(t.name);
    if (it == where.end()) {
      return absl::NotFoundError(absl::StrCat(model_dir, ": tensor \"", t.name, "\" is missing from ",
                                              absl::StrJoin(shard_names, ", ")));
    }
    const std::string file = model_dir + "/" + shard_names[it->second.first];
    ASSIGN_OR_RETURN(torch::Tensor value, read(t.name));
    const std::string scale_name = t.name + "_scale_inv";
    if (where.count(scale_name)) {
      ASSIGN_OR_RETURN(torch::Tensor scale, read(scale_name));
      ASSIGN_OR_RETURN(value, Dequantize(value, scale, absl::StrCat(file, ": tensor \"", t.name, "\"")));
    }
    if (!value.is_floating_point()) {
      return absl::InvalidArgumentError(absl::StrCat(file, ": tensor \"", t.name, "\" has dtype ",
                                                     std::string(DTypeName(it->second.second->dtype)), ", expected a float type"));
    }
    if (value.sizes() != t.target.sizes()) {
      return absl::InvalidArgumentError(absl::StrCat(file, ": tensor \"", t.name, "\" has shape ",
                                                     ShapeString(value.sizes()), ", expected ",
                                                     ShapeString(t.target.sizes()), " from config.json"));
    }
    t.target.copy_(value);
  }
  MoveModel(*model, options.device, options.dtype);
  model->eval();
  return model;
}

absl::Status SavePretrained(CausalLm& model, const std::string& model_dir, const SaveOptions& options) {
  ::mkdir(model_dir.c_str(), 0755);
  struct stat st;
  if (::stat(model_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(model_dir, ": cannot create the checkpoint directory"));
  }
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (HubTensor& t : model.HubTensors()) {
    torch::Tensor value = t.target.detach();
    const bool keep_f32 = t.name.find("e_score_correction_bias") != std::string::npos;
    if (options.dtype != torch::ScalarType::Undefined && !keep_f32) value = value.to(options.dtype);
    tensors.push_back({t.name, value});
  }
  // Shards in HubTensors order, each at most max_shard_bytes (a bigger tensor gets a shard of its own).
  std::vector<std::vector<std::pair<std::string, torch::Tensor>>> shards(1);
  int64_t shard_bytes = 0, total = 0;
  for (auto& entry : tensors) {
    const int64_t n = entry.second.nbytes();
    if (!shards.back().empty() && shard_bytes + n > options.max_shard_bytes) {
      shards.emplace_back();
      shard_bytes = 0;
    }
    shards.back().push_back(entry);
    shard_bytes += n;
    total += n;
  }
  const std::vector<std::pair<std::string, std::string>> metadata = {{"format", "pt"}};
  RETURN_IF_ERROR(WriteTextFile(model_dir + "/config.json", SerializeHubConfig(model.config())));
  if (shards.size() == 1) return WriteSafetensors(model_dir + "/model.safetensors", shards[0], metadata);

  CheckpointIndex index;
  index.total_size = static_cast<uint64_t>(total);
  for (size_t i = 0; i < shards.size(); ++i) {
    const std::string name = absl::StrFormat("model-%05d-of-%05d.safetensors", i + 1, shards.size());
    RETURN_IF_ERROR(WriteSafetensors(model_dir + "/" + name, shards[i], metadata));
    for (const auto& entry : shards[i]) index.weight_map[entry.first] = name;
  }
  return WriteTextFile(model_dir + "/model.safetensors.index.json", SerializeCheckpointIndex(index));
}

}  // namespace reasonrl
