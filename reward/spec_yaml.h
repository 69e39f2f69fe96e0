// The YAML edge of the reward spec (library reasonrl_reward_yaml; reasonrl_reward itself never sees YAML).
// The YAML is converted to JSON and parsed by RewardSpecFromJson; errors name the YAML line and column of
// the offending key ("spec.yaml:12:7: rewards[1].params.buffer_tokns: unknown parameter of overlong ...").
// Scalars keep their YAML meaning: plain `1`, `1.5`, `true`, `null` become numbers, booleans, null;
// quoted scalars stay strings.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "reward/reward_spec.h"

namespace YAML {
class Node;
}

namespace reasonrl::reward {

// The spec written as YAML text (the whole document is the spec: `rewards:` and `timeout_seconds:`).
absl::StatusOr<RewardSpec> RewardSpecFromYaml(std::string_view yaml_text, std::string_view source);

// The spec held by a node of a larger document (a recipe's `reward:` section).
absl::StatusOr<RewardSpec> RewardSpecFromYamlNode(const YAML::Node& node, std::string_view source);

// A YAML node as JSON text (mappings → objects, sequences → arrays, scalars as above).
// InvalidArgument naming the line for what JSON cannot hold: a mapping key that is not a scalar, a
// duplicate key.
absl::StatusOr<std::string> YamlNodeToJson(const YAML::Node& node, std::string_view source);

}  // namespace reasonrl::reward
