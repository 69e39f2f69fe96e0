// reasonrl forward --model DIR --input IN.safetensors --output OUT.safetensors [--device cpu|cuda]
//                  [--dtype float32|bfloat16]
// Reads input_ids (int64 [B,T]) and writes logits (float32 [B,T,V]): how a user checks a model against
// another implementation.
#include "model/checkpoint.h"
#include "model/status_macros.h"
#include "model/tensor_io.h"
#include "trainer/cli/commands.h"
#include "trainer/cli/device_flags.h"
#include "trainer/cli/input_ids.h"

namespace reasonrl::cli {
namespace {

struct ForwardFlags {
  std::string model, input, output, device = "cpu", dtype = "float32";
};

absl::Status RunForward(const ForwardFlags& f) {
  ASSIGN_OR_RETURN(torch::Device device, ParseDevice(f.device));
  ASSIGN_OR_RETURN(torch::ScalarType dtype, ParseDtype(f.dtype));
  ASSIGN_OR_RETURN(std::shared_ptr<CausalLm> model, LoadPretrained(f.model, {device, dtype}));
  ASSIGN_OR_RETURN(torch::Tensor ids, ReadInputIds(f.input, model->config().vocab_size));
  torch::NoGradGuard no_grad;
  torch::Tensor logits = model->Forward(ids.to(device), {}).logits_BSV.to(torch::kFloat32);
  return WriteSafetensors(f.output, {{"logits", logits}});
}

}  // namespace

void AddForwardCommand(CLI::App& app, Action& action) {
  auto flags = std::make_shared<ForwardFlags>();
  CLI::App* cmd = app.add_subcommand("forward", "Logits of a model for token ids (safetensors in, safetensors out)");
  cmd->add_option("--model", flags->model, "Hugging Face model directory")->required();
  cmd->add_option("--input", flags->input, "safetensors file with input_ids int64 [B,T]")->required();
  cmd->add_option("--output", flags->output, "safetensors file to write logits float32 [B,T,V] to")->required();
  cmd->add_option("--device", flags->device, "cpu or cuda")->capture_default_str();
  cmd->add_option("--dtype", flags->dtype, "float32 or bfloat16")->capture_default_str();
  cmd->callback([flags, &action] { action = [flags] { return RunForward(*flags); }; });
}

}  // namespace reasonrl::cli
