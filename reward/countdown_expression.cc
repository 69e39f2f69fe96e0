#include "reward/countdown_expression.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "boost/multiprecision/cpp_int.hpp"

namespace reasonrl::reward {
namespace {

using Rational = boost::multiprecision::cpp_rational;
using Integer = boost::multiprecision::cpp_int;

enum class Op { kNone, kAdd, kSub, kMul, kDiv, kOpen, kClose, kNumber, kEnd, kBad };

// A value under evaluation: nullopt once a division by zero has happened below it.
using Value = std::optional<Rational>;

class Parser {
 public:
  Parser(std::string_view text, const CountdownExpressionLimits& limits) : text_(text), limits_(limits) {}

  absl::StatusOr<CountdownExpression> Run() {
    SkipSpace();
    if (pos_ == text_.size()) return absl::InvalidArgumentError("empty expression");
    Value value;
    if (!ParseExpr(0, &value)) return std::move(error_);
    SkipSpace();
    if (pos_ != text_.size()) {
      Unexpected();
      return std::move(error_);
    }
    CountdownExpression out;
    out.numbers = std::move(numbers_);
    if (!value.has_value()) {
      out.division_by_zero = true;
    } else {
      const Integer num = boost::multiprecision::numerator(*value);
      const Integer den = boost::multiprecision::denominator(*value);
      out.value = num.str();
      if (den != 1) absl::StrAppend(&out.value, "/", den.str());
    }
    return out;
  }

 private:
  // Reads the token at pos_ without consuming it; `length` is its byte length.
  Op Peek(size_t* length) {
    SkipSpace();
    *length = 1;
    if (pos_ >= text_.size()) return Op::kEnd;
    const unsigned char c = static_cast<unsigned char>(text_[pos_]);
    switch (c) {
      case '+': return Op::kAdd;
      case '-': return Op::kSub;
      case '*': return Op::kMul;
      case '/': return Op::kDiv;
      case '(': return Op::kOpen;
      case ')': return Op::kClose;
      default: break;
    }
    if (c >= '0' && c <= '9') return Op::kNumber;
    const std::string_view rest = text_.substr(pos_);
    *length = 2;
    if (rest.substr(0, 2) == "\xC3\x97") return Op::kMul;  // × U+00D7
    if (rest.substr(0, 2) == "\xC3\xB7") return Op::kDiv;  // ÷ U+00F7
    *length = 3;
    if (rest.substr(0, 3) == "\xE2\x88\x92") return Op::kSub;  // − U+2212
    *length = 1;
    return Op::kBad;
  }

  void SkipSpace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') break;
      ++pos_;
    }
  }

  // Sets error_ to "unexpected <token> at byte N" for the token at pos_.
  bool Unexpected() {
    size_t length = 0;
    const Op op = Peek(&length);
    if (op == Op::kEnd) {
      error_ = absl::InvalidArgumentError("unexpected end of expression");
    } else if (op == Op::kBad) {
      const unsigned char c = static_cast<unsigned char>(text_[pos_]);
      std::string shown;
      if (c >= 0x21 && c < 0x7f) {
        shown = absl::StrCat("'", std::string(1, static_cast<char>(c)), "'");
      } else {
        static constexpr char kHex[] = "0123456789abcdef";
        shown = absl::StrCat("byte 0x", std::string(1, kHex[c >> 4]), std::string(1, kHex[c & 15]));
      }
      error_ = absl::InvalidArgumentError(absl::StrCat("unexpected ", shown, " at byte ", pos_));
    } else {
      error_ = absl::InvalidArgumentError(absl::StrCat(
          "unexpected '", std::string(text_.substr(pos_, length)), "' at byte ", pos_));
    }
    return false;
  }

  bool ParseExpr(int depth, Value* out) {
    if (!ParseTerm(depth, out)) return false;
    for (;;) {
      size_t length = 0;
      const Op op = Peek(&length);
      if (op != Op::kAdd && op != Op::kSub) return true;
      pos_ += length;
      Value rhs;
      if (!ParseTerm(depth, &rhs)) return false;
      if (out->has_value() && rhs.has_value()) {
        if (op == Op::kAdd) {
          **out += *rhs;
        } else {
          **out -= *rhs;
        }
      } else {
        out->reset();
      }
    }
  }

  bool ParseTerm(int depth, Value* out) {
    if (!ParseFactor(depth, out)) return false;
    for (;;) {
      size_t length = 0;
      const Op op = Peek(&length);
      if (op != Op::kMul && op != Op::kDiv) return true;
      pos_ += length;
      Value rhs;
      if (!ParseFactor(depth, &rhs)) return false;
      if (!out->has_value() || !rhs.has_value() || (op == Op::kDiv && *rhs == 0)) {
        out->reset();
      } else if (op == Op::kMul) {
        **out *= *rhs;
      } else {
        **out /= *rhs;
      }
    }
  }

  bool ParseFactor(int depth, Value* out) {
    size_t length = 0;
    const Op op = Peek(&length);
    if (op == Op::kNumber) {
      const size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      std::string digits = CanonicalInteger(text_.substr(start, pos_ - start));
      *out = Rational(Integer(digits));
      numbers_.push_back(std::move(digits));
      return true;
    }
    if (op == Op::kOpen) {
      if (depth >= limits_.max_depth) {
        error_ = absl::InvalidArgumentError(absl::StrCat("nesting deeper than ", limits_.max_depth));
        return false;
      }
      const size_t open = pos_;
      pos_ += length;
      if (!ParseExpr(depth + 1, out)) return false;
      if (Peek(&length) != Op::kClose) {
        if (Peek(&length) == Op::kEnd) {
          error_ = absl::InvalidArgumentError(absl::StrCat("missing ')' for the '(' at byte ", open));
          return false;
        }
        return Unexpected();
      }
      pos_ += length;
      return true;
    }
    if (op == Op::kAdd || op == Op::kSub) {
      error_ = absl::InvalidArgumentError(
          absl::StrCat("unary '", std::string(text_.substr(pos_, length)), "' at byte ", pos_,
                       " (only binary + - * / are allowed)"));
      return false;
    }
    return Unexpected();
  }

  std::string_view text_;
  const CountdownExpressionLimits& limits_;
  size_t pos_ = 0;
  std::vector<std::string> numbers_;
  absl::Status error_;
};

}  // namespace

std::string CanonicalInteger(std::string_view text) {
  bool negative = false;
  if (!text.empty() && text[0] == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  if (text.empty()) return "";
  for (const char c : text) {
    if (c < '0' || c > '9') return "";
  }
  size_t first = 0;
  while (first + 1 < text.size() && text[first] == '0') ++first;
  std::string out(text.substr(first));
  if (negative && out != "0") out.insert(out.begin(), '-');
  return out;
}

absl::StatusOr<CountdownExpression> ParseCountdownExpression(std::string_view text,
                                                             const CountdownExpressionLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("expression of ", text.size(), " bytes exceeds ", limits.max_bytes));
  }
  return Parser(text, limits).Run();
}

}  // namespace reasonrl::reward
