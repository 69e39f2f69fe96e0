// Reading tokenizer.json components: typed field access whose errors name the file and the JSON path, e.g.
//   "/m/tokenizer.json: pre_tokenizer.pretokenizers[2]: unsupported type \"Metaspace\"".
// A path is the file name followed by ": " and the dotted path inside the document.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace reasonrl::tokenizer {

using Json = nlohmann::json;

// Debian's Abseil has its own absl::string_view, which its hash containers need for heterogeneous lookup.
inline absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

inline std::string JsonChild(const std::string& path, std::string_view key) {
  const bool root = path.size() >= 2 && path.compare(path.size() - 2, 2, ": ") == 0;
  return root ? absl::StrCat(path, std::string(key)) : absl::StrCat(path, ".", std::string(key));
}
inline std::string JsonIndex(const std::string& path, size_t i) { return absl::StrCat(path, "[", i, "]"); }

inline absl::Status JsonError(const std::string& path, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", std::string(what)));
}

// A short rendering of a JSON value for error messages.
inline std::string JsonBrief(const Json& j) {
  std::string s = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

// The field `key` of object `obj` (nullptr when absent).
inline const Json* JsonField(const Json& obj, std::string_view key) {
  auto it = obj.find(std::string(key));
  return it == obj.end() ? nullptr : &*it;
}

inline absl::Status RequireObject(const Json& j, const std::string& path) {
  if (!j.is_object()) return JsonError(path, absl::StrCat("expected an object, got ", JsonBrief(j)));
  return absl::OkStatus();
}

// Absent or null -> `default_value`; otherwise it must be a boolean.
inline absl::StatusOr<bool> OptionalBool(const Json& obj, std::string_view key, const std::string& path,
                                         bool default_value) {
  const Json* v = JsonField(obj, key);
  if (v == nullptr || v->is_null()) return default_value;
  if (!v->is_boolean()) return JsonError(JsonChild(path, key), absl::StrCat("expected true or false, got ", JsonBrief(*v)));
  return v->get<bool>();
}

// Absent or null -> nullopt; otherwise it must be a string.
inline absl::StatusOr<std::optional<std::string>> OptionalString(const Json& obj, std::string_view key,
                                                                 const std::string& path) {
  const Json* v = JsonField(obj, key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return JsonError(JsonChild(path, key), absl::StrCat("expected a string, got ", JsonBrief(*v)));
  return std::optional<std::string>(v->get<std::string>());
}

inline absl::StatusOr<std::string> RequiredString(const Json& obj, std::string_view key, const std::string& path) {
  const Json* v = JsonField(obj, key);
  if (v == nullptr) return JsonError(path, absl::StrCat("missing key \"", std::string(key), "\""));
  if (!v->is_string()) return JsonError(JsonChild(path, key), absl::StrCat("expected a string, got ", JsonBrief(*v)));
  return v->get<std::string>();
}

// Absent or null -> `default_value`; otherwise a non-negative integer.
inline absl::StatusOr<uint64_t> OptionalUnsigned(const Json& obj, std::string_view key, const std::string& path,
                                                 uint64_t default_value) {
  const Json* v = JsonField(obj, key);
  if (v == nullptr || v->is_null()) return default_value;
  if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<int64_t>() >= 0)) {
    return JsonError(JsonChild(path, key), absl::StrCat("expected a non-negative integer, got ", JsonBrief(*v)));
  }
  return v->get<uint64_t>();
}

// The component's "type" string.
inline absl::StatusOr<std::string> ComponentType(const Json& j, const std::string& path) {
  if (!j.is_object()) return JsonError(path, absl::StrCat("expected an object with a \"type\", got ", JsonBrief(j)));
  return RequiredString(j, "type", path);
}

inline absl::Status UnsupportedType(const std::string& path, std::string_view type) {
  return JsonError(path, absl::StrCat("unsupported type \"", std::string(type), "\""));
}

}  // namespace reasonrl::tokenizer
