#include "model/safetensors_format.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <exception>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/status_macros.h"
#include "model/tokenizer/unicode.h"
#include "nlohmann/json.hpp"

namespace reasonrl {
namespace {

// Debian's Abseil is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), which
// StrCat wants; this converts.
absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// The Rust crate's MAX_HEADER_SIZE.
constexpr uint64_t kMaxHeaderSize = 100'000'000;

struct DTypeEntry {
  DType dtype;
  std::string_view name;
  size_t size;
};
// Indexed by the enum's value.
constexpr std::array<DTypeEntry, 15> kDTypes = {{
    {DType::kBool, "BOOL", 1},   {DType::kU8, "U8", 1},           {DType::kI8, "I8", 1},
    {DType::kF8_E5M2, "F8_E5M2", 1}, {DType::kF8_E4M3, "F8_E4M3", 1}, {DType::kI16, "I16", 2},
    {DType::kU16, "U16", 2},     {DType::kF16, "F16", 2},         {DType::kBF16, "BF16", 2},
    {DType::kI32, "I32", 4},     {DType::kU32, "U32", 4},         {DType::kF32, "F32", 4},
    {DType::kF64, "F64", 8},     {DType::kI64, "I64", 8},         {DType::kU64, "U64", 8},
}};

// `s` in double quotes for an error message: quotes, backslashes and control bytes escaped, cut to about
// 200 bytes (at a character boundary) so that a hostile name cannot flood a log.
std::string Quote(std::string_view s) {
  constexpr size_t kMaxShown = 200;
  bool cut = false;
  if (s.size() > kMaxShown) {
    size_t n = kMaxShown;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s = s.substr(0, n);
    cut = true;
  }
  std::string out = "\"";
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20 || c == 0x7F) {
      constexpr char kHex[] = "0123456789abcdef";
      out.append("\\x");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  out.append(cut ? "...\"" : "\"");
  return out;
}

// "[2,24,512]"; long shapes are cut after 16 dims.
std::string ShapeString(const std::vector<int64_t>& shape) {
  constexpr size_t kMaxShown = 16;
  if (shape.size() <= kMaxShown) return absl::StrCat("[", absl::StrJoin(shape, ","), "]");
  return absl::StrCat("[", absl::StrJoin(shape.begin(), shape.begin() + kMaxShown, ","), ",... (",
                      shape.size(), " dims)]");
}

// prod(shape) * DTypeSize(dtype), or nullopt on 64-bit overflow. Multiplies left to right like the Rust
// crate, so [2^62, 2^62, 0] overflows even though its product is 0.
std::optional<uint64_t> CheckedNbytes(const std::vector<int64_t>& shape, DType dtype) {
  uint64_t numel = 1;
  for (int64_t dim : shape) {
    if (dim < 0 || __builtin_mul_overflow(numel, static_cast<uint64_t>(dim), &numel)) return std::nullopt;
  }
  uint64_t nbytes;
  if (__builtin_mul_overflow(numel, static_cast<uint64_t>(DTypeSize(dtype)), &nbytes)) return std::nullopt;
  return nbytes;
}

// Sorts `names` and returns the first name that occurs twice, if any.
std::optional<std::string_view> FindDuplicate(std::vector<std::string_view> names) {
  std::sort(names.begin(), names.end());
  auto it = std::adjacent_find(names.begin(), names.end());
  if (it == names.end()) return std::nullopt;
  return *it;
}

}  // namespace

absl::StatusOr<DType> ParseDType(std::string_view name) {
  for (const DTypeEntry& entry : kDTypes) {
    if (entry.name == name) return entry.dtype;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown dtype ", Quote(name),
      ", expected one of BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64"));
}

std::string_view DTypeName(DType dtype) { return kDTypes[static_cast<size_t>(dtype)].name; }

size_t DTypeSize(DType dtype) { return kDTypes[static_cast<size_t>(dtype)].size; }

int64_t TensorInfo::numel() const {
  uint64_t n = 1;  // Unsigned, so that a hand-made overflowing shape wraps instead of being UB.
  for (int64_t dim : shape) n *= static_cast<uint64_t>(dim);
  return static_cast<int64_t>(n);
}

const TensorInfo* SafetensorsHeader::Find(std::string_view name) const {
  if (name_index.size() != tensors.size()) {
    for (const TensorInfo& info : tensors) {
      if (info.name == name) return &info;
    }
    return nullptr;
  }
  auto it = std::lower_bound(name_index.begin(), name_index.end(), name,
                             [this](size_t i, std::string_view n) { return tensors[i].name < n; });
  if (it == name_index.end() || tensors[*it].name != name) return nullptr;
  return &tensors[*it];
}

void SafetensorsHeader::RebuildNameIndex() {
  name_index.resize(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) name_index[i] = i;
  std::sort(name_index.begin(), name_index.end(),
            [this](size_t a, size_t b) { return tensors[a].name < tensors[b].name; });
}

// ----------------------------------------------------------------------------------------------------
// Parsing. The JSON goes through a SAX handler that is a small state machine for exactly the shape of a
// safetensors header, so that errors can name the tensor and key, depth is bounded by construction (a
// value nested deeper than the format allows is an error at once), and no DOM is built.

namespace {

using Json = nlohmann::json;

class HeaderSax {
 public:
  HeaderSax(std::string_view file_name, SafetensorsHeader* header) : file_name_(Av(file_name)), header_(header) {}

  const absl::Status& status() const { return status_; }

  // nlohmann::json SAX interface. Each returns false to stop the parse after recording status_.
  bool null() { return Unexpected("null"); }
  bool boolean(bool value) { return Unexpected(value ? "true" : "false"); }
  bool number_integer(Json::number_integer_t value) {
    if (value >= 0) return number_unsigned(static_cast<uint64_t>(value));
    return Unexpected(absl::StrCat("the number ", value));
  }
  bool number_unsigned(Json::number_unsigned_t value);
  bool number_float(Json::number_float_t /*value*/, const Json::string_t& text) {
    return Unexpected(absl::StrCat("the number ", text));
  }
  bool string(Json::string_t& value);
  bool binary(Json::binary_t& /*value*/) { return Unexpected("binary data"); }
  bool start_object(size_t /*elements*/);
  bool key(Json::string_t& key);
  bool end_object();
  bool start_array(size_t /*elements*/);
  bool end_array();
  bool parse_error(size_t position, const std::string& /*last_token*/, const nlohmann::detail::exception& ex);

 private:
  enum class State {
    kStart,           // Before the root object.
    kRoot,            // In the root object, between entries.
    kRootValue,       // After a root key; `in_metadata_` says whether it was "__metadata__".
    kMetadata,        // In the __metadata__ object, between entries.
    kMetadataValue,   // After a __metadata__ key.
    kTensor,          // In a tensor entry, between fields.
    kTensorField,     // After a field key of a tensor entry; `field_` says which.
    kShape,           // In a shape array.
    kOffsets,         // In a data_offsets array.
    kDone,            // After the root object.
  };
  enum Field { kDtype = 1, kShapeField = 2, kOffsetsField = 4 };

  bool Fail(absl::string_view message) {
    status_ = absl::InvalidArgumentError(absl::StrCat(file_name_, ": ", message));
    return false;
  }
  std::string TensorContext() const { return absl::StrCat("tensor ", Quote(tensor_.name)); }
  std::string FieldContext() const {
    return absl::StrCat(TensorContext(), ": \"", FieldName(field_), "\"");
  }
  static absl::string_view FieldName(Field field) {
    return field == kDtype ? "dtype" : field == kShapeField ? "shape" : "data_offsets";
  }
  // A value of kind `found` ("a string", "the number 3", ...) arrived; it is wrong wherever it is.
  bool Unexpected(absl::string_view found);
  bool FinishTensor();

  absl::string_view file_name_;
  SafetensorsHeader* header_;
  absl::Status status_;
  State state_ = State::kStart;
  bool in_metadata_ = false;  // In kRootValue: the key was "__metadata__".
  bool seen_metadata_ = false;
  std::string metadata_key_;
  Field field_ = kDtype;
  int fields_seen_ = 0;  // Bitmask of Field.
  size_t offsets_seen_ = 0;
  TensorInfo tensor_;  // The tensor entry being read.
};

bool HeaderSax::Unexpected(absl::string_view found) {
  switch (state_) {
    case State::kStart:
      return Fail(absl::StrCat("header: expected a JSON object, found ", found));
    case State::kRootValue:
      if (in_metadata_) {
        return Fail(absl::StrCat("\"__metadata__\": expected an object of strings, found ", found));
      }
      return Fail(absl::StrCat(TensorContext(),
                               ": expected an object with \"dtype\", \"shape\" and \"data_offsets\", found ",
                               found));
    case State::kMetadataValue:
      return Fail(absl::StrCat("\"__metadata__\": key ", Quote(metadata_key_),
                               ": expected a string value, found ", found));
    case State::kTensorField:
      switch (field_) {
        case kDtype:
          return Fail(absl::StrCat(FieldContext(), ": expected a string such as \"F32\", found ", found));
        case kShapeField:
          return Fail(absl::StrCat(FieldContext(), ": expected an array of non-negative integers, found ", found));
        case kOffsetsField:
          return Fail(absl::StrCat(FieldContext(), ": expected an array [begin, end] of two non-negative "
                                   "integers, found ", found));
      }
      break;
    case State::kShape:
      return Fail(absl::StrCat(FieldContext(), ": dim ", tensor_.shape.size(),
                               ": expected a non-negative integer, found ", found));
    case State::kOffsets:
      return Fail(absl::StrCat(FieldContext(), ": element ", offsets_seen_,
                               ": expected a non-negative integer, found ", found));
    case State::kRoot:
    case State::kMetadata:
    case State::kTensor:
    case State::kDone:
      break;  // The parser only reports keys or the end of the object here.
  }
  return Fail(absl::StrCat("header: unexpected ", found));
}

bool HeaderSax::number_unsigned(Json::number_unsigned_t value) {
  if (state_ == State::kShape) {
    if (value > static_cast<uint64_t>(INT64_MAX)) {
      return Fail(absl::StrCat(FieldContext(), ": dim ", tensor_.shape.size(), " is ", value,
                               ", larger than the largest supported dim 2^63-1"));
    }
    tensor_.shape.push_back(static_cast<int64_t>(value));
    return true;
  }
  if (state_ == State::kOffsets) {
    if (offsets_seen_ >= 2) {
      return Fail(absl::StrCat(FieldContext(), ": expected two non-negative integers [begin, end], found "
                               "more than two"));
    }
    (offsets_seen_ == 0 ? tensor_.begin : tensor_.end) = value;
    ++offsets_seen_;
    return true;
  }
  return Unexpected(absl::StrCat("the number ", value));
}

bool HeaderSax::string(Json::string_t& value) {
  if (state_ == State::kMetadataValue) {
    header_->metadata.emplace_back(std::move(metadata_key_), std::move(value));
    state_ = State::kMetadata;
    return true;
  }
  if (state_ == State::kTensorField && field_ == kDtype) {
    absl::StatusOr<DType> dtype = ParseDType(value);
    if (!dtype.ok()) return Fail(absl::StrCat(FieldContext(), ": ", dtype.status().message()));
    tensor_.dtype = *dtype;
    state_ = State::kTensor;
    return true;
  }
  return Unexpected(absl::StrCat("the string ", Quote(value)));
}

bool HeaderSax::start_object(size_t /*elements*/) {
  switch (state_) {
    case State::kStart:
      state_ = State::kRoot;
      return true;
    case State::kRootValue:
      if (in_metadata_) {
        state_ = State::kMetadata;
      } else {
        state_ = State::kTensor;
        fields_seen_ = 0;
      }
      return true;
    default:
      return Unexpected("an object");
  }
}

bool HeaderSax::key(Json::string_t& key) {
  switch (state_) {
    case State::kRoot:
      if (key == "__metadata__") {
        if (seen_metadata_) return Fail("duplicate key \"__metadata__\"");
        seen_metadata_ = true;
        in_metadata_ = true;
      } else {
        in_metadata_ = false;
        tensor_ = TensorInfo();
        tensor_.name = std::move(key);
      }
      state_ = State::kRootValue;
      return true;
    case State::kMetadata:
      metadata_key_ = std::move(key);
      state_ = State::kMetadataValue;
      return true;
    case State::kTensor: {
      if (key == "dtype") {
        field_ = kDtype;
      } else if (key == "shape") {
        field_ = kShapeField;
      } else if (key == "data_offsets") {
        field_ = kOffsetsField;
      } else {
        return Fail(absl::StrCat(TensorContext(), ": unknown key ", Quote(key),
                                 ", expected only \"dtype\", \"shape\" and \"data_offsets\""));
      }
      if (fields_seen_ & field_) return Fail(absl::StrCat(TensorContext(), ": duplicate key \"", key, "\""));
      fields_seen_ |= field_;
      state_ = State::kTensorField;
      return true;
    }
    default:
      return Fail("header: unexpected object key");  // Unreachable: keys come only inside objects.
  }
}

bool HeaderSax::end_object() {
  switch (state_) {
    case State::kRoot:
      state_ = State::kDone;
      return true;
    case State::kMetadata:
      state_ = State::kRoot;
      return true;
    case State::kTensor:
      return FinishTensor();
    default:
      return Fail("header: unexpected end of object");  // Unreachable.
  }
}

bool HeaderSax::start_array(size_t /*elements*/) {
  if (state_ == State::kTensorField && field_ == kShapeField) {
    state_ = State::kShape;
    return true;
  }
  if (state_ == State::kTensorField && field_ == kOffsetsField) {
    state_ = State::kOffsets;
    offsets_seen_ = 0;
    return true;
  }
  return Unexpected("an array");
}

bool HeaderSax::end_array() {
  if (state_ == State::kOffsets && offsets_seen_ != 2) {
    return Fail(absl::StrCat(FieldContext(), ": expected two non-negative integers [begin, end], found ",
                             offsets_seen_));
  }
  if (state_ != State::kShape && state_ != State::kOffsets) return Fail("header: unexpected end of array");
  state_ = State::kTensor;
  return true;
}

bool HeaderSax::parse_error(size_t position, const std::string& /*last_token*/,
                            const nlohmann::detail::exception& ex) {
  // what() reads "[json.exception.parse_error.101] parse error at line 1, column 7: syntax error ...";
  // keep the part after the id, cut to a sane length (it quotes the offending token).
  absl::string_view what = ex.what();
  if (size_t pos = what.find("] "); pos != absl::string_view::npos) what.remove_prefix(pos + 2);
  if (what.size() > 300) what = what.substr(0, 300);
  return Fail(absl::StrCat("header is not valid JSON (byte ", position, " of the header): ", what));
}

bool HeaderSax::FinishTensor() {
  for (Field field : {kDtype, kShapeField, kOffsetsField}) {
    if (!(fields_seen_ & field)) {
      return Fail(absl::StrCat(TensorContext(), ": missing key \"", FieldName(field),
                               "\", expected \"dtype\", \"shape\" and \"data_offsets\""));
    }
  }
  const std::string offsets = absl::StrCat("[", tensor_.begin, ",", tensor_.end, "]");
  if (tensor_.end < tensor_.begin) {
    return Fail(absl::StrCat(TensorContext(), ": data_offsets ", offsets, " are not ordered, expected "
                             "begin <= end"));
  }
  const std::string shape = absl::StrCat("shape ", ShapeString(tensor_.shape), " of ", Av(DTypeName(tensor_.dtype)));
  const std::optional<uint64_t> nbytes = CheckedNbytes(tensor_.shape, tensor_.dtype);
  if (!nbytes.has_value()) {
    return Fail(absl::StrCat(TensorContext(), ": ", shape, " has more bytes than fit in 64 bits"));
  }
  if (*nbytes != tensor_.end - tensor_.begin) {
    return Fail(absl::StrCat(TensorContext(), ": data_offsets ", offsets, " hold ", tensor_.end - tensor_.begin,
                             " bytes but ", shape, " needs ", *nbytes));
  }
  header_->tensors.push_back(std::move(tensor_));
  tensor_ = TensorInfo();
  state_ = State::kRoot;
  return true;
}

// Checks that the tensors, sorted by offsets, tile [0, buffer_size) exactly.
absl::Status CheckLayout(const std::vector<TensorInfo>& tensors, uint64_t buffer_size, absl::string_view file_name) {
  auto error = [&](const TensorInfo& t, absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(file_name, ": tensor ", Quote(t.name), ": data_offsets [",
                                                   t.begin, ",", t.end, "] ", what));
  };
  uint64_t covered = 0;
  const TensorInfo* previous = nullptr;
  for (const TensorInfo& t : tensors) {
    if (t.begin > covered) {
      return error(t, previous == nullptr
                          ? absl::StrCat("leave a hole of ", t.begin, " bytes at the start of the data "
                                         "buffer, expected the first tensor to begin at 0")
                          : absl::StrCat("leave a hole of ", t.begin - covered, " bytes after tensor ",
                                         Quote(previous->name), ", which ends at ", covered));
    }
    if (t.begin < covered) {
      return error(t, absl::StrCat("overlap tensor ", Quote(previous->name), " at [", previous->begin, ",",
                                   previous->end, "], expected begin ", covered));
    }
    covered = t.end;
    previous = &t;
  }
  if (covered > buffer_size) {
    return error(*previous, absl::StrCat("end past the data buffer, which holds only ", buffer_size,
                                         " bytes (truncated file?)"));
  }
  if (covered < buffer_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        file_name, ": ", buffer_size - covered, " trailing bytes: the data buffer holds ", buffer_size,
        " bytes but the tensors cover only ", covered,
        previous == nullptr ? " (there are no tensors)" : absl::StrCat(", up to the end of tensor ",
                                                                       Quote(previous->name))));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SafetensorsHeader> ParseSafetensorsHeader(std::string_view file_bytes_prefix, uint64_t file_size,
                                                         std::string_view file_name) {
  auto error = [&](auto&&... parts) {
    return absl::InvalidArgumentError(absl::StrCat(Av(file_name), ": ", parts...));
  };
  if (file_bytes_prefix.size() > file_size) {
    return error("given ", file_bytes_prefix.size(), " bytes of a file said to hold only ", file_size);
  }
  if (file_size < 8) {
    return error("the file holds ", file_size, " bytes, fewer than the 8 bytes of the header length");
  }
  if (file_bytes_prefix.size() < 8) {
    return error("only ", file_bytes_prefix.size(), " bytes of the file were given, need at least 8");
  }
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(file_bytes_prefix[i]);
  if (n > kMaxHeaderSize) {
    return error("header length N = ", n, " exceeds the limit of ", kMaxHeaderSize, " bytes");
  }
  if (8 + n > file_size) {
    return error("header length N = ", n, " needs 8 + N = ", 8 + n, " bytes but the file holds only ",
                 file_size, " (truncated file?)");
  }
  if (file_bytes_prefix.size() < 8 + n) {
    return error("only ", file_bytes_prefix.size(), " bytes of the file were given, the header needs ", 8 + n);
  }
  const std::string_view json = file_bytes_prefix.substr(8, n);
  if (size_t bad = tokenizer::FindInvalidUtf8(json); bad != std::string_view::npos) {
    return error("header is not valid UTF-8 (byte ", bad, " of the header)");
  }
  if (json.empty() || json[0] != '{') {
    return error("header must start with '{', found ",
                 json.empty() ? std::string("an empty header") : Quote(json.substr(0, 1)));
  }

  SafetensorsHeader header;
  header.header_size = n;
  header.data_start = 8 + n;
  HeaderSax sax(file_name, &header);
  bool ok;
  try {
    ok = Json::sax_parse(json.begin(), json.end(), &sax, Json::input_format_t::json, /*strict=*/true);
  } catch (const std::exception& e) {  // Not expected from a SAX parse; kept so nothing escapes.
    return absl::InternalError(absl::StrCat(Av(file_name), ": unexpected error parsing the header: ", e.what()));
  }
  if (!ok) return sax.status().ok() ? error("header is not valid JSON") : sax.status();

  // Order by data offsets, as the Rust crate does (stable: ties keep file order).
  std::stable_sort(header.tensors.begin(), header.tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  header.RebuildNameIndex();
  for (size_t i = 1; i < header.name_index.size(); ++i) {
    const std::string& name = header.tensors[header.name_index[i]].name;
    if (name == header.tensors[header.name_index[i - 1]].name) return error("duplicate tensor ", Quote(name));
  }
  std::vector<std::string_view> keys;
  for (const auto& [key, value] : header.metadata) keys.push_back(key);
  if (std::optional<std::string_view> dup = FindDuplicate(std::move(keys))) {
    return error("\"__metadata__\": duplicate key ", Quote(*dup));
  }
  RETURN_IF_ERROR(CheckLayout(header.tensors, file_size - header.data_start, Av(file_name)));
  return header;
}

// ----------------------------------------------------------------------------------------------------
// Writing.

namespace {

// Appends `s` as a JSON string the way serde_json writes it: '"' and '\\' escaped, control characters as
// \b \f \n \r \t or \u00XX (lowercase hex), everything else (non-ASCII UTF-8 included) verbatim.
void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          constexpr char kHex[] = "0123456789abcdef";
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

// A status for the errno of a failed system call, "<verb> <path>: <errno text>". Reads errno first, before
// building any string can change it.
absl::Status ErrnoError(absl::string_view verb, const std::string& path, const std::string& suffix = "") {
  const int error_number = errno;
  return absl::ErrnoToStatus(error_number,
                             absl::StrCat("cannot ", verb, " ", path, suffix, ": ", std::strerror(error_number)));
}

absl::Status WriteAll(int fd, const void* data, size_t size, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = ::write(fd, p, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write", path);
    }
    p += written;
    size -= static_cast<size_t>(written);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateTensorsToWrite(const std::vector<TensorToWrite>& tensors,
                                    const std::vector<std::pair<std::string, std::string>>& metadata) {
  std::vector<std::string_view> names;
  names.reserve(tensors.size());
  for (const TensorToWrite& t : tensors) {
    auto error = [&](auto&&... parts) {
      return absl::InvalidArgumentError(absl::StrCat("tensor ", Quote(t.name), ": ", parts...));
    };
    if (t.name == "__metadata__") return error("the name is reserved for the metadata");
    if (!tokenizer::IsValidUtf8(t.name)) return error("the name is not valid UTF-8");
    if (static_cast<size_t>(t.dtype) >= kDTypes.size()) return error("invalid dtype");
    for (int64_t dim : t.shape) {
      if (dim < 0) return error("shape ", ShapeString(t.shape), " has a negative dim");
    }
    const std::optional<uint64_t> nbytes = CheckedNbytes(t.shape, t.dtype);
    const std::string shape = absl::StrCat("shape ", ShapeString(t.shape), " of ", Av(DTypeName(t.dtype)));
    if (!nbytes.has_value()) return error(shape, " has more bytes than fit in 64 bits");
    if (*nbytes != t.nbytes) return error(shape, " needs ", *nbytes, " bytes but ", t.nbytes, " were given");
    if (t.data == nullptr && t.nbytes > 0) return error("data is null");
    names.push_back(t.name);
  }
  if (std::optional<std::string_view> dup = FindDuplicate(std::move(names))) {
    return absl::InvalidArgumentError(absl::StrCat("duplicate tensor ", Quote(*dup)));
  }
  std::vector<std::string_view> keys;
  for (const auto& [key, value] : metadata) {
    if (!tokenizer::IsValidUtf8(key) || !tokenizer::IsValidUtf8(value)) {
      return absl::InvalidArgumentError(absl::StrCat("metadata key ", Quote(key), ": not valid UTF-8"));
    }
    keys.push_back(key);
  }
  if (std::optional<std::string_view> dup = FindDuplicate(std::move(keys))) {
    return absl::InvalidArgumentError(absl::StrCat("duplicate metadata key ", Quote(*dup)));
  }
  return absl::OkStatus();
}

std::string SerializeSafetensorsHeader(std::vector<TensorToWrite>& tensors_in_out_order,
                                       const std::vector<std::pair<std::string, std::string>>& metadata) {
  std::sort(tensors_in_out_order.begin(), tensors_in_out_order.end(),
            [](const TensorToWrite& a, const TensorToWrite& b) {
              return a.dtype != b.dtype ? a.dtype > b.dtype : a.name < b.name;
            });
  std::string json = "{";
  if (!metadata.empty()) {
    json.append("\"__metadata__\":{");
    for (size_t i = 0; i < metadata.size(); ++i) {
      if (i > 0) json.push_back(',');
      AppendJsonString(metadata[i].first, &json);
      json.push_back(':');
      AppendJsonString(metadata[i].second, &json);
    }
    json.push_back('}');
  }
  uint64_t offset = 0;
  for (size_t i = 0; i < tensors_in_out_order.size(); ++i) {
    const TensorToWrite& t = tensors_in_out_order[i];
    if (i > 0 || !metadata.empty()) json.push_back(',');
    AppendJsonString(t.name, &json);
    absl::StrAppend(&json, ":{\"dtype\":\"", Av(DTypeName(t.dtype)), "\",\"shape\":[", absl::StrJoin(t.shape, ","),
                    "],\"data_offsets\":[", offset, ",", offset + t.nbytes, "]}");
    offset += t.nbytes;
  }
  json.push_back('}');
  json.append((8 - json.size() % 8) % 8, ' ');

  std::string out(8, '\0');
  uint64_t n = json.size();
  for (int i = 0; i < 8; ++i, n >>= 8) out[i] = static_cast<char>(n & 0xFF);
  out.append(json);
  return out;
}

absl::Status WriteSafetensorsFile(const std::string& path, std::vector<TensorToWrite> tensors,
                                  const std::vector<std::pair<std::string, std::string>>& metadata) {
  if (absl::Status status = ValidateTensorsToWrite(tensors, metadata); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot write ", path, ": ", status.message()));
  }
  const std::string header = SerializeSafetensorsHeader(tensors, metadata);
  const std::string tmp_path = absl::StrCat(path, ".tmp.", ::getpid());
  const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("create", tmp_path);
  absl::Status status = WriteAll(fd, header.data(), header.size(), tmp_path);
  for (const TensorToWrite& t : tensors) {
    if (!status.ok()) break;
    status = WriteAll(fd, t.data, t.nbytes, tmp_path);
  }
  if (status.ok() && ::fsync(fd) != 0) {
    status = ErrnoError("fsync", tmp_path);
  }
  if (::close(fd) != 0 && status.ok()) {
    status = ErrnoError("close", tmp_path);
  }
  const std::string rename_suffix = absl::StrCat(" to ", path);  // Built before rename() sets errno.
  if (status.ok() && ::rename(tmp_path.c_str(), path.c_str()) != 0) {
    status = ErrnoError("rename", tmp_path, rename_suffix);
  }
  if (!status.ok()) ::unlink(tmp_path.c_str());
  return status;
}

// ----------------------------------------------------------------------------------------------------

std::string_view SafetensorsFile::TensorBytes(const TensorInfo& info) const {
  const std::string_view bytes = file->bytes();
  // Clamped so that a TensorInfo from elsewhere cannot make substr throw; for one of `header` it is exact.
  const uint64_t begin = std::min<uint64_t>(header.data_start + info.begin, bytes.size());
  return bytes.substr(begin, info.end - info.begin);
}

absl::StatusOr<SafetensorsFile> OpenSafetensors(const std::string& path) {
  SafetensorsFile result;
  ASSIGN_OR_RETURN(result.file, MappedFile::Open(path));
  const std::string_view bytes = result.file->bytes();
  ASSIGN_OR_RETURN(result.header, ParseSafetensorsHeader(bytes, bytes.size(), path));
  return result;
}

}  // namespace reasonrl
