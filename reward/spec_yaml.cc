#include "reward/spec_yaml.h"

#include <cerrno>
#include <cmath>
#include <functional>
#include <limits>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "yaml-cpp/yaml.h"

namespace reasonrl::reward {
namespace {

using json = nlohmann::json;

constexpr int kMaxDepth = 64;

std::string Where(std::string_view source, const YAML::Mark& mark) {
  if (mark.is_null()) return std::string(source);
  return absl::StrCat(std::string(source), ":", mark.line + 1, ":", mark.column + 1);
}

// A plain (unquoted) scalar as YAML 1.2's core schema reads it.
json PlainScalar(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text == ".inf" || text == "+.inf" || text == ".Inf" || text == "+.Inf") return std::numeric_limits<double>::infinity();
  if (text == "-.inf" || text == "-.Inf") return -std::numeric_limits<double>::infinity();
  if (text == ".nan" || text == ".NaN" || text == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  const char* begin = text.c_str();
  char* end = nullptr;
  // Integers: [-+]?[0-9]+ (decimal only; 0x and 0o forms are rare in specs and stay strings).
  size_t digits_from = (text[0] == '-' || text[0] == '+') ? 1 : 0;
  bool all_digits = text.size() > digits_from;
  for (size_t i = digits_from; i < text.size(); ++i) all_digits = all_digits && text[i] >= '0' && text[i] <= '9';
  if (all_digits) {
    errno = 0;
    if (text[0] != '-') {
      const unsigned long long u = std::strtoull(begin + digits_from, &end, 10);
      if (errno == 0 && *end == '\0') {
        if (u <= static_cast<unsigned long long>(std::numeric_limits<int64_t>::max())) {
          return static_cast<int64_t>(u);
        }
        return static_cast<uint64_t>(u);
      }
    } else {
      const long long s = std::strtoll(begin, &end, 10);
      if (errno == 0 && *end == '\0') return static_cast<int64_t>(s);
    }
  }
  // Floats: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
  bool number_shape = false;
  {
    size_t i = digits_from;
    size_t mantissa_digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++mantissa_digits;
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++mantissa_digits;
    }
    number_shape = mantissa_digits > 0;
    if (number_shape && i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
      ++i;
      if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
      size_t exponent_digits = 0;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++exponent_digits;
      number_shape = exponent_digits > 0;
    }
    number_shape = number_shape && i == text.size();
  }
  if (number_shape) return std::strtod(begin, nullptr);
  return text;
}

class Converter {
 public:
  explicit Converter(std::string_view source) : source_(source) {}

  absl::StatusOr<json> Convert(const YAML::Node& node, const std::string& path, int depth) {
    if (depth > kMaxDepth) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(source_, node.Mark()), ": nesting deeper than ", kMaxDepth));
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return json(nullptr);
      case YAML::NodeType::Scalar:
        // Tag "!" marks a quoted scalar (always a string); "?" a plain one.
        if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return json(node.Scalar());
        return PlainScalar(node.Scalar());
      case YAML::NodeType::Sequence: {
        json out = json::array();
        size_t i = 0;
        for (const YAML::Node& item : node) {
          const std::string item_path = absl::StrCat(path, "[", i, "]");
          marks_[item_path] = item.Mark();
          absl::StatusOr<json> value = Convert(item, item_path, depth + 1);
          if (!value.ok()) return value.status();
          out.push_back(*std::move(value));
          ++i;
        }
        return out;
      }
      case YAML::NodeType::Map: {
        json out = json::object();
        for (const auto& entry : node) {
          if (!entry.first.IsScalar()) {
            return absl::InvalidArgumentError(
                absl::StrCat(Where(source_, entry.first.Mark()), ": a mapping key must be a scalar"));
          }
          const std::string key = entry.first.Scalar();
          const std::string key_path = path.empty() ? key : absl::StrCat(path, ".", key);
          if (out.contains(key)) {
            return absl::InvalidArgumentError(
                absl::StrCat(Where(source_, entry.first.Mark()), ": ", key_path, ": duplicate key"));
          }
          marks_[key_path] = entry.first.Mark();
          absl::StatusOr<json> value = Convert(entry.second, key_path, depth + 1);
          if (!value.ok()) return value.status();
          out[key] = *std::move(value);
        }
        return out;
      }
    }
    return json(nullptr);
  }

  // "source:line:col" of the longest recorded prefix of `path`.
  std::string Locate(std::string_view path) const {
    std::string p(path);
    for (;;) {
      const auto it = marks_.find(p);
      if (it != marks_.end()) return Where(source_, it->second);
      const size_t cut = p.find_last_of(".[");
      if (cut == std::string::npos || cut == 0) return std::string(source_);
      p.resize(cut);
    }
  }

 private:
  std::string_view source_;
  std::map<std::string, YAML::Mark> marks_;
};

}  // namespace

absl::StatusOr<std::string> YamlNodeToJson(const YAML::Node& node, std::string_view source) {
  Converter converter(source);
  try {
    absl::StatusOr<json> value = converter.Convert(node, "", 0);
    if (!value.ok()) return value.status();
    return value->dump();
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(Where(source, e.mark), ": ", e.msg));
  }
}

absl::StatusOr<RewardSpec> RewardSpecFromYamlNode(const YAML::Node& node, std::string_view source) {
  Converter converter(source);
  json value;
  try {
    absl::StatusOr<json> converted = converter.Convert(node, "", 0);
    if (!converted.ok()) return converted.status();
    value = *std::move(converted);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(Where(source, e.mark), ": ", e.msg));
  }
  // NaN and infinities do not survive JSON text; report them here with their line.
  const std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.find("null") != std::string::npos) {
    // dump writes non-finite numbers as null: find any and name it.
    std::function<std::string(const json&, const std::string&)> find_nonfinite =
        [&](const json& v, const std::string& path) -> std::string {
      if (v.is_number_float() && !std::isfinite(v.get<double>())) return path.empty() ? "." : path;
      if (v.is_object()) {
        for (const auto& [k, child] : v.items()) {
          std::string found = find_nonfinite(child, path.empty() ? k : absl::StrCat(path, ".", k));
          if (!found.empty()) return found;
        }
      } else if (v.is_array()) {
        for (size_t i = 0; i < v.size(); ++i) {
          std::string found = find_nonfinite(v[i], absl::StrCat(path, "[", i, "]"));
          if (!found.empty()) return found;
        }
      }
      return "";
    };
    const std::string bad = find_nonfinite(value, "");
    if (!bad.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(converter.Locate(bad), ": ", bad, ": must be a finite number"));
    }
  }
  const PathLocator locate = [&converter](std::string_view path) { return converter.Locate(path); };
  return RewardSpecFromJson(text, source, locate);
}

absl::StatusOr<RewardSpec> RewardSpecFromYaml(std::string_view yaml_text, std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(Where(source, e.mark), ": invalid YAML: ", e.msg));
  }
  return RewardSpecFromYamlNode(root, source);
}

}  // namespace reasonrl::reward
