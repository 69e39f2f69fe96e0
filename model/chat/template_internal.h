// Internal to model/chat: the per-format renderers and the Python string operations the Jinja templates
// use, on UTF-8 bytes. (Substring search on valid UTF-8 finds exactly the code-point matches Python finds,
// and every separator here is ASCII, so byte offsets and Python's character offsets cut the same places.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "model/chat/chat_format.h"

namespace reasonrl::chat::internal {

// Each renderer receives messages that passed ValidateMessages (non-empty).
std::string RenderDeepSeekV3(const std::vector<Message>& messages, const RenderOptions& options);
std::string RenderDeepSeekR1(const std::vector<Message>& messages, const RenderOptions& options);
std::string RenderQwen2_5(const std::vector<Message>& messages, const RenderOptions& options);
absl::StatusOr<std::string> RenderQwen3(const std::vector<Message>& messages, const RenderOptions& options);

// s.split(sep)[-1]: the text after the last `sep` (all of `s` when there is none).
inline std::string_view AfterLast(std::string_view s, std::string_view sep) {
  const size_t pos = s.rfind(sep);
  return pos == std::string_view::npos ? s : s.substr(pos + sep.size());
}

// s.split(sep)[0]: the text before the first `sep` (all of `s` when there is none).
inline std::string_view BeforeFirst(std::string_view s, std::string_view sep) {
  const size_t pos = s.find(sep);
  return pos == std::string_view::npos ? s : s.substr(0, pos);
}

// s.lstrip('\n'), s.rstrip('\n'), s.strip('\n').
inline std::string_view LStripNewlines(std::string_view s) {
  while (!s.empty() && s.front() == '\n') s.remove_prefix(1);
  return s;
}
inline std::string_view RStripNewlines(std::string_view s) {
  while (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  return s;
}
inline std::string_view StripNewlines(std::string_view s) { return RStripNewlines(LStripNewlines(s)); }

inline bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}
inline bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace reasonrl::chat::internal
