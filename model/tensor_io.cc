#include "model/tensor_io.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "model/status_macros.h"

namespace reasonrl {
namespace {

absl::Status Error(std::string_view file, const TensorInfo& info, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(file), ": tensor \"", info.name, "\": ", std::string(what)));
}

// A table of the 256 values of an 8-bit float.
template <float (*Decode)(uint8_t)>
const float* Float8Table() {
  static const auto* table = [] {
    auto* t = new float[256];
    for (int i = 0; i < 256; ++i) t[i] = Decode(static_cast<uint8_t>(i));
    return t;
  }();
  return table;
}

}  // namespace

// E4M3FN: 1 sign, 4 exponent (bias 7), 3 mantissa bits; no infinities; S.1111.111 is NaN.
float DecodeFloat8E4M3(uint8_t byte) {
  const int sign = byte >> 7, exponent = (byte >> 3) & 0xF, mantissa = byte & 0x7;
  if (exponent == 0xF && mantissa == 0x7) return std::numeric_limits<float>::quiet_NaN();
  float magnitude = exponent == 0 ? std::ldexp(mantissa / 8.0f, -6) : std::ldexp(1.0f + mantissa / 8.0f, exponent - 7);
  return sign ? -magnitude : magnitude;
}

// E5M2: 1 sign, 5 exponent (bias 15), 2 mantissa bits; IEEE-style infinities and NaNs.
float DecodeFloat8E5M2(uint8_t byte) {
  const int sign = byte >> 7, exponent = (byte >> 2) & 0x1F, mantissa = byte & 0x3;
  float magnitude;
  if (exponent == 0x1F) {
    magnitude = mantissa == 0 ? std::numeric_limits<float>::infinity() : std::numeric_limits<float>::quiet_NaN();
  } else if (exponent == 0) {
    magnitude = std::ldexp(mantissa / 4.0f, -14);
  } else {
    magnitude = std::ldexp(1.0f + mantissa / 4.0f, exponent - 15);
  }
  return sign ? -magnitude : magnitude;
}

absl::StatusOr<torch::Tensor> TensorFromBytes(const TensorInfo& info, std::string_view bytes, std::string_view file) {
  if (bytes.size() != info.nbytes()) return Error(file, info, "byte range does not match its header entry");
  std::vector<int64_t> shape(info.shape.begin(), info.shape.end());
  const int64_t n = info.numel();
  const auto* src = reinterpret_cast<const uint8_t*>(bytes.data());
  auto copy_as = [&](torch::ScalarType type) {
    torch::Tensor t = torch::empty(shape, torch::dtype(type));
    if (n > 0) std::memcpy(t.data_ptr(), src, bytes.size());
    return t;
  };
  auto widen = [&](auto tag) {
    using T = decltype(tag);
    torch::Tensor t = torch::empty(shape, torch::kInt64);
    int64_t* dst = t.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      T v;
      std::memcpy(&v, src + i * sizeof(T), sizeof(T));
      dst[i] = static_cast<int64_t>(v);
    }
    return t;
  };
  auto float8 = [&](const float* table) {
    torch::Tensor t = torch::empty(shape, torch::kFloat32);
    float* dst = t.data_ptr<float>();
    for (int64_t i = 0; i < n; ++i) dst[i] = table[src[i]];
    return t;
  };
  switch (info.dtype) {
    case DType::kBool: {
      for (int64_t i = 0; i < n; ++i) {
        if (src[i] > 1) return Error(file, info, absl::StrCat("BOOL element ", i, " is ", int(src[i]), ", not 0 or 1"));
      }
      return copy_as(torch::kBool);
    }
    case DType::kU8: return copy_as(torch::kUInt8);
    case DType::kI8: return copy_as(torch::kInt8);
    case DType::kI16: return copy_as(torch::kInt16);
    case DType::kI32: return copy_as(torch::kInt32);
    case DType::kI64: return copy_as(torch::kInt64);
    case DType::kF16: return copy_as(torch::kFloat16);
    case DType::kBF16: return copy_as(torch::kBFloat16);
    case DType::kF32: return copy_as(torch::kFloat32);
    case DType::kF64: return copy_as(torch::kFloat64);
    case DType::kU16: return widen(uint16_t{});
    case DType::kU32: return widen(uint32_t{});
    case DType::kU64: {
      for (int64_t i = 0; i < n; ++i) {
        uint64_t v;
        std::memcpy(&v, src + i * 8, 8);
        if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return Error(file, info, absl::StrCat("U64 element ", i, " = ", v, " does not fit in int64"));
        }
      }
      return widen(uint64_t{});
    }
    case DType::kF8_E4M3: return float8(Float8Table<DecodeFloat8E4M3>());
    case DType::kF8_E5M2: return float8(Float8Table<DecodeFloat8E5M2>());
  }
  return Error(file, info, "unsupported dtype");
}

absl::StatusOr<DType> SafetensorsDType(torch::ScalarType type) {
  switch (type) {
    case torch::kBool: return DType::kBool;
    case torch::kUInt8: return DType::kU8;
    case torch::kInt8: return DType::kI8;
    case torch::kInt16: return DType::kI16;
    case torch::kInt32: return DType::kI32;
    case torch::kInt64: return DType::kI64;
    case torch::kFloat16: return DType::kF16;
    case torch::kBFloat16: return DType::kBF16;
    case torch::kFloat32: return DType::kF32;
    case torch::kFloat64: return DType::kF64;
    default:
      return absl::InvalidArgumentError(absl::StrCat("dtype ", c10::toString(type), " cannot be written to safetensors"));
  }
}

absl::StatusOr<std::map<std::string, torch::Tensor>> ReadSafetensors(const std::string& path) {
  ASSIGN_OR_RETURN(SafetensorsFile file, OpenSafetensors(path));
  std::map<std::string, torch::Tensor> out;
  for (const TensorInfo& info : file.header.tensors) {
    ASSIGN_OR_RETURN(out[info.name], TensorFromBytes(info, file.TensorBytes(info), path));
  }
  return out;
}

absl::Status WriteSafetensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                              const std::vector<std::pair<std::string, std::string>>& metadata) {
  std::vector<torch::Tensor> keep;  // CPU contiguous copies, alive until the write returns
  std::vector<TensorToWrite> to_write;
  keep.reserve(tensors.size());
  for (const auto& [name, tensor] : tensors) {
    auto dtype = SafetensorsDType(tensor.scalar_type());
    if (!dtype.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": tensor \"", name, "\": ", dtype.status().message()));
    keep.push_back(tensor.detach().to(torch::kCPU).contiguous());
    const torch::Tensor& t = keep.back();
    to_write.push_back({name, *dtype, std::vector<int64_t>(t.sizes().begin(), t.sizes().end()), t.data_ptr(),
                        static_cast<size_t>(t.nbytes())});
  }
  return WriteSafetensorsFile(path, std::move(to_write), metadata);
}

}  // namespace reasonrl
