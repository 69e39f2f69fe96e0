#include "model/architectures.h"

#include "absl/strings/str_cat.h"
#include "model/deepseek.h"

namespace reasonrl {

absl::StatusOr<std::shared_ptr<CausalLm>> CreateCausalLm(const ModelConfig& config) {
  if (config.model_type == "deepseek_v3" || config.model_type == "deepseek_v2") {
    return std::shared_ptr<CausalLm>(std::make_shared<DeepseekForCausalLm>(config));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported model_type \"", config.model_type, "\" (supported: deepseek_v3, deepseek_v2)"));
}

absl::StatusOr<std::shared_ptr<CausalLm>> CreateRandomCausalLm(const ModelConfig& config, uint64_t seed) {
  auto model = CreateCausalLm(config);
  if (!model.ok()) return model.status();
  torch::NoGradGuard no_grad;
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (HubTensor& t : (*model)->HubTensors()) {
    if (t.save_only) continue;
    const std::string& n = t.name;
    const bool is_norm = n.find("norm.weight") != std::string::npos;
    const bool is_bias = n.find("e_score_correction_bias") != std::string::npos;
    if (is_norm) {
      t.target.fill_(1.0);
    } else if (is_bias) {
      t.target.zero_();
    } else {
      t.target.normal_(0.0, config.initializer_range, generator);
    }
  }
  return model;
}

void MoveModel(CausalLm& model, torch::Device device, torch::ScalarType dtype) {
  model.to(device, dtype);
  for (torch::Tensor& bias : model.RouterBiases()) bias.set_data(bias.to(torch::kFloat32));
}

}  // namespace reasonrl
