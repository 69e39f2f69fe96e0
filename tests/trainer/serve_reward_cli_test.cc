// `reasonrl serve reward` as a user runs it: the built binary on a free port, the "listening on" line read
// from its stdout, health without a token, Score with the token (from a file or the environment) and
// without it, then SIGTERM or SIGINT and a clean exit 0; and the ways it refuses to start.
//
// Torch-free translation unit: it includes the generated protobuf headers (../shared/docs/gpu.md, trap 1).
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "proto/health.grpc.pb.h"
#include "proto/reward.grpc.pb.h"
#include "tests/trainer/serve_cli_util.h"

namespace reasonrl {
namespace {

using testing::Child;
using ::testing::HasSubstr;
using testing::ParseListeningPort;

constexpr char kToken[] = "cli-test-token-5f2b9c1e7a3d4e60";

// A file holding `content`, mode 0600, removed on destruction.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char path[] = "/tmp/reasonrl_serve_reward_token_XXXXXX";
    const int fd = ::mkstemp(path);
    path_ = path;
    if (fd >= 0) ::close(fd);
    std::ofstream(path_) << content;
    ::chmod(path_.c_str(), 0600);
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Sets an environment variable for the children started in its scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

std::unique_ptr<grpc::ClientContext> Context(const char* token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  if (token != nullptr) context->AddMetadata("x-reasonrl-token", token);
  return context;
}

// Checks health, a refused call and a scored call against the server on `port`. The channel closes on
// return (an idle connection would hold the server's graceful shutdown until its GOAWAY is acknowledged).
void ExerciseServer(int port) {
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckRequest check;
  check.set_service("reasonrl.v1.RewardService");
  grpc::health::v1::HealthCheckResponse answer;
  grpc::Status status = health->Check(Context(nullptr).get(), check, &answer);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(answer.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  auto stub = v1::RewardService::NewStub(channel);
  v1::ScoreRequest request;
  request.mutable_spec()->add_rewards()->set_name("math_accuracy");
  for (const auto& [completion, truth] :
       std::vector<std::pair<std::string, std::string>>{{"so \\boxed{\\frac{1}{4}}", "0.25"}, {"\\boxed{5}", "4"}}) {
    v1::Sample* sample = request.add_samples();
    sample->set_completion(completion);
    sample->set_ground_truth(truth);
  }
  v1::ScoreResponse response;
  EXPECT_EQ(stub->Score(Context(nullptr).get(), request, &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stub->Score(Context("cli-test-token-5f2b9c1e7a3d4e6X").get(), request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  status = stub->Score(Context(kToken).get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).reward(), 1.0);
  EXPECT_EQ(response.results(1).reward(), 0.0);
  EXPECT_EQ(response.results(1).reason(), "math_accuracy: wrong");
}

class ServeRewardCliTest : public ::testing::TestWithParam<int> {};

TEST_P(ServeRewardCliTest, ServesScoreAndHealthWithATokenFileAndExitsZeroOnSignal) {
  TempFile token(std::string(kToken) + "\n");  // a trailing newline, as `echo` writes it, is dropped
  Child child({"serve", "reward", "--port", "0", "--workers", "2", "--token-file", token.path()});
  const std::string line = child.ReadLine(std::chrono::seconds(60));
  const int port = ParseListeningPort(line);
  ASSERT_GT(port, 0) << "stdout: \"" << line << "\"\nstderr: " << child.Stderr();
  ExerciseServer(port);
  child.Signal(GetParam());
  EXPECT_EQ(child.WaitForExit(std::chrono::seconds(60)), 0) << child.Stderr();
  EXPECT_EQ(child.ReadRest(), "") << "only one line goes to stdout";
  EXPECT_THAT(child.Stderr(), HasSubstr("2 workers"));
}

INSTANTIATE_TEST_SUITE_P(Signals, ServeRewardCliTest, ::testing::Values(SIGTERM, SIGINT),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return info.param == SIGTERM ? std::string("Sigterm") : std::string("Sigint");
                         });

TEST(ServeRewardCliEnvTest, TakesTheTokenFromTheEnvironment) {
  ScopedEnv env("REASONRL_REWARD_TOKEN", kToken);
  Child child({"serve", "reward", "--port", "0"});
  const int port = ParseListeningPort(child.ReadLine(std::chrono::seconds(60)));
  ASSERT_GT(port, 0) << child.Stderr();
  ExerciseServer(port);
  child.Signal(SIGTERM);
  EXPECT_EQ(child.WaitForExit(std::chrono::seconds(60)), 0) << child.Stderr();
}

// Starts the binary, expects no "listening on" line, a non-zero exit and each of `expected` on stderr.
void ExpectRefusal(const std::vector<std::string>& args, const std::vector<std::string>& expected) {
  Child child(args);
  EXPECT_EQ(child.ReadLine(std::chrono::seconds(60)), "");
  EXPECT_NE(child.WaitForExit(std::chrono::seconds(60)), 0);
  for (const std::string& part : expected) EXPECT_THAT(child.Stderr(), HasSubstr(part));
}

TEST(ServeRewardCliErrorsTest, WithoutATokenItRefusesToStartAndSaysWhereToPutOne) {
  ::unsetenv("REASONRL_REWARD_TOKEN");
  ExpectRefusal({"serve", "reward"}, {"no token", "--token-file", "REASONRL_REWARD_TOKEN"});
}

TEST(ServeRewardCliErrorsTest, ATokenIsNeverAFlagValue) {
  ExpectRefusal({"serve", "reward", "--token", kToken}, {"--token"});
}

TEST(ServeRewardCliErrorsTest, TwoSourcesOfTheTokenOrABadTokenAreRefused) {
  TempFile token(kToken);
  {
    ScopedEnv env("REASONRL_REWARD_TOKEN", kToken);
    ExpectRefusal({"serve", "reward", "--token-file", token.path()}, {"both --token-file and REASONRL_REWARD_TOKEN"});
  }
  TempFile short_token("abc123");
  ExpectRefusal({"serve", "reward", "--token-file", short_token.path()}, {short_token.path(), "at least 16"});
  ExpectRefusal({"serve", "reward", "--token-file", "/nonexistent/token"}, {"/nonexistent/token"});
}

TEST(ServeRewardCliErrorsTest, BadFlagsExitNonZeroNamingTheFlag) {
  TempFile token(kToken);
  for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
           {"--port", "70000"}, {"--workers", "-1"}, {"--shutdown-grace", "-2"}}) {
    SCOPED_TRACE(flag);
    ExpectRefusal({"serve", "reward", "--token-file", token.path(), flag, value}, {flag.substr(2)});
  }
}

}  // namespace
}  // namespace reasonrl
