// The compressed MLA cache: per layer, per token, the normed latent c_kv [kv_lora_rank] and the
// rotated shared key k_pe [qk_rope_head_dim] (V3: 512 + 64 = 576 values), preallocated for a batch.
//
// Rows of a batch may hold prompts of different lengths: `lengths[b]` is how many positions of row b
// are valid. A forward step writes its new tokens at their absolute positions, then attends to
// positions < lengths[b] that are <= the query's position. Not thread-safe; one cache per sequence batch.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace reasonrl {

struct LatentCacheLayer {
  torch::Tensor ckv_BTC;  // [B, T_max, kv_lora_rank]
  torch::Tensor kpe_BTR;  // [B, T_max, qk_rope_head_dim]
};

struct LatentKvCache {
  std::vector<LatentCacheLayer> layers;
  torch::Tensor lengths_B;  // int64 [B], valid positions per row after the current step
  int64_t max_length = 0;

  static LatentKvCache Allocate(int64_t num_layers, int64_t batch, int64_t max_length, int64_t kv_lora_rank,
                                int64_t rope_dim, torch::TensorOptions options) {
    LatentKvCache cache;
    cache.max_length = max_length;
    for (int64_t l = 0; l < num_layers; ++l) {
      cache.layers.push_back({torch::zeros({batch, max_length, kv_lora_rank}, options),
                              torch::zeros({batch, max_length, rope_dim}, options)});
    }
    cache.lengths_B = torch::zeros({batch}, options.dtype(torch::kInt64));
    return cache;
  }
  int64_t bytes() const {
    int64_t n = 0;
    for (const auto& l : layers) n += l.ckv_BTC.nbytes() + l.kpe_BTR.nbytes();
    return n;
  }
};

}  // namespace reasonrl
