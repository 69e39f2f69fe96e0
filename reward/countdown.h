// The `countdown` reward (TinyZero's rule, verl/utils/reward_score/countdown.py, with exact arithmetic):
//
//   correct_score  if the last `<answer>...</answer>` block of the completion is an arithmetic expression
//                  over the task's numbers, each used exactly once, whose exact rational value is the target;
//   format_score   if there is an `<answer>` block but it fails any of that (syntax, numbers, division by
//                  zero, value, a limit);
//   0              if there is no `<answer>...</answer>` block.
//
// The task comes from Sample.extra_json: "numbers" (or TinyZero's "nums"): a JSON array of non-negative
// integers, and "target": an integer. Integers beyond 2^53 may be written as JSON strings of digits
// ("123456789012345678901234567890"), so that nothing is rounded. A task without them scores 0 with reason
// "bad_task: ...".
//
// The expression grammar (countdown_expression.h) allows non-negative decimal integers, binary + - * /,
// and parentheses, with whitespace between tokens. Differences from TinyZero, which checks the text with
// the regex ^[\d+\-*/().\s]+$ and then runs Python's eval on it:
//   - no unary minus or plus (`-3+5`), no `**` (power), no `//` (floor division), no decimal points: these
//     pass TinyZero's regex and eval, but they are not Countdown moves;
//   - exact rationals instead of floats compared within 1e-5;
//   - the Unicode signs − (U+2212), × (U+00D7), ÷ (U+00F7) are read as - * /;
//   - a literal is matched by value (`07` is 7), as TinyZero's int() does.
// The answer is the expression only: `<answer>(1+2)*3 = 9</answer>` fails, as in TinyZero.
//
// Thread-safe pure function; never throws.
#pragma once

#include "absl/status/status.h"
#include "reward/reward.h"

namespace reasonrl::reward {

struct CountdownConfig {
  double correct_score = 1.0;  // reward of a correct expression
  double format_score = 0.1;   // reward of an <answer> block that is not a correct expression
  int max_answer_bytes = 1024;  // a longer answer block fails ("too_long"); bounds time and number size
  int max_depth = 128;          // parenthesis nesting limit

  // InvalidArgument naming the field: scores finite, limits in [1, 1 << 20].
  absl::Status Validate() const;
};

// Result{v, {{"countdown", v}}, reason}. Reasons: "no_answer", "too_long: N bytes",
// "unparseable: <detail>", "wrong_numbers: <detail>" (e.g. "7 used twice", "5 not used", "9 not
// available"), "division_by_zero", "wrong_value: 23/2 (target 22)", "bad_task: <detail>",
// "invalid_config: <detail>".
Result Countdown(const Sample& sample, const CountdownConfig& config = CountdownConfig());

}  // namespace reasonrl::reward
