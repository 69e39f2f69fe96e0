#include "model/deepseek.h"

#include "absl/strings/str_cat.h"
#include "model/activation_checkpoint.h"

namespace reasonrl {

DecoderLayerImpl::DecoderLayerImpl(const ModelConfig& c, int64_t index, const Rotary* rotary) : layer_index(index) {
  input_layernorm = register_module("input_layernorm", RMSNorm(c.hidden_size, c.rms_norm_eps));
  post_attention_layernorm = register_module("post_attention_layernorm", RMSNorm(c.hidden_size, c.rms_norm_eps));
  self_attn = register_module("self_attn", Mla(c, rotary));
  if (c.is_moe_layer(index)) {
    moe = register_module("mlp", Moe(c));
  } else {
    dense_mlp = register_module("mlp", SwiGlu(c.hidden_size, c.intermediate_size));
  }
}

torch::Tensor DecoderLayerImpl::forward(const torch::Tensor& x_BSD, const AttentionContext& ctx, MoeStats* stats,
                                        bool balance_loss) {
  torch::Tensor h = x_BSD + self_attn(input_layernorm(x_BSD), ctx, layer_index);
  torch::Tensor normed = post_attention_layernorm(h);
  return h + (moe ? moe(normed, stats, balance_loss) : dense_mlp(normed));
}

MtpModuleImpl::MtpModuleImpl(const ModelConfig& c, int64_t index, const Rotary* rotary) {
  enorm = register_module("enorm", RMSNorm(c.hidden_size, c.rms_norm_eps));
  hnorm = register_module("hnorm", RMSNorm(c.hidden_size, c.rms_norm_eps));
  eh_proj = register_module("eh_proj", MakeLinear(2 * c.hidden_size, c.hidden_size));
  block = register_module("block", DecoderLayer(c, index, rotary));
  head_norm = register_module("head_norm", RMSNorm(c.hidden_size, c.rms_norm_eps));
}

DeepseekForCausalLm::DeepseekForCausalLm(const ModelConfig& c) : CausalLm(c), rotary_(c) {
  embed_tokens = register_module("embed_tokens", torch::nn::Embedding(c.vocab_size, c.hidden_size));
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) layers->push_back(DecoderLayer(c, i, &rotary_));
  norm = register_module("norm", RMSNorm(c.hidden_size, c.rms_norm_eps));
  lm_head = register_module("lm_head", MakeLinear(c.hidden_size, c.vocab_size));
  if (c.tie_word_embeddings) lm_head->weight = embed_tokens->weight;
  mtp = register_module("mtp", torch::nn::ModuleList());
  for (int64_t k = 0; k < c.num_nextn_predict_layers; ++k) {
    mtp->push_back(MtpModule(c, c.num_hidden_layers + k, &rotary_));
  }
}

torch::Tensor DeepseekForCausalLm::RunLayer(DecoderLayer& layer, const torch::Tensor& x, const AttentionContext& ctx,
                                            const ForwardOptions& options, ForwardOutput& out) {
  const bool is_moe = static_cast<bool>(layer->moe);
  const bool want_stats = is_moe && (options.collect_expert_load || options.balance_loss);
  MoeStats stats;
  torch::Tensor y;
  if (options.activation_checkpointing && options.cache == nullptr && torch::GradMode::is_enabled()) {
    // The balance loss leaves the checkpointed region as a second output so that it keeps its gradient.
    MoeStats* sink = want_stats ? &stats : nullptr;
    const bool balance = options.balance_loss && is_moe;
    std::vector<torch::Tensor> outs = CheckpointedCall(
        [layer, ctx, sink, balance](const torch::Tensor& in) mutable {
          MoeStats local;
          MoeStats* s = InCheckpointRecompute() ? &local : sink;
          torch::Tensor y = layer->forward(in, ctx, s, balance);
          return balance ? std::vector<torch::Tensor>{y, s->balance_loss} : std::vector<torch::Tensor>{y};
        },
        x);
    y = outs[0];
    if (balance) stats.balance_loss = outs[1];
  } else {
    y = layer->forward(x, ctx, want_stats ? &stats : nullptr, options.balance_loss);
  }
  if (want_stats && options.collect_expert_load) out.expert_load_LE.push_back(stats.load_E);
  if (want_stats && options.balance_loss) {
    out.balance_loss = out.balance_loss.defined() ? out.balance_loss + stats.balance_loss : stats.balance_loss;
  }
  return y;
}

ForwardOutput DeepseekForCausalLm::Forward(const torch::Tensor& input_ids_BS, const ForwardOptions& options) {
  TORCH_CHECK(input_ids_BS.dim() == 2, "input_ids must be [B, S], got ", input_ids_BS.sizes());
  const int64_t b = input_ids_BS.size(0), s = input_ids_BS.size(1);
  AttentionContext ctx;
  ctx.cache = options.cache;
  if (options.positions_BS.defined()) {
    ctx.positions_BS = options.positions_BS;
  } else {
    TORCH_CHECK(options.cache == nullptr, "a cached forward needs explicit positions");
    ctx.positions_BS = torch::arange(s, input_ids_BS.options().dtype(torch::kInt64)).unsqueeze(0).expand({b, s});
  }
  std::tie(ctx.cos_BSR, ctx.sin_BSR) = rotary_.CosSin(ctx.positions_BS);
  if (options.cache != nullptr) {
    TORCH_CHECK(options.key_length > 0 && options.key_length <= options.cache->max_length,
                "key_length must be in (0, cache max_length]");
    ctx.mask_B1ST = CachedAttentionMask(ctx.positions_BS, options.cache->lengths_B, options.key_length);
  }

  ForwardOutput out;
  torch::Tensor x = embed_tokens(input_ids_BS);
  for (size_t i = 0; i < layers->size(); ++i) {
    DecoderLayer layer = layers->ptr<DecoderLayerImpl>(i);
    x = RunLayer(layer, x, ctx, options, out);
  }
  torch::Tensor hidden = norm(x);
  if (options.logits_at_B.defined()) {
    torch::Tensor at = options.logits_at_B.view({b, 1, 1}).expand({b, 1, hidden.size(2)});
    out.logits_BSV = lm_head(hidden.gather(1, at));
  } else {
    out.logits_BSV = lm_head(hidden);
  }
  if (options.return_hidden) out.hidden_BSD = hidden;

  if (options.mtp && !mtp->is_empty()) {
    TORCH_CHECK(options.cache == nullptr, "MTP runs on full sequences only");
    torch::Tensor h_prev = hidden;
    for (size_t k = 1; k <= mtp->size() && static_cast<int64_t>(k) < s; ++k) {
      MtpModule module = mtp->ptr<MtpModuleImpl>(k - 1);
      const int64_t len = s - static_cast<int64_t>(k);
      AttentionContext mctx;
      mctx.positions_BS = ctx.positions_BS.narrow(1, 0, len);
      mctx.cos_BSR = ctx.cos_BSR.narrow(1, 0, len);
      mctx.sin_BSR = ctx.sin_BSR.narrow(1, 0, len);
      torch::Tensor emb = embed_tokens(input_ids_BS.narrow(1, k, len));
      torch::Tensor joined = torch::cat({module->enorm(emb), module->hnorm(h_prev.narrow(1, 0, len))}, -1);
      DecoderLayer block = module->block;
      torch::Tensor h_k = RunLayer(block, module->eh_proj(joined), mctx, options, out);
      out.mtp_logits.push_back(lm_head(module->head_norm(h_k)));
      h_prev = h_k;
    }
  }
  return out;
}

namespace {

// The tensor itself, or its gradient (zeros when none has been accumulated).
torch::Tensor Pick(const torch::Tensor& t, bool gradients) {
  if (!gradients) return t;
  return t.grad().defined() ? t.grad() : torch::zeros_like(t);
}

void AddLayerTensors(const std::string& prefix, DecoderLayerImpl& layer, bool g, std::vector<HubTensor>& out) {
  auto add = [&](const std::string& name, const torch::Tensor& t) { out.push_back({prefix + name, Pick(t, g)}); };
  add("input_layernorm.weight", layer.input_layernorm->weight);
  add("post_attention_layernorm.weight", layer.post_attention_layernorm->weight);
  MlaImpl& a = *layer.self_attn;
  if (a.q_proj) {
    add("self_attn.q_proj.weight", a.q_proj->weight);
  } else {
    add("self_attn.q_a_proj.weight", a.q_a_proj->weight);
    add("self_attn.q_a_layernorm.weight", a.q_a_layernorm->weight);
    add("self_attn.q_b_proj.weight", a.q_b_proj->weight);
  }
  add("self_attn.kv_a_proj_with_mqa.weight", a.kv_a_proj_with_mqa->weight);
  add("self_attn.kv_a_layernorm.weight", a.kv_a_layernorm->weight);
  add("self_attn.kv_b_proj.weight", a.kv_b_proj->weight);
  add("self_attn.o_proj.weight", a.o_proj->weight);
  if (layer.dense_mlp) {
    add("mlp.gate_proj.weight", layer.dense_mlp->gate_proj->weight);
    add("mlp.up_proj.weight", layer.dense_mlp->up_proj->weight);
    add("mlp.down_proj.weight", layer.dense_mlp->down_proj->weight);
    return;
  }
  MoeImpl& moe = *layer.moe;
  add("mlp.gate.weight", moe.gate->weight);
  if (moe.gate->e_score_correction_bias.defined() && !g) {  // a buffer: no gradient
    add("mlp.gate.e_score_correction_bias", moe.gate->e_score_correction_bias);
  }
  for (int64_t e = 0; e < moe.experts->gate_proj.size(0); ++e) {
    const std::string ep = absl::StrCat("mlp.experts.", e, ".");
    out.push_back({prefix + ep + "gate_proj.weight", Pick(moe.experts->gate_proj, g)[e]});
    out.push_back({prefix + ep + "up_proj.weight", Pick(moe.experts->up_proj, g)[e]});
    out.push_back({prefix + ep + "down_proj.weight", Pick(moe.experts->down_proj, g)[e]});
  }
  if (moe.shared_experts) {
    add("mlp.shared_experts.gate_proj.weight", moe.shared_experts->gate_proj->weight);
    add("mlp.shared_experts.up_proj.weight", moe.shared_experts->up_proj->weight);
    add("mlp.shared_experts.down_proj.weight", moe.shared_experts->down_proj->weight);
  }
}

}  // namespace

std::vector<HubTensor> DeepseekForCausalLm::HubTensors(bool g) {
  std::vector<HubTensor> out;
  out.push_back({"model.embed_tokens.weight", Pick(embed_tokens->weight, g)});
  for (size_t i = 0; i < layers->size(); ++i) {
    AddLayerTensors(absl::StrCat("model.layers.", i, "."), *layers->ptr<DecoderLayerImpl>(i), g, out);
  }
  out.push_back({"model.norm.weight", Pick(norm->weight, g)});
  if (!config_.tie_word_embeddings) out.push_back({"lm_head.weight", Pick(lm_head->weight, g)});
  for (size_t k = 0; k < mtp->size(); ++k) {
    MtpModuleImpl& m = *mtp->ptr<MtpModuleImpl>(k);
    const std::string prefix = absl::StrCat("model.layers.", config_.num_hidden_layers + static_cast<int64_t>(k), ".");
    out.push_back({prefix + "enorm.weight", Pick(m.enorm->weight, g)});
    out.push_back({prefix + "hnorm.weight", Pick(m.hnorm->weight, g)});
    out.push_back({prefix + "eh_proj.weight", Pick(m.eh_proj->weight, g)});
    out.push_back({prefix + "shared_head.norm.weight", Pick(m.head_norm->weight, g)});
    AddLayerTensors(prefix, *m.block, g, out);
    // Shared with the main model: written for Hub compatibility, not read back.
    if (!g) {
      out.push_back({prefix + "embed_tokens.weight", embed_tokens->weight, /*save_only=*/true});
      out.push_back({prefix + "shared_head.head.weight", lm_head->weight, /*save_only=*/true});
    }
  }
  return out;
}

std::vector<torch::Tensor> DeepseekForCausalLm::RouterBiases() {
  std::vector<torch::Tensor> out;
  for (size_t i = 0; i < layers->size(); ++i) {
    DecoderLayerImpl& layer = *layers->ptr<DecoderLayerImpl>(i);
    if (layer.moe && layer.moe->gate->e_score_correction_bias.defined()) {
      out.push_back(layer.moe->gate->e_score_correction_bias);
    }
  }
  return out;
}

LatentKvCache DeepseekForCausalLm::AllocateCache(int64_t batch, int64_t max_length) {
  torch::Tensor w = embed_tokens->weight;
  return LatentKvCache::Allocate(config_.num_hidden_layers, batch, max_length, config_.kv_lora_rank,
                                 config_.qk_rope_head_dim, w.options().requires_grad(false));
}

}  // namespace reasonrl
