#include "reward/math/math_accuracy.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace reasonrl::reward {
namespace {

absl::Status OutOfRange(std::string_view field, std::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat("math_accuracy: ", std::string(field), " must be ", std::string(expected)));
}

Result Score(bool equal, std::string reason) {
  const double v = equal ? 1.0 : 0.0;
  return Result{v, {Component{"math_accuracy", v}}, std::move(reason)};
}

}  // namespace

absl::Status MathAccuracyConfig::Validate() const {
  if (!(relative_tolerance >= 0.0 && relative_tolerance < 1.0)) {
    return OutOfRange("relative_tolerance", "in [0, 1)");
  }
  if (num_points < 1 || num_points > 64) return OutOfRange("num_points", "in [1, 64]");
  if (precision_bits < 64 || precision_bits > 4096) return OutOfRange("precision_bits", "in [64, 4096]");
  if (max_answer_bytes < 1) return OutOfRange("max_answer_bytes", "positive");
  if (max_nodes < 1) return OutOfRange("max_nodes", "positive");
  if (max_depth < 1 || max_depth > 1000) return OutOfRange("max_depth", "in [1, 1000]");
  if (max_exact_bits < 64) return OutOfRange("max_exact_bits", "at least 64");
  if (max_factorial_argument < 1) return OutOfRange("max_factorial_argument", "positive");
  if (max_collection_size < 1) return OutOfRange("max_collection_size", "positive");
  if (max_evaluation_cost < 1) return OutOfRange("max_evaluation_cost", "positive");
  return absl::OkStatus();
}

Result MathAccuracy(const Sample& sample, const MathAccuracyConfig& config) {
  if (absl::Status valid = config.Validate(); !valid.ok()) {
    return Score(false, absl::StrCat("invalid_config: ", std::string(valid.message())));
  }
  const std::optional<std::string> answer = ExtractAnswer(sample.completion);
  if (!answer.has_value()) return Score(false, "no_answer");
  const Equivalence e = AnswersEquivalent(*answer, sample.ground_truth, config);
  switch (e.verdict) {
    case Verdict::kEqual: return Score(true, "");
    case Verdict::kNotEqual: return Score(false, "wrong");
    case Verdict::kEmpty: return Score(false, "empty_answer");
    case Verdict::kMultipleCandidates: return Score(false, "multiple_candidates");
    case Verdict::kUnparseable: return Score(false, absl::StrCat("unparseable: ", e.detail));
    case Verdict::kBadGroundTruth: return Score(false, absl::StrCat("bad_ground_truth: ", e.detail));
  }
  return Score(false, "wrong");
}

}  // namespace reasonrl::reward
