// MessagesFromJson (chat_format.h): OpenAI-style message objects to Message, strictly typed.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "model/chat/chat_format.h"
#include "model/status_macros.h"

namespace reasonrl::chat {
namespace {

using Json = nlohmann::json;

absl::Status Error(const std::string& source, const std::string& path, const std::string& what) {
  return absl::InvalidArgumentError(source + ": " + path + ": " + what);
}

const char* TypeName(const Json& j) { return j.type_name(); }

absl::Status CheckKeys(const Json& obj, const std::vector<std::string_view>& allowed,
                       const std::string& source, const std::string& path) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (std::string_view a : allowed) known = known || it.key() == a;
    if (!known) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Error(source, path + "." + it.key(), "unknown key (expected " + list + ")");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RequiredString(const Json& obj, const char* key, const std::string& source,
                                           const std::string& path, const char* what) {
  auto it = obj.find(key);
  if (it == obj.end()) return Error(source, path, std::string("missing key ") + key);
  if (!it->is_string()) {
    return Error(source, path + "." + key, std::string("expected ") + what + ", got " + TypeName(*it));
  }
  return it->get<std::string>();
}

// A string or null (null and absent are the same: nullopt).
absl::StatusOr<std::optional<std::string>> OptionalString(const Json& obj, const char* key,
                                                          const std::string& source,
                                                          const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    return Error(source, path + "." + key, std::string("expected a string or null, got ") + TypeName(*it));
  }
  return std::optional<std::string>(it->get<std::string>());
}

absl::StatusOr<ToolCall> ParseToolCall(const Json& j, const std::string& source, const std::string& path) {
  if (!j.is_object()) return Error(source, path, std::string("expected an object, got ") + TypeName(j));
  RETURN_IF_ERROR(CheckKeys(j, {"id", "type", "function"}, source, path));
  ToolCall call;
  ASSIGN_OR_RETURN(call.type, RequiredString(j, "type", source, path, "a string"));
  auto fn = j.find("function");
  if (fn == j.end()) return Error(source, path, "missing key function");
  const std::string fpath = path + ".function";
  if (!fn->is_object()) return Error(source, fpath, std::string("expected an object, got ") + TypeName(*fn));
  RETURN_IF_ERROR(CheckKeys(*fn, {"name", "arguments"}, source, fpath));
  ASSIGN_OR_RETURN(call.name, RequiredString(*fn, "name", source, fpath, "a string"));
  ASSIGN_OR_RETURN(call.arguments,
                   RequiredString(*fn, "arguments", source, fpath, "a string (the arguments' JSON text)"));
  return call;
}

absl::StatusOr<Message> ParseMessage(const Json& j, const std::string& source, const std::string& path) {
  if (!j.is_object()) return Error(source, path, std::string("expected an object, got ") + TypeName(j));
  RETURN_IF_ERROR(
      CheckKeys(j, {"role", "content", "reasoning_content", "tool_calls", "tool_call_id"}, source, path));
  Message m;
  ASSIGN_OR_RETURN(m.role, RequiredString(j, "role", source, path, "a string"));
  if (!j.contains("content")) {
    return Error(source, path,
                 "missing key content (use null for an assistant message with only tool_calls)");
  }
  ASSIGN_OR_RETURN(m.content, OptionalString(j, "content", source, path));
  ASSIGN_OR_RETURN(m.reasoning_content, OptionalString(j, "reasoning_content", source, path));
  if (auto it = j.find("tool_call_id"); it != j.end() && !it->is_string()) {
    return Error(source, path + ".tool_call_id", std::string("expected a string, got ") + TypeName(*it));
  }
  if (auto it = j.find("tool_calls"); it != j.end()) {
    if (!it->is_array() || it->empty()) {
      return Error(source, path + ".tool_calls",
                   std::string("expected a non-empty list (omit the key for none), got ") +
                       (it->is_array() ? "an empty list" : TypeName(*it)));
    }
    for (size_t k = 0; k < it->size(); ++k) {
      ASSIGN_OR_RETURN(ToolCall call,
                       ParseToolCall((*it)[k], source, path + ".tool_calls[" + std::to_string(k) + "]"));
      m.tool_calls.push_back(std::move(call));
    }
  }
  return m;
}

}  // namespace

absl::StatusOr<std::vector<Message>> MessagesFromJson(std::string_view json_text, const std::string& source) {
  Json j = Json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::InvalidArgumentError(source + ": not valid JSON");
  if (!j.is_array()) {
    return absl::InvalidArgumentError(source + ": expected a JSON array of messages, got " + TypeName(j));
  }
  std::vector<Message> messages;
  messages.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    ASSIGN_OR_RETURN(Message m, ParseMessage(j[i], source, "[" + std::to_string(i) + "]"));
    messages.push_back(std::move(m));
  }
  return messages;
}

}  // namespace reasonrl::chat
