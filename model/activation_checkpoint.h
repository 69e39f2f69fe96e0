// Activation checkpointing for LibTorch C++, which has no checkpoint helper: a custom autograd function
// that runs `fn(x)` without recording its graph and, in backward, re-runs it with grad enabled and
// back-propagates through the recomputation (PyTorch's reentrant checkpoint). Parameter gradients
// accumulate into `.grad` during that inner backward, as with the plain forward.
//
// REQUIRES: fn is deterministic given x (no dropout; MoE routing depends only on x and the weights).
// Only x receives a gradient; other tensors fn uses must be constants or parameters.
#pragma once

#include <torch/torch.h>

#include <functional>

namespace reasonrl {

// fn(x) may return several tensors (say a layer's output and its balance loss); each gets its gradient.
using CheckpointFn = std::function<std::vector<torch::Tensor>(const torch::Tensor&)>;

std::vector<torch::Tensor> CheckpointedCall(CheckpointFn fn, const torch::Tensor& x);

// True while a checkpointed function is being recomputed in backward (so side effects such as load
// statistics are not recorded twice).
bool InCheckpointRecompute();

}  // namespace reasonrl
