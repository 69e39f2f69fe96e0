// Built-in chat formats: a list of messages {role, content} rendered to the prompt text, byte for byte what
// transformers' `tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=...,
// **kwargs)` renders with each model's official Jinja template (tests/data/chat/README.md has the references
// and where each template comes from). Each template's logic is written out in plain C++
// (deepseek_templates.cc, qwen_templates.cc); there is no template engine.
//
//   deepseek_v3  DeepSeek-V3's tokenizer_config.json template. All system messages, joined by "\n\n", follow
//                the BOS; then <｜User｜>{user} and <｜Assistant｜>{assistant}<｜end▁of▁sentence｜>; tool
//                calls and tool outputs in DeepSeek's tool tokens. Generation prompt: <｜Assistant｜> (none
//                after a tool output).
//   deepseek_r1  deepseek-ai/DeepSeek-R1's template (latest revision): as deepseek_v3, except that an earlier
//                assistant turn keeps only the text after its last </think>, and the generation prompt is
//                <｜Assistant｜><think>\n. So a one-question prompt is
//                <｜begin▁of▁sentence｜><｜User｜>{question}<｜Assistant｜><think>\n
//   qwen2_5      Qwen/Qwen2.5-7B-Instruct's ChatML template; without a system message first it inserts
//                "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."
//   qwen3        Qwen3's ChatML template: assistant turns after the last real user query carry
//                <think>\n{reasoning}\n</think>\n\n (reasoning from `reasoning_content`, else cut out of the
//                content's <think>...</think>), earlier ones lose their reasoning; enable_thinking=false
//                appends an empty think block to the generation prompt.
//   r1_zero      the R1-Zero training template (R1 paper, Table 1; R1ZeroPrompt below). Not a transformers
//                template: it takes exactly one user message and add_generation_prompt=true.
//
// The templates' quirks are reproduced, not fixed: deepseek_v3 leaves a single tool call's block unclosed
// and ignores tool_calls when the content is not null; deepseek_v3/r1 never reset their "first tool call"
// flag, so a later tool-call turn continues the first one's block; qwen3 cannot render a null content.
//
// What is accepted (ValidateMessages; the same for every format, checked before rendering):
//   * at least one message (transformers fails on an empty conversation);
//   * role is system, user, assistant or tool;
//   * content is a string, except for an assistant message with tool calls, where it may be null
//     (deepseek_v3 needs null there to render the calls; qwen3 fails on null, as transformers does);
//   * reasoning_content and tool_calls only on assistant messages; reasoning_content is read by qwen3 only;
//   * a tool call's `arguments` is the JSON text of the arguments (OpenAI's form), inserted verbatim
//     (qwen2_5 inserts it as a JSON string, as its `tojson` does with a string).
// Strings are UTF-8; content is copied byte for byte (special-token strings inside it are not escaped).
// Tokenizing the result: the deepseek formats' text already starts with the BOS string, so encode it with
// add_special_tokens=false (as transformers' apply_chat_template(tokenize=True) does); the Qwen tokenizers
// add nothing either way; r1_zero's text has no BOS, so encode it with add_special_tokens=true.
// Tool *definitions* (transformers' `tools=` argument) are not supported.
//
// Thread-safe pure functions; never throw.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace reasonrl::chat {

struct ToolCall {
  std::string type = "function";  // tool_calls[i].type
  std::string name;               // tool_calls[i].function.name
  std::string arguments;          // tool_calls[i].function.arguments: JSON text, verbatim
};

struct Message {
  std::string role;                              // "system" | "user" | "assistant" | "tool"
  std::optional<std::string> content;            // nullopt is JSON null (assistant with tool_calls only)
  std::optional<std::string> reasoning_content;  // assistant only; nullopt = absent (or null)
  std::vector<ToolCall> tool_calls;              // assistant only; empty = absent
};

enum class ChatFormat { kDeepSeekV3, kDeepSeekR1, kQwen2_5, kQwen3, kR1Zero };

// "deepseek_v3", "deepseek_r1", "qwen2_5", "qwen3", "r1_zero".
std::string_view ChatFormatName(ChatFormat format);
// The inverse; an unknown name is an InvalidArgument error listing the known ones.
absl::StatusOr<ChatFormat> ChatFormatFromName(std::string_view name);
// Every format, in enum order.
std::vector<ChatFormat> AllChatFormats();

struct RenderOptions {
  bool add_generation_prompt = false;   // append the assistant turn's opening (transformers' default: false)
  std::optional<bool> enable_thinking;  // the template variable; nullopt = not passed. Read by qwen3 only
};

// The checks listed above; errors name the message index and role, e.g.
// "messages[2] (user): content is null (only an assistant message with tool_calls may have null content)".
absl::Status ValidateMessages(const std::vector<Message>& messages);

// The prompt text. Errors (InvalidArgument) start with the format's name: ValidateMessages' errors, the
// inputs on which transformers' rendering itself fails (qwen3 with a null content), and r1_zero's rule.
absl::StatusOr<std::string> RenderChat(ChatFormat format, const std::vector<Message>& messages,
                                       const RenderOptions& options);

// Messages from the JSON text of an array of OpenAI-style message objects:
//   {"role": "assistant", "content": "..." | null, "reasoning_content": "..." | null,
//    "tool_calls": [{"id": ..., "type": "function", "function": {"name": "...", "arguments": "<json
//    text>"}}]}
// "content" is required; a tool message may carry "tool_call_id" and a tool call "id" (both ignored, as the
// templates ignore them). Unknown keys, wrong types, an empty tool_calls list and non-string arguments are
// errors naming `source` and the JSON path, e.g. "conv.json: [1].tool_calls[0].function.arguments: expected
// a string (the arguments' JSON text)". The messages are not validated (ValidateMessages does that).
absl::StatusOr<std::vector<Message>> MessagesFromJson(std::string_view json_text, const std::string& source);

// The R1-Zero template, verbatim from the R1 paper (Table 1), one paragraph, with "prompt" replaced by
// `question`:
//   "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. The
//   assistant first thinks about the reasoning process in the mind and then provides the user with the
//   answer. The reasoning process and answer are enclosed within <think> </think> and <answer> </answer>
//   tags, respectively, i.e., <think> reasoning process here </think> <answer> answer here </answer>.
//   User: " + question + ". Assistant:"
// No BOS (the tokenizer adds it); RenderChat(kR1Zero, {{"user", question}}, {true}) returns the same text.
std::string R1ZeroPrompt(std::string_view question);

}  // namespace reasonrl::chat
