#include "reward/registry.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace reasonrl::reward {
namespace {

using ScoreFn = Result (*)(const RewardConfig& config, const Sample& sample, absl::Time deadline);

struct Entry {
  std::string_view name;
  std::string_view summary;
  ScoreFn score;
};

// The table: every reward, its one-line summary, and how it is computed. Each name is the name
// reward_spec.cc gives the config type that the function reads.
const Entry kRewards[] = {
    {"math_accuracy", "1 if the answer (last \\boxed{} or <answer>) equals the ground truth mathematically, else 0",
     [](const RewardConfig& c, const Sample& s, absl::Time) {
       return MathAccuracy(s, std::get<MathAccuracyConfig>(c));
     }},
    {"format", "1 if the completion has the <think>/<answer> layout of R1-Zero or R1 chat, else 0",
     [](const RewardConfig& c, const Sample& s, absl::Time) { return Format(s, std::get<FormatConfig>(c)); }},
    {"countdown", "TinyZero's countdown: correct_score for an exact expression hitting the target, "
                  "format_score for a wrong <answer>, 0 for none",
     [](const RewardConfig& c, const Sample& s, absl::Time) {
       return Countdown(s, std::get<CountdownConfig>(c));
     }},
    {"language_consistency", "share of the chain of thought's words written in the target language (R1)",
     [](const RewardConfig& c, const Sample& s, absl::Time) {
       return LanguageConsistency(s, std::get<LanguageConsistencyConfig>(c));
     }},
    {"overlong", "DAPO's soft overlong punishment: 0 down to -penalty_factor over the last buffer_tokens",
     [](const RewardConfig& c, const Sample& s, absl::Time) { return Overlong(s, std::get<OverlongConfig>(c)); }},
    {"repetition", "-max_penalty * (1 - distinct n-grams / n-grams) of the completion (open-r1)",
     [](const RewardConfig& c, const Sample& s, absl::Time) {
       return Repetition(s, std::get<RepetitionConfig>(c));
     }},
    {"code", "share of the task's tests the completion's last ```python block passes, run in a sandbox",
     [](const RewardConfig& c, const Sample& s, absl::Time deadline) {
       return CodeReward(s, std::get<CodeConfig>(c), deadline);
     }},
};

const Entry* Find(std::string_view name) {
  for (const Entry& entry : kRewards) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> RewardNames() {
  std::vector<std::string> names;
  for (const Entry& entry : kRewards) names.emplace_back(entry.name);
  return names;
}

std::vector<RewardDoc> RewardDocs() {
  std::vector<RewardDoc> docs;
  for (const Entry& entry : kRewards) {
    docs.push_back({std::string(entry.name), std::string(entry.summary), RewardParamDocs(entry.name)});
  }
  return docs;
}

std::string RewardHelpText() {
  std::string text;
  for (const RewardDoc& doc : RewardDocs()) {
    absl::StrAppend(&text, doc.name, ": ", doc.summary, "\n");
    for (const ParamDoc& param : doc.params) {
      absl::StrAppend(&text, "  ", param.name, " (", param.type, ", default ", param.default_value, "): ",
                      param.doc, "\n");
    }
  }
  return text;
}

Result ScoreReward(const RewardConfig& config, const Sample& sample, absl::Time deadline) {
  const Entry* entry = Find(RewardName(config));
  if (entry == nullptr) {  // a config type without a row: a programming error, caught by registry_test
    return Result{0.0, {}, absl::StrCat("unknown_reward: ", std::string(RewardName(config)))};
  }
  return entry->score(config, sample, deadline);
}

Result Score(const RewardSpec& spec, const Sample& sample, absl::Time deadline) {
  if (const absl::Status valid = Validate(spec); !valid.ok()) {
    return Result{0.0, {}, absl::StrCat("invalid_spec: ", valid.message())};
  }
  Result total;
  std::vector<std::string> reasons;
  for (const RewardTerm& term : spec.terms) {
    const std::string_view name = RewardName(term.config);
    Result result;
    if (absl::Now() > deadline) {
      result = Result{0.0, {{std::string(name), 0.0}}, "timeout"};
    } else {
      result = ScoreReward(term.config, sample, deadline);
    }
    total.value += term.weight * result.value;
    for (Component& component : result.components) {
      component.name = component.name == name ? term.label : absl::StrCat(term.label, ".", component.name);
      total.components.push_back(std::move(component));
    }
    if (!result.reason.empty()) reasons.push_back(absl::StrCat(term.label, ": ", result.reason));
  }
  total.reason = absl::StrJoin(reasons, "; ");
  return total;
}

}  // namespace reasonrl::reward
