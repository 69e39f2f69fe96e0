// config.json parsing: both RoPE forms, defaults by model_type, and an error naming the key for each
// kind of bad input.
#include "model/model_config.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "nlohmann/json.hpp"

namespace reasonrl {
namespace {

using Json = nlohmann::json;

Json FixtureConfig() {
  std::ifstream in(std::string(REASONRL_TEST_DATA_DIR) + "/hf_tiny_deepseek_v3/config.json");
  return Json::parse(in);
}

absl::StatusOr<ModelConfig> Parse(const Json& j) { return ParseModelConfig(j.dump(), "config.json"); }

void ExpectErrorNaming(const Json& j, const std::string& key) {
  auto c = Parse(j);
  ASSERT_FALSE(c.ok()) << "accepted: " << j.dump();
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(c.status().message()).find("config.json"), std::string::npos) << c.status();
  EXPECT_NE(std::string(c.status().message()).find("\"" + key + "\""), std::string::npos) << c.status();
}

TEST(ModelConfigTest, ParsesTheTransformersFiveFixture) {
  auto c = Parse(FixtureConfig());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->model_type, "deepseek_v3");
  EXPECT_EQ(c->hidden_size, 64);
  EXPECT_EQ(c->num_hidden_layers, 3);
  EXPECT_EQ(c->n_routed_experts, 8);
  EXPECT_EQ(c->n_group, 2);
  EXPECT_EQ(c->topk_group, 1);
  EXPECT_EQ(c->num_experts_per_tok, 2);
  EXPECT_EQ(*c->q_lora_rank, 32);
  EXPECT_EQ(c->qk_head_dim(), 24);
  EXPECT_EQ(c->rope_theta, 10000.0);
  EXPECT_FALSE(c->rope_scaling.is_yarn());
  EXPECT_TRUE(c->rope_interleave);
  EXPECT_EQ(c->scoring_func, ScoringFunc::kSigmoid);
  EXPECT_EQ(c->topk_method, TopkMethod::kNoauxTc);
  EXPECT_FALSE(c->is_moe_layer(0));
  EXPECT_TRUE(c->is_moe_layer(1));
  EXPECT_EQ(c->num_nextn_predict_layers, 1);
  EXPECT_DOUBLE_EQ(c->softmax_scale(), 1.0 / std::sqrt(24.0));
}

// Real DeepSeek-V3 values (model-spec.md §3): 192^-0.5 · (0.1 ln 40 + 1)^2 = 0.135234.
TEST(ModelConfigTest, HubFormYarnGivesTheV3SoftmaxScale) {
  Json j = FixtureConfig();
  j.erase("rope_parameters");
  j["qk_nope_head_dim"] = 128;
  j["qk_rope_head_dim"] = 64;
  j["qk_head_dim"] = 192;
  j["head_dim"] = 64;
  j["rope_theta"] = 10000;
  j["rope_scaling"] = {{"type", "yarn"}, {"factor", 40}, {"original_max_position_embeddings", 4096},
                       {"beta_fast", 32}, {"beta_slow", 1}, {"mscale", 1.0}, {"mscale_all_dim", 1.0}};
  auto c = Parse(j);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->rope_scaling.is_yarn());
  EXPECT_EQ(c->rope_scaling.original_max_position_embeddings, 4096);
  EXPECT_NEAR(c->softmax_scale(), 0.135234, 5e-7);
  EXPECT_DOUBLE_EQ(c->rope_attention_factor(), 1.0);
  // V2-Lite: mscale = mscale_all_dim = 0.707 -> 192^-0.5 · 1.58963^2 = 0.114721.
  j["rope_scaling"]["mscale"] = 0.707;
  j["rope_scaling"]["mscale_all_dim"] = 0.707;
  c = Parse(j);
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->softmax_scale(), 0.114721, 5e-7);
}

TEST(ModelConfigTest, BothRopeFormsGiveTheSameConfig) {
  Json hub = FixtureConfig();
  hub.erase("rope_parameters");
  hub["rope_theta"] = 50000.0;
  hub["rope_scaling"] = {{"type", "yarn"}, {"factor", 4}, {"original_max_position_embeddings", 64}};
  Json v5 = FixtureConfig();
  v5["rope_parameters"] = {{"rope_type", "yarn"}, {"rope_theta", 50000.0}, {"factor", 4.0},
                           {"original_max_position_embeddings", 64}};
  auto a = Parse(hub), b = Parse(v5);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->rope_theta, b->rope_theta);
  EXPECT_EQ(a->rope_scaling.factor, b->rope_scaling.factor);
  EXPECT_EQ(a->rope_scaling.original_max_position_embeddings, b->rope_scaling.original_max_position_embeddings);
  // No mscale given: cos/sin carry 0.1 ln(4) + 1, like transformers' YaRN default.
  EXPECT_NEAR(a->rope_attention_factor(), 0.1 * std::log(4.0) + 1.0, 1e-12);
}

TEST(ModelConfigTest, DeepseekV2DefaultsToSoftmaxGreedyWithoutRenormalisation) {
  Json j = FixtureConfig();
  j["model_type"] = "deepseek_v2";
  j.erase("scoring_func");
  j.erase("topk_method");
  j.erase("norm_topk_prob");
  j["n_group"] = 1;
  j["topk_group"] = 1;
  j["q_lora_rank"] = nullptr;
  auto c = Parse(j);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->scoring_func, ScoringFunc::kSoftmax);
  EXPECT_EQ(c->topk_method, TopkMethod::kGreedy);
  EXPECT_FALSE(c->norm_topk_prob);
  EXPECT_FALSE(c->q_lora_rank.has_value());
}

TEST(ModelConfigTest, SavedHubFormParsesBackToTheSameConfig) {
  auto c = Parse(FixtureConfig());
  ASSERT_TRUE(c.ok());
  std::string text = SerializeHubConfig(*c);
  Json saved = Json::parse(text);
  EXPECT_FALSE(saved.contains("rope_parameters"));
  EXPECT_EQ(saved["rope_theta"], 10000.0);
  EXPECT_TRUE(saved["rope_scaling"].is_null());
  EXPECT_EQ(saved["pretraining_tp"], 1);  // a key we do not use travels through
  auto again = ParseModelConfig(text, "saved.json");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(SerializeHubConfig(*again), text);
}

TEST(ModelConfigTest, RejectsAMissingRequiredKey) {
  for (const char* key : {"hidden_size", "vocab_size", "kv_lora_rank", "q_lora_rank", "num_experts_per_tok",
                          "model_type", "max_position_embeddings"}) {
    Json j = FixtureConfig();
    j.erase(key);
    ExpectErrorNaming(j, key);
  }
}

TEST(ModelConfigTest, RejectsContradictoryHeadDims) {
  Json j = FixtureConfig();
  j["qk_head_dim"] = 25;
  ExpectErrorNaming(j, "qk_head_dim");
  j = FixtureConfig();
  j["num_key_value_heads"] = 2;
  ExpectErrorNaming(j, "num_key_value_heads");
}

TEST(ModelConfigTest, RejectsUnknownValuesOfKeysWeUse) {
  Json j = FixtureConfig();
  j["scoring_func"] = "sqrtsoftplus";
  ExpectErrorNaming(j, "scoring_func");
  j = FixtureConfig();
  j["topk_method"] = "random";
  ExpectErrorNaming(j, "topk_method");
  j = FixtureConfig();
  j["model_type"] = "gpt2";
  ExpectErrorNaming(j, "model_type");
  j = FixtureConfig();
  j["rope_parameters"]["rope_type"] = "longrope";
  ExpectErrorNaming(j, "rope_parameters.rope_type");
  j = FixtureConfig();
  j["hidden_act"] = "gelu";
  ExpectErrorNaming(j, "hidden_act");
}

TEST(ModelConfigTest, RejectsWrongTypesAndImpossibleRouting) {
  Json j = FixtureConfig();
  j["hidden_size"] = "64";
  ExpectErrorNaming(j, "hidden_size");
  j = FixtureConfig();
  j["n_group"] = 3;  // 8 experts do not split into 3 groups
  ExpectErrorNaming(j, "n_group");
  j = FixtureConfig();
  j["topk_group"] = 4;
  ExpectErrorNaming(j, "topk_group");
  j = FixtureConfig();
  j["num_experts_per_tok"] = 5;  // more than the 4 experts of the one kept group
  ExpectErrorNaming(j, "num_experts_per_tok");
  j = FixtureConfig();
  j["rope_theta"] = 20000.0;  // contradicts rope_parameters.rope_theta
  ExpectErrorNaming(j, "rope_theta");
}

TEST(ModelConfigTest, RejectsTextThatIsNotJson) {
  auto c = ParseModelConfig("{\"model_type\": ", "broken/config.json");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(std::string(c.status().message()).find("broken/config.json"), std::string::npos);
}

}  // namespace
}  // namespace reasonrl
