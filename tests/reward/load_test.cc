// Load test of the RewardService: an in-process server on loopback and a real gRPC client firing 1,000
// concurrent Score calls (4 channels, callback API). Every reply must be OK with exactly the results the
// reward library gives for its samples, in request order, including the calls whose batch holds a
// poisoned sample: a program that loops forever (the real code reward: its sandbox's wall limit is cut
// to the deadline, a reason with "timeout"), a megabyte of text, or a sample whose reward ignores its
// deadline and blocks for 3 s (a stand-in scoring function, service_test_util.h: abandoned, reason
// "timeout"). Meanwhile a call without the token is refused and the health check answers SERVING
// without one. Results and order are asserted, never latencies; on a 2-core machine it takes well under
// a minute.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "reward/registry.h"
#include "reward/service.h"
#include "reward/service_proto.h"
#include "tests/reward/service_test_util.h"

namespace reasonrl::reward {
namespace {

using testing::AddSample;
using testing::AddTerm;
using testing::Context;
using ::testing::HasSubstr;

constexpr int kCalls = 1000;

// Deterministic reasoning text of about `bytes` bytes.
std::string Reasoning(size_t bytes, int seed) {
  static const char* const kWords[] = {"so",    "we",     "have", "x",     "=",        "3",
                                       "then",  "adding", "both", "sides", "gives",    "\\frac{a}{b}",
                                       "hence", "the",    "sum",  "is",    "checking", "again"};
  std::string text = "<think>";
  for (size_t i = 0; text.size() < bytes; ++i) {
    text += kWords[(i * 7 + seed) % (sizeof(kWords) / sizeof(kWords[0]))];
    text += (i % 13 == 12) ? ".\n" : " ";
  }
  return text + "</think> ";
}

enum Kind { kMath, kCountdown, kMixed, kHuge, kStuck, kPoisonedCode, kNumKinds };

v1::ScoreRequest MakeRequest(Kind kind) {
  v1::ScoreRequest r;
  v1::RewardSpec* spec = r.mutable_spec();
  switch (kind) {
    case kMath:
      AddTerm(spec, "math_accuracy");
      AddSample(&r, Reasoning(2000, 1) + "<answer>\\boxed{42}</answer>", "42");
      AddSample(&r, Reasoning(1000, 2) + "\\boxed{\\frac{3}{4}}", "0.75");
      AddSample(&r, Reasoning(4000, 3) + "\\boxed{7}", "8");
      AddSample(&r, Reasoning(500, 4) + "I am not sure.", "1");
      break;
    case kCountdown: {
      AddTerm(spec, "countdown");
      for (const char* answer : {"<answer>3 * 5 + 7</answer>", "<answer>3 + 5 + 7</answer>", "no answer"}) {
        v1::Sample* s = AddSample(&r, Reasoning(800, 5) + answer);
        (*s->mutable_extra_json())["numbers"] = "[3, 5, 7]";
        (*s->mutable_extra_json())["target"] = "22";
      }
      break;
    }
    case kMixed: {
      AddTerm(spec, "math_accuracy");
      AddTerm(spec, "format")->set_weight(0.5);
      (*AddTerm(spec, "overlong")->mutable_params())["buffer_tokens"].set_integer_value(200);
      for (int i = 0; i < 4; ++i) {
        v1::Sample* s =
            AddSample(&r, Reasoning(1500, i) + "<answer>\\boxed{x^2-1}</answer>", i % 2 ? "(x-1)(x+1)" : "x^2");
        s->set_completion_tokens(800 + 60 * i);
        s->set_max_tokens(1000);
        s->set_finish_reason(v1::FINISH_REASON_EOS);
      }
      break;
    }
    case kHuge:
      AddTerm(spec, "math_accuracy");
      AddSample(&r, Reasoning(1 << 20, 6) + "\\boxed{9}", "9");
      AddSample(&r, "\\boxed{2}", "2");
      break;
    case kStuck:
      AddTerm(spec, "math_accuracy");
      spec->set_timeout_seconds(0.5);
      AddSample(&r, Reasoning(1000, 7) + "\\boxed{10}", "10");
      AddSample(&r, "stuck", "10");
      AddSample(&r, Reasoning(1000, 8) + "\\boxed{11}", "10");
      break;
    case kPoisonedCode: {
      AddTerm(spec, "code");
      spec->set_timeout_seconds(1.5);
      for (const char* program : {testing::kLoopingProgram, testing::kAddingProgram}) {
        (*AddSample(&r, program)->mutable_extra_json())["tests"] = testing::kAddingTests;
      }
      break;
    }
    case kNumKinds:
      break;
  }
  return r;
}

Kind KindOf(int call) {
  if (call % 100 == 17) return kStuck;          // 10 calls
  if (call % 500 == 250) return kPoisonedCode;  // 2 calls
  if (call % 50 == 3) return kHuge;             // 20 calls
  return static_cast<Kind>(call % 3);           // kMath, kCountdown, kMixed
}

// What reward::Score gives each sample, as wire results.
std::vector<std::string> Reference(const v1::ScoreRequest& request) {
  absl::StatusOr<RewardSpec> spec = SpecFromProto(request.spec());
  EXPECT_TRUE(spec.ok()) << spec.status();
  SetCodeServerFields(CodeConfig(), &*spec);
  std::vector<std::string> expected;
  for (int i = 0; i < request.samples_size(); ++i) {
    v1::SampleResult wire;
    ResultToProto(Score(*spec, *SampleFromProto(request.samples(i), i)), &wire);
    expected.push_back(wire.SerializeAsString());
  }
  return expected;
}

TEST(RewardServiceLoadTest, AThousandConcurrentCallsAllSucceedWithTheLibrarysResultsInOrder) {
  RewardServerOptions options;
  options.pool.num_workers = 4;
  options.pool.score = testing::StuckScorer(absl::Seconds(3));
  std::unique_ptr<RewardServer> server = testing::StartServer(options);
  ASSERT_NE(server, nullptr);

  std::vector<v1::ScoreRequest> requests;
  std::vector<std::vector<std::string>> expected;
  for (int k = 0; k < kNumKinds; ++k) {
    requests.push_back(MakeRequest(static_cast<Kind>(k)));
    // The poisoned samples' references are not computed (they are what times out).
    expected.push_back(k == kStuck || k == kPoisonedCode ? std::vector<std::string>() : Reference(requests[k]));
  }
  // The poisoned batches' healthy samples, scored alone.
  {
    v1::ScoreRequest healthy = requests[kStuck];
    healthy.mutable_samples()->DeleteSubrange(1, 1);
    std::vector<std::string> ref = Reference(healthy);
    expected[kStuck] = {ref[0], "", ref[1]};
  }
  // Hand-checked: countdown "3 * 5 + 7" = 22 uses each number once.
  {
    v1::SampleResult first;
    ASSERT_TRUE(first.ParseFromString(expected[kCountdown][0]));
    EXPECT_EQ(first.reward(), 1.0) << first.reason();
  }

  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<v1::RewardService::Stub>> stubs;
  for (int c = 0; c < 4; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("reasonrl.test.channel", c);  // distinct arguments: distinct connections
    args.SetMaxReceiveMessageSize(64 << 20);
    channels.push_back(grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(server->port()),
                                                 grpc::InsecureChannelCredentials(), args));
    stubs.push_back(v1::RewardService::NewStub(channels.back()));
  }

  struct Call {
    std::unique_ptr<grpc::ClientContext> context;
    v1::ScoreResponse response;
    grpc::Status status;
    bool done = false;
  };
  std::vector<Call> calls(kCalls);
  absl::Mutex mu;
  int remaining = kCalls;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kCalls; ++i) {
    calls[i].context = Context(120);
    stubs[i % stubs.size()]->async()->Score(calls[i].context.get(), &requests[KindOf(i)], &calls[i].response,
                                            [&, i](grpc::Status status) {
                                              absl::MutexLock lock(&mu);
                                              calls[i].status = std::move(status);
                                              calls[i].done = true;
                                              --remaining;
                                            });
  }

  // While they run: no token, no scoring; health needs none.
  {
    v1::ScoreResponse response;
    grpc::Status status = stubs[0]->Score(Context(30, nullptr).get(), requests[kMath], &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    auto health = grpc::health::v1::Health::NewStub(channels[1]);
    grpc::health::v1::HealthCheckRequest request;
    request.set_service("reasonrl.v1.RewardService");
    grpc::health::v1::HealthCheckResponse answer;
    ASSERT_TRUE(health->Check(Context(30, nullptr).get(), request, &answer).ok());
    EXPECT_EQ(answer.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }

  {
    absl::MutexLock lock(&mu);
    const bool all_done = mu.AwaitWithTimeout(absl::Condition(
                                                  +[](int* n) { return *n == 0; }, &remaining),
                                              absl::Seconds(150));
    if (!all_done) {
      for (Call& call : calls) call.context->TryCancel();
      mu.Await(absl::Condition(
          +[](int* n) { return *n == 0; }, &remaining));
      FAIL() << remaining << " calls did not finish";
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  int timeouts = 0;
  for (int i = 0; i < kCalls; ++i) {
    SCOPED_TRACE(::testing::Message() << "call " << i << " kind " << KindOf(i));
    const Call& call = calls[i];
    ASSERT_TRUE(call.status.ok()) << call.status.error_message();
    const Kind kind = KindOf(i);
    const v1::ScoreResponse& response = call.response;
    ASSERT_EQ(response.results_size(), requests[kind].samples_size());
    if (kind == kPoisonedCode) {
      EXPECT_EQ(response.results(0).reward(), 0.0);
      EXPECT_THAT(response.results(0).reason(), HasSubstr("timeout"));
      EXPECT_EQ(response.results(1).reward(), 1.0) << response.results(1).reason();
      EXPECT_EQ(response.results(1).reason(), "");
      ++timeouts;
      continue;
    }
    for (int s = 0; s < response.results_size(); ++s) {
      if (kind == kStuck && s == 1) {
        EXPECT_EQ(response.results(s).reward(), 0.0);
        EXPECT_EQ(response.results(s).reason(), "timeout");
        ASSERT_EQ(response.results(s).components_size(), 1);
        EXPECT_EQ(response.results(s).components(0).name(), "math_accuracy");
        ++timeouts;
        continue;
      }
      EXPECT_EQ(response.results(s).SerializeAsString(), expected[kind][s])
          << "sample " << s << ": " << response.results(s).DebugString();
    }
  }
  EXPECT_EQ(timeouts, 12);
  const ScoringPoolStats stats = server->stats();
  std::cout << "load test: " << kCalls << " calls in " << seconds << " s; " << stats.samples_scored
            << " samples scored, " << stats.samples_timed_out << " timed out, " << stats.samples_abandoned
            << " abandoned" << std::endl;
  EXPECT_GE(stats.samples_abandoned, 10) << "each stuck sample was abandoned";
}

}  // namespace
}  // namespace reasonrl::reward
