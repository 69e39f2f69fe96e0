#include "reward/format.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace reasonrl::reward {
namespace {

constexpr std::string_view kThinkOpen = "<think>";
constexpr std::string_view kThinkClose = "</think>";
constexpr std::string_view kAnswerOpen = "<answer>";
constexpr std::string_view kAnswerClose = "</answer>";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool AllSpace(std::string_view text) {
  for (const char c : text) {
    if (!IsSpace(c)) return false;
  }
  return true;
}

std::vector<size_t> FindAll(std::string_view text, std::string_view tag) {
  std::vector<size_t> positions;
  for (size_t pos = text.find(tag); pos != std::string_view::npos; pos = text.find(tag, pos + tag.size())) {
    positions.push_back(pos);
  }
  return positions;
}

Result Pass() { return Result{1.0, {{"format", 1.0}}, ""}; }
Result Fail(std::string reason) { return Result{0.0, {{"format", 0.0}}, std::move(reason)}; }

// Rule 1 for one tag: `expected` occurrences (0 or 1). "" when it holds.
std::string CountProblem(const std::vector<size_t>& positions, size_t expected, std::string_view tag) {
  if (positions.size() == expected) return "";
  if (positions.size() > expected) return absl::StrCat("duplicate_tag: ", std::string(tag));
  return absl::StrCat("missing_tag: ", std::string(tag));
}

// Where the reasoning starts: after the completion's own `<think>`, or at 0 when the prompt opened the
// block. Fills `reason` and returns false when rule 1 fails for <think> or </think>.
struct ThinkBlock {
  size_t open = 0;            // position of the completion's <think> (meaningless when opened by prompt)
  size_t reasoning_begin = 0;
  size_t close = 0;           // position of </think>
};

bool FindThinkBlock(const Sample& sample, ThinkBlock* block, std::string* reason) {
  const std::string_view text = sample.completion;
  const bool opened = PromptOpensThink(sample.prompt);
  const std::vector<size_t> opens = FindAll(text, kThinkOpen);
  const std::vector<size_t> closes = FindAll(text, kThinkClose);
  *reason = CountProblem(opens, opened ? 0 : 1, kThinkOpen);
  if (reason->empty()) *reason = CountProblem(closes, 1, kThinkClose);
  if (!reason->empty()) return false;
  block->close = closes[0];
  if (!opened) {
    block->open = opens[0];
    block->reasoning_begin = opens[0] + kThinkOpen.size();
    if (block->close < block->open) {
      *reason = "misordered_tags: </think> before <think>";
      return false;
    }
  }
  return true;
}

Result R1Zero(const Sample& sample, FormatMode mode) {
  const std::string_view text = sample.completion;
  const bool opened = PromptOpensThink(sample.prompt);
  ThinkBlock think;
  std::string reason;
  if (!FindThinkBlock(sample, &think, &reason)) return Fail(reason);
  const std::vector<size_t> answer_opens = FindAll(text, kAnswerOpen);
  const std::vector<size_t> answer_closes = FindAll(text, kAnswerClose);
  reason = CountProblem(answer_opens, 1, kAnswerOpen);
  if (reason.empty()) reason = CountProblem(answer_closes, 1, kAnswerClose);
  if (!reason.empty()) return Fail(reason);
  const size_t answer_open = answer_opens[0];
  const size_t answer_close = answer_closes[0];
  if (answer_open < think.close) return Fail("misordered_tags: <answer> before </think>");
  if (answer_close < answer_open) return Fail("misordered_tags: </answer> before <answer>");
  if (mode == FormatMode::kLenient) return Pass();

  if (!opened && !AllSpace(text.substr(0, think.open))) return Fail("text_before_think");
  const size_t between_begin = think.close + kThinkClose.size();
  if (!AllSpace(text.substr(between_begin, answer_open - between_begin))) {
    return Fail("text_between_think_and_answer");
  }
  if (!AllSpace(text.substr(answer_close + kAnswerClose.size()))) return Fail("text_after_answer");
  if (AllSpace(text.substr(think.reasoning_begin, think.close - think.reasoning_begin))) {
    return Fail("empty_reasoning");
  }
  const size_t answer_begin = answer_open + kAnswerOpen.size();
  if (AllSpace(text.substr(answer_begin, answer_close - answer_begin))) return Fail("empty_answer");
  return Pass();
}

Result R1Chat(const Sample& sample, FormatMode mode) {
  const std::string_view text = sample.completion;
  const bool opened = PromptOpensThink(sample.prompt);
  ThinkBlock think;
  std::string reason;
  if (!FindThinkBlock(sample, &think, &reason)) return Fail(reason);
  if (mode == FormatMode::kLenient) return Pass();

  if (!opened && !AllSpace(text.substr(0, think.open))) return Fail("text_before_think");
  for (const std::string_view tag : {kAnswerOpen, kAnswerClose}) {
    if (text.find(tag) != std::string_view::npos) {
      return Fail(absl::StrCat("answer_tag_in_chat_format: ", std::string(tag)));
    }
  }
  if (AllSpace(text.substr(think.reasoning_begin, think.close - think.reasoning_begin))) {
    return Fail("empty_reasoning");
  }
  if (AllSpace(text.substr(think.close + kThinkClose.size()))) return Fail("empty_answer");
  return Pass();
}

}  // namespace

bool PromptOpensThink(std::string_view prompt) {
  while (!prompt.empty() && IsSpace(prompt.back())) prompt.remove_suffix(1);
  return prompt.size() >= kThinkOpen.size() &&
         prompt.substr(prompt.size() - kThinkOpen.size()) == kThinkOpen;
}

std::optional<std::string_view> LastTagBlock(std::string_view text, std::string_view open,
                                             std::string_view close) {
  const size_t close_pos = text.rfind(close);
  if (close_pos == std::string_view::npos) return std::nullopt;
  const size_t open_pos = text.substr(0, close_pos).rfind(open);
  if (open_pos == std::string_view::npos) return std::nullopt;
  const size_t begin = open_pos + open.size();
  return text.substr(begin, close_pos - begin);
}

Result Format(const Sample& sample, const FormatConfig& config) {
  return config.style == FormatStyle::kR1Zero ? R1Zero(sample, config.mode) : R1Chat(sample, config.mode);
}

}  // namespace reasonrl::reward
