// The `reasonrl` binary end to end: forward and generate on the transformers fixture, and a non-zero
// exit with a message naming the file or flag for bad input.
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <cstdio>
#include <sys/wait.h>

#include "model/tensor_io.h"
#include "tests/trainer/cli_run.h"
#include "tests/model/test_util.h"

namespace reasonrl {
namespace {

using testing::DataPath;
using testing::ReadFixture;
using testing::RelativeError;
using testing::TempDir;
using testing::CliRun;
using testing::Reasonrl;

std::string WriteIds(const std::string& dir, const std::string& name, const torch::Tensor& ids,
                     const std::string& key = "input_ids") {
  std::string path = dir + "/" + name;
  EXPECT_TRUE(WriteSafetensors(path, {{key, ids}}).ok());
  return path;
}

TEST(CliTest, ForwardWritesTheLogitsTransformersComputed) {
  auto ref = ReadFixture(DataPath("hf_tiny_deepseek_v3/reference.safetensors"));
  std::string dir = TempDir("cli_forward");
  std::string in = WriteIds(dir, "in.safetensors", ref.at("input_ids"));
  CliRun r = Reasonrl("forward --model " + DataPath("hf_tiny_deepseek_v3") + " --input " + in + " --output " + dir +
                   "/out.safetensors");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto out = ReadFixture(dir + "/out.safetensors");
  ASSERT_EQ(out.at("logits").scalar_type(), torch::kFloat32);
  EXPECT_LE(RelativeError(out.at("logits"), ref.at("logits")), 1e-4);
}

TEST(CliTest, GreedyGenerateWritesTheTokensTransformersChose) {
  auto ref = ReadFixture(DataPath("hf_tiny_deepseek_v3/reference.safetensors"));
  std::string dir = TempDir("cli_generate");
  std::string in = WriteIds(dir, "prompt.safetensors", ref.at("greedy_prompt"));
  CliRun r = Reasonrl("generate --model " + DataPath("hf_tiny_deepseek_v3") + " --input " + in +
                   " --max-new-tokens 10 --greedy --output " + dir + "/out.safetensors");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(torch::equal(ReadFixture(dir + "/out.safetensors").at("output_ids"), ref.at("greedy_output")));
}

TEST(CliTest, MissingModelDirectoryExitsNonZeroNamingIt) {
  std::string dir = TempDir("cli_missing");
  std::string in = WriteIds(dir, "in.safetensors", torch::zeros({1, 3}, torch::kInt64));
  CliRun r = Reasonrl("forward --model /nonexistent/model --input " + in + " --output " + dir + "/out.safetensors");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("/nonexistent/model"), std::string::npos) << r.output;
  EXPECT_FALSE(std::ifstream(dir + "/out.safetensors").good());
}

TEST(CliTest, InputWithoutInputIdsOrWithWrongDtypeIsRejected) {
  std::string dir = TempDir("cli_badinput");
  std::string model = " --model " + DataPath("hf_tiny_deepseek_v3");
  std::string out = " --output " + dir + "/out.safetensors";
  CliRun r = Reasonrl("forward" + model + " --input " + WriteIds(dir, "a.safetensors", torch::zeros({1, 3}, torch::kInt64), "ids") + out);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("input_ids"), std::string::npos) << r.output;
  r = Reasonrl("forward" + model + " --input " + WriteIds(dir, "b.safetensors", torch::zeros({1, 3}, torch::kInt32)) + out);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("I64"), std::string::npos) << r.output;
  r = Reasonrl("forward" + model + " --input " + WriteIds(dir, "c.safetensors", torch::full({1, 3}, 9999, torch::kInt64)) + out);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("vocabulary"), std::string::npos) << r.output;
  r = Reasonrl("forward" + model + " --input " + dir + "/a.safetensors --device tpu" + out);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("--device"), std::string::npos) << r.output;
  EXPECT_FALSE(std::ifstream(dir + "/out.safetensors").good());
}

TEST(CliTest, ConvertReproducesTheTransformersCheckpointBytes) {
  std::string dir = TempDir("cli_convert");
  CliRun r = Reasonrl("convert --model " + DataPath("hf_tiny_deepseek_v3") + " --output " + dir + "/out");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(testing::ReadBytes(dir + "/out/model.safetensors"),
            testing::ReadBytes(DataPath("hf_tiny_deepseek_v3/model.safetensors")));
}

TEST(CliTest, InitIsDeterministicInTheSeedAndLoadsBack) {
  std::string dir = TempDir("cli_init");
  std::string config = " --config " + DataPath("hf_tiny_deepseek_v3/config.json");
  ASSERT_EQ(Reasonrl("init" + config + " --seed 3 --output " + dir + "/a").exit_code, 0);
  ASSERT_EQ(Reasonrl("init" + config + " --seed 3 --output " + dir + "/b").exit_code, 0);
  ASSERT_EQ(Reasonrl("init" + config + " --seed 4 --output " + dir + "/c").exit_code, 0);
  const std::string a = testing::ReadBytes(dir + "/a/model.safetensors");
  EXPECT_EQ(a, testing::ReadBytes(dir + "/b/model.safetensors"));
  EXPECT_NE(a, testing::ReadBytes(dir + "/c/model.safetensors"));
  std::string in = WriteIds(dir, "in.safetensors", torch::zeros({1, 4}, torch::kInt64));
  CliRun r = Reasonrl("forward --model " + dir + "/a --input " + in + " --output " + dir + "/logits.safetensors");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(CliTest, InitRejectsABadConfigNamingTheKey) {
  std::string dir = TempDir("cli_init_bad");
  std::ofstream(dir + "/config.json") << "{\"model_type\": \"deepseek_v3\", \"hidden_size\": 64}";
  CliRun r = Reasonrl("init --config " + dir + "/config.json --output " + dir + "/out");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("vocab_size"), std::string::npos) << r.output;
  EXPECT_FALSE(std::ifstream(dir + "/out/model.safetensors").good());
}

}  // namespace
}  // namespace reasonrl
