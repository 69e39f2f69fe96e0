// The safetensors file format (huggingface/safetensors), torch-free: parse and validate a header, lay out
// and write a file. See ../shared/docs/model-spec.md §8.
//
//   bytes [0, 8)        N, unsigned 64-bit little-endian
//   bytes [8, 8+N)      UTF-8 JSON object: {"__metadata__": {str: str}, name: {"dtype", "shape",
//                       "data_offsets": [begin, end]}, ...}, padded with spaces to a multiple of 8
//   bytes [8+N, size)   the data buffer; offsets are relative to its start, tensors cover it exactly
//
// The writer produces the same bytes as Python's `safetensors.torch.save_file` (which calls the Rust
// crate): JSON without spaces, `__metadata__` first, tensors in layout order, keys inside a tensor entry
// in the order dtype, shape, data_offsets.
//
// Thread safety: everything here is a pure function or an immutable value once built; a const
// SafetensorsHeader / SafetensorsFile may be shared between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/mapped_file.h"

namespace reasonrl {

// Element types, in the order of the Rust crate's `Dtype` enum. The writer sorts tensors by this order
// (descending), so it matters: do not reorder.
enum class DType { kBool, kU8, kI8, kF8_E5M2, kF8_E4M3, kI16, kU16, kF16, kBF16, kI32, kU32, kF32, kF64, kI64, kU64 };

// "F32" -> DType::kF32. Exact, case-sensitive match of the names the format uses; InvalidArgument
// otherwise (including dtypes of newer safetensors versions such as F8_E8M0 that we do not support).
absl::StatusOr<DType> ParseDType(std::string_view name);
// DType::kF32 -> "F32".
std::string_view DTypeName(DType dtype);
// Bytes per element: 1, 2, 4 or 8.
size_t DTypeSize(DType dtype);

// One tensor of a parsed header.
struct TensorInfo {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;  // Every dim >= 0; [] is a scalar.
  uint64_t begin = 0;          // Byte offsets into the data buffer (file offset data_start), end exclusive.
  uint64_t end = 0;

  // Product of the dims (1 for a scalar). For a parsed header this never overflows: it is at most
  // end - begin.
  int64_t numel() const;
  uint64_t nbytes() const { return end - begin; }
};

struct SafetensorsHeader {
  // Sorted by data offsets (begin, then end), which for a valid file is the order of the data. Files
  // written by the standard writer list tensors in this order in the JSON too.
  std::vector<TensorInfo> tensors;
  // `__metadata__` entries in the order they appear in the file.
  std::vector<std::pair<std::string, std::string>> metadata;
  uint64_t header_size = 0;  // N, the JSON length including padding.
  uint64_t data_start = 0;   // 8 + N, where the data buffer begins in the file.
  // Indices into `tensors`, ordered by name. Filled by ParseSafetensorsHeader; call RebuildNameIndex()
  // after changing `tensors` by hand.
  std::vector<size_t> name_index;

  // The tensor called `name`, or nullptr. O(log n) while name_index is current, O(n) otherwise.
  const TensorInfo* Find(std::string_view name) const;
  void RebuildNameIndex();
};

// Parses and validates the header of a safetensors file of `file_size` bytes, as strictly as the Rust
// crate's `SafeTensors::read_metadata` and more: the JSON must start with '{', keys must be unique at
// every level, a tensor entry must have exactly the keys dtype, shape and data_offsets, `__metadata__`
// must be an object of strings, and the data offsets must tile the data buffer exactly.
//
// REQUIRES: `file_bytes_prefix` holds the first min(file_size, 8 + N) bytes of the file or more (the whole
// file is fine); violating that is reported as InvalidArgument too, never read past.
// `file_name` is only used in error messages.
//
// Every error is InvalidArgument and its message starts with `file_name`, names the tensor or key at
// fault and says what was expected and what was found. Never crashes, hangs or throws, whatever the bytes;
// time and memory are linear in N (plus sorting the tensors).
absl::StatusOr<SafetensorsHeader> ParseSafetensorsHeader(std::string_view file_bytes_prefix,
                                                         uint64_t file_size,
                                                         std::string_view file_name);

// A tensor to write. `data` is borrowed and must stay valid until the write returns.
struct TensorToWrite {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  const void* data = nullptr;
  size_t nbytes = 0;  // Must equal numel(shape) * DTypeSize(dtype).
};

// Checks that `tensors` can be written: names unique, valid UTF-8 and not "__metadata__", dims >= 0, nbytes
// matching shape and dtype (without overflow), data non-null when nbytes > 0; metadata keys unique and
// valid UTF-8, values valid UTF-8. InvalidArgument naming the tensor or key otherwise.
absl::Status ValidateTensorsToWrite(const std::vector<TensorToWrite>& tensors,
                                    const std::vector<std::pair<std::string, std::string>>& metadata);

// Sorts `tensors_in_out_order` into the writer's layout order (dtype descending in DType order, so the
// widest types come first and every tensor is naturally aligned; then name ascending, bytewise) and
// returns the bytes that precede the data buffer: the 8-byte N followed by the padded JSON. The data
// buffer is then the tensors' bytes concatenated in the new order. `metadata` is written in the given
// order (the Rust writer uses a hash map, so for more than one entry its order is arbitrary anyway); an
// empty `metadata` writes no `__metadata__` key.
// REQUIRES: ValidateTensorsToWrite(tensors_in_out_order, metadata).ok().
std::string SerializeSafetensorsHeader(std::vector<TensorToWrite>& tensors_in_out_order,
                                       const std::vector<std::pair<std::string, std::string>>& metadata);

// Validates, then writes a complete safetensors file to `path + ".tmp.<pid>"`, fsyncs it and renames it
// onto `path`, so that `path` is either untouched or complete. On error the temporary file is removed.
absl::Status WriteSafetensorsFile(const std::string& path, std::vector<TensorToWrite> tensors,
                                  const std::vector<std::pair<std::string, std::string>>& metadata);

// A safetensors file mapped into memory with its parsed header.
struct SafetensorsFile {
  std::unique_ptr<MappedFile> file;
  SafetensorsHeader header;

  // The bytes of `info`'s data inside the mapping (valid while `file` lives).
  // REQUIRES: `info` belongs to `header`.
  std::string_view TensorBytes(const TensorInfo& info) const;
};

// Maps `path` and parses its header. Errors from MappedFile::Open or ParseSafetensorsHeader (whose
// messages name `path`).
absl::StatusOr<SafetensorsFile> OpenSafetensors(const std::string& path);

}  // namespace reasonrl
