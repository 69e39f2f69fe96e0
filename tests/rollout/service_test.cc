// The RolloutService end to end: a real server on a loopback port, the real model generator on the
// transformers fixture, calls through a real gRPC channel. Fakes only stand in for the generator where a
// test needs it to fail or to block.
//
// Torch-free translation unit: it includes the generated protobuf headers (../shared/docs/gpu.md, trap 1).
#include "rollout/service.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "proto/rollout.grpc.pb.h"
#include "proto/rollout.pb.h"
#include "rollout/model_generator.h"
#include "tests/rollout/fixture_tokens.h"

namespace reasonrl {
namespace {

using testing::DataPath;
using testing::GreedyReference;
using ::testing::HasSubstr;

v1::GenerateRequest MakeRequest(const std::vector<std::vector<int64_t>>& prompts, int max_new_tokens,
                                std::optional<int64_t> eos = std::nullopt) {
  v1::GenerateRequest request;
  for (const auto& prompt : prompts) request.add_prompts()->mutable_token_ids()->Add(prompt.begin(), prompt.end());
  request.set_max_new_tokens(max_new_tokens);
  request.mutable_sampling()->set_greedy(true);
  if (eos) request.set_eos_token_id(*eos);
  return request;
}

std::vector<int64_t> Ids(const v1::Completion& completion) {
  return std::vector<int64_t>(completion.token_ids().begin(), completion.token_ids().end());
}

// A client of a server on 127.0.0.1:`port`; every call carries a deadline.
class Client {
 public:
  explicit Client(int port)
      : stub_(v1::RolloutService::NewStub(
            grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()))) {}

  grpc::Status Generate(const v1::GenerateRequest& request, v1::GenerateResponse* response,
                        std::chrono::seconds timeout = std::chrono::seconds(60)) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    return stub_->Generate(&context, request, response);
  }

 private:
  std::unique_ptr<v1::RolloutService::Stub> stub_;
};

// The model generator is loaded once for the suite; each test gets its own server.
class RolloutServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<TokenGenerator>> generator =
        LoadModelTokenGenerator(DataPath("hf_tiny_deepseek_v3"), "cpu", "float32");
    ASSERT_TRUE(generator.ok()) << generator.status();
    generator_ = generator->release();
  }
  static void TearDownTestSuite() {
    delete generator_;
    generator_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(generator_, nullptr);
    absl::StatusOr<std::unique_ptr<RolloutServer>> server = RolloutServer::Start(generator_, {});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_GT(server_->port(), 0);
    client_ = std::make_unique<Client>(server_->port());
  }

  static TokenGenerator* generator_;
  const GreedyReference ref_ = GreedyReference::Read();
  std::unique_ptr<RolloutServer> server_;
  std::unique_ptr<Client> client_;
};

TokenGenerator* RolloutServiceTest::generator_ = nullptr;

TEST_F(RolloutServiceTest, GreedyCompletionIsWhatTransformersGenerated) {
  v1::GenerateResponse response;
  grpc::Status status = client_->Generate(MakeRequest({ref_.prompt}, 10), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.completions_size(), 1);
  EXPECT_EQ(Ids(response.completions(0)), ref_.Slice(6, 16));
  EXPECT_EQ(response.completions(0).finish_reason(), v1::FINISH_REASON_LENGTH);
  EXPECT_EQ(response.policy_version(), 0);
}

TEST_F(RolloutServiceTest, BatchOfDifferentLengthsGetsOneCompletionPerPromptInOrder) {
  // Greedy continuations of prefixes of transformers' output are the rest of that output.
  const std::vector<int64_t> short_prompt(ref_.prompt.begin(), ref_.prompt.begin() + 3);
  v1::GenerateResponse alone;
  ASSERT_TRUE(client_->Generate(MakeRequest({short_prompt}, 4), &alone).ok());

  v1::GenerateResponse response;
  grpc::Status status =
      client_->Generate(MakeRequest({ref_.Slice(0, 12), ref_.prompt, short_prompt, ref_.Slice(0, 9)}, 4), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.completions_size(), 4);
  EXPECT_EQ(Ids(response.completions(0)), ref_.Slice(12, 16));
  EXPECT_EQ(Ids(response.completions(1)), ref_.Slice(6, 10));
  EXPECT_EQ(Ids(response.completions(2)), Ids(alone.completions(0)));
  EXPECT_EQ(response.completions(2).token_ids_size(), 4);
  EXPECT_EQ(Ids(response.completions(3)), ref_.Slice(9, 13));
  for (const v1::Completion& completion : response.completions()) {
    EXPECT_EQ(completion.finish_reason(), v1::FINISH_REASON_LENGTH);
  }
}

TEST_F(RolloutServiceTest, EosStopsACompletionWithFinishReasonEos) {
  const std::vector<int64_t> generated = ref_.Slice(6, 16);
  const int64_t eos = generated[3];
  // The completion ends at the first occurrence of eos, which it includes.
  std::vector<int64_t> expected;
  for (int64_t id : generated) {
    expected.push_back(id);
    if (id == eos) break;
  }
  v1::GenerateResponse response;
  // The second prompt continues past the first's eos; with eos unreachable in 2 tokens it ends on length.
  grpc::Status status = client_->Generate(MakeRequest({ref_.prompt, ref_.Slice(0, 14)}, 10, eos), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.completions_size(), 2);
  EXPECT_EQ(Ids(response.completions(0)), expected);
  EXPECT_EQ(response.completions(0).finish_reason(), v1::FINISH_REASON_EOS);
  const std::vector<int64_t> tail = Ids(response.completions(1));
  ASSERT_FALSE(tail.empty());
  for (size_t k = 0; k < std::min<size_t>(2, tail.size()); ++k) EXPECT_EQ(tail[k], ref_.output[14 + k]);
  EXPECT_EQ(response.completions(1).finish_reason(),
            tail.back() == eos ? v1::FINISH_REASON_EOS : v1::FINISH_REASON_LENGTH);
}

TEST_F(RolloutServiceTest, EosOnTheLastAllowedTokenIsFinishReasonEos) {
  const int64_t eos = ref_.output[6 + 2];
  std::vector<int64_t> generated = ref_.Slice(6, 9);
  if (std::find(generated.begin(), generated.end() - 1, eos) != generated.end() - 1) {
    GTEST_SKIP() << "the fixture's eos candidate occurs earlier";
  }
  v1::GenerateResponse response;
  ASSERT_TRUE(client_->Generate(MakeRequest({ref_.prompt}, 3, eos), &response).ok());
  EXPECT_EQ(Ids(response.completions(0)), generated);
  EXPECT_EQ(response.completions(0).finish_reason(), v1::FINISH_REASON_EOS);
}

struct BadRequest {
  std::string what;
  std::function<void(v1::GenerateRequest&)> spoil;
  std::string field;  // the error message must name it
};

TEST_F(RolloutServiceTest, EachInvalidRequestIsInvalidArgumentNamingTheField) {
  const std::vector<BadRequest> cases = {
      {"no prompts", [](v1::GenerateRequest& r) { r.clear_prompts(); }, "prompts"},
      {"an empty prompt", [](v1::GenerateRequest& r) { r.add_prompts(); }, "prompts[1].token_ids"},
      {"a negative id", [](v1::GenerateRequest& r) { r.mutable_prompts(0)->set_token_ids(2, -5); },
       "prompts[0].token_ids[2]"},
      {"an id outside the vocabulary", [](v1::GenerateRequest& r) { r.mutable_prompts(0)->set_token_ids(1, 1 << 30); },
       "prompt 0"},
      {"max_new_tokens 0", [](v1::GenerateRequest& r) { r.set_max_new_tokens(0); }, "max_new_tokens"},
      {"max_new_tokens -3", [](v1::GenerateRequest& r) { r.set_max_new_tokens(-3); }, "max_new_tokens"},
      {"max_new_tokens above the limit", [](v1::GenerateRequest& r) { r.set_max_new_tokens(65537); },
       "max_new_tokens"},
      {"no sampling", [](v1::GenerateRequest& r) { r.clear_sampling(); }, "sampling"},
      {"non-greedy sampling", [](v1::GenerateRequest& r) { r.mutable_sampling()->set_greedy(false); },
       "sampling.greedy"},
      {"a negative eos", [](v1::GenerateRequest& r) { r.set_eos_token_id(-1); }, "eos_token_id"},
      {"an eos outside the vocabulary", [](v1::GenerateRequest& r) { r.set_eos_token_id(1 << 30); }, "eos_token_id"},
      {"a negative policy version", [](v1::GenerateRequest& r) { r.set_policy_version(-1); }, "policy_version"},
  };
  for (const BadRequest& c : cases) {
    SCOPED_TRACE(c.what);
    v1::GenerateRequest request = MakeRequest({ref_.prompt}, 4);
    c.spoil(request);
    v1::GenerateResponse response;
    grpc::Status status = client_->Generate(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(c.field));
    EXPECT_EQ(response.completions_size(), 0);
  }
  // The server still serves after them.
  v1::GenerateResponse response;
  EXPECT_TRUE(client_->Generate(MakeRequest({ref_.prompt}, 10), &response).ok());
  EXPECT_EQ(Ids(response.completions(0)), ref_.Slice(6, 16));
}

TEST_F(RolloutServiceTest, APolicyVersionTheWorkerDoesNotHoldIsFailedPrecondition) {
  v1::GenerateRequest request = MakeRequest({ref_.prompt}, 4);
  request.set_policy_version(3);
  v1::GenerateResponse response;
  grpc::Status status = client_->Generate(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("policy_version"));
}

TEST_F(RolloutServiceTest, ConcurrentCallsFromSeveralThreadsAllSucceedWithIdenticalResults) {
  constexpr int kThreads = 4, kCallsPerThread = 3;
  const v1::GenerateRequest request = MakeRequest({ref_.prompt, ref_.Slice(0, 9)}, 4);
  std::vector<std::vector<v1::GenerateResponse>> responses(kThreads, std::vector<v1::GenerateResponse>(kCallsPerThread));
  std::vector<std::vector<grpc::Status>> statuses(kThreads, std::vector<grpc::Status>(kCallsPerThread));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client client(server_->port());  // a channel per thread
      for (int i = 0; i < kCallsPerThread; ++i) statuses[t][i] = client.Generate(request, &responses[t][i]);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kCallsPerThread; ++i) {
      SCOPED_TRACE(::testing::Message() << "thread " << t << " call " << i);
      ASSERT_TRUE(statuses[t][i].ok()) << statuses[t][i].error_message();
      ASSERT_EQ(responses[t][i].completions_size(), 2);
      EXPECT_EQ(Ids(responses[t][i].completions(0)), ref_.Slice(6, 10));
      EXPECT_EQ(Ids(responses[t][i].completions(1)), ref_.Slice(9, 13));
    }
  }
}

TEST_F(RolloutServiceTest, ShutdownIsIdempotentAndWaitReturnsAfterIt) {
  std::thread waiter([this] { server_->Wait(); });
  server_->Shutdown();
  server_->Shutdown();
  waiter.join();
  v1::GenerateResponse response;
  EXPECT_FALSE(client_->Generate(MakeRequest({ref_.prompt}, 2), &response, std::chrono::seconds(2)).ok());
}

// --- Fakes at the generator boundary -------------------------------------------------------------------

// Answers every call with `result` (or throws when `throw_message` is set), after `gate` opens if given.
class FakeGenerator : public TokenGenerator {
 public:
  absl::StatusOr<std::vector<GeneratedSequence>> Generate(const std::vector<std::vector<int64_t>>& prompts,
                                                          const GenerationParams& params) override {
    entered.Notify();
    if (gate != nullptr) gate->WaitForNotification();
    if (!throw_message.empty()) throw std::runtime_error(throw_message);
    if (!result.ok()) return result;
    return std::vector<GeneratedSequence>(prompts.size(), GeneratedSequence{{7, 8}, FinishReason::kLength});
  }
  absl::Status result;
  std::string throw_message;
  absl::Notification* gate = nullptr;
  absl::Notification entered;
};

TEST(RolloutServerTest, GeneratorErrorsKeepTheirCodeAndMessage) {
  FakeGenerator fake;
  fake.result = absl::ResourceExhaustedError("out of KV cache blocks");
  auto server = RolloutServer::Start(&fake, {});
  ASSERT_TRUE(server.ok()) << server.status();
  v1::GenerateResponse response;
  grpc::Status status = Client((*server)->port()).Generate(MakeRequest({{1, 2}}, 2), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(status.error_message(), "out of KV cache blocks");
}

TEST(RolloutServerTest, AGeneratorThatThrowsGivesInternal) {
  FakeGenerator fake;
  fake.throw_message = "device lost";
  auto server = RolloutServer::Start(&fake, {});
  ASSERT_TRUE(server.ok()) << server.status();
  v1::GenerateResponse response;
  grpc::Status status = Client((*server)->port()).Generate(MakeRequest({{1, 2}}, 2), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(status.error_message(), HasSubstr("device lost"));
}

TEST(RolloutServerTest, ShutdownLetsTheCallInFlightFinish) {
  absl::Notification gate;
  FakeGenerator fake;
  fake.gate = &gate;
  auto server = RolloutServer::Start(&fake, {});
  ASSERT_TRUE(server.ok()) << server.status();
  grpc::Status status;
  v1::GenerateResponse response;
  std::thread caller([&] { status = Client((*server)->port()).Generate(MakeRequest({{1, 2}, {3}}, 2), &response); });
  fake.entered.WaitForNotification();
  std::thread opener([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    gate.Notify();
  });
  (*server)->Shutdown();  // returns only once the call has finished
  caller.join();
  opener.join();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.completions_size(), 2);
  EXPECT_EQ(Ids(response.completions(1)), (std::vector<int64_t>{7, 8}));
}

TEST(RolloutServerTest, StartFailsOnAnAddressItCannotListenOn) {
  FakeGenerator fake;
  RolloutServerOptions options;
  options.address = "203.0.113.1:0";  // TEST-NET-3 (RFC 5737): no interface of this machine has it
  auto server = RolloutServer::Start(&fake, options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("203.0.113.1:0"));
}

TEST(RolloutServerTest, StartRejectsBadOptions) {
  FakeGenerator fake;
  RolloutServerOptions options;
  options.max_new_tokens_limit = 0;
  EXPECT_EQ(RolloutServer::Start(&fake, options).status().code(), absl::StatusCode::kInvalidArgument);
  options = {};
  options.address = "127.0.0.1:70000";  // gRPC alone would listen on 70000 - 65536
  EXPECT_EQ(RolloutServer::Start(&fake, options).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RolloutServer::Start(nullptr, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace reasonrl
