// RewardSpec: a weighted sum of named rewards with their parameters,
//
//     r(sample) = Σ_k weight_k · r_k(sample; config_k)
//
// as a typed struct. One Config struct per reward (defined next to the reward); a term holds one of them
// in a std::variant, so the reward a term computes is the type of its config.
//
// At the edges a spec is JSON (this file; nlohmann_json) or YAML (spec_yaml.h, a separate library, used
// by the CLI and the recipe parser only). The JSON form:
//
//   {"timeout_seconds": 30,
//    "rewards": [{"name": "math_accuracy", "weight": 1.0},
//                {"name": "format", "weight": 0.5, "params": {"style": "r1_chat", "mode": "strict"}},
//                {"name": "overlong", "label": "soft_overlong", "params": {"buffer_tokens": 512}}]}
//
//   rewards[i].name    required: a reward of registry.h's table (RewardNames()).
//   rewards[i].label   optional: the component name the term reports under (default: name); labels are
//                      unique within a spec, so one reward can appear twice with different parameters.
//   rewards[i].weight  optional, default 1.0: any finite number (penalties have weight > 0 and negative
//                      values; a negative weight is allowed but unusual).
//   rewards[i].params  optional object: the reward's parameters; omitted ones keep their defaults.
//   timeout_seconds    optional, default 30: the time a whole sample's scoring may take (the service turns
//                      it into the deadline it passes to Score).
// Unknown keys, unknown reward names, unknown parameters, wrong types and out-of-range values are errors
// that name the source and the path, e.g.
//   "spec.yaml: rewards[1].params.buffer_tokns: unknown parameter of overlong (expected buffer_tokens,
//    penalty_factor, max_tokens)".
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "reward/code.h"
#include "reward/countdown.h"
#include "reward/format.h"
#include "reward/language_consistency.h"
#include "reward/length.h"
#include "reward/math/math_accuracy.h"

namespace reasonrl::reward {

// Which reward a term computes, and its parameters. The reward's name is RewardName(config).
// CodeConfig's parameters in a spec are scoring, stdout_match, float_tolerance, max_tests and the
// per-test limits, flat (cpu_seconds, wall_seconds, memory_bytes, ...); its server-side fields (caps,
// python_path, sandbox) are never read from a spec: the reward service sets them (SetCodeServerFields).
using RewardConfig = std::variant<MathAccuracyConfig, FormatConfig, CountdownConfig, LanguageConsistencyConfig,
                                  OverlongConfig, RepetitionConfig, CodeConfig>;

// "math_accuracy", "format", "countdown", "language_consistency", "overlong", "repetition", "code".
std::string_view RewardName(const RewardConfig& config);

struct RewardTerm {
  std::string label;    // component name of this term; unique in a spec; usually RewardName(config)
  double weight = 1.0;  // w_k
  RewardConfig config;  // which reward, with its parameters
};

struct RewardSpec {
  std::vector<RewardTerm> terms;  // at least one
  double timeout_seconds = 30.0;  // budget for scoring one sample, > 0
};

// OK, or InvalidArgument naming the first bad field ("rewards[1].params.buffer_tokens: must be >= 1"):
// at least one term, labels non-empty and unique, weights finite, timeout_seconds finite and > 0, every
// config's own Validate().
absl::Status Validate(const RewardSpec& spec);

// Maps a JSON path such as "rewards[1].params.buffer_tokns" to the place it came from, used as the
// prefix of error messages. The YAML edge passes one that answers "spec.yaml:12:7"; by default the
// prefix is the `source` argument.
using PathLocator = std::function<std::string(std::string_view path)>;

// Parses and validates the JSON form above. Errors (InvalidArgument) read "<source or locator>: <path>:
// <what was wrong and what was expected>".
absl::StatusOr<RewardSpec> RewardSpecFromJson(std::string_view json_text, std::string_view source,
                                              const PathLocator& locate = nullptr);

// The JSON form of a spec, every parameter written out (the defaults too); RewardSpecFromJson reads it
// back to an equal spec. Used for logs, the run's config, and the RewardService's wire form. `indent` < 0
// writes one line.
std::string RewardSpecToJson(const RewardSpec& spec, int indent = -1);

// One parameter of a reward, for --help and error messages.
struct ParamDoc {
  std::string name;           // e.g. "buffer_tokens"
  std::string type;           // "number", "integer", "string", or the enum values "strict | lenient"
  std::string default_value;  // as JSON, e.g. "4096", "\"en\""
  std::string doc;            // one line
};

// The parameters of the reward `name`, in declaration order; empty for an unknown name.
std::vector<ParamDoc> RewardParamDocs(std::string_view name);

// Copies the server-side fields of `server` (caps, python_path, sandbox) into every code term of `spec`;
// the reward service calls it on each spec a client sends, before Score.
void SetCodeServerFields(const CodeConfig& server, RewardSpec* spec);

}  // namespace reasonrl::reward
