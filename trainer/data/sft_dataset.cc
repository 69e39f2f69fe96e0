#include "trainer/data/sft_dataset.h"

#include "absl/strings/str_cat.h"
#include "model/status_macros.h"

namespace reasonrl::data {
namespace {

bool IsKnownRole(const std::string& role) {
  return role == "system" || role == "user" || role == "assistant" || role == "tool";
}

absl::StatusOr<std::vector<ChatMessage>> ReadMessages(const JsonObjectLine& object, const std::string& field) {
  ASSIGN_OR_RETURN(const nlohmann::ordered_json* list, object.Get(field));
  if (!list->is_array()) return FieldError(field, absl::StrCat("expected an array of messages, got ", list->type_name()));
  if (list->empty()) return FieldError(field, "expected at least one message, got []");
  std::vector<ChatMessage> messages;
  bool has_assistant = false;
  for (size_t i = 0; i < list->size(); ++i) {
    const nlohmann::ordered_json& m = (*list)[i];
    const std::string where = absl::StrCat(field, "[", i, "]");
    if (!m.is_object()) return FieldError(where, absl::StrCat("expected an object {role, content}, got ", m.type_name()));
    auto role = m.find("role");
    if (role == m.end()) return FieldError(where + ".role", "missing");
    if (!role->is_string()) return FieldError(where + ".role", absl::StrCat("expected a string, got ", role->type_name()));
    auto content = m.find("content");
    if (content == m.end()) return FieldError(where + ".content", "missing");
    if (!content->is_string()) {
      return FieldError(where + ".content", absl::StrCat("expected a string, got ", content->type_name()));
    }
    ChatMessage message{role->get<std::string>(), content->get<std::string>()};
    if (!IsKnownRole(message.role)) {
      return FieldError(where + ".role",
                        absl::StrCat("expected one of system, user, assistant, tool, got \"", message.role, "\""));
    }
    has_assistant |= message.role == "assistant";
    messages.push_back(std::move(message));
  }
  if (!has_assistant) return FieldError(field, "no assistant message: nothing to train on");
  return messages;
}

}  // namespace

absl::StatusOr<SftFormat> ParseSftFormat(std::string_view name) {
  if (name == "prompt_response") return SftFormat::kPromptResponse;
  if (name == "messages") return SftFormat::kMessages;
  return absl::InvalidArgumentError(
      absl::StrCat("sft format: expected \"prompt_response\" or \"messages\", got \"", std::string(name), "\""));
}

absl::Status SftDatasetConfig::Validate() const {
  if (path.empty()) return absl::InvalidArgumentError("sft dataset: path is empty");
  if (format == SftFormat::kMessages) {
    if (messages_field.empty()) return absl::InvalidArgumentError("sft dataset: messages_field is empty");
    return absl::OkStatus();
  }
  if (prompt_field.empty()) return absl::InvalidArgumentError("sft dataset: prompt_field is empty");
  if (response_field.empty()) return absl::InvalidArgumentError("sft dataset: response_field is empty");
  if (prompt_field == response_field) {
    return absl::InvalidArgumentError(
        absl::StrCat("sft dataset: prompt_field and response_field are both \"", prompt_field, "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<SftDataset> LoadSftDataset(const SftDatasetConfig& config) {
  RETURN_IF_ERROR(config.Validate());
  SftDataset dataset;
  dataset.format = config.format;
  auto record = [&](const JsonObjectLine& object, int64_t line) -> absl::Status {
    SftRecord r;
    r.line = line;
    if (config.format == SftFormat::kMessages) {
      ASSIGN_OR_RETURN(r.messages, ReadMessages(object, config.messages_field));
    } else {
      ASSIGN_OR_RETURN(r.prompt, object.NonEmptyString(config.prompt_field));
      ASSIGN_OR_RETURN(r.response, object.NonEmptyString(config.response_field));
    }
    dataset.records.push_back(std::move(r));
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(ReadJsonlObjects(config.path, config.on_bad_line, record, &dataset.report));
  return dataset;
}

}  // namespace reasonrl::data
