#include "model/layers.h"

#include <cmath>

namespace reasonrl {

RMSNormImpl::RMSNormImpl(int64_t dim, double eps) : eps_(eps) {
  weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x) {
  torch::Tensor x_f32 = AtLeastFloat32(x);
  torch::Tensor y = x_f32 * torch::rsqrt(x_f32.pow(2).mean(-1, /*keepdim=*/true) + eps_);
  return weight * y.to(x.scalar_type());
}

torch::nn::Linear MakeLinear(int64_t in, int64_t out) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(false));
}

SwiGluImpl::SwiGluImpl(int64_t hidden, int64_t intermediate) {
  gate_proj = register_module("gate_proj", MakeLinear(hidden, intermediate));
  up_proj = register_module("up_proj", MakeLinear(hidden, intermediate));
  down_proj = register_module("down_proj", MakeLinear(intermediate, hidden));
}

torch::Tensor SwiGluImpl::forward(const torch::Tensor& x) {
  return down_proj(torch::silu(gate_proj(x)) * up_proj(x));
}

torch::Tensor YarnInvFreq(double theta, int64_t dim, const RopeScaling& scaling) {
  const int64_t half = dim / 2;
  torch::Tensor i = torch::arange(half, torch::kFloat64);
  torch::Tensor inv_freq = torch::pow(theta, -2.0 * i / static_cast<double>(dim));
  if (!scaling.is_yarn()) return inv_freq;
  const double l_orig = static_cast<double>(scaling.original_max_position_embeddings);
  auto correction_dim = [&](double n_rot) {
    return dim * std::log(l_orig / (n_rot * 2.0 * M_PI)) / (2.0 * std::log(theta));
  };
  double low = std::max(std::floor(correction_dim(scaling.beta_fast)), 0.0);
  double high = std::min(std::ceil(correction_dim(scaling.beta_slow)), static_cast<double>(dim - 1));
  if (low == high) high += 0.001;
  torch::Tensor ramp = torch::clamp((i - low) / (high - low), 0.0, 1.0);
  return inv_freq / scaling.factor * ramp + inv_freq * (1.0 - ramp);
}

Rotary::Rotary(const ModelConfig& config)
    : inv_freq_(YarnInvFreq(config.rope_theta, config.qk_rope_head_dim, config.rope_scaling).to(torch::kFloat32)),
      attention_factor_(config.rope_attention_factor()),
      interleave_(config.rope_interleave) {}

std::pair<torch::Tensor, torch::Tensor> Rotary::CosSin(const torch::Tensor& positions_BS) const {
  torch::Tensor inv_freq = inv_freq_.to(positions_BS.device());
  torch::Tensor angles_BSR = positions_BS.to(torch::kFloat32).unsqueeze(-1) * inv_freq;  // [B,S,R/2]
  torch::Tensor cos = angles_BSR.cos(), sin = angles_BSR.sin();
  if (attention_factor_ != 1.0) {
    cos = cos * attention_factor_;
    sin = sin * attention_factor_;
  }
  return {cos, sin};
}

torch::Tensor Rotary::Apply(const torch::Tensor& x, const torch::Tensor& cos_in, const torch::Tensor& sin_in) const {
  // cos/sin [B,S,R/2] -> [B,S,1,R/2] when x has a head dim.
  torch::Tensor cos = cos_in.to(x.scalar_type()), sin = sin_in.to(x.scalar_type());
  if (x.dim() == 4) {
    cos = cos.unsqueeze(2);
    sin = sin.unsqueeze(2);
  }
  const int64_t r = x.size(-1);
  if (interleave_) {
    torch::Tensor pairs = x.unflatten(-1, {r / 2, 2});
    torch::Tensor x0 = pairs.select(-1, 0), x1 = pairs.select(-1, 1);
    return torch::stack({x0 * cos - x1 * sin, x0 * sin + x1 * cos}, -1).flatten(-2);
  }
  torch::Tensor x1 = x.narrow(-1, 0, r / 2), x2 = x.narrow(-1, r / 2, r / 2);
  return torch::cat({x1 * cos - x2 * sin, x2 * cos + x1 * sin}, -1);
}

}  // namespace reasonrl
