// math_accuracy throughput: scores per second per core, in-process and through the RewardService.
//
//   reward_benchmark [--seconds 2] [--threads N] [--batch 64] [--calls-in-flight 4] [--samples 512]
//
// The mix: --samples completions per class, each 1-8 KB (uniform) of reasoning text ending in
// "\boxed{answer}", half of them right, against a ground truth of one of three classes:
//   number      integers and decimals ("1234", "-17", "3.25"; answer written the same way or differently:
//               "3.250", "1,234")
//   fraction    "\frac{3}{4}" against "3/4", "0.75" or "\frac{6}{8}"
//   expression  "x^2+2x+1" against "(x+1)^2", "\frac{\sqrt{2}}{2}" against "\frac{1}{\sqrt{2}}",
//               "2\pi r" against "2r\pi", ...
// and "mix" (the three classes interleaved). The text is generated from a fixed seed.
//
// Figures, one JSON line each (per class and the mix):
//   in_process, threads 1      reward::Score on the calling thread; per core = the rate
//   in_process, threads N      N threads scoring the same samples; per core = rate / N
//   service, workers N         a RewardServer on loopback with N workers, a gRPC client keeping
//                              --calls-in-flight calls of --batch samples in flight; per core = rate / N
//                              (the client runs on the same machine, so this understates the server)
// Goal (the issue): >= 20,000 scores per second per core in-process for plain numeric answers.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/synchronization/mutex.h"
#include "nlohmann/json.hpp"
#include "proto/reward.grpc.pb.h"
#include "proto/reward.pb.h"
#include "reward/registry.h"
#include "reward/reward_spec.h"
#include "reward/service.h"
#include "reward/service_proto.h"

namespace {

using reasonrl::reward::RewardSpec;
using reasonrl::reward::Sample;

constexpr char kToken[] = "benchmark-token-0123456789";

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Reasoning text of `bytes` bytes (about) from a small vocabulary with LaTeX in it.
std::string Reasoning(size_t bytes, std::mt19937_64& rng) {
  static const char* const kWords[] = {"Let",       "us",    "compute",      "the",   "value",       "of", "x",
                                       "so",        "that",  "$x^2",         "+",     "3x",          "=",  "10$",
                                       "which",     "gives", "\\frac{a}{b}", "and",   "then",        "we", "check",
                                       "again",     "Wait,", "maybe",        "I",     "made",        "an", "error",
                                       "in",        "step",  "2.",           "Hence", "$\\sqrt{16}", "=",  "4$",
                                       "therefore", "the",   "answer",       "is"};
  std::string text;
  text.reserve(bytes + 32);
  while (text.size() < bytes) {
    text += kWords[rng() % (sizeof(kWords) / sizeof(kWords[0]))];
    text += rng() % 17 == 0 ? "\n" : " ";
  }
  return text;
}

struct Case {
  std::string boxed;  // inside \boxed{}
  std::string truth;
};

// One class's (answer, ground truth) pairs: right ones in varied spellings, wrong ones nearby.
Case NumberCase(std::mt19937_64& rng) {
  const int64_t n = static_cast<int64_t>(rng() % 20000) - 5000;
  const bool right = rng() % 2 == 0;
  switch (rng() % 4) {
    case 0:
      return {std::to_string(right ? n : n + 1), std::to_string(n)};
    case 1: {  // a decimal, written with a trailing zero on one side
      const std::string d = std::to_string(n) + "." + std::to_string(rng() % 90 + 10);
      return {right ? d + "0" : d + "1", d};
    }
    case 2:  // thousands separators
      return {right ? "12,345" : "12,354", "12345"};
    default:
      return {right ? "-" + std::to_string(std::abs(n)) : std::to_string(std::abs(n)),
              "-" + std::to_string(std::abs(n))};
  }
}

Case FractionCase(std::mt19937_64& rng) {
  const int a = static_cast<int>(rng() % 97) + 1, b = static_cast<int>(rng() % 89) + 2;
  const bool right = rng() % 2 == 0;
  const std::string frac = "\\frac{" + std::to_string(a) + "}{" + std::to_string(b) + "}";
  switch (rng() % 3) {
    case 0:
      return {frac, std::to_string(right ? a : a + 1) + "/" + std::to_string(b)};
    case 1:
      return {"\\frac{" + std::to_string(2 * a) + "}{" + std::to_string(2 * b) + "}",
              right ? frac : "\\frac{" + std::to_string(a) + "}{" + std::to_string(b + 1) + "}"};
    default:  // a terminating decimal: a/4
      return {"\\frac{" + std::to_string(a) + "}{4}", right ? std::to_string(a / 4) + (a % 4 == 0   ? ""
                                                                                       : a % 4 == 1 ? ".25"
                                                                                       : a % 4 == 2 ? ".5"
                                                                                                    : ".75")
                                                            : std::to_string(a) + ".4"};
  }
}

Case ExpressionCase(std::mt19937_64& rng) {
  static const Case kRight[] = {
      {"x^2+2x+1", "(x+1)^2"},   {"\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}"},
      {"2\\pi r", "2r\\pi"},     {"3\\sqrt{3}", "\\sqrt{27}"},
      {"(a+b)(a-b)", "a^2-b^2"}, {"\\frac{\\pi}{6}", "30\\pi/180"},
      {"e^{2}", "e\\cdot e"},    {"2\\sin(x)\\cos(x)", "\\sin(2x)"},
  };
  static const Case kWrong[] = {
      {"x^2+2x+2", "(x+1)^2"}, {"\\frac{\\sqrt{3}}{2}", "\\frac{1}{\\sqrt{2}}"},
      {"\\pi r^2", "2\\pi r"}, {"3\\sqrt{2}", "\\sqrt{27}"},
      {"(a+b)^2", "a^2-b^2"},  {"\\frac{\\pi}{3}", "30\\pi/180"},
      {"e^{3}", "e\\cdot e"},  {"\\sin(x)\\cos(x)", "\\sin(2x)"},
  };
  const size_t i = rng() % 8;
  return rng() % 2 == 0 ? kRight[i] : kWrong[i];
}

std::vector<Sample> MakeSamples(const std::string& cls, int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Sample> samples;
  for (int i = 0; i < count; ++i) {
    const std::string which = cls != "mix" ? cls : (i % 3 == 0 ? "number" : i % 3 == 1 ? "fraction" : "expression");
    const Case c = which == "number" ? NumberCase(rng) : which == "fraction" ? FractionCase(rng) : ExpressionCase(rng);
    Sample s;
    s.completion = Reasoning(1024 + rng() % (7 * 1024), rng) + "\n\nSo the final answer is $\\boxed{" + c.boxed + "}$.";
    s.ground_truth = c.truth;
    samples.push_back(std::move(s));
  }
  return samples;
}

void Print(const std::string& cls, const std::string& mode, int threads, int64_t scores, double seconds,
           double right_share, double mean_bytes) {
  const double rate = scores / seconds;
  nlohmann::json line = {{"benchmark", "reward"},
                         {"reward", "math_accuracy"},
                         {"class", cls},
                         {"mode", mode},
                         {"threads", threads},
                         {"scores", scores},
                         {"seconds", seconds},
                         {"scores_per_second", rate},
                         {"scores_per_second_per_core", rate / threads},
                         {"right_share", right_share},
                         {"mean_completion_bytes", mean_bytes}};
  std::cout << line.dump() << std::endl;
}

// Scores the samples round-robin on `threads` threads for `seconds`; returns the number scored.
int64_t InProcess(const RewardSpec& spec, const std::vector<Sample>& samples, int threads, double seconds,
                  double* elapsed) {
  std::atomic<int64_t> total{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      int64_t n = 0;
      size_t i = static_cast<size_t>(t) * 7919 % samples.size();
      double sink = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (int k = 0; k < 16; ++k) {  // check the clock every 16 scores
          sink += reasonrl::reward::Score(spec, samples[i]).value;
          i = (i + 1) % samples.size();
          ++n;
        }
        if (t == 0 && Seconds(start) >= seconds) stop = true;
      }
      total += n;
      if (sink < 0) std::cerr << "";  // keeps the scores from being optimised away
    });
  }
  for (std::thread& th : pool) th.join();
  *elapsed = Seconds(start);
  return total;
}

// Keeps `in_flight` Score calls of `batch` samples going for `seconds`; returns the samples scored.
int64_t ThroughService(int port, const reasonrl::v1::RewardSpec& spec, const std::vector<Sample>& samples, int batch,
                       int in_flight, double seconds, double* elapsed) {
  std::vector<reasonrl::v1::ScoreRequest> requests;
  for (size_t begin = 0; begin < samples.size(); begin += batch) {
    reasonrl::v1::ScoreRequest request;
    *request.mutable_spec() = spec;
    for (size_t i = begin; i < std::min(samples.size(), begin + batch); ++i) {
      *request.add_samples() = reasonrl::reward::SampleToProto(samples[i]);
    }
    requests.push_back(std::move(request));
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto stub = reasonrl::v1::RewardService::NewStub(
      grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), args));
  std::atomic<int64_t> total{0};
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> callers;
  for (int c = 0; c < in_flight; ++c) {
    callers.emplace_back([&, c] {
      for (size_t r = c; Seconds(start) < seconds; r = (r + 1) % requests.size()) {
        grpc::ClientContext context;
        context.AddMetadata("x-reasonrl-token", kToken);
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
        reasonrl::v1::ScoreResponse response;
        if (stub->Score(&context, requests[r], &response).ok()) {
          total += response.results_size();
        } else {
          ++failures;
        }
      }
    });
  }
  for (std::thread& th : callers) th.join();
  *elapsed = Seconds(start);
  if (failures > 0) std::cerr << "reward_benchmark: " << failures << " calls failed\n";
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"math_accuracy scores per second per core, in-process and through the RewardService"};
  double seconds = 2.0;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int batch = 64, in_flight = 4, count = 512;
  bool skip_service = false;
  app.add_option("--seconds", seconds, "time per figure")->capture_default_str();
  app.add_option("--threads", threads, "N: in-process threads and service workers")->capture_default_str();
  app.add_option("--batch", batch, "samples per Score call")->capture_default_str();
  app.add_option("--calls-in-flight", in_flight, "concurrent Score calls")->capture_default_str();
  app.add_option("--samples", count, "samples per class")->capture_default_str();
  app.add_flag("--skip-service", skip_service, "in-process figures only");
  CLI11_PARSE(app, argc, argv);

  absl::StatusOr<RewardSpec> spec =
      reasonrl::reward::RewardSpecFromJson(R"({"rewards": [{"name": "math_accuracy"}]})", "benchmark");
  if (!spec.ok()) {
    std::cerr << spec.status() << "\n";
    return 1;
  }
  std::unique_ptr<reasonrl::reward::RewardServer> server;
  if (!skip_service) {
    reasonrl::reward::RewardServerOptions options;
    options.token = kToken;
    options.pool.num_workers = threads;
    auto started = reasonrl::reward::RewardServer::Start(options);
    if (!started.ok()) {
      std::cerr << started.status() << "\n";
      return 1;
    }
    server = *std::move(started);
  }
  const reasonrl::v1::RewardSpec wire_spec = reasonrl::reward::SpecToProto(*spec);
  uint64_t seed = 20250101;
  for (const std::string cls : {"number", "fraction", "expression", "mix"}) {
    const std::vector<Sample> samples = MakeSamples(cls, count, seed++);
    double right = 0, bytes = 0;
    for (const Sample& s : samples) {
      right += reasonrl::reward::Score(*spec, s).value;
      bytes += static_cast<double>(s.completion.size());
    }
    right /= samples.size();
    bytes /= samples.size();
    double elapsed = 0;
    int64_t n = InProcess(*spec, samples, 1, seconds, &elapsed);
    Print(cls, "in_process", 1, n, elapsed, right, bytes);
    if (threads > 1) {
      n = InProcess(*spec, samples, threads, seconds, &elapsed);
      Print(cls, "in_process", threads, n, elapsed, right, bytes);
    }
    if (server) {
      n = ThroughService(server->port(), wire_spec, samples, batch, in_flight, seconds, &elapsed);
      Print(cls, "service", threads, n, elapsed, right, bytes);
    }
  }
  if (server) server->Shutdown();
  return 0;
}
