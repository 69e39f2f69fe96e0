#include "trainer/tasks/countdown.h"

#include <algorithm>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "trainer/tasks/rational.h"

namespace reasonrl::tasks {
namespace {

// Why the bounds keep __int128 safe: a value made from a set S of k numbers, written num/den in lowest
// terms, has |num|, den <= 2^(k-1) * Π_{i∈S} n_i (induction: a/b ± c/d = (ad ± cb)/(bd), and the products
// formed on the way are the same terms). With k <= 6 and n_i <= 10^6 that is 2^5 * 10^36 < 2^127.
// Rational still checks every operation: were the bound wrong, the search would fail, not return a wrong value.

// A value in V(S) and how it was made: a leaf (op 0, `left` = number index) or left_value op right_value
// with left from V(left_mask) and right from V(mask ^ left_mask).
struct Node {
  Rational value;
  char op = 0;
  uint32_t left_mask = 0;
  uint32_t left = 0;
  uint32_t right = 0;
};

int Precedence(char op) { return op == 0 ? 3 : (op == '*' || op == '/') ? 2 : 1; }

struct Solver {
  const std::vector<int64_t>& numbers;
  std::vector<std::vector<Node>> values;  // values[mask] = V(mask), in the order found

  std::string Render(uint32_t mask, uint32_t index) const {
    const Node& n = values[mask][index];
    if (n.op == 0) return absl::StrCat(numbers[n.left]);
    const uint32_t right_mask = mask ^ n.left_mask;
    return RenderNode(n, Render(n.left_mask, n.left), values[n.left_mask][n.left].op,
                      Render(right_mask, n.right), values[right_mask][n.right].op);
  }

  // Parentheses only where precedence needs them: the left operand when it binds looser than op; the
  // right operand also when it binds equally and op is - or / (a - (b - c) != a - b - c).
  static std::string RenderNode(const Node& n, std::string left, char left_op, std::string right, char right_op) {
    const int p = Precedence(n.op);
    if (Precedence(left_op) < p) left = absl::StrCat("(", left, ")");
    const int pr = Precedence(right_op);
    if (pr < p || (pr == p && (n.op == '-' || n.op == '/'))) right = absl::StrCat("(", right, ")");
    return absl::StrCat(left, " ", std::string(1, n.op), " ", right);
  }
};

absl::Status CheckNumbers(const std::vector<int64_t>& numbers, int64_t lo, int64_t hi) {
  if (numbers.empty() || numbers.size() > static_cast<size_t>(kCountdownMaxNumbers)) {
    return absl::InvalidArgumentError(
        absl::StrCat("countdown: ", numbers.size(), " numbers, expected 1 to ", kCountdownMaxNumbers));
  }
  for (int64_t n : numbers) {
    if (n < 1 || n > kCountdownMaxNumberValue) {
      return absl::InvalidArgumentError(
          absl::StrCat("countdown: number ", n, " outside [1, ", kCountdownMaxNumberValue, "]"));
    }
  }
  if (lo > hi) return absl::InvalidArgumentError(absl::StrCat("countdown: target range [", lo, ", ", hi, "] is empty"));
  return absl::OkStatus();
}

std::optional<Rational> Apply(char op, const Rational& x, const Rational& y) {
  switch (op) {
    case '+': return Add(x, y);
    case '-': return Sub(x, y);
    case '*': return Mul(x, y);
    default: return Div(x, y);  // nullopt for y == 0
  }
}

}  // namespace

absl::StatusOr<std::map<int64_t, std::string>> ReachableTargets(const std::vector<int64_t>& numbers, int64_t lo,
                                                                int64_t hi) {
  if (absl::Status s = CheckNumbers(numbers, lo, hi); !s.ok()) return s;
  const uint32_t k = static_cast<uint32_t>(numbers.size());
  const uint32_t full = (1u << k) - 1;
  Solver solver{numbers, std::vector<std::vector<Node>>(full + 1)};
  for (uint32_t i = 0; i < k; ++i) solver.values[1u << i].push_back(Node{Rational(numbers[i]), 0, 0, i, 0});

  std::map<int64_t, Node> targets;  // the full set keeps only integers in [lo, hi]
  // Submasks are numerically smaller than their mask, so increasing order has V(A), V(B) ready.
  for (uint32_t mask = 1; mask <= full; ++mask) {
    if ((mask & (mask - 1)) == 0) continue;  // single numbers: done above
    const bool is_full = mask == full;
    std::vector<Node>& out = solver.values[mask];
    std::unordered_map<Rational, uint32_t, RationalHash> seen;
    for (uint32_t a = (mask - 1) & mask; a > 0; a = (a - 1) & mask) {
      const uint32_t b = mask ^ a;
      const std::vector<Node>& va = solver.values[a];
      const std::vector<Node>& vb = solver.values[b];
      for (uint32_t i = 0; i < va.size(); ++i) {
        for (uint32_t j = 0; j < vb.size(); ++j) {
          for (char op : {'+', '-', '*', '/'}) {
            // + and * commute: the split (b, a) gives the same values, so take them once, from a > b.
            if ((op == '+' || op == '*') && a < b) continue;
            if (op == '/' && vb[j].value.is_zero()) continue;
            std::optional<Rational> v = Apply(op, va[i].value, vb[j].value);
            if (!v) {
              return absl::OutOfRangeError(absl::StrCat("countdown: arithmetic overflow with numbers [",
                                                        absl::StrJoin(numbers, ", "), "]"));
            }
            Node node{*v, op, a, i, j};
            if (is_full) {
              if (v->is_integer() && v->num() >= lo && v->num() <= hi) {
                targets.emplace(static_cast<int64_t>(v->num()), node);
              }
            } else if (seen.emplace(*v, static_cast<uint32_t>(out.size())).second) {
              out.push_back(node);
            }
          }
        }
      }
    }
  }
  if (k == 1 && numbers[0] >= lo && numbers[0] <= hi) targets.emplace(numbers[0], solver.values[1][0]);

  std::map<int64_t, std::string> result;
  for (const auto& [target, node] : targets) {
    if (node.op == 0) {
      result.emplace(target, absl::StrCat(numbers[node.left]));
      continue;
    }
    const uint32_t right_mask = full ^ node.left_mask;
    result.emplace(target, Solver::RenderNode(node, solver.Render(node.left_mask, node.left),
                                              solver.values[node.left_mask][node.left].op,
                                              solver.Render(right_mask, node.right),
                                              solver.values[right_mask][node.right].op));
  }
  return result;
}

absl::StatusOr<std::optional<std::string>> SolveCountdown(const std::vector<int64_t>& numbers, int64_t target) {
  absl::StatusOr<std::map<int64_t, std::string>> reachable = ReachableTargets(numbers, target, target);
  if (!reachable.ok()) return reachable.status();
  if (reachable->empty()) return std::optional<std::string>();
  return std::optional<std::string>(reachable->begin()->second);
}

absl::Status CountdownConfig::Validate() const {
  auto bad = [](auto... parts) { return absl::InvalidArgumentError(absl::StrCat("countdown: ", parts...)); };
  if (min_numbers < 1) return bad("min_numbers ", min_numbers, " < 1");
  if (max_numbers > kCountdownMaxNumbers) return bad("max_numbers ", max_numbers, " > ", kCountdownMaxNumbers);
  if (min_numbers > max_numbers) return bad("min_numbers ", min_numbers, " > max_numbers ", max_numbers);
  if (min_number < 1) return bad("min_number ", min_number, " < 1");
  if (max_number > kCountdownMaxNumberValue) return bad("max_number ", max_number, " > ", kCountdownMaxNumberValue);
  if (min_number > max_number) return bad("min_number ", min_number, " > max_number ", max_number);
  if (target_min > target_max) return bad("target_min ", target_min, " > target_max ", target_max);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<CountdownPuzzle>> DrawCountdownPuzzle(const CountdownConfig& config, data::Rng& rng) {
  CountdownPuzzle puzzle;
  const int64_t k = data::UniformInt(rng, config.min_numbers, config.max_numbers);
  for (int64_t i = 0; i < k; ++i) puzzle.numbers.push_back(data::UniformInt(rng, config.min_number, config.max_number));
  absl::StatusOr<std::map<int64_t, std::string>> reachable =
      ReachableTargets(puzzle.numbers, config.target_min, config.target_max);
  if (!reachable.ok()) return reachable.status();
  if (reachable->empty()) return std::optional<CountdownPuzzle>();
  auto it = reachable->begin();
  std::advance(it, static_cast<std::ptrdiff_t>(data::UniformBelow(rng, reachable->size())));
  puzzle.target = it->first;
  puzzle.solution = it->second;
  return std::optional<CountdownPuzzle>(std::move(puzzle));
}

std::string CountdownPrompt(const std::vector<int64_t>& numbers, int64_t target) {
  return absl::StrCat("Using the numbers [", absl::StrJoin(numbers, ", "), "], create an equation that equals ",
                      target,
                      ". You can use basic arithmetic operations (+, -, *, /) and each number can only be used "
                      "once. Show your work in <think> </think> tags. And return the final answer in <answer> "
                      "</answer> tags, for example <answer> (1 + 2) / 3 </answer>.");
}

std::string CountdownLine(const CountdownPuzzle& puzzle) {
  nlohmann::ordered_json j;
  j["prompt"] = CountdownPrompt(puzzle.numbers, puzzle.target);
  j["target"] = puzzle.target;
  j["numbers"] = puzzle.numbers;
  j["solution"] = puzzle.solution;
  return j.dump();
}

std::string CountdownKey(const CountdownPuzzle& puzzle) {
  std::vector<int64_t> sorted = puzzle.numbers;
  std::sort(sorted.begin(), sorted.end());
  return absl::StrCat(absl::StrJoin(sorted, ","), ":", puzzle.target);
}

}  // namespace reasonrl::tasks
