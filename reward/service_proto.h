// The RewardService's translation between the wire messages of proto/reward.proto and the reward
// library's types (reward.h, reward_spec.h). Nothing else: no scoring, no I/O.
//
// The spec goes through the reward spec's own JSON edge (RewardSpecFromJson), so parameter names, types,
// ranges, defaults and error messages are those of YAML recipes and `reasonrl score`, from one table in
// reward_spec.cc. Errors (InvalidArgument) read "spec: rewards[1].params.buffer_tokns: unknown parameter
// of overlong (expected buffer_tokens, ...)" or "samples[3].completion_tokens: must be >= 0, got -1".
//
// Includes generated protobuf headers: torch-free translation units only (../shared/docs/gpu.md, trap 1).
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "proto/reward.pb.h"
#include "reward/reward.h"
#include "reward/reward_spec.h"

namespace reasonrl::reward {

// The typed spec, validated. A term's unset weight is 1.0, an empty label is the reward's name, an unset
// timeout_seconds is 30; a param value must have its oneof set and be finite.
absl::StatusOr<RewardSpec> SpecFromProto(const v1::RewardSpec& spec);

// The wire form of a typed spec (every parameter written out); SpecFromProto reads it back to an equal
// spec. For clients built on the typed struct (the coordinator) and for tests.
v1::RewardSpec SpecToProto(const RewardSpec& spec);

// One sample; InvalidArgument naming "samples[<index>].<field>" for negative token counts or an
// unknown finish_reason value.
absl::StatusOr<Sample> SampleFromProto(const v1::Sample& sample, int index);
v1::Sample SampleToProto(const Sample& sample);

// All samples of a request; at least one.
absl::StatusOr<std::vector<Sample>> SamplesFromProto(const v1::ScoreRequest& request);

void ResultToProto(const Result& result, v1::SampleResult* out);
Result ResultFromProto(const v1::SampleResult& result);

}  // namespace reasonrl::reward
