// For tests that talk to an in-process RewardServer over loopback gRPC (service_test.cc, load_test.cc):
// a token, a started server, stubs, and call contexts carrying the token. Torch-free: includes the
// generated protobuf headers.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "proto/health.grpc.pb.h"
#include "proto/health.pb.h"
#include "proto/reward.grpc.pb.h"
#include "proto/reward.pb.h"
#include "reward/registry.h"
#include "reward/service.h"

namespace reasonrl::reward::testing {

inline constexpr char kToken[] = "test-token-0123456789abcdef";

inline std::unique_ptr<RewardServer> StartServer(RewardServerOptions options = RewardServerOptions()) {
  if (options.token.empty()) options.token = kToken;
  absl::StatusOr<std::unique_ptr<RewardServer>> server = RewardServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

inline std::shared_ptr<grpc::Channel> Channel(int port) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), args);
}

// A context with a deadline `seconds` from now and, unless `token` is null, "authorization: Bearer <token>".
inline std::unique_ptr<grpc::ClientContext> Context(double seconds, const char* token = kToken) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000)));
  if (token != nullptr) context->AddMetadata("authorization", std::string("Bearer ") + token);
  return context;
}

inline v1::RewardTerm* AddTerm(v1::RewardSpec* spec, const std::string& name) {
  v1::RewardTerm* term = spec->add_rewards();
  term->set_name(name);
  return term;
}

inline v1::Sample* AddSample(v1::ScoreRequest* request, const std::string& completion,
                             const std::string& ground_truth = "") {
  v1::Sample* sample = request->add_samples();
  sample->set_completion(completion);
  sample->set_ground_truth(ground_truth);
  return sample;
}

// A scoring function for RewardServerOptions::pool.score that stands in for a reward ignoring its
// deadline: a sample whose completion is exactly "stuck" blocks its thread for `stuck_for` and then scores
// 1; every other sample is scored by reward::Score as in production. (The real rewards bound their own
// time, math_accuracy by an evaluation budget and code by its sandbox's wall limit, so a genuinely
// non-interruptible one cannot be had from the registry.)
inline std::function<Result(const RewardSpec&, const Sample&, absl::Time)> StuckScorer(absl::Duration stuck_for) {
  return [stuck_for](const RewardSpec& spec, const Sample& sample, absl::Time deadline) {
    if (sample.completion == "stuck") {
      absl::SleepFor(stuck_for);
      return Result{1.0, {{spec.terms[0].label, 1.0}}, ""};
    }
    return Score(spec, sample, deadline);
  };
}

// A completion whose python block loops forever, and a correct one, for a task reading "2 3" and
// printing their sum.
inline constexpr char kLoopingProgram[] = "Here it is.\n```python\nwhile True:\n    pass\n```\n";
inline constexpr char kAddingProgram[] =
    "Here it is.\n```python\na, b = map(int, input().split())\nprint(a + b)\n```\n";
inline constexpr char kAddingTests[] = R"([{"stdin": "2 3\n", "stdout": "5\n"}])";

}  // namespace reasonrl::reward::testing
