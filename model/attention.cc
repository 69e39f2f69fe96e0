#include "model/attention.h"

#include "model/torch_compat.h"

namespace reasonrl {

MlaImpl::MlaImpl(const ModelConfig& c, const Rotary* rotary)
    : heads_(c.num_attention_heads),
      nope_(c.qk_nope_head_dim),
      rope_(c.qk_rope_head_dim),
      v_dim_(c.v_head_dim),
      kv_rank_(c.kv_lora_rank),
      scale_(c.softmax_scale()),
      rotary_(rotary) {
  const int64_t d = c.hidden_size, qk = c.qk_head_dim();
  if (c.q_lora_rank) {
    q_a_proj = register_module("q_a_proj", MakeLinear(d, *c.q_lora_rank));
    q_a_layernorm = register_module("q_a_layernorm", RMSNorm(*c.q_lora_rank, c.rms_norm_eps));
    q_b_proj = register_module("q_b_proj", MakeLinear(*c.q_lora_rank, heads_ * qk));
  } else {
    q_proj = register_module("q_proj", MakeLinear(d, heads_ * qk));
  }
  kv_a_proj_with_mqa = register_module("kv_a_proj_with_mqa", MakeLinear(d, kv_rank_ + rope_));
  kv_a_layernorm = register_module("kv_a_layernorm", RMSNorm(kv_rank_, c.rms_norm_eps));
  kv_b_proj = register_module("kv_b_proj", MakeLinear(kv_rank_, heads_ * (nope_ + v_dim_)));
  o_proj = register_module("o_proj", MakeLinear(heads_ * v_dim_, d));
}

torch::Tensor MlaImpl::forward(const torch::Tensor& x_BSD, const AttentionContext& ctx, int64_t layer_index) {
  const int64_t b = x_BSD.size(0), s = x_BSD.size(1);
  torch::Tensor q = q_proj ? q_proj(x_BSD) : q_b_proj(q_a_layernorm(q_a_proj(x_BSD)));
  torch::Tensor q_BSHK = q.view({b, s, heads_, nope_ + rope_});
  torch::Tensor q_nope = q_BSHK.narrow(-1, 0, nope_);
  torch::Tensor q_pe = rotary_->Apply(q_BSHK.narrow(-1, nope_, rope_), ctx.cos_BSR, ctx.sin_BSR);

  torch::Tensor kv = kv_a_proj_with_mqa(x_BSD);
  torch::Tensor ckv_BSC = kv_a_layernorm(kv.narrow(-1, 0, kv_rank_));
  torch::Tensor kpe_BSR = rotary_->Apply(kv.narrow(-1, kv_rank_, rope_), ctx.cos_BSR, ctx.sin_BSR);

  torch::Tensor o_BSHV = ctx.cache == nullptr ? Naive(q_nope, q_pe, ckv_BSC, kpe_BSR)
                                              : Absorbed(q_nope, q_pe, ctx, layer_index, ckv_BSC, kpe_BSR);
  return o_proj(o_BSHV.reshape({b, s, heads_ * v_dim_}));
}

torch::Tensor MlaImpl::Naive(const torch::Tensor& q_nope, const torch::Tensor& q_pe, const torch::Tensor& ckv_BSC,
                             const torch::Tensor& kpe_BSR) {
  const int64_t b = q_nope.size(0), s = q_nope.size(1);
  torch::Tensor kv_BSHK = kv_b_proj(ckv_BSC).view({b, s, heads_, nope_ + v_dim_});
  torch::Tensor k_nope = kv_BSHK.narrow(-1, 0, nope_);
  torch::Tensor v_BHSV = kv_BSHK.narrow(-1, nope_, v_dim_).transpose(1, 2);
  torch::Tensor k_BHSK = torch::cat({k_nope, kpe_BSR.unsqueeze(2).expand({b, s, heads_, rope_})}, -1).transpose(1, 2);
  torch::Tensor q_BHSK = torch::cat({q_nope, q_pe}, -1).transpose(1, 2);
#if REASONRL_HAS_SDPA_SCALE
  torch::Tensor o_BHSV = at::scaled_dot_product_attention(q_BHSK, k_BHSK, v_BHSV, /*attn_mask=*/{}, /*dropout_p=*/0.0,
                                                          /*is_causal=*/true, /*scale=*/scale_);
#else
  torch::Tensor scores = torch::matmul(q_BHSK, k_BHSK.transpose(-1, -2)) * scale_;
  torch::Tensor causal = torch::ones({s, s}, torch::dtype(torch::kBool).device(scores.device())).triu(1);
  scores = scores.masked_fill(causal, -std::numeric_limits<float>::infinity());
  torch::Tensor p = torch::softmax(AtLeastFloat32(scores), -1).to(q_BHSK.scalar_type());
  torch::Tensor o_BHSV = torch::matmul(p, v_BHSV);
#endif
  return o_BHSV.transpose(1, 2);
}

torch::Tensor MlaImpl::Absorbed(const torch::Tensor& q_nope, const torch::Tensor& q_pe, const AttentionContext& ctx,
                                int64_t layer_index, const torch::Tensor& ckv_BSC, const torch::Tensor& kpe_BSR) {
  LatentCacheLayer& layer = ctx.cache->layers.at(layer_index);
  const int64_t b = q_nope.size(0), s = q_nope.size(1);
  {
    torch::NoGradGuard no_grad;
    torch::Tensor idx = ctx.positions_BS.unsqueeze(-1);
    layer.ckv_BTC.scatter_(1, idx.expand({b, s, kv_rank_}), ckv_BSC.to(layer.ckv_BTC.scalar_type()));
    layer.kpe_BTR.scatter_(1, idx.expand({b, s, rope_}), kpe_BSR.to(layer.kpe_BTR.scalar_type()));
  }
  const int64_t t = ctx.mask_B1ST.size(-1);
  torch::Tensor ckv_BTC = layer.ckv_BTC.narrow(1, 0, t), kpe_BTR = layer.kpe_BTR.narrow(1, 0, t);
  // kv_b_proj rows per head: [W_UK (N rows) ; W_UV (V rows)] over C.
  torch::Tensor w_HKC = kv_b_proj->weight.view({heads_, nope_ + v_dim_, kv_rank_});
  torch::Tensor w_uk_HNC = w_HKC.narrow(1, 0, nope_), w_uv_HVC = w_HKC.narrow(1, nope_, v_dim_);
  torch::Tensor q_lat_BSHC = torch::einsum("bshn,hnc->bshc", {q_nope, w_uk_HNC});
  torch::Tensor scores_BHST = (torch::einsum("bshc,btc->bhst", {q_lat_BSHC, ckv_BTC}) +
                               torch::einsum("bshr,btr->bhst", {q_pe, kpe_BTR})) *
                              scale_;
  scores_BHST = scores_BHST.masked_fill(ctx.mask_B1ST.logical_not(), -std::numeric_limits<float>::infinity());
  torch::Tensor p_BHST = torch::softmax(AtLeastFloat32(scores_BHST), -1).to(q_nope.scalar_type());
  torch::Tensor o_lat_BSHC = torch::einsum("bhst,btc->bshc", {p_BHST, ckv_BTC});
  return torch::einsum("bshc,hvc->bshv", {o_lat_BSHC, w_uv_HVC});
}

torch::Tensor CachedAttentionMask(const torch::Tensor& positions_BS, const torch::Tensor& lengths_B,
                                  int64_t key_length) {
  torch::Tensor t = torch::arange(key_length, positions_BS.options()).view({1, 1, key_length});
  torch::Tensor visible = (t <= positions_BS.unsqueeze(-1)) & (t < lengths_B.view({-1, 1, 1}));
  return visible.unsqueeze(1);  // [B,1,S,T]
}

}  // namespace reasonrl
