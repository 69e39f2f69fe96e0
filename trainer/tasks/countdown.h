// Countdown (TinyZero's task, Jiayi-Pan/TinyZero examples/data_preprocess/countdown.py): given 3-4 numbers
// and a target, write an equation with + - * / that uses each number exactly once and equals the target.
//
// Solver. ReachableTargets searches every expression tree exactly: with V(S) the set of values that
// the numbers of index set S can make, V({i}) = {n_i} and V(S) = ∪ over ordered splits S = A ⊎ B of
// {x + y, x - y, x * y, x / y (y ≠ 0) : x ∈ V(A), y ∈ V(B)}. Values are exact rationals (rational.h), so
// fractional intermediates count (5 * (5 - 1/5) = 24) and nothing is lost to rounding; an overflow is an
// error, never a wrong answer. One expression per value is kept, the first found in a fixed order, and
// printed with the fewest parentheses ("(3 + 5) * 7 - 1").
//
// Generation (DrawCountdownPuzzle, one draw from the caller's engine, random.h):
//   k ~ U{min_numbers..max_numbers}; numbers n_1..n_k ~ U{min_number..max_number} independently;
//   target ~ U(the integers in [target_min, target_max] that the numbers reach), with the recorded
//   solution for it. If the numbers reach no such integer, the draw yields nothing (the caller draws
//   again). Defaults follow TinyZero (3-4 numbers in 1..100, targets up to 1000); TinyZero drew targets
//   independently of the numbers, which leaves most puzzles unsolvable, so ours are conditioned on
//   being solvable.
//
// JSONL line (CountdownLine), field names as in TinyZero's reward ground truth ("target", "numbers"):
//   {"prompt": "Using the numbers [44, 19, 35], create an equation that equals 98. ...",
//    "target": 98, "numbers": [44, 19, 35], "solution": "44 + 19 + 35"}
// There is no "answer" field: many equations are right, the reward checks the equation itself. Load it
// with answer_field "" and extra_fields target, numbers (prompt_dataset.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "trainer/data/random.h"

namespace reasonrl::tasks {

inline constexpr int kCountdownMaxNumbers = 6;
inline constexpr int64_t kCountdownMaxNumberValue = 1000000;  // keeps every value below 2^127 (see .cc)

// Every integer in [lo, hi] that `numbers` reach, each number used exactly once, with one expression for
// each. Errors: fewer than 1 or more than kCountdownMaxNumbers numbers, a number outside
// [1, kCountdownMaxNumberValue], lo > hi.
absl::StatusOr<std::map<int64_t, std::string>> ReachableTargets(const std::vector<int64_t>& numbers, int64_t lo,
                                                                int64_t hi);

// An expression for `target`, or nullopt when none exists. Errors as ReachableTargets.
absl::StatusOr<std::optional<std::string>> SolveCountdown(const std::vector<int64_t>& numbers, int64_t target);

struct CountdownConfig {
  int64_t min_numbers = 3;     // how many numbers a puzzle has: uniform in [min_numbers, max_numbers]
  int64_t max_numbers = 4;     // at most kCountdownMaxNumbers
  int64_t min_number = 1;      // each number uniform in [min_number, max_number], min_number >= 1
  int64_t max_number = 100;    // at most kCountdownMaxNumberValue
  int64_t target_min = 1;      // targets are integers in [target_min, target_max]
  int64_t target_max = 1000;

  // Errors name the flag-style key ("max_numbers 7 > 6").
  absl::Status Validate() const;
};

struct CountdownPuzzle {
  std::vector<int64_t> numbers;  // in the order drawn (and shown)
  int64_t target = 0;
  std::string solution;          // one equation using each number once, e.g. "(3 + 5) * 7 - 1"
};

// One draw as described above; nullopt when the drawn numbers reach no target in range.
// REQUIRES: config.Validate().ok().
absl::StatusOr<std::optional<CountdownPuzzle>> DrawCountdownPuzzle(const CountdownConfig& config, data::Rng& rng);

// The question text (TinyZero's task statement, without its chat template): numbers as "[a, b, c]".
std::string CountdownPrompt(const std::vector<int64_t>& numbers, int64_t target);
// The JSONL line, without its newline.
std::string CountdownLine(const CountdownPuzzle& puzzle);
// The canonical puzzle for deduplication: sorted numbers and the target, "3,5,7:22".
std::string CountdownKey(const CountdownPuzzle& puzzle);

}  // namespace reasonrl::tasks
