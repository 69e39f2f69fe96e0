#include "model/moe.h"

#include <limits>

namespace reasonrl {
namespace {
constexpr float kNegInf = -std::numeric_limits<float>::infinity();
}  // namespace

RouterImpl::RouterImpl(const ModelConfig& config) : config_(config) {
  weight = register_parameter("weight", torch::empty({config.n_routed_experts, config.hidden_size}));
  if (config.topk_method == TopkMethod::kNoauxTc) {
    e_score_correction_bias = register_buffer("e_score_correction_bias", torch::zeros({config.n_routed_experts}));
  }
}

RoutingResult RouterImpl::forward(const torch::Tensor& x_ND) {
  const ModelConfig& c = config_;
  const int64_t n = x_ND.size(0), e = c.n_routed_experts, k = c.num_experts_per_tok;
  torch::Tensor logits_NE = torch::nn::functional::linear(AtLeastFloat32(x_ND), AtLeastFloat32(weight).to(AtLeastFloat32(x_ND).scalar_type()));
  RoutingResult r;
  torch::Tensor choice_NE;  // what top-k selects on
  if (c.scoring_func == ScoringFunc::kSigmoid) {
    r.scores_NE = torch::sigmoid(logits_NE);
  } else {
    r.scores_NE = torch::softmax(logits_NE, -1);
  }
  if (freeze_routing && last_indices_NK.defined() && last_indices_NK.size(0) == n) {
    r.indices_NK = last_indices_NK;
  } else {
    torch::NoGradGuard no_grad;  // selection is not differentiated
    choice_NE = r.scores_NE.detach();
    if (c.topk_method == TopkMethod::kNoauxTc) choice_NE = choice_NE + e_score_correction_bias.to(choice_NE.scalar_type());
    if (c.topk_method != TopkMethod::kGreedy && c.n_group > 1) {
      torch::Tensor grouped_NGE = choice_NE.view({n, c.n_group, e / c.n_group});
      torch::Tensor group_score_NG = c.topk_method == TopkMethod::kNoauxTc
                                         ? std::get<0>(grouped_NGE.topk(2, -1)).sum(-1)
                                         : std::get<0>(grouped_NGE.max(-1));
      torch::Tensor keep_NG = torch::zeros_like(group_score_NG, torch::kBool)
                                  .scatter_(1, std::get<1>(group_score_NG.topk(c.topk_group, -1)), true);
      choice_NE = grouped_NGE.masked_fill(keep_NG.logical_not().unsqueeze(-1), kNegInf).view({n, e});
    }
    r.indices_NK = std::get<1>(choice_NE.topk(k, -1));
    if (freeze_routing) last_indices_NK = r.indices_NK;
  }
  r.weights_NK = r.scores_NE.gather(1, r.indices_NK);
  if (c.norm_topk_prob) r.weights_NK = r.weights_NK / (r.weights_NK.sum(-1, true) + 1e-20);
  r.weights_NK = r.weights_NK * c.routed_scaling_factor;
  return r;
}

ExpertsImpl::ExpertsImpl(int64_t num_experts, int64_t hidden, int64_t intermediate) {
  gate_proj = register_parameter("gate_proj", torch::empty({num_experts, intermediate, hidden}));
  up_proj = register_parameter("up_proj", torch::empty({num_experts, intermediate, hidden}));
  down_proj = register_parameter("down_proj", torch::empty({num_experts, hidden, intermediate}));
}

torch::Tensor ExpertsImpl::forward(const torch::Tensor& x_ND, const RoutingResult& routing, torch::Tensor* load_E) {
  const int64_t n = x_ND.size(0), k = routing.indices_NK.size(1), e = gate_proj.size(0);
  torch::Tensor flat_expert = routing.indices_NK.reshape({-1});  // [N·K]
  torch::Tensor order = flat_expert.argsort();
  torch::Tensor token_of = order.div(k, "floor");               // token of each sorted assignment
  torch::Tensor weight_of = routing.weights_NK.reshape({-1}).index_select(0, order);
  torch::Tensor counts_E = torch::bincount(flat_expert, /*weights=*/{}, e);
  if (load_E != nullptr) *load_E = counts_E.detach();
  std::vector<int64_t> counts(e);
  torch::Tensor counts_cpu = counts_E.to(torch::kCPU);
  std::copy(counts_cpu.data_ptr<int64_t>(), counts_cpu.data_ptr<int64_t>() + e, counts.begin());

  torch::Tensor x_sorted = x_ND.index_select(0, token_of);  // [N·K, D]
  std::vector<torch::Tensor> outs;
  outs.reserve(e);
  int64_t start = 0;
  for (int64_t i = 0; i < e; ++i) {
    if (counts[i] == 0) continue;
    torch::Tensor xi = x_sorted.narrow(0, start, counts[i]);
    torch::Tensor h = torch::silu(torch::matmul(xi, gate_proj[i].t())) * torch::matmul(xi, up_proj[i].t());
    outs.push_back(torch::matmul(h, down_proj[i].t()));
    start += counts[i];
  }
  const torch::ScalarType acc = AtLeastFloat32(x_ND).scalar_type();
  torch::Tensor y_sorted = torch::cat(outs, 0).to(acc) * weight_of.to(acc).unsqueeze(-1);
  torch::Tensor y_ND = torch::zeros({n, x_ND.size(1)}, x_ND.options().dtype(acc));
  y_ND = y_ND.index_add(0, token_of, y_sorted);
  return y_ND.to(x_ND.scalar_type());
}

MoeImpl::MoeImpl(const ModelConfig& config) : config_(config) {
  gate = register_module("gate", Router(config));
  experts = register_module("experts", Experts(config.n_routed_experts, config.hidden_size, config.moe_intermediate_size));
  if (config.n_shared_experts > 0) {
    shared_experts = register_module("shared_experts",
                                     SwiGlu(config.hidden_size, config.n_shared_experts * config.moe_intermediate_size));
  }
}

torch::Tensor MoeImpl::forward(const torch::Tensor& x_BSD, MoeStats* stats, bool want_balance_loss) {
  const int64_t b = x_BSD.size(0), s = x_BSD.size(1), d = x_BSD.size(2);
  torch::Tensor x_ND = x_BSD.reshape({b * s, d});
  RoutingResult routing = gate(x_ND);
  torch::Tensor load_E;
  torch::Tensor y_ND = experts(x_ND, routing, stats ? &load_E : nullptr);
  if (shared_experts) y_ND = y_ND + shared_experts(x_ND);
  if (stats != nullptr) {
    stats->load_E = load_E;
    if (want_balance_loss) {
      stats->balance_loss = SequenceBalanceLoss(routing.scores_NE.view({b, s, -1}),
                                                routing.indices_NK.view({b, s, -1}), config_.n_routed_experts);
    }
  }
  return y_ND.view({b, s, d});
}

torch::Tensor SequenceBalanceLoss(const torch::Tensor& scores_BSE, const torch::Tensor& indices_BSK,
                                  int64_t num_experts) {
  const int64_t b = scores_BSE.size(0), s = scores_BSE.size(1), k = indices_BSK.size(2);
  torch::Tensor counts_BE = torch::zeros({b, num_experts}, scores_BSE.options());
  counts_BE.scatter_add_(1, indices_BSK.reshape({b, s * k}), torch::ones({b, s * k}, scores_BSE.options()));
  torch::Tensor f_BE = counts_BE * (static_cast<double>(num_experts) / (k * s));
  torch::Tensor p_BE = (scores_BSE / scores_BSE.sum(-1, true)).mean(1);
  return (f_BE * p_BE).sum(-1).mean();
}

void UpdateRouterBias(torch::Tensor& bias_E, const torch::Tensor& load_E, double gamma) {
  torch::NoGradGuard no_grad;
  torch::Tensor load = load_E.to(torch::kFloat64);
  torch::Tensor delta = torch::sign(load.mean() - load) * gamma;
  bias_E.add_(delta.to(bias_E.options()));
}

}  // namespace reasonrl
