// Parameter and FLOP counts of a DeepSeek-family config, for model FLOPs utilisation (MFU).
//
//   active parameters = embedding-free weights a token passes through: attention, dense MLPs,
//                       shared + top-K routed experts, routers, lm_head (not the embedding lookup)
//   forward FLOPs/token = 2 · active + attention scores and values over the causal prefix:
//                         Σ_layers 2 · H · (qk_head_dim + v_head_dim) · S/2   (MaxText's causal accounting)
#pragma once

#include <cstdint>

#include "model/model_config.h"

namespace reasonrl::bench {

struct ParameterCounts {
  int64_t total = 0;
  int64_t active = 0;  // per token, embedding excluded, lm_head included
};

inline ParameterCounts CountParameters(const ModelConfig& c) {
  const int64_t d = c.hidden_size, h = c.num_attention_heads, qk = c.qk_head_dim();
  int64_t q = c.q_lora_rank ? d * *c.q_lora_rank + *c.q_lora_rank + *c.q_lora_rank * h * qk : d * h * qk;
  int64_t attn = q + d * (c.kv_lora_rank + c.qk_rope_head_dim) + c.kv_lora_rank +
                 c.kv_lora_rank * h * (c.qk_nope_head_dim + c.v_head_dim) + h * c.v_head_dim * d + 2 * d;
  int64_t expert = 3 * d * c.moe_intermediate_size, dense = 3 * d * c.intermediate_size;
  ParameterCounts p;
  p.total = 2 * c.vocab_size * d + d;
  p.active = c.vocab_size * d;
  for (int64_t l = 0; l < c.num_hidden_layers; ++l) {
    if (c.is_moe_layer(l)) {
      p.total += attn + (c.n_routed_experts + c.n_shared_experts) * expert + c.n_routed_experts * d;
      p.active += attn + (c.num_experts_per_tok + c.n_shared_experts) * expert + c.n_routed_experts * d;
    } else {
      p.total += attn + dense;
      p.active += attn + dense;
    }
  }
  return p;
}

inline double ForwardFlopsPerToken(const ModelConfig& c, int64_t seq_len) {
  const double attention = 2.0 * c.num_attention_heads * (c.qk_head_dim() + c.v_head_dim) * (seq_len / 2.0);
  return 2.0 * CountParameters(c).active + c.num_hidden_layers * attention;
}

}  // namespace reasonrl::bench
