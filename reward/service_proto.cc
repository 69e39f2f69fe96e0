#include "reward/service_proto.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace reasonrl::reward {
namespace {

using json = nlohmann::json;

absl::Status SpecError(const std::string& path, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("spec: ", path, ": ", what));
}

// A param value as the JSON value RewardSpecFromJson reads.
absl::StatusOr<json> ParamToJson(const v1::ParamValue& value, const std::string& path) {
  switch (value.kind_case()) {
    case v1::ParamValue::kNumberValue:
      // JSON has no NaN or infinity: refuse here, with the path, rather than send null on.
      if (!std::isfinite(value.number_value())) {
        return SpecError(path, absl::StrCat("expected a finite number, got ", value.number_value()));
      }
      return json(value.number_value());
    case v1::ParamValue::kIntegerValue:
      return json(value.integer_value());
    case v1::ParamValue::kUnsignedValue:
      return json(value.unsigned_value());
    case v1::ParamValue::kStringValue:
      return json(value.string_value());
    case v1::ParamValue::kBoolValue:
      return json(value.bool_value());
    case v1::ParamValue::KIND_NOT_SET:
      break;
  }
  return SpecError(path,
                   "no value set (one of number_value, integer_value, unsigned_value, string_value, "
                   "bool_value)");
}

v1::ParamValue ParamFromJson(const json& value) {
  v1::ParamValue out;
  if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    out.set_unsigned_value(value.get<uint64_t>());
  } else if (value.is_number_integer()) {
    out.set_integer_value(value.get<int64_t>());
  } else if (value.is_number()) {
    out.set_number_value(value.get<double>());
  } else if (value.is_boolean()) {
    out.set_bool_value(value.get<bool>());
  } else if (value.is_string()) {
    out.set_string_value(value.get<std::string>());
  }
  // RewardSpecToJson writes parameters as numbers, integers and strings only.
  return out;
}

absl::StatusOr<FinishReason> FinishReasonFromProto(v1::FinishReason reason, int index) {
  switch (reason) {
    case v1::FINISH_REASON_UNSPECIFIED:
      return FinishReason::kUnknown;
    case v1::FINISH_REASON_EOS:
      return FinishReason::kStop;
    case v1::FINISH_REASON_LENGTH:
      return FinishReason::kLength;
    default:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat("samples[", index, "].finish_reason: unknown value ",
                                                 static_cast<int>(reason),
                                                 " (expected FINISH_REASON_UNSPECIFIED, _EOS or _LENGTH)"));
}

v1::FinishReason FinishReasonToProto(FinishReason reason) {
  switch (reason) {
    case FinishReason::kStop:
      return v1::FINISH_REASON_EOS;
    case FinishReason::kLength:
      return v1::FINISH_REASON_LENGTH;
    case FinishReason::kUnknown:
      break;
  }
  return v1::FINISH_REASON_UNSPECIFIED;
}

// `text` with each maximal invalid UTF-8 subsequence replaced by U+FFFD (the rule of Python's
// decode("utf-8", "replace")). A reason may quote a completion cut inside a character, and a proto3
// `string` must be valid UTF-8: the client's parser would reject the whole reply otherwise.
std::string Utf8Lossy(const std::string& text) {
  std::string out;
  size_t i = 0;
  const size_t n = text.size();
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  while (i < n) {
    const unsigned char c = byte(i);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    int length = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) lo = 0xA0;  // no overlong forms
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    }
    size_t k = i + 1;
    if (length > 0) {
      for (; k < i + length; ++k) {
        const unsigned char b = k < n ? byte(k) : 0;
        const bool ok = k == i + 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
        if (k >= n || !ok) break;
      }
    }
    if (length > 0 && k == i + length) {
      out.append(text, i, length);
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD for the maximal subpart text[i, k)
    }
    i = k;
  }
  return out;
}

}  // namespace

absl::StatusOr<RewardSpec> SpecFromProto(const v1::RewardSpec& spec) {
  json rewards = json::array();
  for (int i = 0; i < spec.rewards_size(); ++i) {
    const v1::RewardTerm& term = spec.rewards(i);
    const std::string path = absl::StrCat("rewards[", i, "]");
    json entry = json::object();
    entry["name"] = term.name();
    if (!term.label().empty()) entry["label"] = term.label();
    if (term.has_weight()) {
      if (!std::isfinite(term.weight())) {
        return SpecError(path + ".weight", absl::StrCat("expected a finite number, got ", term.weight()));
      }
      entry["weight"] = term.weight();
    }
    json params = json::object();
    for (const auto& [name, value] : term.params()) {
      auto param = ParamToJson(value, absl::StrCat(path, ".params.", name));
      if (!param.ok()) return param.status();
      params[name] = *std::move(param);
    }
    entry["params"] = std::move(params);
    rewards.push_back(std::move(entry));
  }
  json root = json::object();
  root["rewards"] = std::move(rewards);
  if (spec.has_timeout_seconds()) {
    if (!std::isfinite(spec.timeout_seconds())) {
      return SpecError("timeout_seconds", absl::StrCat("expected a finite number, got ", spec.timeout_seconds()));
    }
    root["timeout_seconds"] = spec.timeout_seconds();
  }
  // The strings came from proto3 `string` fields (valid UTF-8), so dump() cannot throw.
  return RewardSpecFromJson(root.dump(), "spec");
}

v1::RewardSpec SpecToProto(const RewardSpec& spec) {
  const json root = json::parse(RewardSpecToJson(spec));
  v1::RewardSpec out;
  for (const json& entry : root["rewards"]) {
    v1::RewardTerm* term = out.add_rewards();
    term->set_name(entry["name"].get<std::string>());
    term->set_label(entry["label"].get<std::string>());
    term->set_weight(entry["weight"].get<double>());
    for (const auto& [name, value] : entry["params"].items()) (*term->mutable_params())[name] = ParamFromJson(value);
  }
  out.set_timeout_seconds(root["timeout_seconds"].get<double>());
  return out;
}

absl::StatusOr<Sample> SampleFromProto(const v1::Sample& sample, int index) {
  if (sample.completion_tokens() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("samples[", index, "].completion_tokens: must be >= 0, got ", sample.completion_tokens()));
  }
  if (sample.max_tokens() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("samples[", index, "].max_tokens: must be >= 0 (0 = unknown), got ", sample.max_tokens()));
  }
  Sample out;
  auto finish = FinishReasonFromProto(sample.finish_reason(), index);
  if (!finish.ok()) return finish.status();
  out.finish_reason = *finish;
  out.prompt = sample.prompt();
  out.completion = sample.completion();
  out.ground_truth = sample.ground_truth();
  out.extra_json.insert(sample.extra_json().begin(), sample.extra_json().end());
  out.completion_tokens = sample.completion_tokens();
  out.completion_token_ids.assign(sample.completion_token_ids().begin(), sample.completion_token_ids().end());
  out.max_tokens = sample.max_tokens();
  return out;
}

v1::Sample SampleToProto(const Sample& sample) {
  v1::Sample out;
  out.set_prompt(sample.prompt);
  out.set_completion(sample.completion);
  out.set_ground_truth(sample.ground_truth);
  out.mutable_extra_json()->insert(sample.extra_json.begin(), sample.extra_json.end());
  out.set_completion_tokens(sample.completion_tokens);
  out.mutable_completion_token_ids()->Add(sample.completion_token_ids.begin(), sample.completion_token_ids.end());
  out.set_max_tokens(sample.max_tokens);
  out.set_finish_reason(FinishReasonToProto(sample.finish_reason));
  return out;
}

absl::StatusOr<std::vector<Sample>> SamplesFromProto(const v1::ScoreRequest& request) {
  if (request.samples_size() == 0) return absl::InvalidArgumentError("samples: at least one sample is required");
  std::vector<Sample> samples;
  samples.reserve(request.samples_size());
  for (int i = 0; i < request.samples_size(); ++i) {
    auto sample = SampleFromProto(request.samples(i), i);
    if (!sample.ok()) return sample.status();
    samples.push_back(*std::move(sample));
  }
  return samples;
}

void ResultToProto(const Result& result, v1::SampleResult* out) {
  out->set_reward(result.value);
  out->mutable_components()->Reserve(static_cast<int>(result.components.size()));
  for (const Component& component : result.components) {
    v1::Component* c = out->add_components();
    c->set_name(Utf8Lossy(component.name));
    c->set_value(component.value);
  }
  out->set_reason(Utf8Lossy(result.reason));
}

Result ResultFromProto(const v1::SampleResult& result) {
  Result out;
  out.value = result.reward();
  for (const v1::Component& c : result.components()) out.components.push_back({c.name(), c.value()});
  out.reason = result.reason();
  return out;
}

}  // namespace reasonrl::reward
