// Qwen2.5 and Qwen3 ChatML templates, statement by statement. Jinja sources:
// scripts/tokenizers/qwen2_5_chat_template.jinja (Qwen/Qwen2.5-7B-Instruct) and the chat_template of
// .cache/tokenizers/qwen3/tokenizer_config.json (Qwen3). Only their branches without `tools` exist here
// (tool definitions are not supported); tool calls inside messages and tool outputs are.
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "model/chat/template_internal.h"

namespace reasonrl::chat::internal {
namespace {

constexpr std::string_view kImStart = "<|im_start|>";
constexpr std::string_view kImEnd = "<|im_end|>";

std::string& Append(std::string& out, std::string_view s) { return out.append(s.data(), s.size()); }

// <|im_start|>{role}\n{content}<|im_end|>\n
void AppendTurn(std::string_view role, std::string_view content, std::string& out) {
  Append(Append(Append(Append(Append(out, kImStart), role), "\n"), content), kImEnd);
  Append(out, "\n");
}

// The tool-output group: consecutive tool messages share one user turn.
//   {% if loop.first or messages[loop.index0 - 1].role != "tool" %}<|im_start|>user{% endif %}
//   \n<tool_response>\n{content}\n</tool_response>
//   {% if loop.last or messages[loop.index0 + 1].role != "tool" %}<|im_end|>\n{% endif %}
void AppendToolOutput(const std::vector<Message>& messages, size_t i, std::string& out) {
  if (i == 0 || messages[i - 1].role != "tool") Append(Append(out, kImStart), "user");
  Append(Append(Append(out, "\n<tool_response>\n"), *messages[i].content), "\n</tool_response>");
  if (i + 1 == messages.size() || messages[i + 1].role != "tool") Append(Append(out, kImEnd), "\n");
}

// Python's json.dumps(s, ensure_ascii=False) of a string (the templates' `tojson` filter): quotes, and
// escapes for '"', '\\', \n \r \t \b \f and \u00XX (lower-case hex) for the other control characters
// below U+0020; every other byte as it is.
std::string PythonJsonString(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[static_cast<unsigned char>(c) >> 4];
          out += kHex[static_cast<unsigned char>(c) & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace

std::string RenderQwen2_5(const std::vector<Message>& messages, const RenderOptions& options) {
  std::string out;
  if (messages[0].role == "system") {
    AppendTurn("system", *messages[0].content, out);
  } else {
    AppendTurn("system", "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.", out);
  }
  for (size_t i = 0; i < messages.size(); ++i) {
    const Message& m = messages[i];
    if (m.role == "user" || (m.role == "system" && i != 0) ||
        (m.role == "assistant" && m.tool_calls.empty())) {
      AppendTurn(m.role, *m.content, out);
    } else if (m.role == "assistant") {
      Append(Append(out, kImStart), "assistant");
      if (m.content.has_value() && !m.content->empty()) Append(Append(out, "\n"), *m.content);
      for (const ToolCall& call : m.tool_calls) {
        // '\n<tool_call>\n{"name": "' + name + '", "arguments": ' + arguments | tojson + '}\n</tool_call>'
        Append(Append(Append(out, "\n<tool_call>\n{\"name\": \""), call.name), "\", \"arguments\": ");
        Append(Append(out, PythonJsonString(call.arguments)), "}\n</tool_call>");
      }
      Append(Append(out, kImEnd), "\n");
    } else if (m.role == "tool") {
      AppendToolOutput(messages, i, out);
    }
  }
  if (options.add_generation_prompt) Append(Append(out, kImStart), "assistant\n");
  return out;
}

absl::StatusOr<std::string> RenderQwen3(const std::vector<Message>& messages, const RenderOptions& options) {
  const size_t n = messages.size();
  std::string out;
  if (messages[0].role == "system") AppendTurn("system", *messages[0].content, out);

  // ns.last_query_index: the last user message that is not a wrapped tool response
  // (content starts with <tool_response> and ends with </tool_response>); n - 1 when there is none.
  size_t last_query_index = n - 1;
  for (size_t k = n; k-- > 0;) {
    const Message& m = messages[k];
    if (m.role == "user" &&
        !(StartsWith(*m.content, "<tool_response>") && EndsWith(*m.content, "</tool_response>"))) {
      last_query_index = k;
      break;
    }
  }

  for (size_t i = 0; i < n; ++i) {
    const Message& m = messages[i];
    if (m.role == "user" || (m.role == "system" && i != 0)) {
      AppendTurn(m.role, *m.content, out);
    } else if (m.role == "assistant") {
      if (!m.content.has_value()) {
        // `'</think>' in message.content` (or the concatenation, with reasoning_content) fails on None.
        return absl::InvalidArgumentError(
            "qwen3: messages[" + std::to_string(i) +
            "] (assistant): content is null; the Qwen3 template needs a string (transformers raises "
            "TypeError); use \"\" for a turn with only tool calls");
      }
      std::string_view content = *m.content;
      std::string_view reasoning;
      if (m.reasoning_content.has_value()) {
        reasoning = *m.reasoning_content;
      } else if (content.find("</think>") != std::string_view::npos) {
        // content = content.split('</think>')[-1].lstrip('\n')
        // reasoning = content.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n')
        reasoning = LStripNewlines(AfterLast(RStripNewlines(BeforeFirst(content, "</think>")), "<think>"));
        content = LStripNewlines(AfterLast(content, "</think>"));
      }
      Append(Append(out, kImStart), "assistant\n");
      if (i > last_query_index && (i + 1 == n || !reasoning.empty())) {
        Append(Append(Append(out, "<think>\n"), StripNewlines(reasoning)), "\n</think>\n\n");
        Append(out, LStripNewlines(content));
      } else {
        Append(out, content);
      }
      for (size_t j = 0; j < m.tool_calls.size(); ++j) {
        const ToolCall& call = m.tool_calls[j];
        if ((j == 0 && !content.empty()) || j > 0) Append(out, "\n");
        // arguments is a string: inserted as it is ({%- if tool_call.arguments is string %}).
        Append(Append(Append(out, "<tool_call>\n{\"name\": \""), call.name), "\", \"arguments\": ");
        Append(Append(out, call.arguments), "}\n</tool_call>");
      }
      Append(Append(out, kImEnd), "\n");
    } else if (m.role == "tool") {
      AppendToolOutput(messages, i, out);
    }
  }
  if (options.add_generation_prompt) {
    Append(Append(out, kImStart), "assistant\n");
    // {%- if enable_thinking is defined and enable_thinking is false %}
    if (options.enable_thinking.has_value() && !*options.enable_thinking) {
      Append(out, "<think>\n\n</think>\n\n");
    }
  }
  return out;
}

}  // namespace reasonrl::chat::internal
