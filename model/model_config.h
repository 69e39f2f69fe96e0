// ModelConfig: the typed form of a Hugging Face `config.json` for the DeepSeek family.
//
// The file is not ours: keys we do not use are ignored (and kept, so that saving writes them back), but
// an unknown value of a key we use, a missing required key, or contradictory fields is an error that
// names the file and the key. Both RoPE spellings load: the Hub form (`rope_theta` + `rope_scaling`)
// and the transformers-5 form (`rope_parameters`). Saving always writes the Hub form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace reasonrl {

enum class ScoringFunc { kSigmoid, kSoftmax };
enum class TopkMethod { kNoauxTc, kGreedy, kGroupLimitedGreedy };

// RoPE scaling. type "default" means none; "yarn" is the only scaling the DeepSeek family uses.
struct RopeScaling {
  std::string type = "default";  // "default" | "yarn"
  double factor = 1.0;           // s: context extension factor
  int64_t original_max_position_embeddings = 0;  // L_orig of the YaRN ramp
  double beta_fast = 32.0;       // β (high-frequency edge of the ramp, in rotations)
  double beta_slow = 1.0;        // α (low-frequency edge)
  double mscale = 0.0;           // 0 = absent
  double mscale_all_dim = 0.0;   // 0 = absent
  std::optional<double> attention_factor;  // explicit cos/sin factor, overrides the mscale ratio
  bool is_yarn() const { return type == "yarn"; }
};

struct ModelConfig {
  std::string model_type;                  // "deepseek_v3" | "deepseek_v2"
  std::vector<std::string> architectures;  // e.g. {"DeepseekV3ForCausalLM"}

  int64_t vocab_size = 0;
  int64_t hidden_size = 0;              // d
  int64_t intermediate_size = 0;        // dense FFN width (layers < first_k_dense_replace)
  int64_t moe_intermediate_size = 0;    // width of one expert
  int64_t num_hidden_layers = 0;        // main-model layers (MTP not counted)
  int64_t num_attention_heads = 0;      // n_h (MLA: no GQA)

  // DeepSeekMoE.
  int64_t n_routed_experts = 0;         // N_r; 0 = dense model
  int64_t n_shared_experts = 0;         // N_s, fused into one MLP of width N_s * moe_intermediate_size
  int64_t num_experts_per_tok = 0;      // K_r
  int64_t n_group = 1;                  // expert groups
  int64_t topk_group = 1;               // groups kept per token
  double routed_scaling_factor = 1.0;   // multiplier on routed weights
  ScoringFunc scoring_func = ScoringFunc::kSigmoid;
  TopkMethod topk_method = TopkMethod::kNoauxTc;
  bool norm_topk_prob = true;           // renormalise the K selected weights
  int64_t first_k_dense_replace = 0;    // layers < k use the dense MLP
  int64_t moe_layer_freq = 1;           // layer i >= k is MoE iff i % freq == 0
  double aux_loss_alpha = 0.0;          // α of the sequence-wise balance loss (config value; recipes may override)

  // Multi-head Latent Attention.
  std::optional<int64_t> q_lora_rank;   // d'_c; nullopt = plain q_proj
  int64_t kv_lora_rank = 0;             // d_c
  int64_t qk_nope_head_dim = 0;         // d_h
  int64_t qk_rope_head_dim = 0;         // d_h^R
  int64_t v_head_dim = 0;

  // Positions.
  double rope_theta = 10000.0;
  int64_t max_position_embeddings = 0;
  RopeScaling rope_scaling;
  bool rope_interleave = true;  // true: rotate adjacent pairs (official DeepSeek); false: rotate halves

  int64_t num_nextn_predict_layers = 0;  // MTP modules D
  double rms_norm_eps = 1e-6;
  bool tie_word_embeddings = false;
  double initializer_range = 0.02;
  std::optional<int64_t> bos_token_id;
  std::vector<int64_t> eos_token_ids;
  std::string torch_dtype;  // as written ("bfloat16", "float32", ...), informational

  // Keys of the file we do not interpret, as a JSON object text; written back by SerializeHubConfig.
  std::string unused_keys_json = "{}";

  int64_t qk_head_dim() const { return qk_nope_head_dim + qk_rope_head_dim; }
  bool is_moe_layer(int64_t layer) const {
    return n_routed_experts > 0 && layer >= first_k_dense_replace && layer % moe_layer_freq == 0;
  }
  // softmax scale = qk_head_dim^-1/2 * m^2, m = yarn_get_mscale(factor, mscale_all_dim) with YaRN.
  double softmax_scale() const;
  // Factor on cos/sin: attention_factor, else get_mscale(s, mscale) / get_mscale(s, mscale_all_dim).
  double rope_attention_factor() const;

  // Checks shapes and relations between fields; the error names the key.
  absl::Status Validate() const;
};

// yarn_get_mscale(s, m) = 1 if s <= 1 else 0.1 * m * ln(s) + 1.
double YarnGetMscale(double scale, double mscale);

std::string_view ScoringFuncName(ScoringFunc f);
std::string_view TopkMethodName(TopkMethod m);

// Parses config.json text. `file_name` is used in error messages.
absl::StatusOr<ModelConfig> ParseModelConfig(std::string_view json_text, std::string_view file_name);
// Reads and parses a config.json file (or `<dir>/config.json` when given a directory).
absl::StatusOr<ModelConfig> LoadModelConfig(const std::string& path);
// The Hub form: rope_theta + rope_scaling at the top level, sorted keys, 2-space indent.
std::string SerializeHubConfig(const ModelConfig& config);

}  // namespace reasonrl
