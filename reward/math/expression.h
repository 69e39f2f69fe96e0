// The parsed form of an answer: expression trees in a flat arena (Ast) and the answer's shape on top of
// them (Value: one expression, a tuple/interval, a set, a bare list, a union, an equation, a matrix, ...).
//
// Nodes live in Ast::nodes and refer to their children through Ast::children (first, count), so a parse
// makes a handful of vector allocations however large the expression; a plain number is one node and one
// literal. Node indices are int32_t; -1 means "none".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reward/math/number.h"

namespace reasonrl::reward::math {

enum class Op : uint8_t {
  kNumber,     // payload: index into Ast::literals
  kVariable,   // payload: index into Ast::variables
  kPi,
  kE,
  kI,          // the imaginary unit
  kInfinity,   // +∞ (negated by kNeg)
  kAdd,        // n-ary sum of the children
  kMul,        // n-ary product
  kNeg,        // -child
  kDiv,        // child0 / child1
  kPow,        // child0 ^ child1
  kPlusMinus,  // child0 ± child1; payload: its bit in the sign mask (bit set: minus)
  kFunc,       // fn(child0)
  kLog,        // log_{child0}(child1)
  kRoot,       // child1^(1/child0)
  kFactorial,  // child0!
  kBinom,      // binom(child0, child1)
  kAbs,
  kFloor,
  kCeil,
};

struct Node {
  Op op = Op::kNumber;
  Fn fn = Fn::kSin;       // kFunc only
  bool int_fraction = false;  // a \frac of two integer literals (for mixed numbers: 2\frac{1}{2} = 5/2)
  int32_t first = 0;      // children: Ast::children[first, first + count)
  int32_t count = 0;
  int32_t payload = -1;
};

// A number as written, unsigned: digits[0, size-frac_digits) . digits[size-frac_digits, size) repeat̅
// × 10^exp10, or (base != 10) an integer in that base.
struct Literal {
  std::string digits;       // without separators or decimal point
  int32_t frac_digits = 0;  // how many of `digits` follow the decimal point
  std::string repeat;       // repeating block after the fraction digits (0.1\overline{6} = 1/6)
  int64_t exp10 = 0;        // scientific notation: 1.5e3, 1.5 \times 10^{3}
  int32_t base = 10;        // 1011_2: digits in base 2..36 (no fraction, exponent or repeat)
  bool decimal_point = false;  // written with a decimal point (3.0, .5)
  bool scientific = false;     // written with an exponent

  // A decimal or scientific number is an approximation, exact only to its last written digit: 10^resolution.
  bool approximate() const { return (decimal_point || scientific) && repeat.empty(); }
  int64_t resolution() const { return exp10 - frac_digits; }
};

struct Ast {
  std::vector<Node> nodes;
  std::vector<int32_t> children;
  std::vector<Literal> literals;
  std::vector<std::string> variables;  // names as written: "x", "a_1", "\theta"
  int32_t num_plus_minus = 0;

  const Node& node(int32_t i) const { return nodes[static_cast<size_t>(i)]; }
  int32_t child(const Node& n, int32_t k) const { return children[static_cast<size_t>(n.first + k)]; }
};

// The shape of an answer.
struct Value {
  enum class Kind : uint8_t {
    kExpr,      // one expression: root (with sign_mask choosing the branches of its ± nodes)
    kSequence,  // bracketed, ordered: tuples and intervals, `(1,2)`, `[0, \infty)`; open/close kept
    kSet,       // `\{1, 2\}`, `\emptyset`: unordered
    kList,      // bare `1, 2, 3` or `1 \text{ or } 2`: unordered
    kUnion,     // `A \cup B`: unordered
    kEquation,  // items[0] = items[1] = ...; not an assignment
    kChain,     // an assignment with several right sides, `x = 10/2 = 5`: valid when all sides are equal
    kMatrix,    // rows × cols items, row-major
    kRelation,  // inequalities that are not an interval, e.g. `x + y > 3`: ops[k] between items k, k+1
  };
  Kind kind = Kind::kExpr;
  int32_t root = -1;       // kExpr
  uint32_t sign_mask = 0;  // kExpr: bit b set takes the minus branch of ± node b
  char open = 0, close = 0;  // kSequence: '(' or '[', ')' or ']'
  int32_t rows = 0, cols = 0;  // kMatrix
  std::string ops;         // kRelation: one char per operator: '<', 'l' (≤), '>', 'g' (≥), '!' (≠)
  std::string label;       // an assignment's variable (`x = 5`: label "x", the value 5)
  int32_t label_node = -1; // the variable's node, for comparing an assignment with an equation
  std::vector<Value> items;
};

}  // namespace reasonrl::reward::math
