#include "trainer/tasks/arithmetic.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "boost/multiprecision/cpp_int.hpp"
#include "nlohmann/json.hpp"

namespace reasonrl::tasks {
namespace {

using boost::multiprecision::cpp_int;

// A uniform d-digit number as text: see the header.
std::string RandomDigits(data::Rng& rng, int64_t digits, bool nonzero) {
  if (digits == 1) return std::string(1, static_cast<char>('0' + data::UniformInt(rng, nonzero ? 1 : 0, 9)));
  std::string s;
  s.reserve(static_cast<size_t>(digits));
  s.push_back(static_cast<char>('0' + data::UniformInt(rng, 1, 9)));
  for (int64_t i = 1; i < digits; ++i) s.push_back(static_cast<char>('0' + data::UniformInt(rng, 0, 9)));
  return s;
}

}  // namespace

absl::StatusOr<std::vector<ArithmeticOp>> ParseArithmeticOps(std::string_view list) {
  std::vector<ArithmeticOp> ops;
  for (absl::string_view part : absl::StrSplit(absl::string_view(list.data(), list.size()), ',')) {
    ArithmeticOp op;
    if (part == "+") {
      op = ArithmeticOp::kAdd;
    } else if (part == "-") {
      op = ArithmeticOp::kSub;
    } else if (part == "*") {
      op = ArithmeticOp::kMul;
    } else if (part == "/") {
      op = ArithmeticOp::kDiv;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("arithmetic ops: \"", std::string(part),
                                                     "\" is not one of +, -, *, / (write e.g. \"+,-,*,/\")"));
    }
    if (std::find(ops.begin(), ops.end(), op) != ops.end()) {
      return absl::InvalidArgumentError(absl::StrCat("arithmetic ops: \"", std::string(part), "\" listed twice"));
    }
    ops.push_back(op);
  }
  return ops;
}

absl::Status ArithmeticConfig::Validate() const {
  if (ops.empty()) return absl::InvalidArgumentError("arithmetic: no operations");
  if (min_digits < 1) return absl::InvalidArgumentError(absl::StrCat("arithmetic: min_digits ", min_digits, " < 1"));
  if (max_digits > kArithmeticMaxDigits) {
    return absl::InvalidArgumentError(
        absl::StrCat("arithmetic: max_digits ", max_digits, " > ", kArithmeticMaxDigits));
  }
  if (min_digits > max_digits) {
    return absl::InvalidArgumentError(
        absl::StrCat("arithmetic: min_digits ", min_digits, " > max_digits ", max_digits));
  }
  return absl::OkStatus();
}

ArithmeticProblem DrawArithmeticProblem(const ArithmeticConfig& config, data::Rng& rng) {
  ArithmeticProblem p;
  p.op = config.ops[static_cast<size_t>(data::UniformBelow(rng, config.ops.size()))];
  const int64_t digits_a = data::UniformInt(rng, config.min_digits, config.max_digits);
  const int64_t digits_b = data::UniformInt(rng, config.min_digits, config.max_digits);
  std::string x = RandomDigits(rng, digits_a, /*nonzero=*/false);
  std::string y = RandomDigits(rng, digits_b, /*nonzero=*/p.op == ArithmeticOp::kDiv);
  const cpp_int a(x), b(y);
  switch (p.op) {
    case ArithmeticOp::kAdd: p.answer = cpp_int(a + b).str(); break;
    case ArithmeticOp::kSub: p.answer = cpp_int(a - b).str(); break;
    case ArithmeticOp::kMul: p.answer = cpp_int(a * b).str(); break;
    case ArithmeticOp::kDiv:  // x is the quotient; show (y * x) / y
      p.answer = x;
      x = cpp_int(b * a).str();
      break;
  }
  p.a = std::move(x);
  p.b = std::move(y);
  return p;
}

std::string ArithmeticPrompt(const ArithmeticProblem& p) {
  return absl::StrCat("What is ", p.a, " ", std::string(1, static_cast<char>(p.op)), " ", p.b, "?");
}

std::string ArithmeticLine(const ArithmeticProblem& p) {
  nlohmann::ordered_json j;
  j["prompt"] = ArithmeticPrompt(p);
  j["answer"] = p.answer;
  j["a"] = p.a;
  j["op"] = std::string(1, static_cast<char>(p.op));
  j["b"] = p.b;
  return j.dump();
}

std::string ArithmeticKey(const ArithmeticProblem& p) {
  std::string a = p.a, b = p.b;
  if ((p.op == ArithmeticOp::kAdd || p.op == ArithmeticOp::kMul) && b < a) std::swap(a, b);
  return absl::StrCat(std::string(1, static_cast<char>(p.op)), ":", a, ",", b);
}

}  // namespace reasonrl::tasks
