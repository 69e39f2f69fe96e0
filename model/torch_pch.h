// Precompiled for every translation unit that uses LibTorch (see model/CMakeLists.txt).
#pragma once
#include <torch/torch.h>
