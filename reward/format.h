// The `format` reward: 1 if the completion has the reasoning-then-answer layout, else 0.
//
// Tags are the exact ASCII strings `<think>`, `</think>`, `<answer>`, `</answer>` (case-sensitive; `< think>`
// is text). Whitespace means ASCII space, tab, CR and LF. The completion text is what the model wrote after
// the prompt, without the EOS token (the rollout does not detokenize it).
//
// Where the think block opens: if the prompt, with trailing whitespace removed, ends with `<think>`, the
// block is "opened by the prompt" and the completion must contain no `<think>` at all. Otherwise the
// completion must open it itself with one `<think>`. (R1's chat template ends the prompt with `<think>\n`;
// TinyZero's R1-Zero prompt ends with `<think>`; the original R1-Zero template ends with `Assistant:`.)
//
// style r1_zero: `<think> reasoning </think> <answer> answer </answer>`
//   strict  1. `</think>`, `<answer>`, `</answer>` each occur exactly once, `<think>` exactly once when the
//              completion must open the block, else never;
//           2. they occur in the order <think>, </think>, <answer>, </answer>;
//           3. only whitespace before `<think>` (or, when the prompt opened the block, nothing is required
//              before the reasoning), between `</think>` and `<answer>`, and after `</answer>`;
//           4. the reasoning and the answer each contain a non-whitespace character.
//   lenient rules 1 and 2 only: any text may surround the tags and the blocks may be empty.
// style r1_chat: `reasoning </think> answer` (R1's chat format; the answer has no tags)
//   strict  1. `</think>` exactly once, `<think>` exactly once when the completion must open the block
//              (then preceded by whitespace only), else never;
//           2. no `<answer>` or `</answer>` anywhere;
//           3. the reasoning (between the opening and `</think>`) and the answer (after `</think>`) each
//              contain a non-whitespace character.
//   lenient rule 1 only (with any text before `<think>`); `<think>` must come before `</think>`.
//
// Thread-safe pure functions; never throw.
#pragma once

#include <optional>
#include <string_view>

#include "reward/reward.h"

namespace reasonrl::reward {

enum class FormatStyle { kR1Zero, kR1Chat };
enum class FormatMode { kStrict, kLenient };

struct FormatConfig {
  FormatStyle style = FormatStyle::kR1Zero;  // r1_zero | r1_chat
  FormatMode mode = FormatMode::kStrict;     // strict | lenient
};

// Result{v, {{"format", v}}, reason}, v in {0, 1}. Reasons: "missing_tag: </think>",
// "duplicate_tag: <answer>", "misordered_tags: <answer> before </think>", "text_before_think",
// "text_between_think_and_answer", "text_after_answer", "empty_reasoning", "empty_answer",
// "answer_tag_in_chat_format: <answer>".
Result Format(const Sample& sample, const FormatConfig& config = FormatConfig());

// True when `prompt`, with trailing whitespace removed, ends with `<think>`.
bool PromptOpensThink(std::string_view prompt);

// The content of the last `<open>...</close>` block of `text`: the last `close`, and the last `open`
// before it. nullopt when there is no such pair. Used by the countdown reward for `<answer>`.
std::optional<std::string_view> LastTagBlock(std::string_view text, std::string_view open,
                                             std::string_view close);

}  // namespace reasonrl::reward
