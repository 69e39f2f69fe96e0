#include "reward/countdown.h"

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "reward/countdown_expression.h"
#include "reward/format.h"

namespace reasonrl::reward {
namespace {

struct Task {
  std::vector<std::string> numbers;  // canonical decimal
  std::string target;                // canonical decimal
};

// A JSON integer, or a JSON string holding one, in canonical decimal. Floats are accepted only when
// they are integral and exactly representable (|x| <= 2^53).
absl::StatusOr<std::string> JsonInteger(const nlohmann::json& value, const std::string& what) {
  if (value.is_number_unsigned()) return std::to_string(value.get<uint64_t>());
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number_float()) {
    const double x = value.get<double>();
    if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) <= 9007199254740992.0) {
      return std::to_string(static_cast<int64_t>(x));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": ", value.dump(), " is not an exact integer (write large integers as strings of digits)"));
  }
  if (value.is_string()) {
    std::string canonical = CanonicalInteger(value.get<std::string>());
    if (!canonical.empty()) return canonical;
  }
  return absl::InvalidArgumentError(absl::StrCat(what, ": expected an integer, got ", value.dump()));
}

absl::StatusOr<Task> ReadTask(const Sample& sample) {
  auto numbers_it = sample.extra_json.find("numbers");
  const char* numbers_key = "numbers";
  if (numbers_it == sample.extra_json.end()) {
    numbers_it = sample.extra_json.find("nums");
    numbers_key = "nums";
  }
  if (numbers_it == sample.extra_json.end()) {
    return absl::InvalidArgumentError("no \"numbers\" (or \"nums\") in the sample's task fields");
  }
  const auto target_it = sample.extra_json.find("target");
  if (target_it == sample.extra_json.end()) {
    return absl::InvalidArgumentError("no \"target\" in the sample's task fields");
  }
  const nlohmann::json numbers = nlohmann::json::parse(numbers_it->second, nullptr, false);
  if (numbers.is_discarded() || !numbers.is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(numbers_key, ": expected a JSON array of integers, got ", numbers_it->second));
  }
  Task task;
  for (size_t i = 0; i < numbers.size(); ++i) {
    const std::string what = absl::StrCat(numbers_key, "[", i, "]");
    auto number = JsonInteger(numbers[i], what);
    if (!number.ok()) return number.status();
    if ((*number)[0] == '-') {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": ", *number, " is negative (an expression cannot write it)"));
    }
    task.numbers.push_back(*std::move(number));
  }
  if (task.numbers.empty()) return absl::InvalidArgumentError(absl::StrCat(numbers_key, ": empty"));
  const nlohmann::json target = nlohmann::json::parse(target_it->second, nullptr, false);
  if (target.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat("target: not JSON: ", target_it->second));
  }
  auto target_value = JsonInteger(target, "target");
  if (!target_value.ok()) return target_value.status();
  task.target = *std::move(target_value);
  return task;
}

// "" when `used` is a permutation of `given`, else the first difference, e.g. "7 used 2 times (given
// 1)", "9 not available", "5 not used".
std::string CompareNumbers(const std::vector<std::string>& used, const std::vector<std::string>& given) {
  std::map<std::string, int> given_count;
  for (const std::string& n : given) ++given_count[n];
  std::map<std::string, int> used_count;
  for (const std::string& n : used) ++used_count[n];
  for (const std::string& n : used) {  // text order, so the message names the first offender
    const int g = given_count.count(n) ? given_count[n] : 0;
    const int u = used_count[n];
    if (g == 0) return absl::StrCat(n, " not available");
    if (u > g) return absl::StrCat(n, " used ", u, " times (given ", g, ")");
  }
  for (const std::string& n : given) {
    const int u = used_count.count(n) ? used_count[n] : 0;
    const int g = given_count[n];
    if (u == 0) return absl::StrCat(n, " not used");
    if (u < g) return absl::StrCat(n, " used ", u, " times (given ", g, ")");
  }
  return "";
}

Result Make(double value, std::string reason) {
  return Result{value, {{"countdown", value}}, std::move(reason)};
}

}  // namespace

absl::Status CountdownConfig::Validate() const {
  if (!std::isfinite(correct_score)) return absl::InvalidArgumentError("correct_score: must be finite");
  if (!std::isfinite(format_score)) return absl::InvalidArgumentError("format_score: must be finite");
  if (max_answer_bytes < 1 || max_answer_bytes > (1 << 20)) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_answer_bytes: must be in [1, 1048576], got ", max_answer_bytes));
  }
  // Each nesting level is three recursive calls holding big rationals: the cap keeps the parser's stack well
  // inside a thread's (an answer of 500k "(" under a 1M cap would overflow it).
  if (max_depth < 1 || max_depth > 1024) {
    return absl::InvalidArgumentError(absl::StrCat("max_depth: must be in [1, 1024], got ", max_depth));
  }
  return absl::OkStatus();
}

Result Countdown(const Sample& sample, const CountdownConfig& config) {
  if (const absl::Status valid = config.Validate(); !valid.ok()) {
    return Make(0.0, absl::StrCat("invalid_config: ", valid.message()));
  }
  const absl::StatusOr<Task> task = ReadTask(sample);
  if (!task.ok()) return Make(0.0, absl::StrCat("bad_task: ", task.status().message()));

  const std::optional<std::string_view> answer = LastTagBlock(sample.completion, "<answer>", "</answer>");
  if (!answer.has_value()) return Make(0.0, "no_answer");
  if (answer->size() > static_cast<size_t>(config.max_answer_bytes)) {
    return Make(config.format_score, absl::StrCat("too_long: ", answer->size(), " bytes"));
  }
  CountdownExpressionLimits limits;
  limits.max_bytes = static_cast<size_t>(config.max_answer_bytes);
  limits.max_depth = config.max_depth;
  const absl::StatusOr<CountdownExpression> expression = ParseCountdownExpression(*answer, limits);
  if (!expression.ok()) {
    return Make(config.format_score, absl::StrCat("unparseable: ", expression.status().message()));
  }
  const std::string numbers_problem = CompareNumbers(expression->numbers, task->numbers);
  if (!numbers_problem.empty()) {
    return Make(config.format_score, absl::StrCat("wrong_numbers: ", numbers_problem));
  }
  if (expression->division_by_zero) return Make(config.format_score, "division_by_zero");
  if (expression->value != task->target) {
    return Make(config.format_score,
                absl::StrCat("wrong_value: ", expression->value, " (target ", task->target, ")"));
  }
  return Make(config.correct_score, "");
}

}  // namespace reasonrl::reward
