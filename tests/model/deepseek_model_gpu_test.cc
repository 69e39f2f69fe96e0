// CUDA parity: the same fixtures on the GPU, float32 ≤ 1e-4 and bfloat16 ≤ 2e-2 relative to transformers'
// CPU float32 logits, and the decode path against the full forward in bfloat16 (reported).
#include <gtest/gtest.h>

#include <fstream>

#include "model/checkpoint.h"
#include "rollout/engine.h"
#include "tests/model/test_util.h"

namespace reasonrl {
namespace {

using testing::DataPath;
using testing::ReadFixture;
using testing::RelativeError;

class CudaFixtureTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
    if (!std::ifstream(DataPath(GetParam() + "/reference.safetensors"))) GTEST_SKIP() << "fixture missing";
  }
};

TEST_P(CudaFixtureTest, LogitsMatchTransformersInFloat32AndBfloat16) {
  auto ref = ReadFixture(DataPath(GetParam() + "/reference.safetensors"));
  torch::NoGradGuard no_grad;
  // bfloat16 against these float32 references is printed, not asserted: on tiny random MoE models bf16
  // rounding flips the expert choice of some tokens, and transformers' own bf16 forward is as far from its
  // float32 logits (0.16 on bf16_v3, tests/data/README.md). The bf16 gate is CudaBfloat16Test below:
  // reasonrl's bf16 against transformers' bf16 on the same weights.
  for (torch::ScalarType dtype : {torch::kFloat32, torch::kBFloat16}) {
    auto model = LoadPretrained(DataPath(GetParam()), {torch::kCUDA, dtype});
    ASSERT_TRUE(model.ok()) << model.status();
    torch::Tensor logits = (*model)->Forward(ref.at("input_ids").cuda(), {}).logits_BSV.to(torch::kFloat32).cpu();
    double err = RelativeError(logits, ref.at("logits"));
    std::printf("[ %s %s ] relative error %.3g\n", GetParam().c_str(), c10::toString(dtype), err);
    if (dtype == torch::kFloat32) EXPECT_LE(err, 1e-4);  // bf16: printed only (see above)
  }
}

TEST_P(CudaFixtureTest, GreedyOutputEqualsTransformersInFloat32) {
  auto ref = ReadFixture(DataPath(GetParam() + "/reference.safetensors"));
  auto model = LoadPretrained(DataPath(GetParam()), {torch::kCUDA, torch::kFloat32});
  ASSERT_TRUE(model.ok());
  torch::Tensor prompt = ref.at("greedy_prompt")[0].contiguous(), expected = ref.at("greedy_output")[0].contiguous();
  std::vector<int64_t> p(prompt.data_ptr<int64_t>(), prompt.data_ptr<int64_t>() + prompt.numel());
  std::vector<int64_t> e(expected.data_ptr<int64_t>(), expected.data_ptr<int64_t>() + expected.numel());
  auto result = GreedyGenerate(**model, {p}, {static_cast<int64_t>(e.size() - p.size()), std::nullopt});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->tokens[0], e);
}

INSTANTIATE_TEST_SUITE_P(Transformers, CudaFixtureTest,
                         ::testing::Values("hf_tiny_deepseek_v3", "v3_yarn_hub_config", "v3_no_q_lora_multigroup",
                                           "v2_softmax_greedy", "v2_group_limited", "grad_v3"));

// Against transformers' own bfloat16 CUDA forward of the same weights (fixture bf16_v3): the error of both
// implementations' bf16 rounding: overall ≤ 2e-2, per-token figures printed.
TEST(CudaBfloat16Test, LogitsTrackTransformersBfloat16PerToken) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  auto ref = ReadFixture(DataPath("bf16_v3/reference.safetensors"));
  auto model = LoadPretrained(DataPath("bf16_v3"), {torch::kCUDA, torch::kBFloat16});
  ASSERT_TRUE(model.ok());
  torch::NoGradGuard no_grad;
  torch::Tensor ours = (*model)->Forward(ref.at("input_ids").cuda(), {}).logits_BSV.to(torch::kFloat32).cpu();
  torch::Tensor theirs = ref.at("logits_bf16");
  torch::Tensor per_token = (ours - theirs).norm(2, -1) / theirs.norm(2, -1);
  std::printf("[ bf16_v3 ] ours vs transformers bf16: overall %.3g, per-token median %.3g, max %.3g\n",
              RelativeError(ours, theirs), per_token.median().item<double>(), per_token.max().item<double>());
  EXPECT_LE(RelativeError(ours, theirs), 2e-2);
  EXPECT_LE(per_token.median().item<double>(), 2e-2);
}

TEST(CudaDecodeTest, ReportsLogProbGapBetweenDecodeAndFullForwardInBfloat16) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  auto model = LoadPretrained(DataPath("hf_tiny_deepseek_v3"), {torch::kCUDA, torch::kBFloat16});
  ASSERT_TRUE(model.ok());
  torch::NoGradGuard no_grad;
  torch::manual_seed(0);
  const int64_t b = 4, s = 64;
  torch::Tensor ids = torch::randint(0, 512, {b, s}, torch::kInt64).cuda();
  torch::Tensor full = torch::log_softmax((*model)->Forward(ids, {}).logits_BSV.to(torch::kFloat32), -1);
  LatentKvCache cache = (*model)->AllocateCache(b, s);
  std::vector<torch::Tensor> steps;
  for (int64_t t = 0; t < s; ++t) {
    ForwardOptions o;
    o.cache = &cache;
    o.positions_BS = torch::full({b, 1}, t, torch::dtype(torch::kInt64).device(torch::kCUDA));
    cache.lengths_B.fill_(t + 1);
    o.key_length = t + 1;
    steps.push_back((*model)->Forward(ids.narrow(1, t, 1), o).logits_BSV.to(torch::kFloat32));
  }
  torch::Tensor decode = torch::log_softmax(torch::cat(steps, 1), -1);
  // log-prob of the next actual token under each path
  torch::Tensor target = ids.narrow(1, 1, s - 1).unsqueeze(-1);
  torch::Tensor a = full.narrow(1, 0, s - 1).gather(-1, target), c = decode.narrow(1, 0, s - 1).gather(-1, target);
  torch::Tensor gap = (a - c).abs();
  std::printf("[ bf16 decode vs full forward ] mean |d logp| %.3g, max |d logp| %.3g over %ld tokens\n",
              gap.mean().item<double>(), gap.max().item<double>(), static_cast<long>(gap.numel()));
  EXPECT_LT(gap.mean().item<double>(), 0.05);
}

}  // namespace
}  // namespace reasonrl
