#include "model/activation_checkpoint.h"

#include <torch/csrc/autograd/custom_function.h>

namespace reasonrl {
namespace {

thread_local int recompute_depth = 0;

struct FnHolder : torch::CustomClassHolder {
  explicit FnHolder(CheckpointFn f) : fn(std::move(f)) {}
  CheckpointFn fn;
};

struct CheckpointFunction : public torch::autograd::Function<CheckpointFunction> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, CheckpointFn fn) {
    torch::Tensor out;
    {
      torch::NoGradGuard no_grad;
      out = fn(x);
    }
    ctx->save_for_backward({x});
    ctx->saved_data["fn"] = c10::IValue(c10::intrusive_ptr<torch::CustomClassHolder>(
        c10::make_intrusive<FnHolder>(std::move(fn))));
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    torch::Tensor x = ctx->get_saved_variables()[0].detach().requires_grad_(true);
    auto holder = c10::static_intrusive_pointer_cast<FnHolder>(ctx->saved_data["fn"].toCapsule());
    torch::Tensor out;
    {
      torch::AutoGradMode enable(true);
      ++recompute_depth;
      out = holder->fn(x);
      --recompute_depth;
      torch::autograd::backward({out}, {grad_outputs[0]});
    }
    return {x.grad(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor CheckpointedCall(CheckpointFn fn, const torch::Tensor& x) {
  if (!torch::GradMode::is_enabled()) return fn(x);
  // The function must own a graph node even when x is a constant, or parameter gradients would be lost.
  torch::Tensor input = x.requires_grad() ? x : x.detach().requires_grad_(true);
  return CheckpointFunction::apply(input, std::move(fn));
}

bool InCheckpointRecompute() { return recompute_depth > 0; }

}  // namespace reasonrl
