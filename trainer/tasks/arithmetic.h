// Multi-digit arithmetic: "What is 4821 * 37?" with the exact answer, for R1-Zero runs with no download.
//
// Operations (each problem picks one uniformly from `ops`):
//   +  a + b          a, b with d_a, d_b digits
//   -  a - b          the answer may be negative ("What is 12 - 345?" -> "-333")
//   *  a * b
//   /  exact division: the divisor b (d_b digits, never 0) and the quotient q (d_a digits) are drawn and
//      a = b * q is shown, so "What is a / b?" has the integer answer q. (Division with a remainder would
//      need a two-part answer that math-equivalence rewards cannot check as one value.)
// Digits: d_a, d_b ~ U{min_digits..max_digits} independently; a d-digit number is uniform on
// [10^(d-1), 10^d - 1] for d >= 2 (first digit U{1..9}, the others U{0..9}) and on [0, 9] for d = 1
// ([1, 9] for a divisor). Answers are exact at any size (Boost.Multiprecision cpp_int).
//
// JSONL line: {"prompt": "What is 4821 * 37?", "answer": "178377", "a": "4821", "op": "*", "b": "37"}
// (numbers as strings: JSON readers lose digits beyond 2^53). Load with prompt_field "prompt",
// answer_field "answer" (the defaults).
// Canonical key for deduplication: "op:a,b", with a, b sorted for + and * (3 + 4 and 4 + 3 are one problem).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "trainer/data/random.h"

namespace reasonrl::tasks {

enum class ArithmeticOp : char { kAdd = '+', kSub = '-', kMul = '*', kDiv = '/' };

inline constexpr int64_t kArithmeticMaxDigits = 10000;

// "+,-,*,/" (any non-empty subset, comma-separated, no repeats) -> ops in the order given.
absl::StatusOr<std::vector<ArithmeticOp>> ParseArithmeticOps(std::string_view list);

struct ArithmeticConfig {
  std::vector<ArithmeticOp> ops = {ArithmeticOp::kAdd, ArithmeticOp::kSub, ArithmeticOp::kMul, ArithmeticOp::kDiv};
  int64_t min_digits = 1;  // digits of each operand (for /: of the divisor and of the quotient)
  int64_t max_digits = 3;  // at most kArithmeticMaxDigits
  absl::Status Validate() const;
};

struct ArithmeticProblem {
  std::string a, b;  // decimal operands as shown
  ArithmeticOp op = ArithmeticOp::kAdd;
  std::string answer;  // exact decimal result
};

// One problem drawn from `rng` as described above. REQUIRES: config.Validate().ok().
ArithmeticProblem DrawArithmeticProblem(const ArithmeticConfig& config, data::Rng& rng);

std::string ArithmeticPrompt(const ArithmeticProblem& p);  // "What is 4821 * 37?"
std::string ArithmeticLine(const ArithmeticProblem& p);    // the JSONL line, without its newline
std::string ArithmeticKey(const ArithmeticProblem& p);     // "*:37,4821"

}  // namespace reasonrl::tasks
