// The types every rule-based reward shares: what a sample carries in, what a reward gives back.
//
// A reward is a pure function of one sample and its parameters: thread-safe, no I/O except the code
// reward's sandbox, bounded in time and memory. It never throws; input it cannot read scores 0 with a
// reason. Rewards are combined by a RewardSpec (reward_spec.h): r = Σ_k w_k · r_k(sample; params_k).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace reasonrl::reward {

// Why generation stopped; it travels with each sample (DAPO's overlong shaping needs it).
enum class FinishReason { kUnknown, kStop, kLength };

// One scored sample, as the rollout produced it.
struct Sample {
  std::string prompt;        // the rendered prompt text
  std::string completion;    // the model's text after the prompt
  std::string ground_truth;  // reference answer ("" when the task has none, e.g. countdown)
  // Task fields handed on from the dataset line, as JSON text: e.g. {"numbers": "[3,5,7]",
  // "target": "22"} for countdown, {"tests": "[...]"} for code, {"language": "\"en\""}.
  std::map<std::string, std::string> extra_json;
  int64_t completion_tokens = 0;  // |y| in tokens
  // The completion's token ids, when the caller sends them (the repetition reward's token n-grams need
  // them; every other reward reads the text). Empty = not sent.
  std::vector<int64_t> completion_token_ids;
  int64_t max_tokens = 0;         // the generation limit L_max that applied (0 = unknown)
  FinishReason finish_reason = FinishReason::kUnknown;
};

// One named part of a result, e.g. {"math_accuracy", 1.0} or {"overlong", -0.25}.
struct Component {
  std::string name;
  double value = 0.0;
};

// What a reward returns. `reason` is empty on success and names the failure otherwise, in snake_case
// first and details after a colon: "no_answer", "unparseable: \frac{1}{", "timeout",
// "wrong_numbers: 7 used twice".
struct Result {
  double value = 0.0;
  std::vector<Component> components;
  std::string reason;
};

}  // namespace reasonrl::reward
