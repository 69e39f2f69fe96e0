#include "model/chat/chat_format.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "model/chat/template_internal.h"

namespace reasonrl::chat {
namespace {

struct FormatEntry {
  ChatFormat format;
  std::string_view name;
};

// The one name <-> format table.
constexpr FormatEntry kFormats[] = {
    {ChatFormat::kDeepSeekV3, "deepseek_v3"}, {ChatFormat::kDeepSeekR1, "deepseek_r1"},
    {ChatFormat::kQwen2_5, "qwen2_5"},        {ChatFormat::kQwen3, "qwen3"},
    {ChatFormat::kR1Zero, "r1_zero"},
};

std::string Where(size_t i, const Message& m) {
  return "messages[" + std::to_string(i) + "] (" + m.role + ")";
}

absl::Status Invalid(ChatFormat format, const absl::Status& status) {
  return absl::InvalidArgumentError(std::string(ChatFormatName(format)) + ": " +
                                    std::string(status.message()));
}

// r1_zero: exactly one user message (the question), and the generation prompt the template ends with.
absl::StatusOr<std::string> RenderR1Zero(const std::vector<Message>& messages, const RenderOptions& options) {
  if (messages.size() != 1 || messages[0].role != "user") {
    std::string got;
    for (const Message& m : messages) got += (got.empty() ? "" : ", ") + m.role;
    return absl::InvalidArgumentError(
        "r1_zero: the R1-Zero template takes exactly one user message (the question), got [" + got + "]");
  }
  if (!options.add_generation_prompt) {
    return absl::InvalidArgumentError(
        "r1_zero: the R1-Zero template ends with its generation prompt \"Assistant:\"; add_generation_prompt "
        "must be true");
  }
  return R1ZeroPrompt(*messages[0].content);
}

}  // namespace

std::string_view ChatFormatName(ChatFormat format) {
  for (const FormatEntry& e : kFormats) {
    if (e.format == format) return e.name;
  }
  return "unknown";
}

absl::StatusOr<ChatFormat> ChatFormatFromName(std::string_view name) {
  std::string known;
  for (const FormatEntry& e : kFormats) {
    if (e.name == name) return e.format;
    known += (known.empty() ? "" : ", ") + std::string(e.name);
  }
  return absl::InvalidArgumentError("unknown chat format \"" + std::string(name) + "\" (expected one of " +
                                    known + ")");
}

std::vector<ChatFormat> AllChatFormats() {
  std::vector<ChatFormat> all;
  for (const FormatEntry& e : kFormats) all.push_back(e.format);
  return all;
}

absl::Status ValidateMessages(const std::vector<Message>& messages) {
  if (messages.empty()) return absl::InvalidArgumentError("no messages (a conversation needs at least one)");
  for (size_t i = 0; i < messages.size(); ++i) {
    const Message& m = messages[i];
    if (m.role != "system" && m.role != "user" && m.role != "assistant" && m.role != "tool") {
      return absl::InvalidArgumentError("messages[" + std::to_string(i) + "]: unknown role \"" + m.role +
                                        "\" (expected system, user, assistant or tool)");
    }
    if (m.role != "assistant" && m.reasoning_content.has_value()) {
      return absl::InvalidArgumentError(Where(i, m) +
                                        ": reasoning_content is only allowed on assistant messages");
    }
    if (m.role != "assistant" && !m.tool_calls.empty()) {
      return absl::InvalidArgumentError(Where(i, m) + ": tool_calls are only allowed on assistant messages");
    }
    if (!m.content.has_value() && (m.role != "assistant" || m.tool_calls.empty())) {
      return absl::InvalidArgumentError(
          Where(i, m) +
          ": content is null (only an assistant message with tool_calls may have null content)");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RenderChat(ChatFormat format, const std::vector<Message>& messages,
                                       const RenderOptions& options) {
  if (absl::Status s = ValidateMessages(messages); !s.ok()) return Invalid(format, s);
  switch (format) {
    case ChatFormat::kDeepSeekV3:
      return internal::RenderDeepSeekV3(messages, options);
    case ChatFormat::kDeepSeekR1:
      return internal::RenderDeepSeekR1(messages, options);
    case ChatFormat::kQwen2_5:
      return internal::RenderQwen2_5(messages, options);
    case ChatFormat::kQwen3:
      return internal::RenderQwen3(messages, options);
    case ChatFormat::kR1Zero:
      return RenderR1Zero(messages, options);
  }
  return absl::InvalidArgumentError("unknown chat format value " + std::to_string(static_cast<int>(format)));
}

std::string R1ZeroPrompt(std::string_view question) {
  std::string out =
      "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. "
      "The assistant first thinks about the reasoning process in the mind and then provides the user with "
      "the "
      "answer. The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> "
      "tags, respectively, i.e., <think> reasoning process here </think> <answer> answer here </answer>. "
      "User: ";
  out.append(question.data(), question.size());
  out += ". Assistant:";
  return out;
}

}  // namespace reasonrl::chat
