// DeepSeek-V2/V3 decoder (model_type deepseek_v2 / deepseek_v3): MLA attention, dense SwiGLU for the
// first k layers, DeepSeekMoE after, and Multi-Token Prediction modules stored as model.layers.{L+k-1}.
//
//   h = x + Attn(RMSNorm_in(x)); out = h + FFN(RMSNorm_post(h))
//   MTP depth k: h'_i = eh_proj([enorm(Emb(t_{i+k})) ; hnorm(h^{k-1}_i)]), h^k = TRM_k(h'), logits = head(norm(h^k)).
// The MTP modules share the main embedding and output head (V3 report §2.2); the checkpoint's copies
// under model.layers.{L}.embed_tokens / shared_head.head are written from them and ignored on load.
#pragma once

#include <torch/torch.h>

#include "model/attention.h"
#include "model/causal_lm.h"
#include "model/layers.h"
#include "model/moe.h"

namespace reasonrl {

class DecoderLayerImpl : public torch::nn::Module {
 public:
  DecoderLayerImpl(const ModelConfig& config, int64_t layer_index, const Rotary* rotary);
  torch::Tensor forward(const torch::Tensor& x_BSD, const AttentionContext& ctx, MoeStats* stats, bool balance_loss);

  RMSNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
  Mla self_attn{nullptr};
  SwiGlu dense_mlp{nullptr};  // layers < first_k_dense_replace
  Moe moe{nullptr};           // the others
  int64_t layer_index;
};
TORCH_MODULE(DecoderLayer);

class MtpModuleImpl : public torch::nn::Module {
 public:
  MtpModuleImpl(const ModelConfig& config, int64_t layer_index, const Rotary* rotary);
  RMSNorm enorm{nullptr}, hnorm{nullptr}, head_norm{nullptr};
  torch::nn::Linear eh_proj{nullptr};  // [D, 2D]
  DecoderLayer block{nullptr};
};
TORCH_MODULE(MtpModule);

class DeepseekForCausalLm : public CausalLm {
 public:
  explicit DeepseekForCausalLm(const ModelConfig& config);
  ForwardOutput Forward(const torch::Tensor& input_ids_BS, const ForwardOptions& options) override;
  std::vector<HubTensor> HubTensors(bool gradients = false) override;
  std::vector<torch::Tensor> RouterBiases() override;
  LatentKvCache AllocateCache(int64_t batch, int64_t max_length) override;

  torch::nn::Embedding embed_tokens{nullptr};
  torch::nn::ModuleList layers{nullptr};
  RMSNorm norm{nullptr};
  torch::nn::Linear lm_head{nullptr};
  torch::nn::ModuleList mtp{nullptr};

 private:
  torch::Tensor RunLayer(DecoderLayer& layer, const torch::Tensor& x, const AttentionContext& ctx,
                         const ForwardOptions& options, ForwardOutput& out);
  Rotary rotary_;
};

}  // namespace reasonrl
