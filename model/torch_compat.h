// The one place where LibTorch 1.13 (Debian) and LibTorch 2.x (the CUDA wheel) differ for us.
//
// - float8 dtypes exist from 2.1; unsigned 16/32/64-bit from 2.3. Without them, safetensors F8 data is
//   decoded on the host and U16/U32/U64 are widened to int64 (tensor_io.cc).
// - scaled_dot_product_attention with an explicit `scale` exists from 2.1; 1.13 gets the explicit
//   softmax(QKᵀ·scale)V form.
#pragma once

#include <torch/version.h>

#define REASONRL_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

#define REASONRL_HAS_FLOAT8 REASONRL_TORCH_AT_LEAST(2, 1)
#define REASONRL_HAS_UNSIGNED_DTYPES REASONRL_TORCH_AT_LEAST(2, 3)
#define REASONRL_HAS_SDPA_SCALE REASONRL_TORCH_AT_LEAST(2, 1)
