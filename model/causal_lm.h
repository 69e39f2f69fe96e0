// The interface every decoder family implements (deepseek_v3/v2 now; qwen2/qwen3/llama later), so that
// rollout/ and trainer/ never depend on one architecture.
//
// Shape legend: B batch, S new tokens, D hidden, V vocabulary, E routed experts.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/kv_cache.h"
#include "model/model_config.h"

namespace reasonrl {

struct ForwardOptions {
  LatentKvCache* cache = nullptr;    // null: full causal forward over input_ids (training, scoring)
  torch::Tensor positions_BS;        // int64; default arange(S) (or, with a cache, must be given)
  int64_t key_length = 0;            // with a cache: attend to positions [0, key_length)
  bool collect_expert_load = false;  // fill ForwardOutput::expert_load_LE
  bool balance_loss = false;         // fill ForwardOutput::balance_loss (sum over MoE layers)
  bool mtp = false;                  // run the MTP modules (needs num_nextn_predict_layers > 0, no cache)
  bool activation_checkpointing = false;  // recompute each decoder layer in backward
  bool return_hidden = false;        // keep the final (normed) hidden states
  // int64 [B]: when defined, logits only at this position of each row (logits_BSV is then [B,1,V]); a
  // prefill needs just the last prompt token's, not a [B,S,V] tensor over the whole vocabulary.
  torch::Tensor logits_at_B;
};

struct ForwardOutput {
  torch::Tensor logits_BSV;               // float32 unless the model runs in another dtype
  torch::Tensor hidden_BSD;               // after the final norm, when requested
  std::vector<torch::Tensor> expert_load_LE;  // one int64 [E] per MoE layer, in layer order
  torch::Tensor balance_loss;             // Σ over MoE layers of the sequence-wise balance loss (no α)
  std::vector<torch::Tensor> mtp_logits;  // depth k: [B, S-k, V], predicting token i+k+1 from position i
};

// A named tensor of the Hugging Face layout and where it lives in the model: `target` is a parameter,
// a buffer, or a view into a stacked parameter (one expert's slice).
struct HubTensor {
  std::string name;
  torch::Tensor target;
  bool save_only = false;  // an alias of another tensor (MTP's shared embedding/head): written, not read
};

class CausalLm : public torch::nn::Module {
 public:
  ~CausalLm() override = default;
  virtual ForwardOutput Forward(const torch::Tensor& input_ids_BS, const ForwardOptions& options) = 0;
  // Every tensor of the Hub checkpoint layout, in a stable order. With gradients = true, each entry's
  // target is instead the gradient of that tensor (zeros where none has been computed), named alike.
  virtual std::vector<HubTensor> HubTensors(bool gradients = false) = 0;
  // Router bias buffers of the MoE layers (noaux_tc), in layer order; empty for dense models.
  virtual std::vector<torch::Tensor> RouterBiases() = 0;
  // Allocates a latent KV cache for `batch` rows of up to `max_length` positions.
  virtual LatentKvCache AllocateCache(int64_t batch, int64_t max_length) = 0;
  const ModelConfig& config() const { return config_; }

 protected:
  explicit CausalLm(ModelConfig config) : config_(std::move(config)) {}
  ModelConfig config_;
};

}  // namespace reasonrl
