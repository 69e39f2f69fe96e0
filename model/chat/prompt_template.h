// Prompt templates written in a recipe, and the prompt a recipe builds for one dataset record.
//
// Template syntax (PromptTemplate):
//   {name}    the value of the record's field `name`; a name is [A-Za-z_][A-Za-z0-9_]* ({question},
//             {numbers}, {target}, ...). `question` is an ordinary field: datasets expose their problem
//             text under that name.
//   {{  }}    a literal '{' / '}'.
// Any other brace is a syntax error naming the column: "{}", "{ question}", "{a.b}", an unclosed "{x" or
// a lone "}". Substituted values are inserted as they are (a value containing "{x}" is not expanded).
// Errors: a placeholder that names no field of the dataset (CheckFields, at config time) and a field missing
// from a record (Render) are InvalidArgument errors naming the placeholder, e.g.
//   "prompt.user: unknown placeholder {numbrs} (the dataset has fields: numbers, question, target)".
//
// The recipe's prompt section (PromptConfig): a user-message template, an optional system-message template,
// and the chat format the messages are rendered with (chat_format.h), e.g.
//   prompt:
//     chat_format: qwen2_5
//     system: "You are a helpful assistant."
//     user: "Using the numbers {numbers}, create an equation that equals {target}. ..."
// chat_format r1_zero puts the rendered user text into the R1-Zero paragraph as its question (no system
// message); chat_format raw uses the rendered user text itself as the prompt (no chat template, no system
// message).
//
// PromptTemplate and PromptBuilder are immutable after creation; their const methods are thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/chat/chat_format.h"

namespace reasonrl::chat {

// One record's fields, by name (the dataset loader turns each field's value into its text).
using PromptFields = std::map<std::string, std::string, std::less<>>;

class PromptTemplate {
 public:
  // `where` prefixes error messages (e.g. "prompt.user"). Syntax errors name the 1-based column.
  static absl::StatusOr<PromptTemplate> Parse(std::string_view text, const std::string& where = "template");

  // The placeholder names, in order of first appearance, each once.
  const std::vector<std::string>& placeholders() const { return placeholders_; }
  // OK when every placeholder is one of `available`; else the unknown placeholder and the available names.
  absl::Status CheckFields(const std::vector<std::string>& available) const;
  // The text with every placeholder replaced by its field; a field missing from `fields` is an error naming
  // the placeholder. Fields the template does not use are ignored.
  absl::StatusOr<std::string> Render(const PromptFields& fields) const;

 private:
  struct Piece {
    bool is_field = false;
    std::string text;  // the literal text (escapes resolved), or the field name
  };
  std::string where_;
  std::vector<Piece> pieces_;
  std::vector<std::string> placeholders_;
};

struct PromptConfig {
  // nullopt: raw (the rendered user template is the prompt). Recipe key chat_format: a ChatFormatName or
  // "raw".
  std::optional<ChatFormat> chat_format = ChatFormat::kDeepSeekR1;
  std::optional<std::string> system;    // system-message template; absent: no system message
  std::string user = "{question}";      // user-message template
  bool add_generation_prompt = true;    // false only for formats that render without one (not r1_zero, raw)
  std::optional<bool> enable_thinking;  // passed to the template; only qwen3 reads it (set elsewhere: error)
};

// The recipe's chat_format value: "raw" is nullopt, anything else ChatFormatFromName; an unknown name is an
// InvalidArgument error listing the formats and raw.
absl::StatusOr<std::optional<ChatFormat>> PromptChatFormatFromName(std::string_view name);

class PromptBuilder {
 public:
  // Parses both templates and checks them against the dataset's field names and the format's rules:
  // a system template with r1_zero or raw, add_generation_prompt false with r1_zero or raw, and
  // enable_thinking with a format other than qwen3 are errors. Errors start with "prompt.<key>: ".
  static absl::StatusOr<PromptBuilder> Create(const PromptConfig& config,
                                              const std::vector<std::string>& dataset_fields);

  // The prompt text for one record (chat format applied; no BOS beyond what the chat format writes).
  absl::StatusOr<std::string> Build(const PromptFields& record) const;

  const PromptConfig& config() const { return config_; }

 private:
  PromptConfig config_;
  std::optional<PromptTemplate> system_;
  PromptTemplate user_;
};

}  // namespace reasonrl::chat
