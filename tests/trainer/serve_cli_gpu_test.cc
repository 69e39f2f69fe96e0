// `reasonrl serve rollout --device cuda`: the binary that links LibTorch (CUDA) and gRPC, serving on the
// GPU. Greedy float32 decoding on CUDA reproduces transformers' tokens (as deepseek_model_gpu_test checks
// in-process). Skips itself when the binary reports no CUDA device.
//
// Torch-free translation unit: it includes the generated protobuf headers (../shared/docs/gpu.md, trap 1).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/rollout/fixture_tokens.h"
#include "tests/trainer/serve_cli_util.h"

namespace reasonrl {
namespace {

using testing::Child;
using testing::DataPath;
using testing::GreedyGenerateOverGrpc;
using testing::GreedyReference;
using testing::ParseListeningPort;

TEST(ServeCliGpuTest, ServesTransformersGreedyTokensFromCudaAndExitsZeroOnSigterm) {
  Child child({"serve", "rollout", "--model", DataPath("hf_tiny_deepseek_v3"), "--device", "cuda"});
  const std::string line = child.ReadLine(std::chrono::seconds(180));
  if (line.empty() && child.WaitForExit(std::chrono::seconds(30)) == 1 &&
      child.Stderr().find("no CUDA device") != std::string::npos) {
    GTEST_SKIP() << "no CUDA device";
  }
  const int port = ParseListeningPort(line);
  ASSERT_GT(port, 0) << "stdout: \"" << line << "\"\nstderr: " << child.Stderr();

  const GreedyReference ref = GreedyReference::Read();
  std::vector<int64_t> generated;
  grpc::Status status = GreedyGenerateOverGrpc(port, ref.prompt, 10, &generated);
  ASSERT_TRUE(status.ok()) << status.error_message() << "\nstderr: " << child.Stderr();
  EXPECT_EQ(generated, ref.Slice(6, 16));

  child.Signal(SIGTERM);
  EXPECT_EQ(child.WaitForExit(std::chrono::seconds(60)), 0) << child.Stderr();
}

}  // namespace
}  // namespace reasonrl
