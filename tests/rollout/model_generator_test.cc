// LoadModelTokenGenerator on the transformers fixture, called directly (the service tests call it over
// gRPC). Torch-free translation unit: the generator's header hides LibTorch.
#include "rollout/model_generator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/rollout/fixture_tokens.h"

namespace reasonrl {
namespace {

using testing::DataPath;
using testing::GreedyReference;
using ::testing::HasSubstr;

TEST(ModelGeneratorTest, GeneratesWhatTransformersGenerated) {
  auto generator = LoadModelTokenGenerator(DataPath("hf_tiny_deepseek_v3"), "cpu", "float32");
  ASSERT_TRUE(generator.ok()) << generator.status();
  const GreedyReference ref = GreedyReference::Read();
  GenerationParams params;
  params.max_new_tokens = 10;
  auto sequences = (*generator)->Generate({ref.prompt}, params);
  ASSERT_TRUE(sequences.ok()) << sequences.status();
  ASSERT_EQ(sequences->size(), 1u);
  EXPECT_EQ((*sequences)[0].token_ids, ref.Slice(6, 16));
  EXPECT_EQ((*sequences)[0].finish_reason, FinishReason::kLength);
}

TEST(ModelGeneratorTest, RejectsWhatItCannotDo) {
  auto generator = LoadModelTokenGenerator(DataPath("hf_tiny_deepseek_v3"), "cpu", "float32");
  ASSERT_TRUE(generator.ok()) << generator.status();
  GenerationParams params;
  params.greedy = false;
  EXPECT_EQ((*generator)->Generate({{1, 2}}, params).status().code(), absl::StatusCode::kInvalidArgument);
  params = {};
  params.max_new_tokens = 0;
  EXPECT_EQ((*generator)->Generate({{1, 2}}, params).status().code(), absl::StatusCode::kInvalidArgument);
  params = {};
  EXPECT_EQ((*generator)->Generate({}, params).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*generator)->Generate({{1}, {}}, params).status().code(), absl::StatusCode::kInvalidArgument);
  params.policy_version = 1;
  auto status = (*generator)->Generate({{1, 2}}, params).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("policy_version"));
}

TEST(ModelGeneratorTest, LoadErrorsNameTheDirectoryDeviceOrDtype) {
  auto missing = LoadModelTokenGenerator("/nonexistent/model", "cpu", "float32");
  EXPECT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("/nonexistent/model"));
  auto device = LoadModelTokenGenerator(DataPath("hf_tiny_deepseek_v3"), "tpu", "float32");
  EXPECT_EQ(device.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(device.status().message(), HasSubstr("device"));
  auto dtype = LoadModelTokenGenerator(DataPath("hf_tiny_deepseek_v3"), "cpu", "float64");
  EXPECT_EQ(dtype.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(dtype.status().message(), HasSubstr("dtype"));
}

}  // namespace
}  // namespace reasonrl
