#include "model/activation_checkpoint.h"

#include <torch/csrc/autograd/custom_function.h>

namespace reasonrl {
namespace {

thread_local int recompute_depth = 0;

// The function rides in the autograd context as a one-byte tensor over a heap holder whose deleter frees
// it, so it lives exactly as long as the graph node (IValue capsules need registered custom classes).
struct FnHolder {
  CheckpointFn fn;
};

torch::Tensor Wrap(CheckpointFn fn) {
  auto* holder = new FnHolder{std::move(fn)};
  return torch::from_blob(holder, {1}, [](void* p) { delete static_cast<FnHolder*>(p); }, torch::kUInt8);
}

FnHolder* Unwrap(const torch::Tensor& t) { return static_cast<FnHolder*>(t.data_ptr()); }

struct CheckpointFunction : public torch::autograd::Function<CheckpointFunction> {
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                                CheckpointFn fn) {
    torch::autograd::variable_list out;
    {
      torch::NoGradGuard no_grad;
      out = fn(x);
    }
    ctx->save_for_backward({x});
    ctx->saved_data["fn"] = Wrap(std::move(fn));
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    torch::Tensor x = ctx->get_saved_variables()[0].detach().requires_grad_(true);
    FnHolder* holder = Unwrap(ctx->saved_data["fn"].toTensor());
    {
      torch::AutoGradMode enable(true);
      ++recompute_depth;
      std::vector<torch::Tensor> out = holder->fn(x);
      --recompute_depth;
      std::vector<torch::Tensor> outputs, grads;
      for (size_t i = 0; i < out.size(); ++i) {
        if (grad_outputs[i].defined() && out[i].requires_grad()) {
          outputs.push_back(out[i]);
          grads.push_back(grad_outputs[i]);
        }
      }
      if (!outputs.empty()) torch::autograd::backward(outputs, grads);
    }
    return {x.grad(), torch::Tensor()};
  }
};

}  // namespace

std::vector<torch::Tensor> CheckpointedCall(CheckpointFn fn, const torch::Tensor& x) {
  if (!torch::GradMode::is_enabled()) return fn(x);
  // The function must own a graph node even when x is a constant, or parameter gradients would be lost.
  torch::Tensor input = x.requires_grad() ? x : x.detach().requires_grad_(true);
  return CheckpointFunction::apply(input, std::move(fn));
}

bool InCheckpointRecompute() { return recompute_depth > 0; }

}  // namespace reasonrl
