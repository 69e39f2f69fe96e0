// Language-model losses the learner combines: next-token cross-entropy and the MTP loss.
//
//   L_main = −(1/N) Σ_i log P(t_{i+1} | t_{≤i})
//   L^k    = −(1/N_k) Σ_i log P^k_{i+k+1}[t_{i+k+1}],  mtp_logits[k-1][:, i] predicts t_{i+k+1}
//   L_MTP  = (λ / D) Σ_{k=1..D} L^k            (V3 report §2.2; λ = 0.3 early, 0.1 late)
#pragma once

#include <torch/torch.h>

#include <vector>

namespace reasonrl {

// logits [B,S,V], ids [B,S]: mean cross-entropy of logits[:, :-1] against ids[:, 1:] in float32.
torch::Tensor NextTokenLoss(const torch::Tensor& logits_BSV, const torch::Tensor& ids_BS);

// mtp_logits[k-1]: [B, S-k, V] from ForwardOutput. Depths whose window is empty are skipped.
torch::Tensor MtpLoss(const std::vector<torch::Tensor>& mtp_logits, const torch::Tensor& ids_BS, double lambda);

}  // namespace reasonrl
