#include "model/model_config.h"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "model/status_macros.h"
#include "nlohmann/json.hpp"

namespace reasonrl {
namespace {

using Json = nlohmann::ordered_json;

// Reads typed fields out of one JSON object, naming file and key in every error.
class FieldReader {
 public:
  FieldReader(const Json& object, std::string_view file, std::string prefix = "")
      : object_(object), file_(file), prefix_(std::move(prefix)) {}

  bool Has(const std::string& key) const {
    auto it = object_.find(key);
    return it != object_.end() && !it->is_null();
  }
  bool Present(const std::string& key) const { return object_.contains(key); }

  absl::Status Error(const std::string& key, const std::string& what) const {
    return absl::InvalidArgumentError(absl::StrCat(file_, ": key \"", prefix_, key, "\": ", what));
  }
  absl::Status Missing(const std::string& key) const {
    return Error(key, "is required but missing (or null)");
  }

  absl::StatusOr<int64_t> Int(const std::string& key) const {
    if (!Has(key)) return Missing(key);
    const Json& v = object_.at(key);
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number_float()) {
      double d = v.get<double>();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) return static_cast<int64_t>(d);
    }
    return Error(key, absl::StrCat("expected an integer, found ", v.dump()));
  }
  absl::StatusOr<int64_t> Int(const std::string& key, int64_t fallback) const {
    return Has(key) ? Int(key) : fallback;
  }
  absl::StatusOr<std::optional<int64_t>> OptionalInt(const std::string& key) const {
    if (!Has(key)) return std::optional<int64_t>();
    ASSIGN_OR_RETURN(int64_t v, Int(key));
    return std::optional<int64_t>(v);
  }
  absl::StatusOr<double> Double(const std::string& key) const {
    if (!Has(key)) return Missing(key);
    const Json& v = object_.at(key);
    if (!v.is_number()) return Error(key, absl::StrCat("expected a number, found ", v.dump()));
    double d = v.get<double>();
    if (!std::isfinite(d)) return Error(key, "expected a finite number");
    return d;
  }
  absl::StatusOr<double> Double(const std::string& key, double fallback) const {
    return Has(key) ? Double(key) : fallback;
  }
  absl::StatusOr<bool> Bool(const std::string& key, bool fallback) const {
    if (!Has(key)) return fallback;
    const Json& v = object_.at(key);
    if (!v.is_boolean()) return Error(key, absl::StrCat("expected true or false, found ", v.dump()));
    return v.get<bool>();
  }
  absl::StatusOr<std::string> String(const std::string& key, std::string fallback) const {
    if (!Has(key)) return fallback;
    const Json& v = object_.at(key);
    if (!v.is_string()) return Error(key, absl::StrCat("expected a string, found ", v.dump()));
    return v.get<std::string>();
  }

 private:
  const Json& object_;
  std::string file_;
  std::string prefix_;
};

// Keys this file interprets; everything else is kept verbatim in unused_keys_json.
const std::set<std::string>& KnownKeys() {
  static const auto* keys = new std::set<std::string>{
      "model_type", "architectures", "vocab_size", "hidden_size", "intermediate_size",
      "moe_intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
      "n_routed_experts", "n_shared_experts", "num_experts_per_tok", "n_group", "topk_group",
      "routed_scaling_factor", "scoring_func", "topk_method", "norm_topk_prob", "first_k_dense_replace",
      "moe_layer_freq", "aux_loss_alpha", "q_lora_rank", "kv_lora_rank", "qk_nope_head_dim",
      "qk_rope_head_dim", "v_head_dim", "qk_head_dim", "head_dim", "rope_theta", "rope_scaling",
      "rope_parameters", "rope_interleave", "max_position_embeddings", "num_nextn_predict_layers",
      "rms_norm_eps", "tie_word_embeddings", "initializer_range", "bos_token_id", "eos_token_id",
      "torch_dtype", "dtype", "hidden_act", "quantization_config"};
  return *keys;
}

absl::Status ParseRope(const Json& root, const std::string& file, ModelConfig& c) {
  FieldReader top(root, file);
  // Collect (theta, scaling object) from whichever form is present.
  std::optional<double> theta;
  const Json* scaling = nullptr;
  std::string scaling_key;
  if (top.Has("rope_parameters")) {
    const Json& rp = root.at("rope_parameters");
    if (!rp.is_object()) return top.Error("rope_parameters", "expected an object");
    FieldReader r(rp, file, "rope_parameters.");
    if (r.Has("rope_theta")) {
      ASSIGN_OR_RETURN(double t, r.Double("rope_theta"));
      theta = t;
    }
    scaling = &rp;
    scaling_key = "rope_parameters.";
  }
  if (top.Has("rope_theta")) {
    ASSIGN_OR_RETURN(double t, top.Double("rope_theta"));
    if (theta && *theta != t) {
      return top.Error("rope_theta", absl::StrCat(t, " contradicts rope_parameters.rope_theta ", *theta));
    }
    theta = t;
  }
  if (top.Has("rope_scaling")) {
    const Json& rs = root.at("rope_scaling");
    if (!rs.is_object()) return top.Error("rope_scaling", "expected an object or null");
    if (scaling != nullptr) {
      // Both forms: accept only if they say the same thing about the type.
      std::string a = rs.value("type", rs.value("rope_type", std::string()));
      std::string b = scaling->value("rope_type", scaling->value("type", std::string("default")));
      if (a != b) return top.Error("rope_scaling", absl::StrCat("type \"", a, "\" contradicts rope_parameters \"", b, "\""));
    }
    scaling = &rs;
    scaling_key = "rope_scaling.";
  }
  if (!theta) return top.Missing("rope_theta");
  c.rope_theta = *theta;
  if (c.rope_theta <= 1.0) return top.Error("rope_theta", "must be > 1");
  if (scaling == nullptr) return absl::OkStatus();

  FieldReader s(*scaling, file, scaling_key);
  std::string type;
  if (s.Has("rope_type") && s.Has("type")) {
    ASSIGN_OR_RETURN(std::string a, s.String("rope_type", ""));
    ASSIGN_OR_RETURN(std::string b, s.String("type", ""));
    if (a != b) return s.Error("type", absl::StrCat("\"", b, "\" contradicts rope_type \"", a, "\""));
  }
  ASSIGN_OR_RETURN(type, s.String("rope_type", ""));
  if (type.empty()) {
    ASSIGN_OR_RETURN(type, s.String("type", "default"));
  }
  if (type != "default" && type != "yarn") {
    return s.Error(s.Present("rope_type") ? "rope_type" : "type",
                   absl::StrCat("unsupported RoPE scaling \"", type, "\" (supported: default, yarn)"));
  }
  RopeScaling& r = c.rope_scaling;
  r.type = type;
  if (type == "default") return absl::OkStatus();
  ASSIGN_OR_RETURN(r.factor, s.Double("factor"));
  if (r.factor < 1.0) return s.Error("factor", "must be >= 1");
  ASSIGN_OR_RETURN(r.original_max_position_embeddings, s.Int("original_max_position_embeddings"));
  if (r.original_max_position_embeddings <= 0) return s.Error("original_max_position_embeddings", "must be > 0");
  ASSIGN_OR_RETURN(r.beta_fast, s.Double("beta_fast", 32.0));
  ASSIGN_OR_RETURN(r.beta_slow, s.Double("beta_slow", 1.0));
  ASSIGN_OR_RETURN(r.mscale, s.Double("mscale", 0.0));
  ASSIGN_OR_RETURN(r.mscale_all_dim, s.Double("mscale_all_dim", 0.0));
  if (s.Has("attention_factor")) {
    ASSIGN_OR_RETURN(double af, s.Double("attention_factor"));
    r.attention_factor = af;
  }
  if (r.beta_fast <= r.beta_slow) return s.Error("beta_fast", "must be greater than beta_slow");
  return absl::OkStatus();
}

absl::StatusOr<ModelConfig> ParseObject(const Json& root, const std::string& file) {
  if (!root.is_object()) return absl::InvalidArgumentError(absl::StrCat(file, ": expected a JSON object"));
  FieldReader f(root, file);
  ModelConfig c;
  if (!f.Has("model_type")) return f.Missing("model_type");
  ASSIGN_OR_RETURN(c.model_type, f.String("model_type", ""));
  const bool v3 = c.model_type == "deepseek_v3";
  const bool v2 = c.model_type == "deepseek_v2";
  if (!v3 && !v2) {
    return f.Error("model_type", absl::StrCat("unsupported model_type \"", c.model_type,
                                              "\" (supported: deepseek_v3, deepseek_v2)"));
  }
  if (f.Has("architectures")) {
    const Json& a = root.at("architectures");
    if (!a.is_array()) return f.Error("architectures", "expected an array of strings");
    for (const Json& s : a) {
      if (!s.is_string()) return f.Error("architectures", "expected an array of strings");
      c.architectures.push_back(s.get<std::string>());
    }
  }
  ASSIGN_OR_RETURN(c.vocab_size, f.Int("vocab_size"));
  ASSIGN_OR_RETURN(c.hidden_size, f.Int("hidden_size"));
  ASSIGN_OR_RETURN(c.intermediate_size, f.Int("intermediate_size"));
  ASSIGN_OR_RETURN(c.num_hidden_layers, f.Int("num_hidden_layers"));
  ASSIGN_OR_RETURN(c.num_attention_heads, f.Int("num_attention_heads"));
  if (f.Has("num_key_value_heads")) {
    ASSIGN_OR_RETURN(int64_t kv, f.Int("num_key_value_heads"));
    if (kv != c.num_attention_heads) {
      return f.Error("num_key_value_heads", absl::StrCat(kv, " differs from num_attention_heads ",
                                                         c.num_attention_heads, " (MLA has no GQA)"));
    }
  }
  ASSIGN_OR_RETURN(c.n_routed_experts, f.Int("n_routed_experts", 0));
  if (c.n_routed_experts > 0) {
    ASSIGN_OR_RETURN(c.moe_intermediate_size, f.Int("moe_intermediate_size"));
    ASSIGN_OR_RETURN(c.num_experts_per_tok, f.Int("num_experts_per_tok"));
    ASSIGN_OR_RETURN(c.first_k_dense_replace, f.Int("first_k_dense_replace"));
  } else {
    ASSIGN_OR_RETURN(c.moe_intermediate_size, f.Int("moe_intermediate_size", 0));
  }
  ASSIGN_OR_RETURN(c.n_shared_experts, f.Int("n_shared_experts", 0));
  ASSIGN_OR_RETURN(c.n_group, f.Int("n_group", 1));
  ASSIGN_OR_RETURN(c.topk_group, f.Int("topk_group", 1));
  ASSIGN_OR_RETURN(c.routed_scaling_factor, f.Double("routed_scaling_factor", 1.0));
  ASSIGN_OR_RETURN(c.moe_layer_freq, f.Int("moe_layer_freq", 1));
  ASSIGN_OR_RETURN(c.aux_loss_alpha, f.Double("aux_loss_alpha", 0.0));
  ASSIGN_OR_RETURN(std::string scoring, f.String("scoring_func", v3 ? "sigmoid" : "softmax"));
  if (scoring == "sigmoid") {
    c.scoring_func = ScoringFunc::kSigmoid;
  } else if (scoring == "softmax") {
    c.scoring_func = ScoringFunc::kSoftmax;
  } else {
    return f.Error("scoring_func", absl::StrCat("unknown value \"", scoring, "\" (expected sigmoid or softmax)"));
  }
  ASSIGN_OR_RETURN(std::string topk, f.String("topk_method", v3 ? "noaux_tc" : "greedy"));
  if (topk == "noaux_tc") {
    c.topk_method = TopkMethod::kNoauxTc;
  } else if (topk == "greedy") {
    c.topk_method = TopkMethod::kGreedy;
  } else if (topk == "group_limited_greedy") {
    c.topk_method = TopkMethod::kGroupLimitedGreedy;
  } else {
    return f.Error("topk_method", absl::StrCat("unknown value \"", topk,
                                               "\" (expected noaux_tc, greedy or group_limited_greedy)"));
  }
  ASSIGN_OR_RETURN(c.norm_topk_prob, f.Bool("norm_topk_prob", v3));

  if (!f.Present("q_lora_rank")) return f.Error("q_lora_rank", "is required (an integer, or null for plain q_proj)");
  ASSIGN_OR_RETURN(c.q_lora_rank, f.OptionalInt("q_lora_rank"));
  ASSIGN_OR_RETURN(c.kv_lora_rank, f.Int("kv_lora_rank"));
  ASSIGN_OR_RETURN(c.qk_nope_head_dim, f.Int("qk_nope_head_dim"));
  ASSIGN_OR_RETURN(c.qk_rope_head_dim, f.Int("qk_rope_head_dim"));
  ASSIGN_OR_RETURN(c.v_head_dim, f.Int("v_head_dim"));
  if (f.Has("qk_head_dim")) {
    ASSIGN_OR_RETURN(int64_t qk, f.Int("qk_head_dim"));
    if (qk != c.qk_head_dim()) {
      return f.Error("qk_head_dim", absl::StrCat(qk, " differs from qk_nope_head_dim + qk_rope_head_dim = ",
                                                 c.qk_head_dim()));
    }
  }
  if (f.Has("head_dim")) {
    ASSIGN_OR_RETURN(int64_t hd, f.Int("head_dim"));
    if (hd != c.qk_rope_head_dim) {
      return f.Error("head_dim", absl::StrCat(hd, " differs from qk_rope_head_dim ", c.qk_rope_head_dim,
                                              " (transformers sets head_dim to the RoPE width)"));
    }
  }
  ASSIGN_OR_RETURN(c.max_position_embeddings, f.Int("max_position_embeddings"));
  RETURN_IF_ERROR(ParseRope(root, file, c));
  ASSIGN_OR_RETURN(c.rope_interleave, f.Bool("rope_interleave", true));
  ASSIGN_OR_RETURN(c.num_nextn_predict_layers, f.Int("num_nextn_predict_layers", 0));
  ASSIGN_OR_RETURN(c.rms_norm_eps, f.Double("rms_norm_eps", 1e-6));
  ASSIGN_OR_RETURN(c.tie_word_embeddings, f.Bool("tie_word_embeddings", false));
  ASSIGN_OR_RETURN(c.initializer_range, f.Double("initializer_range", 0.02));
  ASSIGN_OR_RETURN(c.bos_token_id, f.OptionalInt("bos_token_id"));
  if (f.Has("eos_token_id")) {
    const Json& e = root.at("eos_token_id");
    if (e.is_array()) {
      for (const Json& id : e) {
        if (!id.is_number_integer()) return f.Error("eos_token_id", "expected an integer or a list of integers");
        c.eos_token_ids.push_back(id.get<int64_t>());
      }
    } else {
      ASSIGN_OR_RETURN(int64_t id, f.Int("eos_token_id"));
      c.eos_token_ids.push_back(id);
    }
  }
  ASSIGN_OR_RETURN(std::string hidden_act, f.String("hidden_act", "silu"));
  if (hidden_act != "silu") {
    return f.Error("hidden_act", absl::StrCat("unsupported activation \"", hidden_act, "\" (expected silu)"));
  }
  ASSIGN_OR_RETURN(c.torch_dtype, f.String("torch_dtype", ""));
  if (c.torch_dtype.empty()) {
    ASSIGN_OR_RETURN(c.torch_dtype, f.String("dtype", ""));
  }

  Json unused = Json::object();
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (!KnownKeys().count(it.key())) unused[it.key()] = it.value();
  }
  c.unused_keys_json = unused.dump();

  if (absl::Status s = c.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": ", s.message()));
  }
  return c;
}

}  // namespace

double YarnGetMscale(double scale, double mscale) {
  if (scale <= 1.0) return 1.0;
  return 0.1 * mscale * std::log(scale) + 1.0;
}

double ModelConfig::softmax_scale() const {
  double scale = 1.0 / std::sqrt(static_cast<double>(qk_head_dim()));
  if (rope_scaling.is_yarn() && rope_scaling.mscale_all_dim != 0.0) {
    double m = YarnGetMscale(rope_scaling.factor, rope_scaling.mscale_all_dim);
    scale *= m * m;
  }
  return scale;
}

double ModelConfig::rope_attention_factor() const {
  if (!rope_scaling.is_yarn()) return 1.0;
  if (rope_scaling.attention_factor) return *rope_scaling.attention_factor;
  const double s = rope_scaling.factor;
  if (rope_scaling.mscale != 0.0 && rope_scaling.mscale_all_dim != 0.0) {
    return YarnGetMscale(s, rope_scaling.mscale) / YarnGetMscale(s, rope_scaling.mscale_all_dim);
  }
  return YarnGetMscale(s, 1.0);
}

std::string_view ScoringFuncName(ScoringFunc f) { return f == ScoringFunc::kSigmoid ? "sigmoid" : "softmax"; }
std::string_view TopkMethodName(TopkMethod m) {
  switch (m) {
    case TopkMethod::kNoauxTc: return "noaux_tc";
    case TopkMethod::kGreedy: return "greedy";
    case TopkMethod::kGroupLimitedGreedy: return "group_limited_greedy";
  }
  return "?";
}

absl::Status ModelConfig::Validate() const {
  auto bad = [](const std::string& key, const std::string& what) {
    return absl::InvalidArgumentError(absl::StrCat("key \"", key, "\": ", what));
  };
  auto positive = [&](const std::string& key, int64_t v) -> absl::Status {
    return v > 0 ? absl::OkStatus() : bad(key, absl::StrCat("must be > 0, found ", v));
  };
  RETURN_IF_ERROR(positive("vocab_size", vocab_size));
  RETURN_IF_ERROR(positive("hidden_size", hidden_size));
  RETURN_IF_ERROR(positive("intermediate_size", intermediate_size));
  RETURN_IF_ERROR(positive("num_hidden_layers", num_hidden_layers));
  RETURN_IF_ERROR(positive("num_attention_heads", num_attention_heads));
  RETURN_IF_ERROR(positive("kv_lora_rank", kv_lora_rank));
  RETURN_IF_ERROR(positive("qk_nope_head_dim", qk_nope_head_dim));
  RETURN_IF_ERROR(positive("qk_rope_head_dim", qk_rope_head_dim));
  RETURN_IF_ERROR(positive("v_head_dim", v_head_dim));
  RETURN_IF_ERROR(positive("max_position_embeddings", max_position_embeddings));
  if (qk_rope_head_dim % 2 != 0) return bad("qk_rope_head_dim", "must be even (RoPE rotates pairs)");
  if (q_lora_rank && *q_lora_rank <= 0) return bad("q_lora_rank", "must be > 0 or null");
  if (rms_norm_eps <= 0) return bad("rms_norm_eps", "must be > 0");
  if (num_nextn_predict_layers < 0) return bad("num_nextn_predict_layers", "must be >= 0");
  if (n_routed_experts < 0) return bad("n_routed_experts", "must be >= 0");
  if (n_shared_experts < 0) return bad("n_shared_experts", "must be >= 0");
  if (n_routed_experts > 0) {
    RETURN_IF_ERROR(positive("moe_intermediate_size", moe_intermediate_size));
    RETURN_IF_ERROR(positive("num_experts_per_tok", num_experts_per_tok));
    RETURN_IF_ERROR(positive("n_group", n_group));
    RETURN_IF_ERROR(positive("topk_group", topk_group));
    RETURN_IF_ERROR(positive("moe_layer_freq", moe_layer_freq));
    if (first_k_dense_replace < 0) return bad("first_k_dense_replace", "must be >= 0");
    if (num_experts_per_tok > n_routed_experts) {
      return bad("num_experts_per_tok", absl::StrCat(num_experts_per_tok, " exceeds n_routed_experts ", n_routed_experts));
    }
    if (n_routed_experts % n_group != 0) {
      return bad("n_group", absl::StrCat("n_routed_experts ", n_routed_experts, " is not divisible by n_group ", n_group));
    }
    if (topk_group > n_group) return bad("topk_group", absl::StrCat(topk_group, " exceeds n_group ", n_group));
    const int64_t per_group = n_routed_experts / n_group;
    if (topk_method != TopkMethod::kGreedy && num_experts_per_tok > topk_group * per_group) {
      return bad("num_experts_per_tok", absl::StrCat(num_experts_per_tok, " exceeds the ", topk_group * per_group,
                                                     " experts in the topk_group kept groups"));
    }
    if (topk_method == TopkMethod::kNoauxTc && n_group > 1 && per_group < 2) {
      return bad("n_group", "noaux_tc scores a group by its top-2 experts: each group needs at least 2");
    }
    if (topk_method == TopkMethod::kNoauxTc && scoring_func != ScoringFunc::kSigmoid) {
      return bad("topk_method", "noaux_tc needs scoring_func sigmoid");
    }
    if (routed_scaling_factor <= 0) return bad("routed_scaling_factor", "must be > 0");
  }
  return absl::OkStatus();
}

absl::StatusOr<ModelConfig> ParseModelConfig(std::string_view json_text, std::string_view file_name) {
  Json root = Json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(file_name), ": not valid JSON"));
  }
  return ParseObject(root, std::string(file_name));
}

absl::StatusOr<ModelConfig> LoadModelConfig(const std::string& path) {
  std::string file = path;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) file = path + "/config.json";
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(file, ": cannot open config"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseModelConfig(buffer.str(), file);
}

std::string SerializeHubConfig(const ModelConfig& c) {
  Json j = Json::parse(c.unused_keys_json, nullptr, false);
  if (!j.is_object()) j = Json::object();
  j["model_type"] = c.model_type;
  if (!c.architectures.empty()) j["architectures"] = c.architectures;
  j["vocab_size"] = c.vocab_size;
  j["hidden_size"] = c.hidden_size;
  j["intermediate_size"] = c.intermediate_size;
  j["moe_intermediate_size"] = c.moe_intermediate_size;
  j["num_hidden_layers"] = c.num_hidden_layers;
  j["num_attention_heads"] = c.num_attention_heads;
  j["num_key_value_heads"] = c.num_attention_heads;
  j["n_routed_experts"] = c.n_routed_experts;
  j["n_shared_experts"] = c.n_shared_experts;
  j["num_experts_per_tok"] = c.num_experts_per_tok;
  j["n_group"] = c.n_group;
  j["topk_group"] = c.topk_group;
  j["routed_scaling_factor"] = c.routed_scaling_factor;
  j["scoring_func"] = std::string(ScoringFuncName(c.scoring_func));
  j["topk_method"] = std::string(TopkMethodName(c.topk_method));
  j["norm_topk_prob"] = c.norm_topk_prob;
  j["first_k_dense_replace"] = c.first_k_dense_replace;
  j["moe_layer_freq"] = c.moe_layer_freq;
  j["aux_loss_alpha"] = c.aux_loss_alpha;
  j["q_lora_rank"] = c.q_lora_rank ? Json(*c.q_lora_rank) : Json(nullptr);
  j["kv_lora_rank"] = c.kv_lora_rank;
  j["qk_nope_head_dim"] = c.qk_nope_head_dim;
  j["qk_rope_head_dim"] = c.qk_rope_head_dim;
  j["v_head_dim"] = c.v_head_dim;
  j["max_position_embeddings"] = c.max_position_embeddings;
  j["rope_theta"] = c.rope_theta;
  if (c.rope_scaling.is_yarn()) {
    Json rs = Json::object();
    rs["type"] = "yarn";
    rs["factor"] = c.rope_scaling.factor;
    rs["original_max_position_embeddings"] = c.rope_scaling.original_max_position_embeddings;
    rs["beta_fast"] = c.rope_scaling.beta_fast;
    rs["beta_slow"] = c.rope_scaling.beta_slow;
    if (c.rope_scaling.mscale != 0.0) rs["mscale"] = c.rope_scaling.mscale;
    if (c.rope_scaling.mscale_all_dim != 0.0) rs["mscale_all_dim"] = c.rope_scaling.mscale_all_dim;
    if (c.rope_scaling.attention_factor) rs["attention_factor"] = *c.rope_scaling.attention_factor;
    j["rope_scaling"] = rs;
  } else {
    j["rope_scaling"] = nullptr;
  }
  j["rope_interleave"] = c.rope_interleave;
  j["num_nextn_predict_layers"] = c.num_nextn_predict_layers;
  j["rms_norm_eps"] = c.rms_norm_eps;
  j["tie_word_embeddings"] = c.tie_word_embeddings;
  j["initializer_range"] = c.initializer_range;
  j["hidden_act"] = "silu";
  j["bos_token_id"] = c.bos_token_id ? Json(*c.bos_token_id) : Json(nullptr);
  if (c.eos_token_ids.size() == 1) {
    j["eos_token_id"] = c.eos_token_ids[0];
  } else if (!c.eos_token_ids.empty()) {
    j["eos_token_id"] = c.eos_token_ids;
  }
  if (!c.torch_dtype.empty()) j["torch_dtype"] = c.torch_dtype;
  // Sorted keys, like json.dumps(sort_keys=True); nlohmann::json (not ordered_json) sorts.
  nlohmann::json sorted = nlohmann::json::parse(j.dump());
  return sorted.dump(2) + "\n";
}

}  // namespace reasonrl
