// Shared building blocks of the decoder families: RMSNorm, SwiGLU MLP, rotary embeddings (RoPE/YaRN).
//
// Shape legend: B batch, S new tokens, T cached + new tokens, D hidden, I intermediate, R rope dims.
#pragma once

#include <torch/torch.h>

#include "model/model_config.h"

namespace reasonrl {

// float64 stays float64; anything narrower is computed in float32 (norms, router, softmax, losses).
inline torch::Tensor AtLeastFloat32(const torch::Tensor& t) {
  return t.scalar_type() == torch::kFloat64 ? t : t.to(torch::kFloat32);
}

// y = weight * (x * rsqrt(mean(x^2) + eps)), computed in float32 and cast back before the weight.
class RMSNormImpl : public torch::nn::Module {
 public:
  RMSNormImpl(int64_t dim, double eps);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight;

 private:
  double eps_;
};
TORCH_MODULE(RMSNorm);

// Linear without bias, weight [out, in], y = x Wᵀ. Initialised normal(0, std).
torch::nn::Linear MakeLinear(int64_t in, int64_t out);

// SwiGLU: down(silu(gate(x)) * up(x)); gate/up [I, D], down [D, I].
class SwiGluImpl : public torch::nn::Module {
 public:
  SwiGluImpl(int64_t hidden, int64_t intermediate);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
};
TORCH_MODULE(SwiGlu);

// Rotary position embedding over R = qk_rope_head_dim dims, with YaRN when the config asks for it.
//   inv_freq[i] = θ^(-2i/R); YaRN: inv_freq[i] = inv_freq[i]/s · ramp[i] + inv_freq[i] · (1 - ramp[i]),
//   ramp linear in the pair index between floor(corr(β_fast)) and ceil(corr(β_slow)),
//   corr(n) = R · ln(L_orig / (2π n)) / (2 ln θ). cos/sin carry the attention factor (rope_attention_factor).
class Rotary {
 public:
  explicit Rotary(const ModelConfig& config);
  // cos/sin [B, S, R/2] in float32 for integer positions [B, S].
  std::pair<torch::Tensor, torch::Tensor> CosSin(const torch::Tensor& positions_BS) const;
  // Rotates the last dim of x [B, S, H, R] (or [B, S, R]); cos/sin [B, S, R/2] broadcast over heads.
  // interleave: adjacent pairs (x[2i], x[2i+1]); otherwise halves (x[i], x[i + R/2]).
  torch::Tensor Apply(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) const;
  const torch::Tensor& inv_freq() const { return inv_freq_; }

 private:
  torch::Tensor inv_freq_;  // [R/2] float32, CPU; moved to the positions' device on use
  double attention_factor_;
  bool interleave_;
};

// The YaRN inverse frequencies alone (exposed for tests): [dim/2] float64.
torch::Tensor YarnInvFreq(double theta, int64_t dim, const RopeScaling& scaling);

}  // namespace reasonrl
