// The DeepSeek decoder against Hugging Face transformers (tests/data fixtures made by transformers 5.17).
#include <gtest/gtest.h>

#include <fstream>

#include "model/architectures.h"
#include "model/checkpoint.h"
#include "rollout/engine.h"
#include "tests/model/test_util.h"

namespace reasonrl {
namespace {

using testing::DataPath;
using testing::ReadFixture;
using testing::RelativeError;

std::shared_ptr<CausalLm> Load(const std::string& fixture, torch::ScalarType dtype = torch::kFloat32) {
  auto model = LoadPretrained(DataPath(fixture), {torch::kCPU, dtype});
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *model : nullptr;
}

std::vector<int64_t> Row(const torch::Tensor& t) {
  torch::Tensor c = t.contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

class FixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureTest, LogitsMatchTransformersInFloat32) {
  const std::string dir = GetParam();
  if (!std::ifstream(DataPath(dir + "/reference.safetensors"))) GTEST_SKIP() << "fixture " << dir << " not present";
  auto model = Load(dir);
  ASSERT_NE(model, nullptr);
  auto ref = ReadFixture(DataPath(dir + "/reference.safetensors"));
  torch::NoGradGuard no_grad;
  torch::Tensor logits = model->Forward(ref.at("input_ids"), {}).logits_BSV;
  EXPECT_LE(RelativeError(logits, ref.at("logits")), 1e-4);
}

TEST_P(FixtureTest, GreedyOutputEqualsTransformers) {
  const std::string dir = GetParam();
  if (!std::ifstream(DataPath(dir + "/reference.safetensors"))) GTEST_SKIP() << "fixture " << dir << " not present";
  auto model = Load(dir);
  ASSERT_NE(model, nullptr);
  auto ref = ReadFixture(DataPath(dir + "/reference.safetensors"));
  const torch::Tensor& prompt = ref.at("greedy_prompt");
  const torch::Tensor& expected = ref.at("greedy_output");
  auto result = GreedyGenerate(*model, {Row(prompt[0])}, {expected.size(1) - prompt.size(1), std::nullopt});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->tokens[0], Row(expected[0]));
}

INSTANTIATE_TEST_SUITE_P(Transformers, FixtureTest,
                         ::testing::Values("hf_tiny_deepseek_v3", "v3_yarn_hub_config", "v3_no_q_lora_multigroup",
                                           "v2_softmax_greedy", "v2_group_limited", "grad_v3"));

TEST(DeepseekDecodeTest, TokenByTokenDecodingReproducesFullForwardLogits) {
  auto model = Load("hf_tiny_deepseek_v3");
  ASSERT_NE(model, nullptr);
  torch::NoGradGuard no_grad;
  torch::manual_seed(3);
  torch::Tensor ids = torch::randint(0, model->config().vocab_size, {2, 20}, torch::kInt64);
  torch::Tensor full = model->Forward(ids, {}).logits_BSV;

  LatentKvCache cache = model->AllocateCache(2, 20);
  std::vector<torch::Tensor> steps;
  for (int64_t t = 0; t < 20; ++t) {
    ForwardOptions o;
    o.cache = &cache;
    o.positions_BS = torch::full({2, 1}, t, torch::kInt64);
    cache.lengths_B = torch::full({2}, t + 1, torch::kInt64);
    o.key_length = t + 1;
    steps.push_back(model->Forward(ids.narrow(1, t, 1), o).logits_BSV);
  }
  EXPECT_LE(RelativeError(torch::cat(steps, 1), full), 1e-5);
}

TEST(DeepseekDecodeTest, BatchedGreedyOnRaggedPromptsEqualsGreedyOnEachPromptAlone) {
  auto model = Load("hf_tiny_deepseek_v3");
  ASSERT_NE(model, nullptr);
  torch::manual_seed(5);
  std::vector<std::vector<int64_t>> prompts;
  for (int64_t len : {3, 9, 1, 6}) {
    prompts.push_back(Row(torch::randint(0, model->config().vocab_size, {len}, torch::kInt64)));
  }
  auto batched = GreedyGenerate(*model, prompts, {12, std::nullopt});
  ASSERT_TRUE(batched.ok()) << batched.status();
  for (size_t i = 0; i < prompts.size(); ++i) {
    auto alone = GreedyGenerate(*model, {prompts[i]}, {12, std::nullopt});
    ASSERT_TRUE(alone.ok());
    EXPECT_EQ(batched->tokens[i], alone->tokens[0]) << "prompt " << i;
  }
}

TEST(DeepseekDecodeTest, GenerationStopsEachRowAtEos) {
  auto model = Load("hf_tiny_deepseek_v3");
  ASSERT_NE(model, nullptr);
  auto ref = ReadFixture(DataPath("hf_tiny_deepseek_v3/reference.safetensors"));
  std::vector<int64_t> expected = Row(ref.at("greedy_output")[0]);
  const int64_t eos = expected[8];  // the third generated token (prompt is 6 long)
  auto result = GreedyGenerate(*model, {Row(ref.at("greedy_prompt")[0])}, {10, eos});
  ASSERT_TRUE(result.ok());
  // Stops at the first occurrence of eos among the generated tokens.
  size_t first = 6;
  while (expected[first] != eos) ++first;
  EXPECT_EQ(result->tokens[0], std::vector<int64_t>(expected.begin(), expected.begin() + first + 1));
}

TEST(DeepseekModelTest, BalanceLossAndLoadCountsComeFromEveryMoeLayer) {
  auto model = Load("hf_tiny_deepseek_v3");
  ASSERT_NE(model, nullptr);
  torch::Tensor ids = torch::randint(0, 512, {3, 7}, torch::kInt64);
  ForwardOptions o;
  o.collect_expert_load = true;
  o.balance_loss = true;
  ForwardOutput out = model->Forward(ids, o);
  ASSERT_EQ(out.expert_load_LE.size(), 2u);  // layers 1 and 2 are MoE
  for (const auto& load : out.expert_load_LE) EXPECT_EQ(load.sum().item<int64_t>(), 3 * 7 * 2);
  ASSERT_TRUE(out.balance_loss.defined());
  EXPECT_TRUE(out.balance_loss.requires_grad());
}

TEST(DeepseekModelTest, RandomModelsFromOneSeedAreIdentical) {
  auto config = LoadModelConfig(DataPath("hf_tiny_deepseek_v3/config.json"));
  ASSERT_TRUE(config.ok());
  auto a = CreateRandomCausalLm(*config, 7), b = CreateRandomCausalLm(*config, 7), c = CreateRandomCausalLm(*config, 8);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  auto ta = (*a)->HubTensors(), tb = (*b)->HubTensors(), tc = (*c)->HubTensors();
  ASSERT_EQ(ta.size(), tb.size());
  bool any_differs = false;
  for (size_t i = 0; i < ta.size(); ++i) {
    EXPECT_TRUE(torch::equal(ta[i].target, tb[i].target)) << ta[i].name;
    if (ta[i].name.find("norm") == std::string::npos && ta[i].name.find("bias") == std::string::npos) {
      any_differs = any_differs || !torch::equal(ta[i].target, tc[i].target);
      EXPECT_NEAR(ta[i].target.std().item<double>(), config->initializer_range, 0.25 * config->initializer_range)
          << ta[i].name;
    }
  }
  EXPECT_TRUE(any_differs);
}

}  // namespace
}  // namespace reasonrl
