// `reasonrl serve rollout` as a user runs it: the built binary on a free port, the "listening on" line
// read from its stdout, a Generate call through gRPC, then SIGTERM or SIGINT and a clean exit 0.
//
// Torch-free translation unit: it includes the generated protobuf headers (../shared/docs/gpu.md, trap 1).
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
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

class ServeCliTest : public ::testing::TestWithParam<int> {};

TEST_P(ServeCliTest, ServesGenerateAndExitsZeroOnSignal) {
  Child child({"serve", "rollout", "--model", DataPath("hf_tiny_deepseek_v3"), "--port", "0"});
  const std::string line = child.ReadLine(std::chrono::seconds(120));
  const int port = ParseListeningPort(line);
  ASSERT_GT(port, 0) << "stdout: \"" << line << "\"\nstderr: " << child.Stderr();

  // The client leaves before the signal: an idle connection would hold graceful shutdown until its
  // backup poller acknowledges the server's GOAWAY (up to 5 s).
  const GreedyReference ref = GreedyReference::Read();
  std::vector<int64_t> generated;
  grpc::Status status = GreedyGenerateOverGrpc(port, ref.prompt, 10, &generated);
  ASSERT_TRUE(status.ok()) << status.error_message() << "\nstderr: " << child.Stderr();
  EXPECT_EQ(generated, ref.Slice(6, 16));

  child.Signal(GetParam());
  EXPECT_EQ(child.WaitForExit(std::chrono::seconds(60)), 0) << child.Stderr();
  EXPECT_EQ(child.ReadRest(), "") << "only one line goes to stdout";
}

INSTANTIATE_TEST_SUITE_P(Signals, ServeCliTest, ::testing::Values(SIGTERM, SIGINT),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return info.param == SIGTERM ? std::string("Sigterm") : std::string("Sigint");
                         });

TEST(ServeCliErrorsTest, AMissingModelExitsNonZeroNamingItWithoutListening) {
  Child child({"serve", "rollout", "--model", "/nonexistent/model"});
  EXPECT_EQ(child.ReadLine(std::chrono::seconds(60)), "");
  EXPECT_EQ(child.WaitForExit(std::chrono::seconds(60)), 1);
  EXPECT_THAT(child.Stderr(), ::testing::HasSubstr("/nonexistent/model"));
}

TEST(ServeCliErrorsTest, BadFlagsExitNonZeroNamingTheFlag) {
  for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
           {"--port", "70000"}, {"--device", "tpu"}, {"--dtype", "float64"}}) {
    SCOPED_TRACE(flag);
    Child child({"serve", "rollout", "--model", DataPath("hf_tiny_deepseek_v3"), flag, value});
    EXPECT_EQ(child.ReadLine(std::chrono::seconds(60)), "");
    EXPECT_NE(child.WaitForExit(std::chrono::seconds(60)), 0);
    EXPECT_THAT(child.Stderr(), ::testing::HasSubstr(flag.substr(2)));
  }
}

}  // namespace
}  // namespace reasonrl
