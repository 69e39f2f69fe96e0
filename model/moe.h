// DeepSeekMoE (model-spec.md §5): router, routed experts, shared experts, and what the learner needs
// from them: per-expert load counts, the auxiliary-loss-free bias update, the sequence-wise balance loss.
//
// Shape legend: B batch, S tokens, D hidden, I expert width, E routed experts, K experts per token,
// G expert groups, N = B·S tokens.
#pragma once

#include <torch/torch.h>

#include "model/layers.h"
#include "model/model_config.h"

namespace reasonrl {

struct RoutingResult {
  torch::Tensor indices_NK;   // int64 selected experts
  torch::Tensor weights_NK;   // float32 gate values (renormalised, scaled)
  torch::Tensor scores_NE;    // float32 affinities s (sigmoid or softmax), before the bias
};

// The router: logits = x_f32 · W_gateᵀ in float32.
//  sigmoid/noaux_tc: s = σ(logits); c = s + b (selection only); groups scored by the sum of their top-2 c,
//    topk_group groups kept (others -inf); top-K of c; w = s[idx].
//  softmax/greedy: s = softmax(logits); top-K of s. group_limited_greedy: groups scored by their max s.
//  Then w /= Σw + 1e-20 when norm_topk_prob, and w *= routed_scaling_factor.
class RouterImpl : public torch::nn::Module {
 public:
  explicit RouterImpl(const ModelConfig& config);
  RoutingResult forward(const torch::Tensor& x_ND);
  torch::Tensor weight;                   // [E, D], model dtype
  torch::Tensor e_score_correction_bias;  // [E] float32 buffer (noaux_tc only; undefined otherwise)
  // Testing hook to hold routing fixed: when `freeze_routing` is set, the selection of the previous
  // forward (kept in last_indices_NK) is reused instead of a new top-k. REQUIRES: same token count.
  bool freeze_routing = false;
  torch::Tensor last_indices_NK;

 private:
  ModelConfig config_;
};
TORCH_MODULE(Router);

// Routed experts stored stacked: gate_proj/up_proj [E, I, D], down_proj [E, D, I]. Tokens are grouped by
// expert (one sort), and each expert multiplies its contiguous slice: a loop over experts, never tokens.
class ExpertsImpl : public torch::nn::Module {
 public:
  ExpertsImpl(int64_t num_experts, int64_t hidden, int64_t intermediate);
  // y[n] = Σ_k w[n,k] · Expert_{idx[n,k]}(x[n]); accumulation in float32, result in x's dtype.
  // `load_E` (optional out) receives the number of (token, expert) assignments per expert.
  torch::Tensor forward(const torch::Tensor& x_ND, const RoutingResult& routing, torch::Tensor* load_E);
  torch::Tensor gate_proj, up_proj, down_proj;
};
TORCH_MODULE(Experts);

struct MoeStats {
  torch::Tensor load_E;        // int64 [E]: assignments per expert in the last forward
  torch::Tensor balance_loss;  // scalar: Σ_i f_i P_i averaged over sequences (α applied by the caller)
};

class MoeImpl : public torch::nn::Module {
 public:
  explicit MoeImpl(const ModelConfig& config);
  // x [B,S,D] -> [B,S,D]. When `stats` is non-null, fills the load counts and, if want_balance_loss, the
  // sequence-wise balance loss.
  torch::Tensor forward(const torch::Tensor& x_BSD, MoeStats* stats = nullptr, bool want_balance_loss = false);

  Router gate{nullptr};
  Experts experts{nullptr};
  SwiGlu shared_experts{nullptr};  // width n_shared_experts · moe_intermediate_size; null if none

 private:
  ModelConfig config_;
};
TORCH_MODULE(Moe);

// Sequence-wise balance loss for one layer (V3 report eq. 17-20), mean over the B sequences:
//   f_i = E / (K·S) Σ_t 1[i ∈ TopK(t)],  P_i = (1/S) Σ_t s_{i,t} / Σ_j s_{j,t},  L = Σ_i f_i P_i.
// scores [B,S,E] (float32, differentiable), indices [B,S,K].
torch::Tensor SequenceBalanceLoss(const torch::Tensor& scores_BSE, const torch::Tensor& indices_BSK,
                                  int64_t num_experts);

// Auxiliary-loss-free balancing (V3 report §2.1.2): b_i += γ · sign(mean_j load_j − load_i).
// `load_E` is the (all-reduced) assignment count of each expert over the step's batch.
void UpdateRouterBias(torch::Tensor& bias_E, const torch::Tensor& load_E, double gamma);

}  // namespace reasonrl
