#include "model/checkpoint_index.h"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <exception>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "model/mapped_file.h"
#include "model/status_macros.h"
#include "nlohmann/json.hpp"

namespace reasonrl {
namespace {

using Json = nlohmann::json;

// Debian's Abseil is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), which
// StrCat wants; this converts.
absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string TypeName(const Json& value) {
  if (value.is_number_float()) return "a number with a fraction or exponent";
  if (value.is_number_integer() && !value.is_number_unsigned()) return "a negative number";
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    default: return "a number";
  }
}

// Parses `text`, reporting the first key that repeats within one object (nlohmann would keep one value
// silently).
absl::StatusOr<Json> ParseJsonRejectingDuplicates(std::string_view text, absl::string_view file_name) {
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  bool has_duplicate = false;
  Json::parser_callback_t callback = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == Json::parse_event_t::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == Json::parse_event_t::key && !open_objects.empty() && parsed.is_string()) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!open_objects.back().insert(key).second && !has_duplicate) {
        has_duplicate = true;
        duplicate = key;
      }
    }
    return true;
  };
  Json value;
  try {
    value = Json::parse(text.begin(), text.end(), callback);
  } catch (const Json::exception& e) {
    absl::string_view what = e.what();
    if (size_t pos = what.find("] "); pos != absl::string_view::npos) what.remove_prefix(pos + 2);
    return absl::InvalidArgumentError(absl::StrCat(file_name, ": not valid JSON: ", what.substr(0, 300)));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat(file_name, ": error parsing JSON: ", e.what()));
  }
  if (has_duplicate) {
    return absl::InvalidArgumentError(absl::StrCat(file_name, ": duplicate key \"", duplicate, "\""));
  }
  return value;
}

// True if `name` names a file directly inside the checkpoint directory.
bool IsPlainFileName(std::string_view name) {
  return !name.empty() && name.find('/') == std::string_view::npos &&
         name.find('\\') == std::string_view::npos && name.find("..") == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

// Appends `s` as Python's json.dumps(ensure_ascii=True) writes it: \" \\ \n \r \t \b \f, every other
// character outside ' '..'~' as \uXXXX (lowercase hex, UTF-16 surrogate pairs above U+FFFF). Bytes that
// are not valid UTF-8 are written as U+FFFD.
void AppendPythonJsonString(std::string_view s, std::string* out) {
  auto append_u = [out](uint32_t unit) {
    constexpr char kHex[] = "0123456789abcdef";
    out->append("\\u");
    for (int shift = 12; shift >= 0; shift -= 4) out->push_back(kHex[(unit >> shift) & 15]);
  };
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        case '\b': out->append("\\b"); break;
        case '\f': out->append("\\f"); break;
        default:
          if (c < 0x20 || c == 0x7F) {
            append_u(c);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    // Decode one UTF-8 sequence (lenient about overlongs; enough for names that came through a parser).
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    uint32_t cp = len == 4 ? c & 0x07 : len == 3 ? c & 0x0F : c & 0x1F;
    bool valid = len != 0 && c < 0xF5 && i + len <= s.size();
    for (size_t k = 1; valid && k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      valid = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!valid || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      append_u(0xFFFD);
      ++i;
      continue;
    }
    if (cp >= 0x10000) {
      append_u(0xD800 + ((cp - 0x10000) >> 10));
      append_u(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      append_u(cp);
    }
    i += len;
  }
  out->push_back('"');
}

bool IsRegularFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string JoinPath(const std::string& dir, absl::string_view name) {
  if (dir.empty()) return std::string(name);
  return dir.back() == '/' ? absl::StrCat(dir, name) : absl::StrCat(dir, "/", name);
}

}  // namespace

absl::StatusOr<CheckpointIndex> ParseCheckpointIndex(std::string_view json, std::string_view file_name) {
  auto error = [&](auto&&... parts) {
    return absl::InvalidArgumentError(absl::StrCat(Av(file_name), ": ", parts...));
  };
  ASSIGN_OR_RETURN(const Json root, ParseJsonRejectingDuplicates(json, Av(file_name)));
  if (!root.is_object()) return error("expected a JSON object at the top level, found ", TypeName(root));

  CheckpointIndex index;
  if (auto metadata = root.find("metadata"); metadata != root.end()) {
    if (!metadata->is_object()) return error("\"metadata\": expected an object, found ", TypeName(*metadata));
    if (auto total = metadata->find("total_size"); total != metadata->end()) {
      if (total->is_number_unsigned()) {
        index.total_size = total->get<uint64_t>();
      } else if (total->is_number_float() && total->get<double>() >= 0 && total->get<double>() < 0x1p63 &&
                 std::trunc(total->get<double>()) == total->get<double>()) {
        index.total_size = static_cast<uint64_t>(total->get<double>());  // Some tools write 123.0.
      } else {
        return error("\"metadata\": \"total_size\": expected a non-negative integer, found ", TypeName(*total));
      }
    }
  }

  auto weight_map = root.find("weight_map");
  if (weight_map == root.end()) return error("missing key \"weight_map\"");
  if (!weight_map->is_object()) {
    return error("\"weight_map\": expected an object of tensor name to file name, found ", TypeName(*weight_map));
  }
  for (const auto& [name, file] : weight_map->items()) {
    if (!file.is_string()) {
      return error("\"weight_map\": tensor \"", name, "\": expected a file name string, found ", TypeName(file));
    }
    const std::string& shard = file.get_ref<const std::string&>();
    if (!IsPlainFileName(shard)) {
      return error("\"weight_map\": tensor \"", name, "\": shard \"", shard,
                   "\" is not a plain file name (expected no '/', '\\' or \"..\" and not empty)");
    }
    index.weight_map.emplace(name, shard);
  }
  return index;
}

absl::StatusOr<CheckpointIndex> ReadCheckpointIndex(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<MappedFile> file, MappedFile::Open(path));
  return ParseCheckpointIndex(file->bytes(), path);
}

std::string SerializeCheckpointIndex(const CheckpointIndex& index) {
  std::string out = "{\n  \"metadata\": ";
  if (index.total_size.has_value()) {
    absl::StrAppend(&out, "{\n    \"total_size\": ", *index.total_size, "\n  },\n");
  } else {
    out.append("{},\n");
  }
  out.append("  \"weight_map\": ");
  if (index.weight_map.empty()) {
    out.append("{}");
  } else {
    out.append("{");
    bool first = true;
    for (const auto& [name, file] : index.weight_map) {
      out.append(first ? "\n    " : ",\n    ");
      first = false;
      AppendPythonJsonString(name, &out);
      out.append(": ");
      AppendPythonJsonString(file, &out);
    }
    out.append("\n  }");
  }
  out.append("\n}\n");
  return out;
}

absl::StatusOr<std::vector<std::string>> ListCheckpointShards(const std::string& model_dir) {
  if (IsRegularFile(JoinPath(model_dir, kSingleCheckpointFile))) {
    return std::vector<std::string>{std::string(kSingleCheckpointFile)};
  }
  const std::string index_path = JoinPath(model_dir, kCheckpointIndexFile);
  if (!IsRegularFile(index_path)) {
    return absl::NotFoundError(absl::StrCat(model_dir, ": no checkpoint: neither ", kSingleCheckpointFile,
                                            " nor ", kCheckpointIndexFile, " exists"));
  }
  ASSIGN_OR_RETURN(const CheckpointIndex index, ReadCheckpointIndex(index_path));
  std::set<std::string> shards;
  for (const auto& [name, file] : index.weight_map) shards.insert(file);
  for (const std::string& shard : shards) {
    if (!IsRegularFile(JoinPath(model_dir, shard))) {
      return absl::NotFoundError(absl::StrCat(index_path, " names shard ", shard, ", which does not exist in ",
                                              model_dir));
    }
  }
  return std::vector<std::string>(shards.begin(), shards.end());
}

}  // namespace reasonrl
