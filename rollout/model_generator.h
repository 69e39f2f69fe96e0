// The TokenGenerator over a Hugging Face checkpoint: LoadPretrained (model/checkpoint.h) plus greedy
// decoding with the latent KV cache (rollout/engine.h).
//
// This header is torch-free, like token_generator.h: `reasonrl serve rollout` and the service tests
// include it next to protobuf headers. Its library, reasonrl_model_generator, links LibTorch PRIVATE, so
// torch's include directories never reach its users (../shared/docs/gpu.md, trap 1).
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "rollout/token_generator.h"

namespace reasonrl {

// Loads `model_dir` onto `device` ("cpu" or "cuda") in `dtype` ("float32" or "bfloat16").
//
// The generator holds policy version 0 (the checkpoint it loaded) and answers FailedPrecondition to any
// other version. Generate() calls from several threads are serialised with a mutex: one batch at a time.
// Errors: those of LoadPretrained (naming the file, tensor or key), InvalidArgument for an unknown device
// or dtype, FailedPrecondition for cuda without a CUDA device.
absl::StatusOr<std::unique_ptr<TokenGenerator>> LoadModelTokenGenerator(const std::string& model_dir,
                                                                       const std::string& device,
                                                                       const std::string& dtype);

}  // namespace reasonrl
