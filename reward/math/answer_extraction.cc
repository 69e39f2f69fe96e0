// ExtractAnswer (math_accuracy.h): the last \boxed / \fbox of a completion, else the last
// <answer>...</answer>.
//
// The scan runs backwards over the backslashes (memrchr), so a completion with its answer at the end
// costs a few comparisons whatever its length. A malformed box (an unclosed brace) is skipped and the
// one before it is taken; such failures bound the forward brace scans of earlier boxes (see BoxContent),
// so the whole extraction stays linear in the completion's length.
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "reward/math/math_accuracy.h"

namespace reasonrl::reward {
namespace {

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The length of "boxed" / "fbox" when the command `\boxed` / `\fbox` starts at p, else 0.
size_t BoxCommandLength(std::string_view s, size_t p) {
  for (std::string_view name : {std::string_view("boxed"), std::string_view("fbox")}) {
    if (s.compare(p + 1, name.size(), name) == 0 &&
        (p + 1 + name.size() >= s.size() || !IsLetter(s[p + 1 + name.size()]))) {
      return name.size();
    }
  }
  return 0;
}

// The argument of a box command whose name ends at q (the command starts at `start`):
//   `{...}`    balanced braces, where `\{`, `\}` (any backslash pair) are not structural;
//   ` text`    after whitespace, up to the next `$` or line end (`\boxed 5$`);
//   `x`, `\pi` a single character or command directly after the name.
// nullopt when malformed. An unclosed brace lowers *limit to `start`: a box opened earlier that is still
// open at `start` contains this box's unclosed brace and so cannot close either.
std::optional<std::string_view> BoxContent(std::string_view s, size_t start, size_t q, size_t* limit) {
  size_t j = q;
  while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
  if (j >= s.size()) return std::nullopt;
  if (s[j] == '{') {
    int depth = 1;
    for (size_t k = j + 1; k < *limit; ++k) {
      const char c = s[k];
      if (c == '\\') {
        ++k;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}' && --depth == 0) {
        return s.substr(j + 1, k - j - 1);
      }
    }
    *limit = start;
    return std::nullopt;
  }
  if (j > q) {
    size_t end = j;
    while (end < s.size() && s[end] != '$' && s[end] != '\n') ++end;
    if (end == j) return std::nullopt;
    return s.substr(j, end - j);
  }
  if (s[j] == '\\') {
    size_t end = j + 1;
    while (end < s.size() && IsLetter(s[end])) ++end;
    if (end == j + 1 && end < s.size()) ++end;
    return s.substr(j, end - j);
  }
  if (s[j] == '}' || s[j] == '$') return std::nullopt;
  return s.substr(j, 1);
}

}  // namespace

std::optional<std::string> ExtractAnswer(std::string_view completion) {
  size_t limit = completion.size();
  size_t end = completion.size();
  while (end > 0) {
    const void* hit = memrchr(completion.data(), '\\', end);
    if (hit == nullptr) break;
    const size_t p = static_cast<size_t>(static_cast<const char*>(hit) - completion.data());
    end = p;
    const size_t name_length = BoxCommandLength(completion, p);
    if (name_length == 0) continue;
    std::optional<std::string_view> content = BoxContent(completion, p, p + 1 + name_length, &limit);
    if (content.has_value()) return std::string(*content);
  }
  constexpr std::string_view kOpen = "<answer>";
  constexpr std::string_view kClose = "</answer>";
  const size_t close = completion.rfind(kClose);
  if (close == std::string_view::npos) return std::nullopt;
  const size_t open = completion.rfind(kOpen, close);
  if (open == std::string_view::npos) return std::nullopt;
  return std::string(completion.substr(open + kOpen.size(), close - open - kOpen.size()));
}

}  // namespace reasonrl::reward
