// RewardService (reward/service.h, reward/service_proto.h): the proto <-> type translation, then an
// in-process server on loopback with a real gRPC client: results equal to reward::Score in request order,
// token refusal, the call's deadline turning into per-sample "timeout" reasons (a looping program in the
// real code reward; a stand-in for a reward that ignores its deadline, which is abandoned), health
// without a token, spec errors naming the field, graceful shutdown with a call in flight.
#include "reward/service.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "reward/registry.h"
#include "reward/reward_spec.h"
#include "reward/service_proto.h"
#include "tests/reward/service_test_util.h"

namespace reasonrl::reward {
namespace {

using testing::AddSample;
using testing::AddTerm;
using testing::Channel;
using testing::Context;
using ::testing::HasSubstr;
using testing::kAddingProgram;
using testing::kAddingTests;
using testing::kLoopingProgram;
using testing::kToken;
using testing::StartServer;
using testing::StuckScorer;

RewardSpec SpecOrDie(const std::string& json) {
  absl::StatusOr<RewardSpec> spec = RewardSpecFromJson(json, "test");
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? *spec : RewardSpec();
}

// --- translation ---

TEST(RewardServiceProtoTest, ASpecFromTheWireEqualsTheSameSpecWrittenAsJson) {
  v1::RewardSpec proto;
  AddTerm(&proto, "math_accuracy");
  v1::RewardTerm* overlong = AddTerm(&proto, "overlong");
  overlong->set_label("soft_overlong");
  overlong->set_weight(0.5);
  (*overlong->mutable_params())["buffer_tokens"].set_integer_value(512);
  (*overlong->mutable_params())["penalty_factor"].set_number_value(2.0);
  v1::RewardTerm* format = AddTerm(&proto, "format");
  (*format->mutable_params())["style"].set_string_value("r1_chat");
  proto.set_timeout_seconds(12.5);
  absl::StatusOr<RewardSpec> spec = SpecFromProto(proto);
  ASSERT_TRUE(spec.ok()) << spec.status();

  const RewardSpec expected = SpecOrDie(R"({"timeout_seconds": 12.5, "rewards": [
      {"name": "math_accuracy"},
      {"name": "overlong", "label": "soft_overlong", "weight": 0.5,
       "params": {"buffer_tokens": 512, "penalty_factor": 2.0}},
      {"name": "format", "params": {"style": "r1_chat"}}]})");
  EXPECT_EQ(RewardSpecToJson(*spec), RewardSpecToJson(expected));
  EXPECT_EQ(spec->terms[0].weight, 1.0) << "an unset weight is 1";
  EXPECT_EQ(spec->terms[1].label, "soft_overlong");
  EXPECT_EQ(spec->terms[2].label, "format") << "an empty label is the reward's name";
  EXPECT_EQ(std::get<OverlongConfig>(spec->terms[1].config).buffer_tokens, 512);

  v1::RewardSpec defaults;
  AddTerm(&defaults, "countdown");
  absl::StatusOr<RewardSpec> with_defaults = SpecFromProto(defaults);
  ASSERT_TRUE(with_defaults.ok()) << with_defaults.status();
  EXPECT_EQ(with_defaults->timeout_seconds, 30.0) << "an unset timeout is 30 s";
}

TEST(RewardServiceProtoTest, ATypedSpecSurvivesTheRoundTripThroughTheWire) {
  RewardSpec spec = SpecOrDie(R"({"timeout_seconds": 3, "rewards": [
      {"name": "math_accuracy", "params": {"seed": 18446744073709551615, "precision_bits": 512}},
      {"name": "code", "weight": 2, "params": {"scoring": "all_or_nothing", "wall_seconds": 2.5}},
      {"name": "repetition", "label": "rep", "weight": 1}]})");
  const v1::RewardSpec wire = SpecToProto(spec);
  EXPECT_EQ(wire.rewards(0).params().at("seed").kind_case(), v1::ParamValue::kUnsignedValue)
      << "a seed above 2^63 - 1 travels unsigned";
  EXPECT_EQ(wire.rewards(0).params().at("precision_bits").integer_value(), 512);
  absl::StatusOr<RewardSpec> back = SpecFromProto(wire);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(RewardSpecToJson(*back), RewardSpecToJson(spec));
  EXPECT_EQ(std::get<MathAccuracyConfig>(back->terms[0].config).seed, 18446744073709551615ULL);
}

TEST(RewardServiceProtoTest, SpecErrorsNameTheTermAndTheParameter) {
  struct Case {
    std::string what;
    v1::RewardSpec spec;
    std::vector<std::string> expected;  // substrings of the message
  };
  std::vector<Case> cases;
  {
    Case c{"unknown reward"};
    AddTerm(&c.spec, "math_accuracy");
    AddTerm(&c.spec, "math");
    c.expected = {"spec: rewards[1].name", "math", "math_accuracy"};
    cases.push_back(c);
  }
  {
    Case c{"unknown parameter"};
    (*AddTerm(&c.spec, "overlong")->mutable_params())["buffer_tokns"].set_integer_value(3);
    c.expected = {"spec: rewards[0].params.buffer_tokns", "unknown parameter", "buffer_tokens"};
    cases.push_back(c);
  }
  {
    Case c{"integer given as a number"};
    (*AddTerm(&c.spec, "overlong")->mutable_params())["buffer_tokens"].set_number_value(4096.0);
    c.expected = {"rewards[0].params.buffer_tokens", "integer"};
    cases.push_back(c);
  }
  {
    Case c{"value unset"};
    (*AddTerm(&c.spec, "overlong")->mutable_params())["buffer_tokens"];
    c.expected = {"rewards[0].params.buffer_tokens", "no value set"};
    cases.push_back(c);
  }
  {
    Case c{"NaN parameter"};
    (*AddTerm(&c.spec, "overlong")->mutable_params())["penalty_factor"].set_number_value(std::nan(""));
    c.expected = {"rewards[0].params.penalty_factor", "finite"};
    cases.push_back(c);
  }
  {
    Case c{"infinite weight"};
    AddTerm(&c.spec, "format")->set_weight(INFINITY);
    c.expected = {"rewards[0].weight", "finite"};
    cases.push_back(c);
  }
  {
    Case c{"bad enum value"};
    (*AddTerm(&c.spec, "format")->mutable_params())["style"].set_string_value("r2");
    c.expected = {"rewards[0].params.style", "r1_chat"};
    cases.push_back(c);
  }
  {
    Case c{"duplicate label"};
    AddTerm(&c.spec, "format");
    AddTerm(&c.spec, "format");
    c.expected = {"rewards[1]", "format"};
    cases.push_back(c);
  }
  {
    Case c{"no terms"};
    c.expected = {"spec: rewards"};
    cases.push_back(c);
  }
  {
    Case c{"zero timeout"};
    AddTerm(&c.spec, "format");
    c.spec.set_timeout_seconds(0);
    c.expected = {"timeout_seconds"};
    cases.push_back(c);
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    absl::StatusOr<RewardSpec> spec = SpecFromProto(c.spec);
    ASSERT_FALSE(spec.ok());
    EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
    for (const std::string& part : c.expected) EXPECT_THAT(std::string(spec.status().message()), HasSubstr(part));
  }
}

TEST(RewardServiceProtoTest, SamplesTranslateFieldByFieldAndBadCountsNameTheSample) {
  Sample sample;
  sample.prompt = "<|User|>2+2?<|Assistant|><think>\n";
  sample.completion = "4 \xE2\x82";  // cut inside a character: bytes on the wire
  sample.ground_truth = "4";
  sample.extra_json = {{"numbers", "[3, 5, 7]"}, {"target", "22"}};
  sample.completion_tokens = 17;
  sample.completion_token_ids = {5, 6, 7};
  sample.max_tokens = 4096;
  sample.finish_reason = FinishReason::kLength;
  const v1::Sample wire = SampleToProto(sample);
  EXPECT_EQ(wire.finish_reason(), v1::FINISH_REASON_LENGTH);
  EXPECT_EQ(wire.extra_json().at("numbers"), "[3, 5, 7]");
  absl::StatusOr<Sample> back = SampleFromProto(wire, 0);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->prompt, sample.prompt);
  EXPECT_EQ(back->completion, sample.completion);
  EXPECT_EQ(back->ground_truth, "4");
  EXPECT_EQ(back->extra_json, sample.extra_json);
  EXPECT_EQ(back->completion_tokens, 17);
  EXPECT_EQ(back->completion_token_ids, sample.completion_token_ids);
  EXPECT_EQ(back->max_tokens, 4096);
  EXPECT_EQ(back->finish_reason, FinishReason::kLength);

  v1::Sample eos = wire;
  eos.set_finish_reason(v1::FINISH_REASON_EOS);
  EXPECT_EQ(SampleFromProto(eos, 0)->finish_reason, FinishReason::kStop);
  eos.set_finish_reason(v1::FINISH_REASON_UNSPECIFIED);
  EXPECT_EQ(SampleFromProto(eos, 0)->finish_reason, FinishReason::kUnknown);

  v1::ScoreRequest request;
  *request.add_samples() = wire;
  *request.add_samples() = wire;
  request.mutable_samples(1)->set_completion_tokens(-1);
  absl::StatusOr<std::vector<Sample>> samples = SamplesFromProto(request);
  ASSERT_FALSE(samples.ok());
  EXPECT_THAT(std::string(samples.status().message()), HasSubstr("samples[1].completion_tokens"));
  request.mutable_samples(1)->set_completion_tokens(1);
  request.mutable_samples(1)->set_max_tokens(-5);
  EXPECT_THAT(std::string(SamplesFromProto(request).status().message()), HasSubstr("samples[1].max_tokens"));
  request.mutable_samples(1)->set_max_tokens(5);
  request.mutable_samples(1)->set_finish_reason(static_cast<v1::FinishReason>(9));
  EXPECT_THAT(std::string(SamplesFromProto(request).status().message()), HasSubstr("samples[1].finish_reason"));
  EXPECT_THAT(std::string(SamplesFromProto(v1::ScoreRequest()).status().message()), HasSubstr("samples"));
}

TEST(RewardServiceProtoTest, ResultsTravelIntactAndInvalidUtf8InReasonsIsReplaced) {
  Result result{0.75, {{"math_accuracy", 1.0}, {"code.passed", 3.0}}, "math_accuracy: unparseable: \\frac{1}{"};
  v1::SampleResult wire;
  ResultToProto(result, &wire);
  EXPECT_EQ(wire.reward(), 0.75);
  ASSERT_EQ(wire.components_size(), 2);
  EXPECT_EQ(wire.components(1).name(), "code.passed");
  EXPECT_EQ(wire.components(1).value(), 3.0);
  const Result back = ResultFromProto(wire);
  EXPECT_EQ(back.reason, result.reason);
  EXPECT_EQ(back.components.size(), 2u);

  // Python's bytes.decode("utf-8", "replace") gives these (maximal invalid subparts, one U+FFFD each):
  //   b"a\xe2\x82"     -> "a\ufffd"          b"\xc0\xaf"      -> "\ufffd\ufffd"
  //   b"\xed\xa0\x80z" -> "\ufffd"*3 + "z"   b"\xf0\x9f\x98!" -> "\ufffd!"     b"\xc3\xa9" -> "é"
  const std::string fffd = "\xEF\xBF\xBD";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a\xE2\x82", "a" + fffd},     {"\xC0\xAF", fffd + fffd}, {"\xED\xA0\x80z", fffd + fffd + fffd + "z"},
      {"\xF0\x9F\x98!", fffd + "!"}, {"\xC3\xA9", "\xC3\xA9"},  {"\xF4\x90\x80\x80", fffd + fffd + fffd + fffd},
  };
  for (const auto& [in, out] : cases) {
    v1::SampleResult r;
    ResultToProto(Result{0, {}, in}, &r);
    EXPECT_EQ(r.reason(), out);
  }
}

// --- the server ---

class RewardServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::RewardService::NewStub(Channel(server_->port()));
  }
  std::unique_ptr<RewardServer> server_;
  std::unique_ptr<v1::RewardService::Stub> stub_;
};

TEST_F(RewardServerTest, ScoresEverySampleInRequestOrderAsTheLibraryDoes) {
  v1::ScoreRequest request;
  AddTerm(request.mutable_spec(), "math_accuracy");
  v1::RewardTerm* format = AddTerm(request.mutable_spec(), "format");
  format->set_weight(0.5);
  (*format->mutable_params())["style"].set_string_value("r1_zero");
  v1::RewardTerm* overlong = AddTerm(request.mutable_spec(), "overlong");
  (*overlong->mutable_params())["buffer_tokens"].set_integer_value(100);
  const std::vector<std::pair<std::string, std::string>> texts = {
      {"<think>2+2</think> <answer>\\boxed{4}</answer>", "4"},
      {"<think>hm</think> <answer>\\boxed{\\frac{1}{2}}</answer>", "0.5"},
      {"\\boxed{5}", "4"},
      {"no answer at all", "4"},
      {"<think>x</think> <answer>\\boxed{x^2+2x+1}</answer>", "(x+1)^2"},
  };
  for (size_t i = 0; i < texts.size(); ++i) {
    v1::Sample* s = AddSample(&request, texts[i].first, texts[i].second);
    s->set_completion_tokens(static_cast<int64_t>(900 + 30 * i));
    s->set_max_tokens(1000);
    s->set_finish_reason(i == 4 ? v1::FINISH_REASON_LENGTH : v1::FINISH_REASON_EOS);
  }
  v1::ScoreResponse response;
  grpc::Status status = stub_->Score(Context(30).get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), request.samples_size());

  const absl::StatusOr<RewardSpec> spec = SpecFromProto(request.spec());
  ASSERT_TRUE(spec.ok());
  for (int i = 0; i < request.samples_size(); ++i) {
    SCOPED_TRACE(i);
    const Result expected = Score(*spec, *SampleFromProto(request.samples(i), i));
    v1::SampleResult expected_wire;
    ResultToProto(expected, &expected_wire);
    EXPECT_EQ(response.results(i).SerializeAsString(), expected_wire.SerializeAsString())
        << response.results(i).DebugString() << "\nvs\n"
        << expected_wire.DebugString();
  }
  // By hand: sample 1 (\frac{1}{2} against 0.5) is right and in r1_zero's layout, with 930 tokens of 1000
  // and a 100-token buffer: overlong = -(930 - (1000 - 100)) / 100 = -0.3, so r = 1 + 0.5 * 1 - 0.3 = 1.2.
  EXPECT_NEAR(response.results(1).reward(), 1.0 + 0.5 - 0.3, 1e-12);
  EXPECT_EQ(response.results(1).components(0).name(), "math_accuracy");
  EXPECT_EQ(response.results(1).components(0).value(), 1.0);
  EXPECT_EQ(response.results(2).components(0).value(), 0.0);
  EXPECT_THAT(response.results(3).reason(), HasSubstr("math_accuracy: no_answer"));
  EXPECT_EQ(response.results(4).components(0).value(), 1.0) << "x^2+2x+1 = (x+1)^2";
}

TEST_F(RewardServerTest, ACallWithoutTheRightTokenIsUnauthenticated) {
  v1::ScoreRequest request;
  AddTerm(request.mutable_spec(), "math_accuracy");
  AddSample(&request, "\\boxed{1}", "1");
  v1::ScoreResponse response;

  grpc::Status status = stub_->Score(Context(10, nullptr).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("authorization: Bearer"));
  EXPECT_EQ(response.results_size(), 0);

  std::string wrong = kToken;
  wrong.back() ^= 1;  // same length, last byte differs
  for (const std::string& bad : {wrong, std::string(kToken) + "x", std::string("short")}) {
    EXPECT_EQ(stub_->Score(Context(10, bad.c_str()).get(), request, &response).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << bad;
  }
  auto basic = Context(10, nullptr);
  basic->AddMetadata("authorization", std::string("Basic ") + kToken);
  EXPECT_EQ(stub_->Score(basic.get(), request, &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  auto other_header = Context(10, nullptr);
  other_header->AddMetadata("x-token", kToken);
  EXPECT_EQ(stub_->Score(other_header.get(), request, &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  // The accepted forms: "authorization: Bearer" (any case of the scheme) and "x-reasonrl-token".
  auto upper = Context(10, nullptr);
  upper->AddMetadata("authorization", std::string("BEARER ") + kToken);
  EXPECT_TRUE(stub_->Score(upper.get(), request, &response).ok());
  auto own_header = Context(10, nullptr);
  own_header->AddMetadata("x-reasonrl-token", kToken);
  response.Clear();
  EXPECT_TRUE(stub_->Score(own_header.get(), request, &response).ok());
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_EQ(response.results(0).reward(), 1.0);
}

TEST_F(RewardServerTest, HealthAnswersServingWithoutAToken) {
  auto health = grpc::health::v1::Health::NewStub(Channel(server_->port()));
  for (const std::string& service : {std::string(""), std::string("reasonrl.v1.RewardService")}) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = health->Check(Context(10, nullptr).get(), request, &response);
    ASSERT_TRUE(status.ok()) << service << ": " << status.error_message();
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
  grpc::health::v1::HealthCheckRequest unknown;
  unknown.set_service("reasonrl.v1.NoSuchService");
  grpc::health::v1::HealthCheckResponse response;
  EXPECT_EQ(health->Check(Context(10, nullptr).get(), unknown, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(RewardServerTest, SpecAndSampleErrorsAreInvalidArgumentNamingTheField) {
  v1::ScoreResponse response;
  v1::ScoreRequest no_spec;
  AddSample(&no_spec, "x");
  grpc::Status status = stub_->Score(Context(10).get(), no_spec, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("spec"));

  v1::ScoreRequest unknown_param;
  (*AddTerm(unknown_param.mutable_spec(), "math_accuracy")->mutable_params())["tolerance"].set_number_value(0.1);
  AddSample(&unknown_param, "x");
  status = stub_->Score(Context(10).get(), unknown_param, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("rewards[0].params.tolerance"));
  EXPECT_THAT(status.error_message(), HasSubstr("relative_tolerance"));

  v1::ScoreRequest no_samples;
  AddTerm(no_samples.mutable_spec(), "math_accuracy");
  status = stub_->Score(Context(10).get(), no_samples, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("samples"));
}

TEST_F(RewardServerTest, TheCallsDeadlineTimesOutALoopingProgramWhileTheOthersComplete) {
  // The code reward gets the deadline (1.5 s less the 0.1 s reply margin less the pool's slack) and cuts
  // its sandbox's wall limit to it: the loop ends in a timeout, the correct program passes, the reply is
  // OK and arrives before the caller's deadline.
  v1::ScoreRequest request;
  AddTerm(request.mutable_spec(), "code");  // timeout_seconds unset: 30 s, so the call's deadline binds
  for (const char* program : {kAddingProgram, kLoopingProgram, kAddingProgram}) {
    (*AddSample(&request, program)->mutable_extra_json())["tests"] = kAddingTests;
  }
  v1::ScoreResponse response;
  grpc::Status status = stub_->Score(Context(1.5).get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.results(0).reward(), 1.0) << response.results(0).reason();
  EXPECT_EQ(response.results(1).reward(), 0.0);
  EXPECT_THAT(response.results(1).reason(), HasSubstr("timeout"));
  EXPECT_EQ(response.results(2).reward(), 1.0) << response.results(2).reason();
}

class StuckRewardServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RewardServerOptions options;
    options.pool.num_workers = 2;
    options.pool.score = StuckScorer(absl::Seconds(3));
    server_ = StartServer(options);
    ASSERT_NE(server_, nullptr);
    stub_ = v1::RewardService::NewStub(Channel(server_->port()));
  }
  std::unique_ptr<RewardServer> server_;
  std::unique_ptr<v1::RewardService::Stub> stub_;
};

TEST_F(StuckRewardServerTest, TheCallsDeadlineAbandonsASampleThatIgnoresItAndScoresItTimeout) {
  v1::ScoreRequest request;
  AddTerm(request.mutable_spec(), "math_accuracy")->set_label("acc");
  AddSample(&request, "\\boxed{3}", "3");
  AddSample(&request, "stuck", "3");
  AddSample(&request, "\\boxed{4}", "3");
  AddSample(&request, "\\boxed{\\frac{6}{2}}", "3");
  v1::ScoreResponse response;
  // 0.6 s deadline, 0.1 s reply margin: the stuck sample is given up at 0.5 s, 2.5 s before it would end.
  grpc::Status status = stub_->Score(Context(0.6).get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.results(0).reward(), 1.0);
  EXPECT_EQ(response.results(0).reason(), "");
  EXPECT_EQ(response.results(1).reward(), 0.0);
  EXPECT_EQ(response.results(1).reason(), "timeout");
  ASSERT_EQ(response.results(1).components_size(), 1);
  EXPECT_EQ(response.results(1).components(0).name(), "acc");
  EXPECT_EQ(response.results(1).components(0).value(), 0.0);
  EXPECT_EQ(response.results(2).reward(), 0.0);
  EXPECT_EQ(response.results(2).reason(), "acc: wrong");
  EXPECT_EQ(response.results(3).reward(), 1.0);
  const ScoringPoolStats stats = server_->stats();
  EXPECT_EQ(stats.samples_abandoned, 1);
  EXPECT_EQ(stats.abandoned_running, 1) << "its thread is still blocked, in the background";
}

TEST_F(StuckRewardServerTest, TheSpecsTimeoutAppliesToEachSampleOnItsOwn) {
  v1::ScoreRequest request;
  AddTerm(request.mutable_spec(), "math_accuracy");
  request.mutable_spec()->set_timeout_seconds(0.1);
  AddSample(&request, "stuck", "y");
  AddSample(&request, "stuck", "y");
  AddSample(&request, "\\boxed{\\frac{6}{4}}", "1.5");
  v1::ScoreResponse response;
  grpc::Status status = stub_->Score(Context(30).get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 3);
  EXPECT_EQ(response.results(0).reason(), "timeout");
  EXPECT_EQ(response.results(1).reason(), "timeout");
  EXPECT_EQ(response.results(2).reward(), 1.0) << "scored by a replacement worker, both workers being stuck";
  EXPECT_EQ(server_->stats().samples_abandoned, 2);
}

TEST(RewardServerStartTest, BadOptionsAreRefusedNamingTheProblem) {
  RewardServerOptions options;
  options.token = "";
  absl::StatusOr<std::unique_ptr<RewardServer>> server = RewardServer::Start(options);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("token"));
  options.token = "0123456789abcdef has spaces";
  EXPECT_THAT(std::string(RewardServer::Start(options).status().message()), HasSubstr("printable ASCII"));
  options.token = kToken;
  options.address = "127.0.0.1:70000";
  EXPECT_THAT(std::string(RewardServer::Start(options).status().message()), HasSubstr("65535"));
  options.address = "127.0.0.1:0";
  options.pool.num_workers = -2;
  EXPECT_THAT(std::string(RewardServer::Start(options).status().message()), HasSubstr("num_workers"));
}

TEST(RewardServerShutdownTest, ShutdownEndsACallInFlightAfterTheGracePeriodAndHealthGoesNotServing) {
  RewardServerOptions options;
  options.shutdown_grace = absl::Milliseconds(300);
  options.pool.num_workers = 1;
  options.pool.score = StuckScorer(absl::Seconds(1));
  std::unique_ptr<RewardServer> server = StartServer(options);
  ASSERT_NE(server, nullptr);
  auto channel = Channel(server->port());

  // A health watcher sees SERVING, then NOT_SERVING once shutdown starts.
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext watch_context;
  grpc::health::v1::HealthCheckRequest watch_request;
  watch_request.set_service("reasonrl.v1.RewardService");
  auto watch = health->Watch(&watch_context, watch_request);
  grpc::health::v1::HealthCheckResponse update;
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  // A call that would take 1 s per sample for 8 samples on 1 worker.
  v1::ScoreRequest request;
  AddTerm(request.mutable_spec(), "math_accuracy");
  for (int i = 0; i < 8; ++i) AddSample(&request, "stuck", "1");
  auto stub = v1::RewardService::NewStub(channel);
  v1::ScoreResponse response;
  auto call = std::async(std::launch::async, [&] { return stub->Score(Context(60).get(), request, &response); });
  absl::SleepFor(absl::Milliseconds(200));  // the call is in flight

  const auto start = std::chrono::steady_clock::now();
  std::thread shutdown([&] { server->Shutdown(); });
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  shutdown.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 3.0) << "shutdown waits for the grace period (0.3 s), not for the 8 s of scoring";
  // At the end of the grace period gRPC cancels the call and the pool finishes it, in either order: the
  // client sees the server's cancellation (UNAVAILABLE "Cancelling all calls", or CANCELLED), or an OK
  // reply whose samples not scored by then say "shutdown".
  const grpc::Status status = call.get();
  if (status.ok()) {
    ASSERT_EQ(response.results_size(), 8);
    EXPECT_EQ(response.results(7).reason(), "shutdown");
  } else {
    EXPECT_THAT(status.error_code(), ::testing::AnyOf(grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::CANCELLED))
        << status.error_message();
  }
  watch_context.TryCancel();
  watch->Finish();
}

}  // namespace
}  // namespace reasonrl::reward
