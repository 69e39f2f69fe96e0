// reasonrl init --config CONFIG.json --output DIR [--seed N] [--dtype float32|bfloat16]
//   A fresh model from a config and a seed (normal(0, initializer_range), drawn on the CPU), saved as a
//   Hugging Face checkpoint.
// reasonrl convert --model IN_DIR --output OUT_DIR [--dtype float32|bfloat16] [--max-shard-size BYTES]
//   Re-saves a checkpoint in the Hub layout: FP8 weights dequantised, shards and index rewritten.
#include "model/architectures.h"
#include "model/checkpoint.h"
#include "model/status_macros.h"
#include "trainer/cli/commands.h"
#include "trainer/cli/device_flags.h"

namespace reasonrl::cli {
namespace {

struct InitFlags {
  std::string config, output, dtype = "float32";
  uint64_t seed = 0;
};

struct ConvertFlags {
  std::string model, output, dtype;
  int64_t max_shard_bytes = 5LL << 30;
};

absl::Status RunInit(const InitFlags& f) {
  ASSIGN_OR_RETURN(torch::ScalarType dtype, ParseDtype(f.dtype));
  ASSIGN_OR_RETURN(ModelConfig config, LoadModelConfig(f.config));
  ASSIGN_OR_RETURN(std::shared_ptr<CausalLm> model, CreateRandomCausalLm(config, f.seed));
  MoveModel(*model, torch::kCPU, dtype);
  return SavePretrained(*model, f.output);
}

absl::Status RunConvert(const ConvertFlags& f) {
  SaveOptions save;
  save.max_shard_bytes = f.max_shard_bytes;
  LoadOptions load;
  std::string dtype = f.dtype;
  if (dtype.empty()) {  // as the config says it was stored; float32 when it says something else
    ASSIGN_OR_RETURN(ModelConfig config, LoadModelConfig(f.model));
    dtype = config.torch_dtype == "bfloat16" ? "bfloat16" : "float32";
  }
  ASSIGN_OR_RETURN(load.dtype, ParseDtype(dtype));
  save.dtype = load.dtype;
  ASSIGN_OR_RETURN(std::shared_ptr<CausalLm> model, LoadPretrained(f.model, load));
  return SavePretrained(*model, f.output, save);
}

}  // namespace

void AddInitCommand(CLI::App& app, Action& action) {
  auto flags = std::make_shared<InitFlags>();
  CLI::App* cmd = app.add_subcommand("init", "Write a randomly initialised model for a config.json");
  cmd->add_option("--config", flags->config, "config.json (Hub or transformers-5 form)")->required();
  cmd->add_option("--output", flags->output, "checkpoint directory to write")->required();
  cmd->add_option("--seed", flags->seed, "random seed")->capture_default_str();
  cmd->add_option("--dtype", flags->dtype, "float32 or bfloat16")->capture_default_str();
  cmd->callback([flags, &action] { action = [flags] { return RunInit(*flags); }; });
}

void AddConvertCommand(CLI::App& app, Action& action) {
  auto flags = std::make_shared<ConvertFlags>();
  CLI::App* cmd = app.add_subcommand("convert", "Re-save a checkpoint in the Hub layout (FP8 dequantised)");
  cmd->add_option("--model", flags->model, "checkpoint directory to read")->required();
  cmd->add_option("--output", flags->output, "checkpoint directory to write")->required();
  cmd->add_option("--dtype", flags->dtype, "float32 or bfloat16 (default: config.json torch_dtype)");
  cmd->add_option("--max-shard-size", flags->max_shard_bytes, "bytes per shard")->capture_default_str();
  cmd->callback([flags, &action] { action = [flags] { return RunConvert(*flags); }; });
}

}  // namespace reasonrl::cli
