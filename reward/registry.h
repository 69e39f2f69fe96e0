// The reward registry: one explicit table, name → (summary, scoring function), in registry.cc; no static
// self-registration. Adding a reward = a Config in its header, a row here, its parameters in
// reward_spec.cc.
//
// Score(spec, sample) computes
//     value      = Σ_k weight_k · r_k                         (r_k = the term's own, unweighted value)
//     components = for each term in order, its reward's components, unweighted, renamed: a component
//                  named like the reward becomes the term's label ("format" → "format", or the label
//                  "format_strict"); any other component c becomes "<label>.<c>"
//     reason     = every term with a non-empty reason, in term order, as "<label>: <reason>", joined
//                  by "; " (e.g. "format: missing_tag: </think>; countdown: no_answer"); "" when none.
// The deadline is checked before each term: a term not started by then scores 0 with reason "timeout"
// (its components are still listed, with value 0). Rewards that can run long (code) also receive it.
// Thread-safe; never throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "reward/reward.h"
#include "reward/reward_spec.h"

namespace reasonrl::reward {

// The names of every reward, in table order.
std::vector<std::string> RewardNames();

struct RewardDoc {
  std::string name;                // "overlong"
  std::string summary;             // one line
  std::vector<ParamDoc> params;    // RewardParamDocs(name)
};
std::vector<RewardDoc> RewardDocs();

// The docs above as text for `--help` and error messages: a block per reward, a line per parameter
// ("  buffer_tokens (integer, default 4096): ...").
std::string RewardHelpText();

// One term's reward on one sample, unweighted (its own Result, component names as the reward writes them).
Result ScoreReward(const RewardConfig& config, const Sample& sample, absl::Time deadline);

// The weighted sum described above. REQUIRES: Validate(spec).ok(); an invalid spec scores 0 with reason
// "invalid_spec: <detail>" and no components.
Result Score(const RewardSpec& spec, const Sample& sample,
             absl::Time deadline = absl::InfiniteFuture());

}  // namespace reasonrl::reward
