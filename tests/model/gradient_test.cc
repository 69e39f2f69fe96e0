// Gradients: analytic directional derivatives against central finite differences in float64 (routing held
// fixed), against transformers' gradients (fixture grad_v3), and unchanged by activation checkpointing.
#include <gtest/gtest.h>

#include <fstream>

#include "model/architectures.h"
#include "model/checkpoint.h"
#include "model/deepseek.h"
#include "model/lm_loss.h"
#include "tests/model/test_util.h"

namespace reasonrl {
namespace {

using testing::DataPath;
using testing::ReadFixture;
using testing::RelativeError;

// A tiny model with weights large enough that routing and attention are far from uniform.
std::shared_ptr<CausalLm> TinyModel(torch::ScalarType dtype) {
  auto config = LoadModelConfig(DataPath("hf_tiny_deepseek_v3/config.json"));
  EXPECT_TRUE(config.ok());
  config->initializer_range = 0.15;
  auto model = CreateRandomCausalLm(*config, 1234);
  EXPECT_TRUE(model.ok());
  {
    torch::NoGradGuard no_grad;
    torch::Generator gen = at::make_generator<at::CPUGeneratorImpl>(99);
    for (auto& b : (*model)->RouterBiases()) b.normal_(0.0, 0.1, gen);
  }
  MoveModel(**model, torch::kCPU, dtype);
  return *model;
}

void FreezeRouting(CausalLm& model, bool freeze) {
  for (auto& m : model.modules()) {
    if (auto* router = dynamic_cast<RouterImpl*>(m.get())) router->freeze_routing = freeze;
  }
}

// Total loss the learner will optimise: next-token CE + MTP + balance.
torch::Tensor Loss(CausalLm& model, const torch::Tensor& ids, bool checkpointing = false) {
  ForwardOptions o;
  o.mtp = true;
  o.balance_loss = true;
  o.activation_checkpointing = checkpointing;
  ForwardOutput out = model.Forward(ids, o);
  return NextTokenLoss(out.logits_BSV, ids) + MtpLoss(out.mtp_logits, ids, 0.3) + 1e-2 * out.balance_loss;
}

TEST(GradientTest, DirectionalDerivativesMatchFiniteDifferencesInFloat64) {
  auto model = TinyModel(torch::kFloat64);
  torch::manual_seed(4);
  torch::Tensor ids = torch::randint(0, 512, {2, 10}, torch::kInt64);
  FreezeRouting(*model, true);
  torch::Tensor loss = Loss(*model, ids);  // records the routing it then holds
  model->zero_grad();
  loss.backward();
  std::vector<torch::Tensor> params = model->parameters();
  for (int trial = 0; trial < 3; ++trial) {
    std::vector<torch::Tensor> dirs;
    double analytic = 0.0;
    for (auto& p : params) {
      dirs.push_back(torch::randn_like(p));
      if (p.grad().defined()) analytic += (p.grad() * dirs.back()).sum().item<double>();
    }
    const double eps = 1e-6;
    auto shifted = [&](double h) {
      torch::NoGradGuard no_grad;
      for (size_t i = 0; i < params.size(); ++i) params[i].add_(dirs[i], h);
      double value = Loss(*model, ids).item<double>();
      for (size_t i = 0; i < params.size(); ++i) params[i].sub_(dirs[i], h);
      return value;
    };
    const double numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
    EXPECT_NEAR(analytic, numeric, 1e-6 * std::max(1.0, std::fabs(numeric))) << "trial " << trial;
  }
}

TEST(GradientTest, ActivationCheckpointingChangesNoGradient) {
  auto model = TinyModel(torch::kFloat32);
  torch::Tensor ids = torch::randint(0, 512, {2, 12}, torch::kInt64);
  model->zero_grad();
  Loss(*model, ids, false).backward();
  std::vector<torch::Tensor> plain;
  for (auto& t : model->HubTensors(true)) plain.push_back(t.target.clone());
  model->zero_grad();
  Loss(*model, ids, true).backward();
  auto checkpointed = model->HubTensors(true);
  ASSERT_EQ(plain.size(), checkpointed.size());
  for (size_t i = 0; i < plain.size(); ++i) {
    EXPECT_TRUE(torch::allclose(checkpointed[i].target, plain[i], 1e-5, 1e-7)) << checkpointed[i].name;
  }
}

TEST(GradientTest, GradientsMatchTransformers) {
  const std::string dir = DataPath("grad_v3");
  if (!std::ifstream(dir + "/reference.safetensors")) GTEST_SKIP() << "fixture grad_v3 not present";
  auto model = LoadPretrained(dir);
  ASSERT_TRUE(model.ok()) << model.status();
  (*model)->train();
  auto ref = ReadFixture(dir + "/reference.safetensors");
  torch::Tensor ids = ref.at("input_ids");
  torch::Tensor loss = NextTokenLoss((*model)->Forward(ids, {}).logits_BSV, ids);
  EXPECT_NEAR(loss.item<float>(), ref.at("loss").item<float>(), 1e-5);
  loss.backward();
  int compared = 0;
  for (auto& t : (*model)->HubTensors(true)) {
    auto it = ref.find("grad." + t.name);
    ASSERT_NE(it, ref.end()) << "no reference gradient for " << t.name;
    if (it->second.norm().item<double>() == 0.0) {
      EXPECT_EQ(t.target.norm().item<double>(), 0.0) << t.name;
    } else {
      EXPECT_LE(RelativeError(t.target, it->second), 1e-4) << t.name;
    }
    ++compared;
  }
  EXPECT_GT(compared, 50);
}

}  // namespace
}  // namespace reasonrl
