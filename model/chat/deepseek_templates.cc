// DeepSeek-V3 and DeepSeek-R1 chat templates, statement by statement. The Jinja sources are
// tokenizer_config.json's chat_template of deepseek-ai/DeepSeek-V3 (.cache/tokenizers/deepseek_v3, from
// scripts/fetch_tokenizers.sh) and scripts/tokenizers/deepseek_r1_chat_template.jinja (DeepSeek-R1's latest
// revision); tests/data/chat/README.md says where each comes from. Both keep three flags across the whole
// conversation (Jinja `namespace` ns):
//   is_first         a tool call has been written (never reset: a later tool-call turn continues the block)
//   is_tool          the previous message was a tool output (the tool-outputs block is open)
//   is_output_first  no tool output has been written yet (never reset)
#include <string>
#include <string_view>
#include <vector>

#include "model/chat/template_internal.h"

namespace reasonrl::chat::internal {
namespace {

constexpr std::string_view kBos = "<｜begin▁of▁sentence｜>";
constexpr std::string_view kEos = "<｜end▁of▁sentence｜>";
constexpr std::string_view kUser = "<｜User｜>";
constexpr std::string_view kAssistant = "<｜Assistant｜>";
constexpr std::string_view kCallsBegin = "<｜tool▁calls▁begin｜>";
constexpr std::string_view kCallsEnd = "<｜tool▁calls▁end｜>";
constexpr std::string_view kCallBegin = "<｜tool▁call▁begin｜>";
constexpr std::string_view kCallEnd = "<｜tool▁call▁end｜>";
constexpr std::string_view kSep = "<｜tool▁sep｜>";
constexpr std::string_view kOutputsBegin = "<｜tool▁outputs▁begin｜>";
constexpr std::string_view kOutputsEnd = "<｜tool▁outputs▁end｜>";
constexpr std::string_view kOutputBegin = "<｜tool▁output▁begin｜>";
constexpr std::string_view kOutputEnd = "<｜tool▁output▁end｜>";

std::string& Append(std::string& out, std::string_view s) { return out.append(s.data(), s.size()); }

// bos_token + the system messages' contents joined by "\n\n" (in order, wherever they appear).
void AppendPreamble(const std::vector<Message>& messages, std::string& out) {
  Append(out, kBos);
  bool first = true;
  for (const Message& m : messages) {
    if (m.role != "system") continue;
    if (!first) Append(out, "\n\n");
    Append(out, *m.content);
    first = false;
  }
}

// type + <｜tool▁sep｜> + name + "\n```json\n" + arguments + "\n```" + <｜tool▁call▁end｜>
void AppendCallBody(const ToolCall& call, std::string& out) {
  Append(Append(Append(Append(out, call.type), kSep), call.name), "\n```json\n");
  Append(Append(Append(out, call.arguments), "\n```"), kCallEnd);
}

struct Flags {
  bool is_first = false;
  bool is_tool = false;
  bool is_output_first = true;
};

// message['role'] == 'tool'. V3 separates later outputs by "\n", R1 does not.
void AppendToolOutput(const Message& m, std::string_view separator, Flags& ns, std::string& out) {
  ns.is_tool = true;
  if (ns.is_output_first) {
    Append(Append(out, kOutputsBegin), kOutputBegin);
    ns.is_output_first = false;
  } else {
    Append(Append(out, separator), kOutputBegin);
  }
  Append(Append(out, *m.content), kOutputEnd);
}

// {% if ns.is_tool %}<｜tool▁outputs▁end｜>{% endif %}{% if add_generation_prompt and not ns.is_tool %}...
void AppendEnd(const Flags& ns, const RenderOptions& options, std::string_view generation_prompt,
               std::string& out) {
  if (ns.is_tool) Append(out, kOutputsEnd);
  if (options.add_generation_prompt && !ns.is_tool) Append(out, generation_prompt);
}

}  // namespace

std::string RenderDeepSeekV3(const std::vector<Message>& messages, const RenderOptions& options) {
  std::string out;
  AppendPreamble(messages, out);
  Flags ns;
  for (const Message& m : messages) {
    if (m.role == "user") {
      ns.is_tool = false;
      Append(Append(out, kUser), *m.content);
    } else if (m.role == "assistant" && !m.content.has_value()) {
      // {% if message['role'] == 'assistant' and message['content'] is none %}: the first call ever opens
      // the block; each later call is "\n" + call + the block's closing (so one call alone stays unclosed).
      ns.is_tool = false;
      for (const ToolCall& call : m.tool_calls) {
        if (!ns.is_first) {
          Append(Append(Append(out, kAssistant), kCallsBegin), kCallBegin);
          AppendCallBody(call, out);
          ns.is_first = true;
        } else {
          Append(Append(out, "\n"), kCallBegin);
          AppendCallBody(call, out);
          Append(Append(out, kCallsEnd), kEos);
        }
      }
    } else if (m.role == "assistant") {
      // Content not null: tool_calls, if any, are not rendered.
      if (ns.is_tool) {
        Append(Append(Append(out, kOutputsEnd), *m.content), kEos);
        ns.is_tool = false;
      } else {
        Append(Append(Append(out, kAssistant), *m.content), kEos);
      }
    } else if (m.role == "tool") {
      AppendToolOutput(m, "\n", ns, out);
    }
  }
  AppendEnd(ns, options, kAssistant, out);
  return out;
}

std::string RenderDeepSeekR1(const std::vector<Message>& messages, const RenderOptions& options) {
  std::string out;
  AppendPreamble(messages, out);
  Flags ns;
  for (const Message& m : messages) {
    if (m.role == "user") {
      ns.is_tool = false;
      Append(Append(out, kUser), *m.content);
    } else if (m.role == "assistant" && !m.tool_calls.empty()) {
      // {% if message['role'] == 'assistant' and 'tool_calls' in message %}: the first call ever opens the
      // block (after the content, when there is one); later calls are "\n" + call; every such turn closes it.
      ns.is_tool = false;
      for (const ToolCall& call : m.tool_calls) {
        if (!ns.is_first) {
          Append(out, kAssistant);
          if (m.content.has_value()) Append(out, *m.content);
          Append(Append(out, kCallsBegin), kCallBegin);
          AppendCallBody(call, out);
          ns.is_first = true;
        } else {
          Append(Append(out, "\n"), kCallBegin);
          AppendCallBody(call, out);
        }
      }
      Append(Append(out, kCallsEnd), kEos);
    } else if (m.role == "assistant") {
      if (ns.is_tool) {
        Append(Append(Append(out, kOutputsEnd), *m.content), kEos);
        ns.is_tool = false;
      } else {
        // {% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}
        Append(Append(Append(out, kAssistant), AfterLast(*m.content, "</think>")), kEos);
      }
    } else if (m.role == "tool") {
      AppendToolOutput(m, "", ns, out);
    }
  }
  AppendEnd(ns, options, "<｜Assistant｜><think>\n", out);
  return out;
}

}  // namespace reasonrl::chat::internal
