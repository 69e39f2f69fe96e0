// libFuzzer target for ParseCountdownExpression (the countdown reward's parser). Besides "never crash,
// hang or leak", it checks the parser against an independent evaluator: every input that parses is
// evaluated again by a shunting-yard pass over its tokens with GMP's mpq_t (a different algorithm and a
// different big-number library than the parser's recursive descent over Boost's cpp_rational); both must
// agree on division by zero and on the exact value. The numbers the parser lists must be the input's
// digit runs, in order, without leading zeros. Then the whole countdown reward runs on the input as an
// <answer> block, and must return a score in {0, 0.1, 1} with a reason exactly when it is not 1.
#include <gmp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "reward/countdown.h"
#include "reward/countdown_expression.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

class Mpq {
 public:
  Mpq() { mpq_init(q_); }
  Mpq(const Mpq& other) {
    mpq_init(q_);
    mpq_set(q_, other.q_);
  }
  Mpq& operator=(const Mpq& other) {
    mpq_set(q_, other.q_);
    return *this;
  }
  ~Mpq() { mpq_clear(q_); }
  mpq_t& get() { return q_; }
  const mpq_t& get() const { return q_; }

 private:
  mpq_t q_;
};

struct Token {
  char kind;  // 'n' number, or one of + - * / ( )
  std::string digits;
};

// Tokens of an input that ParseCountdownExpression accepted (so every byte is one of the accepted
// forms; the unicode signs become their ASCII operators).
std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      size_t j = i;
      while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
      tokens.push_back({'n', std::string(text.substr(i, j - i))});
      i = j;
    } else if (text.substr(i, 2) == "\xC3\x97") {
      tokens.push_back({'*', ""});
      i += 2;
    } else if (text.substr(i, 2) == "\xC3\xB7") {
      tokens.push_back({'/', ""});
      i += 2;
    } else if (text.substr(i, 3) == "\xE2\x88\x92") {
      tokens.push_back({'-', ""});
      i += 3;
    } else if (c == '+' || c == '-' || c == '*' || c == '/' || c == '(' || c == ')') {
      tokens.push_back({c, ""});
      ++i;
    } else {
      ++i;  // whitespace
    }
  }
  return tokens;
}

int Precedence(char op) { return op == '*' || op == '/' ? 2 : 1; }

// Applies `op` to the top two values; false on division by zero.
bool Apply(char op, std::vector<Mpq>* values) {
  Check(values->size() >= 2);
  Mpq rhs = values->back();
  values->pop_back();
  Mpq& lhs = values->back();
  switch (op) {
    case '+': mpq_add(lhs.get(), lhs.get(), rhs.get()); break;
    case '-': mpq_sub(lhs.get(), lhs.get(), rhs.get()); break;
    case '*': mpq_mul(lhs.get(), lhs.get(), rhs.get()); break;
    default:
      if (mpq_sgn(rhs.get()) == 0) return false;
      mpq_div(lhs.get(), lhs.get(), rhs.get());
  }
  return true;
}

// The value by shunting-yard; "" on division by zero.
std::string Evaluate(const std::vector<Token>& tokens) {
  std::vector<Mpq> values;
  std::vector<char> ops;
  bool zero_division = false;
  for (const Token& t : tokens) {
    if (t.kind == 'n') {
      Mpq v;
      Check(mpq_set_str(v.get(), t.digits.c_str(), 10) == 0);
      mpq_canonicalize(v.get());
      values.push_back(v);
    } else if (t.kind == '(') {
      ops.push_back('(');
    } else if (t.kind == ')') {
      while (!ops.empty() && ops.back() != '(') {
        zero_division |= !Apply(ops.back(), &values);
        ops.pop_back();
      }
      Check(!ops.empty());
      ops.pop_back();
    } else {
      while (!ops.empty() && ops.back() != '(' && Precedence(ops.back()) >= Precedence(t.kind)) {
        zero_division |= !Apply(ops.back(), &values);
        ops.pop_back();
      }
      ops.push_back(t.kind);
    }
  }
  while (!ops.empty()) {
    Check(ops.back() != '(');
    zero_division |= !Apply(ops.back(), &values);
    ops.pop_back();
  }
  Check(values.size() == 1);
  if (zero_division) return "";
  char* text = mpq_get_str(nullptr, 10, values[0].get());
  std::string out(text);
  void (*free_function)(void*, size_t);
  mp_get_memory_functions(nullptr, nullptr, &free_function);
  free_function(text, out.size() + 1);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  reasonrl::reward::CountdownExpressionLimits limits;
  limits.max_bytes = 4096;
  const auto parsed = reasonrl::reward::ParseCountdownExpression(text, limits);
  if (parsed.ok()) {
    const std::vector<Token> tokens = Tokenize(text);
    std::vector<std::string> digit_runs;
    for (const Token& t : tokens) {
      if (t.kind == 'n') digit_runs.push_back(reasonrl::reward::CanonicalInteger(t.digits));
    }
    Check(parsed->numbers == digit_runs);
    const std::string value = Evaluate(tokens);
    Check(parsed->division_by_zero == value.empty());
    Check(parsed->value == value);
  } else {
    Check(!parsed.status().message().empty());
  }

  // The whole reward on the input as an answer, with a fixed task.
  reasonrl::reward::Sample sample;
  sample.completion = "<answer>" + std::string(text) + "</answer>";
  sample.extra_json = {{"numbers", "[1, 2, 3, 4]"}, {"target", "10"}};
  const reasonrl::reward::Result result = reasonrl::reward::Countdown(sample);
  Check(result.value == 1.0 || result.value == 0.1 || result.value == 0.0);
  Check((result.value == 1.0) == result.reason.empty());
  return 0;
}
