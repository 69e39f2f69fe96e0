// Multi-head Latent Attention (DeepSeek-V2/V3), model-spec.md §3.
//
// Shape legend: B batch, S new tokens, T key positions, D hidden, H heads, N qk_nope_head_dim,
// R qk_rope_head_dim, V v_head_dim, C kv_lora_rank.
//
// Two mathematically identical forms:
//  - naive (training, full sequences): k = [W_UK c_kv ; k_pe], v = W_UV c_kv, softmax(q kᵀ · scale) v;
//  - absorbed (with the latent cache): q_lat = q_nope W_UK, score = (q_lat·c_kv + q_pe·k_pe) · scale,
//    o = W_UV (P c_kv). Only c_kv and k_pe are cached.
#pragma once

#include <torch/torch.h>

#include "model/kv_cache.h"
#include "model/layers.h"
#include "model/model_config.h"

namespace reasonrl {

// What every layer of one forward call shares.
struct AttentionContext {
  torch::Tensor positions_BS;  // int64 absolute positions of the new tokens
  torch::Tensor cos_BSR, sin_BSR;  // from Rotary::CosSin(positions), float32, [B,S,R/2]
  LatentKvCache* cache = nullptr;  // null: naive causal attention over the S tokens
  torch::Tensor mask_B1ST;  // bool, true = may attend; built once per call when cache != null
};

class MlaImpl : public torch::nn::Module {
 public:
  MlaImpl(const ModelConfig& config, const Rotary* rotary);
  // x [B,S,D] (already normed) -> [B,S,D]. With a cache, writes layer `layer_index`'s latents.
  torch::Tensor forward(const torch::Tensor& x_BSD, const AttentionContext& ctx, int64_t layer_index);

  // Query: q_a_proj -> q_a_layernorm -> q_b_proj, or q_proj when q_lora_rank is null.
  torch::nn::Linear q_a_proj{nullptr}, q_b_proj{nullptr}, q_proj{nullptr};
  RMSNorm q_a_layernorm{nullptr};
  torch::nn::Linear kv_a_proj_with_mqa{nullptr};  // [C + R, D]
  RMSNorm kv_a_layernorm{nullptr};                 // over C
  torch::nn::Linear kv_b_proj{nullptr};            // [H (N + V), C], rows grouped per head
  torch::nn::Linear o_proj{nullptr};               // [D, H V]

 private:
  torch::Tensor Naive(const torch::Tensor& q_nope, const torch::Tensor& q_pe, const torch::Tensor& ckv,
                      const torch::Tensor& kpe);
  torch::Tensor Absorbed(const torch::Tensor& q_nope, const torch::Tensor& q_pe, const AttentionContext& ctx,
                         int64_t layer_index, const torch::Tensor& ckv, const torch::Tensor& kpe);

  int64_t heads_, nope_, rope_, v_dim_, kv_rank_;
  double scale_;
  const Rotary* rotary_;
};
TORCH_MODULE(Mla);

// The mask for a cached step: key t visible to query s of row b iff t < lengths[b] and t <= pos[b,s].
torch::Tensor CachedAttentionMask(const torch::Tensor& positions_BS, const torch::Tensor& lengths_B,
                                  int64_t max_length);

}  // namespace reasonrl
