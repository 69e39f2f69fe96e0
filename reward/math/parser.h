// Parses a normalised answer (normalize.h) into an Ast and a Value (expression.h).
//
// Grammar (recursive descent; every level bounded by max_depth):
//   answer    := item ((',' | ';') item)*              several items: a bare list
//   item      := union (relop union)*                  relop: = < > \le \ge \ne \in
//   union     := additive ('\cup' additive)*            only sets and intervals may be joined
//   additive  := ['+'|'-'|'\pm'] term (('+'|'-'|'\pm'|'\mp') term)*
//   term      := signed (('*'|'\cdot'|'\times'|'/'|'\div') signed | implicit-factor)*
//   signed    := ('-'|'+') signed | power
//   power     := postfix ['^' exponent ['^' ...]]      right-associative
//   postfix   := primary '!'*
//   primary   := number | letter[_sub] | \greek | \pi | e | i | \infty | (…) | […] | {…} | \{…\} | |…|
//              | \frac A B | \sqrt[n] A | \binom A B | {n \choose k} | \fn^p arg | \log_b arg
//              | \lfloor…\rfloor | \lceil…\rceil | \begin{pmatrix}…\end{pmatrix} | \emptyset
//
// Conventions: implicit multiplication binds like `*` (so `1/2x` = x/2); `2\frac{1}{2}` (an integer
// followed by a \frac of two integers) is the mixed number 5/2; `x^23` takes the whole digit run as the
// exponent; `\sin 2x` = sin(2x) (a function without parentheses takes the implicit product after it);
// `\sin^2 x` = (sin x)^2 and `\sin^{-1} x` = arcsin x; `\log` is the natural logarithm, `\lg` base 10;
// `e` and `i` are Euler's number and the imaginary unit; `1011_2` is a numeral in base 2.
// Two numbers in a row (`3 4`) are an error, not a product.
//
// Answer-level rules: `v = rhs` (v a single variable, or `f(x)`) is an assignment: the value is rhs with
// label v; `v \in S` likewise; `v > c`, `c < v \le d` and the like become intervals; other equations stay
// equations (kEquation), chains `x = 10/2 = 5` become kChain; `( a, b ]` etc. with two or more items are
// kSequence, a single parenthesised item is just grouping.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "reward/math/expression.h"

namespace reasonrl::reward::math {

struct ParseOptions {
  // Read `1,000,000` (groups of exactly three digits after a first group of one to three, not starting
  // with 0) and `1 000` as one number. Otherwise commas always separate items.
  bool thousands_separators = false;
  int max_nodes = 1024;
  int max_depth = 64;
  int max_collection_size = 64;
};

struct ParsedAnswer {
  Ast ast;
  Value value;
};

// InvalidArgument saying what is wrong and where ("unexpected ')' at 7", "unknown command \foo",
// "more than 1024 nodes") when the text does not parse or exceeds a limit.
absl::StatusOr<ParsedAnswer> ParseAnswer(std::string_view text, const ParseOptions& options);

}  // namespace reasonrl::reward::math
