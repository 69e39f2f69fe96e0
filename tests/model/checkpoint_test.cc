// Hugging Face checkpoints in and out: byte-exact re-save, shards, FP8 dequantisation, and a clear error
// naming the file and tensor for each kind of bad checkpoint.
#include "model/checkpoint.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "model/architectures.h"
#include "model/safetensors_format.h"
#include "model/tensor_io.h"
#include "tests/model/test_util.h"

namespace reasonrl {
namespace {

using testing::DataPath;
using testing::ReadBytes;
using testing::ReadFixture;
using testing::RelativeError;
using testing::TempDir;

const std::string kFixture = "hf_tiny_deepseek_v3";

// Copies the fixture's config.json and writes `tensors` as its model.safetensors into a fresh dir.
std::string WriteVariant(const std::string& name, const std::vector<std::pair<std::string, torch::Tensor>>& tensors) {
  std::string dir = TempDir(name);
  std::ofstream(dir + "/config.json") << ReadBytes(DataPath(kFixture + "/config.json"));
  EXPECT_TRUE(WriteSafetensors(dir + "/model.safetensors", tensors, {{"format", "pt"}}).ok());
  return dir;
}

std::vector<std::pair<std::string, torch::Tensor>> FixtureTensors() {
  auto map = ReadFixture(DataPath(kFixture + "/model.safetensors"));
  return {map.begin(), map.end()};
}

void ExpectLoadError(const std::string& dir, absl::StatusCode code, const std::vector<std::string>& must_name) {
  auto model = LoadPretrained(dir);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), code) << model.status();
  for (const auto& s : must_name) {
    EXPECT_NE(std::string(model.status().message()).find(s), std::string::npos) << model.status() << " lacks " << s;
  }
}

TEST(CheckpointTest, ResavingTheFixtureReproducesItsBytes) {
  auto model = LoadPretrained(DataPath(kFixture));
  ASSERT_TRUE(model.ok()) << model.status();
  std::string dir = TempDir("resave");
  ASSERT_TRUE(SavePretrained(**model, dir).ok());
  EXPECT_EQ(ReadBytes(dir + "/model.safetensors"), ReadBytes(DataPath(kFixture + "/model.safetensors")));
}

TEST(CheckpointTest, ShardedSaveLoadsBackWithTheSameLogits) {
  auto model = LoadPretrained(DataPath(kFixture));
  ASSERT_TRUE(model.ok());
  std::string dir = TempDir("sharded");
  SaveOptions options;
  options.max_shard_bytes = 300 * 1024;
  ASSERT_TRUE(SavePretrained(**model, dir, options).ok());
  EXPECT_TRUE(std::ifstream(dir + "/model.safetensors.index.json").good());
  EXPECT_FALSE(std::ifstream(dir + "/model.safetensors").good());
  auto again = LoadPretrained(dir);
  ASSERT_TRUE(again.ok()) << again.status();
  torch::NoGradGuard no_grad;
  torch::Tensor ids = torch::randint(0, 512, {2, 9}, torch::kInt64);
  EXPECT_TRUE(torch::equal((*model)->Forward(ids, {}).logits_BSV, (*again)->Forward(ids, {}).logits_BSV));
}

TEST(CheckpointTest, Bfloat16SaveKeepsTheRouterBiasInFloat32) {
  auto model = LoadPretrained(DataPath(kFixture), {torch::kCPU, torch::kBFloat16});
  ASSERT_TRUE(model.ok());
  std::string dir = TempDir("bf16");
  ASSERT_TRUE(SavePretrained(**model, dir).ok());
  auto file = OpenSafetensors(dir + "/model.safetensors");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->header.Find("model.layers.1.mlp.gate.e_score_correction_bias")->dtype, DType::kF32);
  EXPECT_EQ(file->header.Find("model.layers.1.mlp.experts.3.up_proj.weight")->dtype, DType::kBF16);
}

TEST(CheckpointTest, MtpModulesAreSavedUnderLayerNumHiddenLayersAndLoadBack) {
  auto config = LoadModelConfig(DataPath(kFixture + "/config.json"));
  ASSERT_TRUE(config.ok());
  ASSERT_EQ(config->num_nextn_predict_layers, 1);
  auto model = CreateRandomCausalLm(*config, 11);
  ASSERT_TRUE(model.ok());
  std::string dir = TempDir("mtp");
  ASSERT_TRUE(SavePretrained(**model, dir).ok());
  auto file = OpenSafetensors(dir + "/model.safetensors");
  ASSERT_TRUE(file.ok());
  for (const char* name : {"model.layers.3.eh_proj.weight", "model.layers.3.enorm.weight", "model.layers.3.hnorm.weight",
                           "model.layers.3.shared_head.norm.weight", "model.layers.3.shared_head.head.weight",
                           "model.layers.3.embed_tokens.weight", "model.layers.3.mlp.experts.7.down_proj.weight",
                           "model.layers.3.self_attn.kv_b_proj.weight"}) {
    EXPECT_NE(file->header.Find(name), nullptr) << name;
  }
  auto again = LoadPretrained(dir);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->config().num_nextn_predict_layers, 1);
  torch::NoGradGuard no_grad;
  ForwardOptions o;
  o.mtp = true;
  torch::Tensor ids = torch::randint(0, 512, {2, 8}, torch::kInt64);
  auto a = (*model)->Forward(ids, o), b = (*again)->Forward(ids, o);
  ASSERT_EQ(a.mtp_logits.size(), 1u);
  EXPECT_EQ(a.mtp_logits[0].sizes(), (std::vector<int64_t>{2, 7, 512}));
  EXPECT_TRUE(torch::equal(a.mtp_logits[0], b.mtp_logits[0]));
}

TEST(CheckpointTest, DequantisesFp8WeightsBlockwiseWithScaleInv) {
  // lm_head [512, 64] as F8_E4M3 bytes 0x38 (= 1.0) and 0xC0 (= -2.0) alternating, with scale_inv [4, 1]:
  // rows 0-127 ×0.5, 128-255 ×1, 256-383 ×2, 384-511 ×4.
  auto tensors = FixtureTensors();
  std::vector<uint8_t> fp8(512 * 64);
  for (size_t i = 0; i < fp8.size(); ++i) fp8[i] = i % 2 ? 0xC0 : 0x38;
  std::vector<float> scale = {0.5f, 1.0f, 2.0f, 4.0f};
  std::vector<TensorToWrite> raw;
  std::vector<torch::Tensor> keep;
  for (auto& [name, t] : tensors) {
    if (name == "lm_head.weight") continue;
    keep.push_back(t.contiguous());
    raw.push_back({name, *SafetensorsDType(t.scalar_type()), t.sizes().vec(), keep.back().data_ptr(),
                   static_cast<size_t>(t.nbytes())});
  }
  raw.push_back({"lm_head.weight", DType::kF8_E4M3, {512, 64}, fp8.data(), fp8.size()});
  raw.push_back({"lm_head.weight_scale_inv", DType::kF32, {4, 1}, scale.data(), scale.size() * 4});
  std::string dir = TempDir("fp8");
  std::ofstream(dir + "/config.json") << ReadBytes(DataPath(kFixture + "/config.json"));
  ASSERT_TRUE(WriteSafetensorsFile(dir + "/model.safetensors", raw, {}).ok());
  auto model = LoadPretrained(dir);
  ASSERT_TRUE(model.ok()) << model.status();
  torch::Tensor w;
  for (auto& t : (*model)->HubTensors()) if (t.name == "lm_head.weight") w = t.target;
  ASSERT_TRUE(w.defined());
  EXPECT_EQ(w[0][0].item<float>(), 0.5f);
  EXPECT_EQ(w[0][1].item<float>(), -1.0f);
  EXPECT_EQ(w[200][0].item<float>(), 1.0f);
  EXPECT_EQ(w[300][1].item<float>(), -4.0f);
  EXPECT_EQ(w[511][0].item<float>(), 4.0f);
}

TEST(Float8Test, DecodesHandPickedBytes) {
  EXPECT_EQ(DecodeFloat8E4M3(0x38), 1.0f);
  EXPECT_EQ(DecodeFloat8E4M3(0x3C), 1.5f);
  EXPECT_EQ(DecodeFloat8E4M3(0xC0), -2.0f);
  EXPECT_EQ(DecodeFloat8E4M3(0x7E), 448.0f);             // largest finite E4M3FN
  EXPECT_EQ(DecodeFloat8E4M3(0x01), std::ldexp(1.0f, -9));  // smallest subnormal
  EXPECT_TRUE(std::isnan(DecodeFloat8E4M3(0x7F)));
  EXPECT_EQ(DecodeFloat8E5M2(0x3C), 1.0f);
  EXPECT_EQ(DecodeFloat8E5M2(0x7B), 57344.0f);
  EXPECT_TRUE(std::isinf(DecodeFloat8E5M2(0x7C)));
  EXPECT_EQ(DecodeFloat8E5M2(0x01), std::ldexp(1.0f, -16));
}

TEST(CheckpointErrorTest, MissingTensorIsNamed) {
  auto tensors = FixtureTensors();
  tensors.erase(std::remove_if(tensors.begin(), tensors.end(),
                               [](auto& t) { return t.first == "model.layers.2.self_attn.o_proj.weight"; }),
                tensors.end());
  ExpectLoadError(WriteVariant("missing", tensors), absl::StatusCode::kNotFound,
                  {"model.layers.2.self_attn.o_proj.weight", "model.safetensors"});
}

TEST(CheckpointErrorTest, ShapeMismatchNamesTensorAndBothShapes) {
  auto tensors = FixtureTensors();
  for (auto& t : tensors) if (t.first == "model.layers.1.mlp.experts.2.up_proj.weight") t.second = torch::zeros({16, 64});
  ExpectLoadError(WriteVariant("shape", tensors), absl::StatusCode::kInvalidArgument,
                  {"model.layers.1.mlp.experts.2.up_proj.weight", "[16,64]", "[32,64]", "model.safetensors"});
}

TEST(CheckpointErrorTest, IntegerWeightIsRejected) {
  auto tensors = FixtureTensors();
  for (auto& t : tensors) if (t.first == "model.norm.weight") t.second = torch::ones({64}, torch::kInt64);
  ExpectLoadError(WriteVariant("dtype", tensors), absl::StatusCode::kInvalidArgument, {"model.norm.weight", "I64"});
}

TEST(CheckpointErrorTest, TruncatedFileNamesTheFile) {
  std::string dir = TempDir("truncated");
  std::ofstream(dir + "/config.json") << ReadBytes(DataPath(kFixture + "/config.json"));
  std::string bytes = ReadBytes(DataPath(kFixture + "/model.safetensors"));
  std::ofstream(dir + "/model.safetensors", std::ios::binary) << bytes.substr(0, bytes.size() - 100);
  ExpectLoadError(dir, absl::StatusCode::kInvalidArgument, {"model.safetensors"});
}

TEST(CheckpointErrorTest, ConfigWithAContradictionNamesTheKey) {
  std::string dir = TempDir("badconfig");
  std::string config = ReadBytes(DataPath(kFixture + "/config.json"));
  config.replace(config.find("\"qk_head_dim\": 24"), 17, "\"qk_head_dim\": 30");
  std::ofstream(dir + "/config.json") << config;
  std::ofstream(dir + "/model.safetensors", std::ios::binary) << ReadBytes(DataPath(kFixture + "/model.safetensors"));
  ExpectLoadError(dir, absl::StatusCode::kInvalidArgument, {"qk_head_dim", "config.json"});
}

TEST(CheckpointErrorTest, DirectoryWithoutWeightsIsNotFound) {
  std::string dir = TempDir("noweights");
  std::ofstream(dir + "/config.json") << ReadBytes(DataPath(kFixture + "/config.json"));
  ExpectLoadError(dir, absl::StatusCode::kNotFound, {dir});
}

}  // namespace
}  // namespace reasonrl
