#include "rollout/engine.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace reasonrl {

absl::StatusOr<GenerationResult> GreedyGenerate(CausalLm& model, const std::vector<std::vector<int64_t>>& prompts,
                                                const GreedyOptions& options) {
  const int64_t batch = static_cast<int64_t>(prompts.size());
  const int64_t vocab = model.config().vocab_size;
  if (batch == 0) return absl::InvalidArgumentError("no prompts to generate from");
  if (options.max_new_tokens < 0) return absl::InvalidArgumentError("max_new_tokens must be >= 0");
  int64_t longest = 0;
  for (int64_t b = 0; b < batch; ++b) {
    if (prompts[b].empty()) return absl::InvalidArgumentError(absl::StrCat("prompt ", b, " is empty"));
    for (int64_t id : prompts[b]) {
      if (id < 0 || id >= vocab) {
        return absl::InvalidArgumentError(absl::StrCat("prompt ", b, " has token id ", id, " outside [0, ", vocab, ")"));
      }
    }
    longest = std::max<int64_t>(longest, prompts[b].size());
  }
  GenerationResult result;
  result.tokens = prompts;
  result.num_generated.assign(batch, 0);
  if (options.max_new_tokens == 0) return result;

  torch::NoGradGuard no_grad;
  const torch::Device device = model.parameters().front().device();
  const auto ids_options = torch::dtype(torch::kInt64).device(device);
  LatentKvCache cache = model.AllocateCache(batch, longest + options.max_new_tokens);

  // Prefill: right-padded prompts at positions 0..longest-1.
  std::vector<int64_t> padded(batch * longest, 0), lengths(batch);
  for (int64_t b = 0; b < batch; ++b) {
    std::copy(prompts[b].begin(), prompts[b].end(), padded.begin() + b * longest);
    lengths[b] = prompts[b].size();
  }
  torch::Tensor ids_BS = torch::tensor(padded, torch::kInt64).view({batch, longest}).to(device);
  cache.lengths_B = torch::tensor(lengths, torch::kInt64).to(device);
  ForwardOptions fwd;
  fwd.cache = &cache;
  fwd.positions_BS = torch::arange(longest, ids_options).unsqueeze(0).expand({batch, longest});
  fwd.key_length = longest;
  fwd.logits_at_B = cache.lengths_B - 1;  // each row's last prompt token
  torch::Tensor next_B = model.Forward(ids_BS, fwd).logits_BSV.squeeze(1).argmax(-1);
  fwd.logits_at_B = torch::Tensor();

  std::vector<bool> done(batch, false);
  for (int64_t step = 0; step < options.max_new_tokens; ++step) {
    torch::Tensor next_cpu = next_B.to(torch::kCPU);
    const int64_t* next = next_cpu.data_ptr<int64_t>();
    bool all_done = true;
    for (int64_t b = 0; b < batch; ++b) {
      if (done[b]) continue;
      result.tokens[b].push_back(next[b]);
      ++result.num_generated[b];
      if (options.eos_token_id && next[b] == *options.eos_token_id) done[b] = true;
      all_done = all_done && done[b];
    }
    if (all_done || step + 1 == options.max_new_tokens) break;
    // Decode: each row writes its token at position lengths[b], then attends to [0, lengths[b]].
    fwd.positions_BS = cache.lengths_B.view({batch, 1}).clone();
    cache.lengths_B += 1;
    fwd.key_length = *std::max_element(lengths.begin(), lengths.end()) + step + 1;
    torch::Tensor logits_B1V = model.Forward(next_B.view({batch, 1}), fwd).logits_BSV;
    next_B = logits_B1V.squeeze(1).argmax(-1);
  }
  return result;
}

}  // namespace reasonrl
