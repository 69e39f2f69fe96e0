// DeepSeekMoE routing, expert computation and balancing, against hand-computed values and a per-token
// reference loop.
#include "model/moe.h"

#include <gtest/gtest.h>

#include <cmath>

namespace reasonrl {
namespace {

ModelConfig TinyMoeConfig() {
  ModelConfig c;
  c.model_type = "deepseek_v3";
  c.hidden_size = 2;
  c.n_routed_experts = 4;
  c.num_experts_per_tok = 2;
  c.n_group = 2;
  c.topk_group = 1;
  c.moe_intermediate_size = 3;
  c.routed_scaling_factor = 2.5;
  c.scoring_func = ScoringFunc::kSigmoid;
  c.topk_method = TopkMethod::kNoauxTc;
  c.norm_topk_prob = true;
  return c;
}

double Logit(double p) { return std::log(p / (1 - p)); }

// x = [1, 0] makes the router logits the first column of W.
Router RouterWithScores(const ModelConfig& c, const std::vector<double>& s, const std::vector<float>& bias) {
  Router router(c);
  torch::NoGradGuard no_grad;
  router->weight.zero_();
  for (size_t i = 0; i < s.size(); ++i) router->weight[i][0] = Logit(s[i]);
  if (router->e_score_correction_bias.defined()) router->e_score_correction_bias.copy_(torch::tensor(bias));
  return router;
}

TEST(RouterTest, BiasSelectsTheGroupButGatesUseTheRawSigmoid) {
  ModelConfig c = TinyMoeConfig();
  // s = [0.9, 0.2, 0.6, 0.7]; c = s + b = [0.9, 0.7, 0.6, 0.7]. Group {0,1} scores 0.9+0.7 = 1.6, group
  // {2,3} 0.6+0.7 = 1.3: only experts 0 and 1 may be chosen, though expert 3 ties expert 1 on c.
  Router router = RouterWithScores(c, {0.9, 0.2, 0.6, 0.7}, {0.0f, 0.5f, 0.0f, 0.0f});
  RoutingResult r = router(torch::tensor({{1.0f, 0.0f}}));
  auto idx = r.indices_NK.sort(-1);
  EXPECT_EQ(std::get<0>(idx)[0][0].item<int64_t>(), 0);
  EXPECT_EQ(std::get<0>(idx)[0][1].item<int64_t>(), 1);
  // w = s[idx] / (0.9 + 0.2) · 2.5
  torch::Tensor w = r.weights_NK[0].gather(0, std::get<1>(idx)[0]);
  EXPECT_NEAR(w[0].item<float>(), 0.9 / 1.1 * 2.5, 1e-5);
  EXPECT_NEAR(w[1].item<float>(), 0.2 / 1.1 * 2.5, 1e-5);
}

TEST(RouterTest, WithoutGroupsTheTopTwoBiasedScoresWin) {
  ModelConfig c = TinyMoeConfig();
  c.n_group = 1;
  c.topk_group = 1;
  Router router = RouterWithScores(c, {0.9, 0.2, 0.6, 0.7}, {0.0f, 0.0f, 0.0f, 0.25f});
  RoutingResult r = router(torch::tensor({{1.0f, 0.0f}}));
  auto sorted = std::get<0>(r.indices_NK.sort(-1));
  EXPECT_EQ(sorted[0][0].item<int64_t>(), 0);
  EXPECT_EQ(sorted[0][1].item<int64_t>(), 3);  // 0.7 + 0.25 beats 0.6
}

TEST(RouterTest, SoftmaxGreedyDoesNotRenormaliseWhenNormTopkProbIsFalse) {
  ModelConfig c = TinyMoeConfig();
  c.model_type = "deepseek_v2";
  c.scoring_func = ScoringFunc::kSoftmax;
  c.topk_method = TopkMethod::kGreedy;
  c.norm_topk_prob = false;
  c.routed_scaling_factor = 1.0;
  Router router(c);
  {
    torch::NoGradGuard no_grad;
    router->weight.zero_();
    router->weight[0][0] = std::log(4.0);  // softmax over logits [ln4, 0, ln2, 0] = [4,1,2,1]/8
    router->weight[2][0] = std::log(2.0);
  }
  RoutingResult r = router(torch::tensor({{1.0f, 0.0f}}));
  EXPECT_EQ(r.indices_NK[0][0].item<int64_t>(), 0);
  EXPECT_EQ(r.indices_NK[0][1].item<int64_t>(), 2);
  EXPECT_NEAR(r.weights_NK[0][0].item<float>(), 0.5, 1e-6);
  EXPECT_NEAR(r.weights_NK[0][1].item<float>(), 0.25, 1e-6);
}

TEST(ExpertsTest, GroupedComputationEqualsAPerTokenLoop) {
  torch::manual_seed(0);
  Experts experts(5, 6, 4);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : experts->parameters()) p.normal_(0, 0.5);
  }
  const int64_t n = 9, k = 3;
  torch::Tensor x = torch::randn({n, 6});
  RoutingResult r;
  r.indices_NK = torch::stack({torch::randperm(5).narrow(0, 0, k), torch::randperm(5).narrow(0, 0, k),
                               torch::randperm(5).narrow(0, 0, k), torch::randperm(5).narrow(0, 0, k),
                               torch::randperm(5).narrow(0, 0, k), torch::randperm(5).narrow(0, 0, k),
                               torch::randperm(5).narrow(0, 0, k), torch::randperm(5).narrow(0, 0, k),
                               torch::randperm(5).narrow(0, 0, k)});
  r.weights_NK = torch::rand({n, k});
  torch::Tensor load;
  torch::Tensor y = experts(x, r, &load);
  torch::Tensor expected = torch::zeros({n, 6});
  std::vector<int64_t> counts(5, 0);
  for (int64_t t = 0; t < n; ++t) {
    for (int64_t j = 0; j < k; ++j) {
      const int64_t e = r.indices_NK[t][j].item<int64_t>();
      ++counts[e];
      torch::Tensor h = torch::silu(experts->gate_proj[e].matmul(x[t])) * experts->up_proj[e].matmul(x[t]);
      expected[t] += r.weights_NK[t][j] * experts->down_proj[e].matmul(h);
    }
  }
  EXPECT_TRUE(torch::allclose(y, expected, 1e-5, 1e-6));
  for (int64_t e = 0; e < 5; ++e) EXPECT_EQ(load[e].item<int64_t>(), counts[e]) << "expert " << e;
}

TEST(MoeBalanceTest, BiasUpdateMovesTowardTheMeanLoadBySignOnly) {
  torch::Tensor bias = torch::tensor({0.1f, 0.0f, -0.2f, 0.3f});
  // mean load 2: expert 0 overloaded (-γ), expert 1 underloaded (+γ), 2 and 3 at the mean (0).
  UpdateRouterBias(bias, torch::tensor({4, 0, 2, 2}, torch::kInt64), 0.001);
  EXPECT_NEAR(bias[0].item<float>(), 0.099f, 1e-7);
  EXPECT_NEAR(bias[1].item<float>(), 0.001f, 1e-7);
  EXPECT_NEAR(bias[2].item<float>(), -0.2f, 1e-7);
  EXPECT_NEAR(bias[3].item<float>(), 0.3f, 1e-7);
}

TEST(MoeBalanceTest, SequenceBalanceLossMatchesTheHandComputedValue) {
  // One sequence, 2 tokens, 4 experts, K = 1. s' rows: [.5,.5,0,0], [0,.5,.5,0] -> P = [.25,.5,.25,0].
  // Token 0 picks expert 0, token 1 expert 1: f = 4/(1·2) · [1,1,0,0] = [2,2,0,0]. L = 2·.25 + 2·.5 = 1.5.
  torch::Tensor scores = torch::tensor({{{1.0f, 1.0f, 0.0f, 0.0f}, {0.0f, 2.0f, 2.0f, 0.0f}}});
  torch::Tensor idx = torch::tensor({{{0}, {1}}}, torch::kInt64);
  EXPECT_NEAR(SequenceBalanceLoss(scores, idx, 4).item<float>(), 1.5f, 1e-6);
  // Two identical sequences average to the same value.
  EXPECT_NEAR(SequenceBalanceLoss(torch::cat({scores, scores}), torch::cat({idx, idx}), 4).item<float>(), 1.5f, 1e-6);
}

TEST(MoeBalanceTest, PerfectlyBalancedRoutingGivesLossOne) {
  // Uniform scores and each expert chosen equally often: f_i = 1, P_i = 1/E, Σ f_i P_i = 1.
  torch::Tensor scores = torch::ones({1, 4, 4});
  torch::Tensor idx = torch::tensor({{{0}, {1}, {2}, {3}}}, torch::kInt64);
  EXPECT_NEAR(SequenceBalanceLoss(scores, idx, 4).item<float>(), 1.0f, 1e-6);
}

}  // namespace
}  // namespace reasonrl
