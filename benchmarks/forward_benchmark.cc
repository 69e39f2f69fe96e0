// Forward (and optionally training-step) throughput of the policy model, printed as JSON lines next to the
// matmul peak measured in the same run, with model FLOPs utilisation on active parameters.
//
//   forward_benchmark --config benchmarks/configs/moe_100m.json --device cpu --batch 4 --seq 256
//   forward_benchmark --model DIR --device cuda --dtype bfloat16 --batch 4 --seq 512
//   forward_benchmark ... --train   # forward+backward with and without activation checkpointing, peak memory
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "CLI/CLI.hpp"
#include "benchmarks/flops.h"
#include "model/architectures.h"
#include "model/checkpoint.h"
#include "model/lm_loss.h"
#ifdef REASONRL_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace reasonrl::bench {
namespace {

struct Flags {
  std::string config, model, device = "cpu", dtype = "float32";
  int64_t batch = 4, seq = 256, iters = 5, warmup = 2, seed = 0;
  bool train = false;
};

void Sync(torch::Device device) {
  if (device.is_cuda()) torch::cuda::synchronize();
}

template <typename F>
double SecondsPerCall(torch::Device device, int64_t warmup, int64_t iters, F&& f) {
  for (int64_t i = 0; i < warmup; ++i) f();
  Sync(device);
  auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < iters; ++i) f();
  Sync(device);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / iters;
}

// Dense matmul throughput of this device and dtype: the peak the MFU is measured against.
double MatmulFlops(torch::Device device, torch::ScalarType dtype) {
  const int64_t n = device.is_cuda() ? 8192 : 1024;
  torch::Tensor a = torch::randn({n, n}, torch::dtype(dtype).device(device));
  torch::Tensor b = torch::randn({n, n}, torch::dtype(dtype).device(device));
  double s = SecondsPerCall(device, 2, device.is_cuda() ? 20 : 5, [&] { torch::mm(a, b); });
  return 2.0 * n * n * n / s;
}

int64_t PeakBytes(torch::Device device) {
#ifdef REASONRL_WITH_CUDA
  if (device.is_cuda()) return c10::cuda::CUDACachingAllocator::getDeviceStats(device.index()).allocated_bytes[0].peak;
#endif
  struct rusage usage;
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // high-water mark of the whole process
}

void ResetPeak(torch::Device device) {
#ifdef REASONRL_WITH_CUDA
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::resetPeakStats(device.index());
#endif
  (void)device;
}

int Run(const Flags& f) {
  torch::Device device = f.device == "cuda" ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  torch::ScalarType dtype = f.dtype == "bfloat16" ? torch::kBFloat16 : torch::kFloat32;
  std::shared_ptr<CausalLm> model;
  if (!f.model.empty()) {
    auto loaded = LoadPretrained(f.model, {device, dtype});
    if (!loaded.ok()) return std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str()), 1;
    model = *loaded;
  } else {
    auto config = LoadModelConfig(f.config);
    if (!config.ok()) return std::fprintf(stderr, "%s\n", config.status().ToString().c_str()), 1;
    auto random = CreateRandomCausalLm(*config, f.seed);
    if (!random.ok()) return std::fprintf(stderr, "%s\n", random.status().ToString().c_str()), 1;
    model = *random;
    MoveModel(*model, device, dtype);
  }
  const ModelConfig& c = model->config();
  const ParameterCounts params = CountParameters(c);
  const double flops_per_token = ForwardFlopsPerToken(c, f.seq);
  const double peak = MatmulFlops(device, dtype);
  std::printf("{\"impl\": \"matmul-peak\", \"device\": \"%s\", \"dtype\": \"%s\", \"threads\": %d, \"tflops\": %.4f}\n",
              f.device.c_str(), f.dtype.c_str(), torch::get_num_threads(), peak / 1e12);

  torch::manual_seed(1);
  torch::Tensor ids = torch::randint(0, c.vocab_size, {f.batch, f.seq}, torch::kInt64).to(device);
  const double tokens = static_cast<double>(f.batch * f.seq);
  {
    torch::NoGradGuard no_grad;
    model->eval();
    double s = SecondsPerCall(device, f.warmup, f.iters, [&] { model->Forward(ids, {}); });
    std::printf("{\"impl\": \"reasonrl-forward\", \"device\": \"%s\", \"dtype\": \"%s\", \"batch\": %ld, \"seq\": %ld, "
                "\"total_params\": %ld, \"active_params\": %ld, \"tokens_per_s\": %.1f, \"ms_per_iter\": %.3f, "
                "\"mfu_vs_measured_peak\": %.4f}\n",
                f.device.c_str(), f.dtype.c_str(), static_cast<long>(f.batch), static_cast<long>(f.seq),
                static_cast<long>(params.total), static_cast<long>(params.active), tokens / s, s * 1e3,
                tokens / s * flops_per_token / peak);
  }
  if (f.train) {
    model->train();
    // Checkpointed first: on the CPU the peak is the process's high-water mark, which only grows.
    for (bool checkpointing : {true, false}) {
      ForwardOptions o;
      o.activation_checkpointing = checkpointing;
      ResetPeak(device);
      const int64_t before = PeakBytes(device);
      double s = SecondsPerCall(device, 1, f.iters, [&] {
        model->zero_grad();
        NextTokenLoss(model->Forward(ids, o).logits_BSV, ids).backward();
      });
      // Training FLOPs: forward + backward = 3x forward (recompute not counted: MFU, not HFU).
      std::printf("{\"impl\": \"reasonrl-train-step\", \"activation_checkpointing\": %s, \"tokens_per_s\": %.1f, "
                  "\"ms_per_iter\": %.3f, \"mfu_vs_measured_peak\": %.4f, \"peak_bytes\": %ld, \"peak_kind\": \"%s\", "
                  "\"peak_before\": %ld}\n",
                  checkpointing ? "true" : "false", tokens / s, s * 1e3, 3 * tokens / s * flops_per_token / peak,
                  static_cast<long>(PeakBytes(device)), device.is_cuda() ? "cuda-allocated" : "process-maxrss",
                  static_cast<long>(before));
    }
  }
  return 0;
}

}  // namespace
}  // namespace reasonrl::bench

int main(int argc, char** argv) {
  reasonrl::bench::Flags f;
  CLI::App app{"reasonrl forward/training-step throughput benchmark"};
  auto* source = app.add_option_group("model");
  source->add_option("--config", f.config, "config.json for a random model");
  source->add_option("--model", f.model, "Hugging Face model directory");
  source->require_option(1);
  app.add_option("--device", f.device)->check(CLI::IsMember({"cpu", "cuda"}));
  app.add_option("--dtype", f.dtype)->check(CLI::IsMember({"float32", "bfloat16"}));
  app.add_option("--batch", f.batch);
  app.add_option("--seq", f.seq);
  app.add_option("--iters", f.iters);
  app.add_option("--warmup", f.warmup);
  app.add_option("--seed", f.seed);
  app.add_flag("--train", f.train, "also time forward+backward with and without activation checkpointing");
  CLI11_PARSE(app, argc, argv);
  return reasonrl::bench::Run(f);
}
