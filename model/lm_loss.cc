#include "model/lm_loss.h"

#include "model/layers.h"

namespace reasonrl {
namespace {

// Mean cross-entropy of logits [B,N,V] against targets [B,N].
torch::Tensor MeanCrossEntropy(const torch::Tensor& logits_BNV, const torch::Tensor& targets_BN) {
  torch::Tensor logp = torch::log_softmax(AtLeastFloat32(logits_BNV), -1);
  return -logp.gather(-1, targets_BN.unsqueeze(-1)).mean();
}

}  // namespace

torch::Tensor NextTokenLoss(const torch::Tensor& logits_BSV, const torch::Tensor& ids_BS) {
  const int64_t s = ids_BS.size(1);
  TORCH_CHECK(s >= 2, "NextTokenLoss needs at least 2 tokens");
  return MeanCrossEntropy(logits_BSV.narrow(1, 0, s - 1), ids_BS.narrow(1, 1, s - 1));
}

torch::Tensor MtpLoss(const std::vector<torch::Tensor>& mtp_logits, const torch::Tensor& ids_BS, double lambda) {
  const int64_t s = ids_BS.size(1), depth = static_cast<int64_t>(mtp_logits.size());
  TORCH_CHECK(depth > 0, "MtpLoss needs the MTP logits (ForwardOptions::mtp)");
  torch::Tensor total;
  for (int64_t k = 1; k <= depth; ++k) {
    const int64_t n = s - k - 1;  // positions i = 0..S-k-2 predict t_{i+k+1}
    if (n <= 0) continue;
    torch::Tensor l = MeanCrossEntropy(mtp_logits[k - 1].narrow(1, 0, n), ids_BS.narrow(1, k + 1, n));
    total = total.defined() ? total + l : l;
  }
  TORCH_CHECK(total.defined(), "MtpLoss: sequences too short for any MTP depth");
  return total * (lambda / static_cast<double>(depth));
}

}  // namespace reasonrl
