// libFuzzer target for ParseSafetensorsHeader. The input is a whole safetensors file. Besides "never
// crash, hang or leak", it checks the writer against the parser: a file that parses is re-serialized
// with the writer, which must produce a file that parses to the same tensors (names, dtypes, shapes and
// bytes) and metadata, and re-serializing that one must give identical bytes (the layout is canonical).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/safetensors_format.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

std::vector<reasonrl::TensorToWrite> TensorsOf(const reasonrl::SafetensorsHeader& header, std::string_view file) {
  std::vector<reasonrl::TensorToWrite> tensors;
  for (const reasonrl::TensorInfo& info : header.tensors) {
    tensors.push_back({info.name, info.dtype, info.shape, file.data() + header.data_start + info.begin,
                       static_cast<size_t>(info.end - info.begin)});
  }
  return tensors;
}

// The whole file the writer would produce for `header`'s tensors, whose bytes live in `file`.
std::string Rewrite(const reasonrl::SafetensorsHeader& header, std::string_view file) {
  std::vector<reasonrl::TensorToWrite> tensors = TensorsOf(header, file);
  Check(reasonrl::ValidateTensorsToWrite(tensors, header.metadata).ok());
  std::string out = reasonrl::SerializeSafetensorsHeader(tensors, header.metadata);
  for (const reasonrl::TensorToWrite& t : tensors) out.append(static_cast<const char*>(t.data), t.nbytes);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view file(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<reasonrl::SafetensorsHeader> header = reasonrl::ParseSafetensorsHeader(file, size, "fuzz");
  if (!header.ok()) {
    Check(header.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  for (const reasonrl::TensorInfo& info : header->tensors) {
    Check(info.begin <= info.end && header->data_start + info.end <= size);
    Check(header->Find(info.name) == &info);
  }

  const std::string rewritten = Rewrite(*header, file);
  absl::StatusOr<reasonrl::SafetensorsHeader> reparsed =
      reasonrl::ParseSafetensorsHeader(rewritten, rewritten.size(), "rewritten");
  Check(reparsed.ok());
  Check(reparsed->data_start % 8 == 0);
  Check(reparsed->tensors.size() == header->tensors.size());
  for (const reasonrl::TensorInfo& before : header->tensors) {
    const reasonrl::TensorInfo* after = reparsed->Find(before.name);
    Check(after != nullptr);
    Check(after->dtype == before.dtype && after->shape == before.shape);
    Check(after->end - after->begin == before.end - before.begin);
    Check(rewritten.compare(reparsed->data_start + after->begin, after->end - after->begin, file,
                            header->data_start + before.begin, before.end - before.begin) == 0);
  }
  Check(reparsed->metadata == header->metadata);
  Check(Rewrite(*reparsed, rewritten) == rewritten);
  return 0;
}
