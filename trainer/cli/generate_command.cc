// reasonrl generate --model DIR --input IN.safetensors --max-new-tokens N --greedy --output OUT.safetensors
//                   [--eos ID] [--device cpu|cuda] [--dtype float32|bfloat16]
// Reads input_ids (int64 [B,T]) and writes output_ids (int64, prompt included), decoding with the latent
// KV cache. Without --eos it stops only at N; rows that stop early are padded with the eos id.
#include "model/checkpoint.h"
#include "model/status_macros.h"
#include "model/tensor_io.h"
#include "rollout/engine.h"
#include "trainer/cli/commands.h"
#include "trainer/cli/device_flags.h"
#include "trainer/cli/input_ids.h"

namespace reasonrl::cli {
namespace {

struct GenerateFlags {
  std::string model, input, output, device = "cpu", dtype = "float32";
  int64_t max_new_tokens = 0;
  bool greedy = false;
  std::optional<int64_t> eos;
};

absl::Status RunGenerate(const GenerateFlags& f) {
  if (!f.greedy) {
    return absl::InvalidArgumentError("generate: only --greedy decoding is available in token-id mode so far");
  }
  if (f.max_new_tokens < 1) return absl::InvalidArgumentError("--max-new-tokens must be >= 1");
  ASSIGN_OR_RETURN(torch::Device device, ParseDevice(f.device));
  ASSIGN_OR_RETURN(torch::ScalarType dtype, ParseDtype(f.dtype));
  ASSIGN_OR_RETURN(std::shared_ptr<CausalLm> model, LoadPretrained(f.model, {device, dtype}));
  ASSIGN_OR_RETURN(torch::Tensor ids, ReadInputIds(f.input, model->config().vocab_size));
  if (f.eos && (*f.eos < 0 || *f.eos >= model->config().vocab_size)) {
    return absl::InvalidArgumentError("--eos: id outside the vocabulary");
  }
  std::vector<std::vector<int64_t>> prompts(ids.size(0));
  for (int64_t b = 0; b < ids.size(0); ++b) {
    torch::Tensor row = ids[b].contiguous();
    prompts[b].assign(row.data_ptr<int64_t>(), row.data_ptr<int64_t>() + row.numel());
  }
  ASSIGN_OR_RETURN(GenerationResult result, GreedyGenerate(*model, prompts, {f.max_new_tokens, f.eos}));
  size_t width = 0;
  for (const auto& row : result.tokens) width = std::max(width, row.size());
  torch::Tensor out = torch::full({ids.size(0), static_cast<int64_t>(width)}, f.eos.value_or(0), torch::kInt64);
  for (int64_t b = 0; b < ids.size(0); ++b) {
    const auto& row = result.tokens[b];
    std::copy(row.begin(), row.end(), out[b].data_ptr<int64_t>());
  }
  return WriteSafetensors(f.output, {{"output_ids", out}});
}

}  // namespace

void AddGenerateCommand(CLI::App& app, Action& action) {
  auto flags = std::make_shared<GenerateFlags>();
  CLI::App* cmd = app.add_subcommand("generate", "Generate token ids from token-id prompts");
  cmd->add_option("--model", flags->model, "Hugging Face model directory")->required();
  cmd->add_option("--input", flags->input, "safetensors file with input_ids int64 [B,T]")->required();
  cmd->add_option("--output", flags->output, "safetensors file to write output_ids to")->required();
  cmd->add_option("--max-new-tokens", flags->max_new_tokens, "tokens to generate per row")->required();
  cmd->add_flag("--greedy", flags->greedy, "greedy (argmax) decoding");
  cmd->add_option("--eos", flags->eos, "stop a row at this token id");
  cmd->add_option("--device", flags->device, "cpu or cuda")->capture_default_str();
  cmd->add_option("--dtype", flags->dtype, "float32 or bfloat16")->capture_default_str();
  cmd->callback([flags, &action] { action = [flags] { return RunGenerate(*flags); }; });
}

}  // namespace reasonrl::cli
