#include "model/chat/prompt_template.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "model/status_macros.h"

namespace reasonrl::chat {
namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

std::string Column(size_t pos) { return "column " + std::to_string(pos + 1); }

std::string JoinSorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none)" : out;
}

}  // namespace

absl::StatusOr<PromptTemplate> PromptTemplate::Parse(std::string_view text, const std::string& where) {
  PromptTemplate t;
  t.where_ = where;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) t.pieces_.push_back({false, std::move(literal)});
    literal.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      i += 2;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      literal += '}';
      i += 2;
    } else if (c == '}') {
      return absl::InvalidArgumentError(where + ": " + Column(i) +
                                        ": a lone '}' (write '}}' for a literal brace)");
    } else if (c == '{') {
      size_t end = i + 1;
      while (end < text.size() && IsNameChar(text[end])) ++end;
      const std::string_view name = text.substr(i + 1, end - i - 1);
      if (end >= text.size() || text[end] != '}' || name.empty() || !IsNameStart(name[0])) {
        const size_t close = text.find('}', i + 1);
        const std::string_view shown = text.substr(
            i, close == std::string_view::npos ? std::min<size_t>(text.size() - i, 20) : close - i + 1);
        return absl::InvalidArgumentError(where + ": " + Column(i) + ": bad placeholder \"" +
                                          std::string(shown) +
                                          "\" (expected {name} with a name of letters, digits and '_' not "
                                          "starting with a digit; write '{{' "
                                          "for a literal brace)");
      }
      flush();
      t.pieces_.push_back({true, std::string(name)});
      if (std::find(t.placeholders_.begin(), t.placeholders_.end(), name) == t.placeholders_.end()) {
        t.placeholders_.emplace_back(name);
      }
      i = end + 1;
    } else {
      literal += c;
      ++i;
    }
  }
  flush();
  return t;
}

absl::Status PromptTemplate::CheckFields(const std::vector<std::string>& available) const {
  for (const std::string& name : placeholders_) {
    if (std::find(available.begin(), available.end(), name) == available.end()) {
      return absl::InvalidArgumentError(where_ + ": unknown placeholder {" + name +
                                        "} (the dataset has fields: " + JoinSorted(available) + ")");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> PromptTemplate::Render(const PromptFields& fields) const {
  std::string out;
  for (const Piece& p : pieces_) {
    if (!p.is_field) {
      out += p.text;
      continue;
    }
    auto it = fields.find(p.text);
    if (it == fields.end()) {
      std::vector<std::string> names;
      for (const auto& [name, value] : fields) names.push_back(name);
      return absl::InvalidArgumentError(where_ + ": placeholder {" + p.text +
                                        "}: the record has no field \"" + p.text +
                                        "\" (it has: " + JoinSorted(std::move(names)) + ")");
    }
    out += it->second;
  }
  return out;
}

absl::StatusOr<std::optional<ChatFormat>> PromptChatFormatFromName(std::string_view name) {
  if (name == "raw") return std::optional<ChatFormat>();
  absl::StatusOr<ChatFormat> format = ChatFormatFromName(name);
  if (!format.ok()) {
    std::string known;
    for (ChatFormat f : AllChatFormats()) known += std::string(ChatFormatName(f)) + ", ";
    return absl::InvalidArgumentError("unknown chat_format \"" + std::string(name) + "\" (expected one of " +
                                      known + "raw)");
  }
  return std::optional<ChatFormat>(*format);
}

absl::StatusOr<PromptBuilder> PromptBuilder::Create(const PromptConfig& config,
                                                    const std::vector<std::string>& dataset_fields) {
  const std::string format_name =
      config.chat_format.has_value() ? std::string(ChatFormatName(*config.chat_format)) : "raw";
  const bool single_text = !config.chat_format.has_value() || *config.chat_format == ChatFormat::kR1Zero;
  if (single_text && config.system.has_value()) {
    return absl::InvalidArgumentError("prompt.system: chat_format " + format_name +
                                      " has no system message; put the instructions into prompt.user");
  }
  if (single_text && !config.add_generation_prompt) {
    return absl::InvalidArgumentError("prompt.add_generation_prompt: chat_format " + format_name +
                                      " always ends where the model starts; it cannot be false");
  }
  if (config.enable_thinking.has_value() &&
      (!config.chat_format.has_value() || *config.chat_format != ChatFormat::kQwen3)) {
    return absl::InvalidArgumentError(
        "prompt.enable_thinking: only chat_format qwen3 reads it (chat_format is " + format_name + ")");
  }
  PromptBuilder b;
  b.config_ = config;
  ASSIGN_OR_RETURN(b.user_, PromptTemplate::Parse(config.user, "prompt.user"));
  RETURN_IF_ERROR(b.user_.CheckFields(dataset_fields));
  if (config.system.has_value()) {
    ASSIGN_OR_RETURN(PromptTemplate system, PromptTemplate::Parse(*config.system, "prompt.system"));
    RETURN_IF_ERROR(system.CheckFields(dataset_fields));
    b.system_ = std::move(system);
  }
  return b;
}

absl::StatusOr<std::string> PromptBuilder::Build(const PromptFields& record) const {
  ASSIGN_OR_RETURN(std::string user, user_.Render(record));
  if (!config_.chat_format.has_value()) return user;
  std::vector<Message> messages;
  if (system_.has_value()) {
    ASSIGN_OR_RETURN(std::string system, system_->Render(record));
    messages.push_back({"system", std::move(system), std::nullopt, {}});
  }
  messages.push_back({"user", std::move(user), std::nullopt, {}});
  RenderOptions options;
  options.add_generation_prompt = config_.add_generation_prompt;
  options.enable_thinking = config_.enable_thinking;
  return RenderChat(*config_.chat_format, messages, options);
}

}  // namespace reasonrl::chat
