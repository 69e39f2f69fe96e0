#include "reward/math/parser.h"

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "boost/container/small_vector.hpp"
#include "reward/math/literal.h"

namespace reasonrl::reward::math {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Most ± a single answer may carry (each doubles the candidates).
constexpr int kMaxPlusMinus = 16;

struct NamedFn {
  std::string_view name;
  Fn fn;
};
constexpr std::array<NamedFn, 22> kFunctions = {{
    {"sin", Fn::kSin},       {"cos", Fn::kCos},       {"tan", Fn::kTan},       {"cot", Fn::kCot},
    {"sec", Fn::kSec},       {"csc", Fn::kCsc},       {"arcsin", Fn::kAsin},   {"arccos", Fn::kAcos},
    {"arctan", Fn::kAtan},   {"arccot", Fn::kAcot},   {"sinh", Fn::kSinh},     {"cosh", Fn::kCosh},
    {"tanh", Fn::kTanh},     {"exp", Fn::kExp},       {"ln", Fn::kLn},         {"asin", Fn::kAsin},
    {"acos", Fn::kAcos},     {"atan", Fn::kAtan},     {"tg", Fn::kTan},        {"ctg", Fn::kCot},
    {"cosec", Fn::kCsc},     {"sqrt", Fn::kSqrt},
}};

constexpr std::array<std::string_view, 36> kGreek = {
    "alpha", "beta",  "gamma",   "delta", "epsilon", "varepsilon", "zeta",   "eta",   "theta",
    "vartheta", "iota", "kappa", "lambda", "mu",     "nu",         "xi",     "rho",   "sigma",
    "tau",   "upsilon", "phi",   "varphi", "chi",    "psi",        "omega",  "Gamma", "Delta",
    "Theta", "Lambda", "Xi",     "Sigma", "Upsilon", "Phi",        "Psi",    "Omega", "varrho",
};

const NamedFn* FindFunction(std::string_view name) {
  for (const NamedFn& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool IsGreek(std::string_view name) {
  for (std::string_view g : kGreek) {
    if (g == name) return true;
  }
  return false;
}

bool Inverse(Fn fn, Fn* out) {
  switch (fn) {
    case Fn::kSin: *out = Fn::kAsin; return true;
    case Fn::kCos: *out = Fn::kAcos; return true;
    case Fn::kTan: *out = Fn::kAtan; return true;
    case Fn::kCot: *out = Fn::kAcot; return true;
    default: return false;
  }
}

// A parsed operand: an expression node, or a collection (tuple, set, interval, matrix, union), which
// may not take part in arithmetic.
struct Operand {
  int32_t node = -1;
  std::unique_ptr<Value> collection;
  bool number_literal = false;   // a bare number as written
  bool integer_literal = false;  // a bare base-10 integer
  bool name = false;             // a bare variable (can be assigned to)
};

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& options, Ast* ast)
      : s_(text), options_(options), ast_(ast) {}

  absl::Status Run(Value* out) {
    Value v = ParseItemList();
    if (!failed() && Peek() != '\0') FailHere("unexpected");
    if (failed()) return absl::InvalidArgumentError(error_);
    *out = std::move(v);
    return absl::OkStatus();
  }

 private:
  // ---- errors, limits ----
  bool failed() const { return !error_.empty(); }
  void Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }
  void FailHere(std::string_view what) {
    if (pos_ >= s_.size()) {
      Fail(absl::StrCat(std::string(what), " end of answer"));
    } else {
      Fail(absl::StrCat(std::string(what), " '", std::string(1, s_[pos_]), "' at ", pos_));
    }
  }

  class DepthGuard {
   public:
    explicit DepthGuard(Parser* p) : p_(p) {
      if (++p_->depth_ > p_->options_.max_depth) {
        p_->Fail(absl::StrCat("nested deeper than ", p_->options_.max_depth));
      }
    }
    ~DepthGuard() { --p_->depth_; }

   private:
    Parser* p_;
  };

  int32_t AddNode(Op op, std::initializer_list<int32_t> kids, int32_t payload = -1, Fn fn = Fn::kSin) {
    return AddNodeN(op, kids.begin(), kids.size(), payload, fn);
  }
  int32_t AddNodeN(Op op, const int32_t* kids, size_t count, int32_t payload = -1, Fn fn = Fn::kSin) {
    if (failed()) return -1;
    for (size_t k = 0; k < count; ++k) {
      if (kids[k] < 0) return -1;
    }
    if (static_cast<int>(ast_->nodes.size()) >= options_.max_nodes) {
      Fail(absl::StrCat("more than ", options_.max_nodes, " nodes"));
      return -1;
    }
    Node n;
    n.op = op;
    n.fn = fn;
    n.payload = payload;
    n.first = static_cast<int32_t>(ast_->children.size());
    n.count = static_cast<int32_t>(count);
    ast_->children.insert(ast_->children.end(), kids, kids + count);
    ast_->nodes.push_back(n);
    return static_cast<int32_t>(ast_->nodes.size() - 1);
  }
  int32_t Neg(int32_t a) { return AddNode(Op::kNeg, {a}); }
  template <typename Vec>
  int32_t Fold(Op op, const Vec& v) {
    if (v.size() == 1) return v[0];
    return AddNodeN(op, v.data(), v.size());
  }
  int32_t AddLiteral(Literal lit) {
    ast_->literals.push_back(std::move(lit));
    return AddNode(Op::kNumber, {}, static_cast<int32_t>(ast_->literals.size() - 1));
  }
  int32_t AddVariable(std::string name) {
    for (size_t k = 0; k < ast_->variables.size(); ++k) {
      if (ast_->variables[k] == name) return AddNode(Op::kVariable, {}, static_cast<int32_t>(k));
    }
    ast_->variables.push_back(std::move(name));
    return AddNode(Op::kVariable, {}, static_cast<int32_t>(ast_->variables.size() - 1));
  }
  bool CheckCollectionSize(size_t n) {
    if (static_cast<int>(n) > options_.max_collection_size) {
      Fail(absl::StrCat("more than ", options_.max_collection_size, " items"));
      return false;
    }
    return true;
  }

  // ---- characters and commands ----
  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }
  char Peek() {
    SkipSpace();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  char At(size_t p) const { return p < s_.size() ? s_[p] : '\0'; }
  bool StartsWithAt(size_t p, std::string_view prefix) const {
    return s_.size() >= p && s_.substr(p, prefix.size()) == prefix;
  }
  // The control word at the cursor: "frac" for `\frac`, "{" for `\{`, "\\" for `\\`; "" if none.
  std::string_view PeekCommand() {
    if (Peek() != '\\' || pos_ + 1 >= s_.size()) return {};
    size_t j = pos_ + 1;
    if (!IsLetter(s_[j])) return s_.substr(j, 1);
    size_t k = j;
    while (k < s_.size() && IsLetter(s_[k])) ++k;
    return s_.substr(j, k - j);
  }
  bool AcceptCommand(std::string_view name) {
    if (PeekCommand() != name) return false;
    pos_ += 1 + name.size();
    return true;
  }
  bool AcceptChar(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  void ExpectChar(char c) {
    if (!AcceptChar(c)) FailHere(absl::StrCat("expected '", std::string(1, c), "', found"));
  }
  void ExpectCommand(std::string_view name) {
    if (!AcceptCommand(name)) FailHere(absl::StrCat("expected \\", std::string(name), ", found"));
  }
  int32_t RequireExpression(Operand&& o) {
    if (failed()) return -1;
    if (o.collection != nullptr) {
      Fail("a tuple, set or interval inside arithmetic");
      return -1;
    }
    return o.node;
  }

  // ---- answer level ----
  Value ParseItemList() {
    std::vector<Value> items;
    items.push_back(ParseItem());
    while (!failed() && (Peek() == ',' || Peek() == ';')) {
      ++pos_;
      if (!CheckCollectionSize(items.size() + 1)) break;
      items.push_back(ParseItem());
    }
    if (items.size() == 1) return std::move(items[0]);
    Value v;
    v.kind = Value::Kind::kList;
    v.items = std::move(items);
    return v;
  }

  // =, <, >, \le, \ge, \ne, \in: the relation's code and the length of its spelling, or 0.
  char PeekRelation(size_t* len) {
    const char c = Peek();
    if (c == '=') {
      *len = At(pos_ + 1) == '=' ? 2 : 1;
      return '=';
    }
    if (c == '<' || c == '>') {
      const bool eq = At(pos_ + 1) == '=';
      *len = eq ? 2 : 1;
      return c == '<' ? (eq ? 'l' : '<') : (eq ? 'g' : '>');
    }
    const std::string_view cmd = PeekCommand();
    if (cmd.empty()) return 0;
    *len = 1 + cmd.size();
    if (cmd == "le" || cmd == "leq" || cmd == "leqslant") return 'l';
    if (cmd == "ge" || cmd == "geq" || cmd == "geqslant") return 'g';
    if (cmd == "lt") return '<';
    if (cmd == "gt") return '>';
    if (cmd == "ne" || cmd == "neq") return '!';
    if (cmd == "in") return 'e';
    return 0;
  }

  // `f(x) = ...`: a letter, a parenthesised argument list and '='. Consumes the left side.
  bool TryFunctionLhs(Operand* out) {
    SkipSpace();
    size_t p = pos_;
    if (!IsLetter(At(p)) || IsLetter(At(p + 1))) return false;
    size_t q = p + 1;
    while (IsSpace(At(q))) ++q;
    if (At(q) != '(') return false;
    int depth = 0;
    size_t r = q;
    for (; r < s_.size(); ++r) {
      if (s_[r] == '(') ++depth;
      if (s_[r] == ')' && --depth == 0) break;
      if (s_[r] == '=') return false;
    }
    if (r >= s_.size()) return false;
    size_t t = r + 1;
    while (IsSpace(At(t))) ++t;
    if (At(t) != '=' || At(t + 1) == '=') return false;
    std::string name;
    for (size_t k = p; k <= r; ++k) {
      if (!IsSpace(s_[k])) name.push_back(s_[k]);
    }
    out->node = AddVariable(std::move(name));
    out->name = true;
    pos_ = r + 1;
    return true;
  }

  Value ParseItem() {
    DepthGuard guard(this);
    if (failed()) return {};
    std::vector<Operand> sides;
    sides.emplace_back();
    if (!TryFunctionLhs(&sides.back())) sides.back() = ParseUnion();
    std::string ops;
    size_t len = 0;
    while (!failed()) {
      const char op = PeekRelation(&len);
      if (op == 0) break;
      pos_ += len;
      if (!CheckCollectionSize(sides.size() + 1)) break;
      sides.push_back(ParseUnion());
      ops.push_back(op);
    }
    if (failed()) return {};
    if (ops.empty()) return ToValue(std::move(sides[0]));
    return BuildRelation(std::move(sides), ops);
  }

  static Value ToValue(Operand&& o) {
    if (o.collection != nullptr) return std::move(*o.collection);
    Value v;
    v.root = o.node;
    return v;
  }

  bool HasVariables(int32_t root) const {
    const Node& n = ast_->node(root);
    if (n.op == Op::kVariable) return true;
    for (int32_t k = 0; k < n.count; ++k) {
      if (HasVariables(ast_->child(n, k))) return true;
    }
    return false;
  }

  Value BuildRelation(std::vector<Operand> sides, const std::string& ops) {
    const bool all_eq = ops.find_first_not_of('=') == std::string::npos;
    const bool has_name = sides[0].name;
    const std::string name = has_name ? ast_->variables[static_cast<size_t>(ast_->node(sides[0].node).payload)] : "";
    if ((all_eq || ops == "e") && has_name && sides.size() == 2) {
      Value v = ToValue(std::move(sides[1]));
      v.label = name;
      v.label_node = sides[0].node;
      return v;
    }
    if (all_eq) {
      if (sides.size() == 2 && sides[0].collection != nullptr) return ToValue(std::move(sides[1]));
      Value v;
      v.kind = (sides.size() == 2 && sides[0].collection == nullptr && sides[1].collection == nullptr)
                   ? Value::Kind::kEquation
                   : Value::Kind::kChain;
      size_t first = 0;
      if (has_name) {
        v.kind = Value::Kind::kChain;
        v.label = name;
        v.label_node = sides[0].node;
        first = 1;
      }
      for (size_t k = first; k < sides.size(); ++k) v.items.push_back(ToValue(std::move(sides[k])));
      return v;
    }
    if (ops.find_first_of("=e") != std::string::npos) {
      Fail("mixed equation and inequality");
      return {};
    }
    for (const Operand& s : sides) {
      if (s.collection != nullptr) {
        Fail("inequality between sets");
        return {};
      }
    }
    Value interval;
    if (TryInterval(sides, ops, &interval)) return interval;
    Value v;
    v.kind = Value::Kind::kRelation;
    v.ops = ops;
    for (Operand& s : sides) v.items.push_back(ToValue(std::move(s)));
    return v;
  }

  // x > c, c <= x, c < x <= d, d > x >= c as intervals labelled x.
  bool TryInterval(const std::vector<Operand>& sides, const std::string& ops, Value* out) {
    auto is_const = [&](const Operand& o) { return !o.name && !HasVariables(o.node); };
    auto lower = [](char op) { return op == '<' || op == 'l'; };
    int32_t lo = -1, hi = -1;
    char open = '(', close = ')';
    int32_t var = -1;
    if (sides.size() == 2 && sides[0].name && is_const(sides[1])) {  // x op c
      var = sides[0].node;
      if (ops[0] == '!') return false;
      if (lower(ops[0])) {
        hi = sides[1].node;
        close = ops[0] == 'l' ? ']' : ')';
      } else {
        lo = sides[1].node;
        open = ops[0] == 'g' ? '[' : '(';
      }
    } else if (sides.size() == 2 && sides[1].name && is_const(sides[0])) {  // c op x
      var = sides[1].node;
      if (ops[0] == '!') return false;
      if (lower(ops[0])) {
        lo = sides[0].node;
        open = ops[0] == 'l' ? '[' : '(';
      } else {
        hi = sides[0].node;
        close = ops[0] == 'g' ? ']' : ')';
      }
    } else if (sides.size() == 3 && sides[1].name && is_const(sides[0]) && is_const(sides[2]) &&
               ops[0] != '!' && ops[1] != '!' && lower(ops[0]) == lower(ops[1])) {
      var = sides[1].node;
      const bool up = lower(ops[0]);
      lo = up ? sides[0].node : sides[2].node;
      hi = up ? sides[2].node : sides[0].node;
      const char lo_op = up ? ops[0] : ops[1];
      const char hi_op = up ? ops[1] : ops[0];
      open = (lo_op == 'l' || lo_op == 'g') ? '[' : '(';
      close = (hi_op == 'l' || hi_op == 'g') ? ']' : ')';
    } else {
      return false;
    }
    if (lo < 0) lo = Neg(AddNode(Op::kInfinity, {}));
    if (hi < 0) hi = AddNode(Op::kInfinity, {});
    out->kind = Value::Kind::kSequence;
    out->open = open;
    out->close = close;
    out->label = ast_->variables[static_cast<size_t>(ast_->node(var).payload)];
    out->label_node = var;
    out->items.resize(2);
    out->items[0].root = lo;
    out->items[1].root = hi;
    return !failed();
  }

  Operand ParseUnion() {
    Operand first = ParseAdditive();
    if (failed() || PeekCommand() != "cup") return first;
    Value u;
    u.kind = Value::Kind::kUnion;
    if (first.collection == nullptr) {
      Fail("\\cup of something that is not a set or interval");
      return {};
    }
    u.items.push_back(std::move(*first.collection));
    while (!failed() && AcceptCommand("cup")) {
      Operand next = ParseAdditive();
      if (failed()) return {};
      if (next.collection == nullptr) {
        Fail("\\cup of something that is not a set or interval");
        return {};
      }
      if (!CheckCollectionSize(u.items.size() + 1)) return {};
      u.items.push_back(std::move(*next.collection));
    }
    Operand r;
    r.collection = std::make_unique<Value>(std::move(u));
    return r;
  }

  // ---- arithmetic ----
  bool AtPlusMinus() {
    const std::string_view cmd = PeekCommand();
    return cmd == "pm" || cmd == "mp";
  }

  int32_t PlusMinus(int32_t a, int32_t b) {
    if (ast_->num_plus_minus >= kMaxPlusMinus) {
      Fail(absl::StrCat("more than ", kMaxPlusMinus, " \\pm"));
      return -1;
    }
    return AddNode(Op::kPlusMinus, {a, b}, ast_->num_plus_minus++);
  }

  int32_t Zero() {
    Literal zero;
    zero.digits = "0";
    return AddLiteral(std::move(zero));
  }

  Operand ParseAdditive() {
    DepthGuard guard(this);
    if (failed()) return {};
    boost::container::small_vector<int32_t, 8> terms;
    const char c = Peek();
    if (c == '-' || c == '+') {
      ++pos_;
      const int32_t t = RequireExpression(ParseTerm());
      terms.push_back(c == '-' ? Neg(t) : t);
    } else if (AtPlusMinus()) {
      AcceptCommand(PeekCommand());
      const int32_t t = RequireExpression(ParseTerm());
      terms.push_back(PlusMinus(Zero(), t));
    } else {
      Operand first = ParseTerm();
      if (failed()) return {};
      const char next = Peek();
      if (next != '+' && next != '-' && !AtPlusMinus()) return first;
      terms.push_back(RequireExpression(std::move(first)));
    }
    while (!failed()) {
      const char op = Peek();
      if (op == '+' || op == '-') {
        ++pos_;
        const int32_t t = RequireExpression(ParseTerm());
        terms.push_back(op == '-' ? Neg(t) : t);
      } else if (AtPlusMinus()) {
        AcceptCommand(PeekCommand());
        const int32_t t = RequireExpression(ParseTerm());
        const int32_t sum = Fold(Op::kAdd, terms);
        terms.clear();
        terms.push_back(PlusMinus(sum, t));
      } else {
        break;
      }
    }
    Operand r;
    r.node = failed() ? -1 : Fold(Op::kAdd, terms);
    return r;
  }

  bool IsPrimaryCommand(std::string_view cmd) const {
    return cmd == "frac" || cmd == "sqrt" || cmd == "binom" || cmd == "pi" || cmd == "infty" ||
           cmd == "log" || cmd == "lg" || cmd == "lfloor" || cmd == "lceil" || cmd == "operatorname" ||
           FindFunction(cmd) != nullptr || IsGreek(cmd);
  }
  bool IsFunctionCommand(std::string_view cmd) const {
    return cmd == "log" || cmd == "lg" || cmd == "operatorname" ||
           (FindFunction(cmd) != nullptr && cmd != "sqrt");
  }
  bool StartsNumber() {
    const char c = Peek();
    return IsDigit(c) || (c == '.' && IsDigit(At(pos_ + 1)));
  }
  // Whether the next token begins a factor multiplied by juxtaposition.
  bool StartsImplicitFactor() {
    const char c = Peek();
    if (StartsNumber() || IsLetter(c) || c == '(' || c == '{') return true;
    if (c == '|') return abs_depth_ == 0;
    if (c == '\\') return IsPrimaryCommand(PeekCommand());
    return false;
  }

  Operand ParseTerm() {
    DepthGuard guard(this);
    if (failed()) return {};
    Operand first = ParseSigned();
    if (failed()) return {};
    boost::container::small_vector<int32_t, 8> factors;
    bool prev_number = first.number_literal;
    bool prev_integer = first.integer_literal;
    bool single = true;
    while (!failed()) {
      const char c = Peek();
      const std::string_view cmd = PeekCommand();
      Operand f;
      bool divide = false;
      bool implicit = false;
      if (c == '*' || cmd == "cdot" || cmd == "times" || cmd == "ast") {
        if (c == '*') {
          ++pos_;
        } else {
          AcceptCommand(cmd);
        }
        f = ParseSigned();
      } else if (c == '/' || cmd == "div") {
        if (c == '/') {
          ++pos_;
        } else {
          AcceptCommand(cmd);
        }
        f = ParseSigned();
        divide = true;
      } else if (StartsImplicitFactor()) {
        if (prev_number && StartsNumber()) {
          FailHere("two numbers in a row:");
          break;
        }
        f = ParsePower();
        implicit = true;
      } else {
        break;
      }
      if (single) {
        factors.push_back(RequireExpression(std::move(first)));
        single = false;
      }
      const bool f_number = f.number_literal;
      const bool f_integer = f.integer_literal;
      const int32_t node = RequireExpression(std::move(f));
      if (failed()) break;
      if (divide) {
        const int32_t num = Fold(Op::kMul, factors);
        factors.clear();
        factors.push_back(AddNode(Op::kDiv, {num, node}));
      } else if (implicit && prev_integer && ast_->node(node).int_fraction) {
        factors.back() = AddNode(Op::kAdd, {factors.back(), node});  // mixed number 2\frac{1}{2}
      } else {
        factors.push_back(node);
      }
      prev_number = f_number;
      prev_integer = f_integer && !divide;
    }
    if (failed()) return {};
    if (single) return first;
    Operand r;
    r.node = Fold(Op::kMul, factors);
    return r;
  }

  Operand ParseSigned() {
    DepthGuard guard(this);
    if (failed()) return {};
    const char c = Peek();
    if (c == '-' || c == '+') {
      ++pos_;
      Operand inner = ParseSigned();
      if (c == '+') return inner;
      Operand r;
      r.node = Neg(RequireExpression(std::move(inner)));
      return r;
    }
    return ParsePower();
  }

  Operand ParsePower() {
    Operand base = ParsePostfix();
    if (failed() || Peek() != '^') return base;
    boost::container::small_vector<int32_t, 4> chain;
    chain.push_back(RequireExpression(std::move(base)));
    while (!failed() && AcceptChar('^')) chain.push_back(ParseExponent());
    if (failed()) return {};
    int32_t acc = chain.back();
    for (size_t k = chain.size() - 1; k-- > 0;) acc = AddNode(Op::kPow, {chain[k], acc});
    Operand r;
    r.node = acc;
    while (!failed() && Peek() == '!') {
      ++pos_;
      r.node = AddNode(Op::kFactorial, {r.node});
    }
    return r;
  }

  int32_t ParseExponent() {
    DepthGuard guard(this);
    if (failed()) return -1;
    const char c = Peek();
    if (c == '{') return ParseBraceExpression();
    if (c == '(') return RequireExpression(ParseBracketed());
    if (c == '-') {
      ++pos_;
      return Neg(ParseExponent());
    }
    if (c == '+') {
      ++pos_;
      return ParseExponent();
    }
    if (StartsNumber()) return ParseNumber(/*allow_thousands=*/false).node;
    if (IsLetter(c)) {
      ++pos_;
      return LetterNode(c, "");
    }
    if (c == '\\') return RequireExpression(ParsePrimary());
    FailHere("missing exponent before");
    return -1;
  }

  Operand ParsePostfix() {
    Operand p = ParsePrimary();
    while (!failed() && Peek() == '!') {
      ++pos_;
      Operand r;
      r.node = AddNode(Op::kFactorial, {RequireExpression(std::move(p))});
      p = std::move(r);
    }
    return p;
  }

  // ---- primaries ----
  Operand ParsePrimary() {
    DepthGuard guard(this);
    if (failed()) return {};
    const char c = Peek();
    if (StartsNumber()) return ParseNumber(options_.thousands_separators);
    if (IsLetter(c)) {
      ++pos_;
      return NameOperand(std::string(1, c));
    }
    if (c == '(' || c == '[') return ParseBracketed();
    if (c == '{') return ParseBraceGroup();
    if (c == '|') {
      ++pos_;
      ++abs_depth_;
      Operand inner = ParseAdditive();
      --abs_depth_;
      const int32_t e = RequireExpression(std::move(inner));
      ExpectChar('|');
      Operand r;
      r.node = AddNode(Op::kAbs, {e});
      return r;
    }
    if (c != '\\') {
      FailHere("unexpected");
      return {};
    }
    const std::string_view cmd = PeekCommand();
    AcceptCommand(cmd);
    Operand r;
    if (cmd == "frac") {
      const int32_t a = ParseMacroArg();
      const int32_t b = ParseMacroArg();
      r.node = AddNode(Op::kDiv, {a, b});
      if (r.node >= 0) ast_->nodes[static_cast<size_t>(r.node)].int_fraction = IsIntegerLiteral(a) && IsIntegerLiteral(b);
    } else if (cmd == "sqrt") {
      int32_t index = -1;
      if (AcceptChar('[')) {
        index = RequireExpression(ParseAdditive());
        ExpectChar(']');
      }
      const int32_t arg = ParseMacroArg();
      r.node = index < 0 ? AddNode(Op::kFunc, {arg}, -1, Fn::kSqrt) : AddNode(Op::kRoot, {index, arg});
    } else if (cmd == "binom") {
      const int32_t n = ParseMacroArg();
      const int32_t k = ParseMacroArg();
      r.node = AddNode(Op::kBinom, {n, k});
    } else if (cmd == "pi") {
      r.node = AddNode(Op::kPi, {});
    } else if (cmd == "infty") {
      r.node = AddNode(Op::kInfinity, {});
    } else if (cmd == "log" || cmd == "lg") {
      r.node = ParseLog(cmd == "lg");
    } else if (cmd == "lfloor" || cmd == "lceil") {
      const int32_t e = RequireExpression(ParseAdditive());
      ExpectCommand(cmd == "lfloor" ? "rfloor" : "rceil");
      r.node = AddNode(cmd == "lfloor" ? Op::kFloor : Op::kCeil, {e});
    } else if (cmd == "{") {
      return ParseSetBody();
    } else if (cmd == "emptyset" || cmd == "varnothing") {
      r.collection = std::make_unique<Value>();
      r.collection->kind = Value::Kind::kSet;
    } else if (cmd == "langle") {
      return ParseBracketed(/*angle=*/true);
    } else if (cmd == "begin") {
      return ParseMatrix();
    } else if (cmd == "operatorname") {
      const std::string name = ReadBraceText();
      const NamedFn* f = FindFunction(name);
      if (f == nullptr) {
        Fail(absl::StrCat("unknown function ", name));
        return {};
      }
      r.node = ParseFunction(f->fn);
    } else if (const NamedFn* f = FindFunction(cmd)) {
      r.node = f->fn == Fn::kSqrt ? AddNode(Op::kFunc, {ParseMacroArg()}, -1, Fn::kSqrt) : ParseFunction(f->fn);
    } else if (IsGreek(cmd)) {
      return NameOperand(std::string(cmd));
    } else {
      Fail(absl::StrCat("unknown command \\", std::string(cmd)));
      return {};
    }
    return r;
  }

  bool IsIntegerLiteral(int32_t node) const {
    if (node < 0) return false;
    const Node& n = ast_->node(node);
    if (n.op != Op::kNumber) return false;
    const Literal& lit = ast_->literals[static_cast<size_t>(n.payload)];
    return !lit.decimal_point && !lit.scientific && lit.base == 10;
  }

  // A letter or Greek name with an optional subscript: a variable, or e / i.
  Operand NameOperand(std::string name) {
    std::string sub;
    if (Peek() == '_') {
      ++pos_;
      sub = ReadSubscript();
    }
    Operand r;
    if (name.size() == 1) {
      r.node = LetterNode(name[0], sub);
      r.name = r.node >= 0 && ast_->node(r.node).op == Op::kVariable;
      return r;
    }
    r.node = AddVariable(sub.empty() ? name : absl::StrCat(name, "_", sub));
    r.name = true;
    return r;
  }
  int32_t LetterNode(char c, const std::string& sub) {
    if (sub.empty() && c == 'e') return AddNode(Op::kE, {});
    if (sub.empty() && c == 'i') return AddNode(Op::kI, {});
    return AddVariable(sub.empty() ? std::string(1, c) : absl::StrCat(std::string(1, c), "_", sub));
  }
  // `_1`, `_{12}`, `_{n+1}`, `_\alpha`: the subscript's text without spaces.
  std::string ReadSubscript() {
    SkipSpace();
    std::string sub;
    if (At(pos_) == '{') {
      int depth = 0;
      size_t p = pos_;
      for (; p < s_.size(); ++p) {
        if (s_[p] == '{') ++depth;
        if (s_[p] == '}' && --depth == 0) break;
        if (!IsSpace(s_[p]) && !(depth == 1 && s_[p] == '{')) sub.push_back(s_[p]);
      }
      if (p >= s_.size()) {
        Fail("unclosed subscript");
        return {};
      }
      pos_ = p + 1;
    } else if (At(pos_) == '\\') {
      const std::string_view cmd = PeekCommand();
      sub = absl::StrCat("\\", std::string(cmd));
      pos_ += 1 + cmd.size();
    } else if (IsDigit(At(pos_)) || IsLetter(At(pos_))) {
      sub.push_back(s_[pos_++]);
    } else {
      FailHere("bad subscript");
    }
    if (sub.empty()) Fail("empty subscript");
    return sub;
  }

  // `{name}` as raw letters (environment and operator names).
  std::string ReadBraceText() {
    if (!AcceptChar('{')) {
      FailHere("expected '{', found");
      return {};
    }
    std::string text;
    while (pos_ < s_.size() && s_[pos_] != '}') {
      if (!IsSpace(s_[pos_])) text.push_back(s_[pos_]);
      ++pos_;
    }
    ExpectChar('}');
    return text;
  }

  // A macro argument: `{expr}`, one digit, one letter, or one command (`\frac12`, `\sqrt\pi`); also
  // `(expr)` as plain text writes it (`sqrt(2)`).
  int32_t ParseMacroArg() {
    DepthGuard guard(this);
    if (failed()) return -1;
    const char c = Peek();
    if (c == '{') return ParseBraceExpression();
    if (c == '(') return RequireExpression(ParseBracketed());
    if (IsDigit(c)) {
      Literal lit;
      lit.digits = std::string(1, c);
      ++pos_;
      return AddLiteral(std::move(lit));
    }
    if (IsLetter(c)) {
      ++pos_;
      return LetterNode(c, "");
    }
    if (c == '\\') return RequireExpression(ParsePrimary());
    FailHere("missing argument before");
    return -1;
  }

  int32_t ParseBraceExpression() {
    ExpectChar('{');
    const int saved_abs = abs_depth_;
    abs_depth_ = 0;
    const int32_t e = RequireExpression(ParseAdditive());
    abs_depth_ = saved_abs;
    ExpectChar('}');
    return e;
  }

  // `(…)`, `[…]`, `\langle…\rangle`: grouping for one item with matching brackets, a sequence otherwise.
  // REQUIRES: the cursor is at '(' or '[', or (angle) just after `\langle`.
  Operand ParseBracketed(bool angle = false) {
    DepthGuard guard(this);
    if (failed()) return {};
    char open = '(';
    if (!angle) open = s_[pos_++];
    const int saved_abs = abs_depth_;
    abs_depth_ = 0;
    Value list = ParseItemList();
    abs_depth_ = saved_abs;
    if (failed()) return {};
    char close = 0;
    if (angle) {
      ExpectCommand("rangle");
      close = ')';
    } else if (Peek() == ')' || Peek() == ']') {
      close = s_[pos_++];
    } else {
      FailHere("missing closing bracket before");
      return {};
    }
    if (failed()) return {};
    Operand r;
    if (list.kind != Value::Kind::kList) {
      const bool matching = (open == '(' && close == ')') || (open == '[' && close == ']');
      if (!matching) {
        Fail("an interval needs two ends");
        return {};
      }
      if (list.kind == Value::Kind::kExpr && list.label.empty()) {
        r.node = list.root;
        return r;
      }
      r.collection = std::make_unique<Value>(std::move(list));
      return r;
    }
    list.kind = Value::Kind::kSequence;
    list.open = open;
    list.close = close;
    r.collection = std::make_unique<Value>(std::move(list));
    return r;
  }

  // `{…}`: grouping, `{n \choose k}`, or (with commas) a set.
  Operand ParseBraceGroup() {
    DepthGuard guard(this);
    if (failed()) return {};
    ++pos_;
    const int saved_abs = abs_depth_;
    abs_depth_ = 0;
    Value list = ParseItemList();
    Operand r;
    if (!failed() && AcceptCommand("choose")) {
      if (list.kind != Value::Kind::kExpr || !list.label.empty()) {
        Fail("\\choose of a non-number");
        return {};
      }
      const int32_t k = RequireExpression(ParseAdditive());
      r.node = AddNode(Op::kBinom, {list.root, k});
    }
    abs_depth_ = saved_abs;
    ExpectChar('}');
    if (failed()) return {};
    if (r.node >= 0) return r;
    if (list.kind == Value::Kind::kExpr && list.label.empty()) {
      r.node = list.root;
      return r;
    }
    if (list.kind == Value::Kind::kList) list.kind = Value::Kind::kSet;
    r.collection = std::make_unique<Value>(std::move(list));
    return r;
  }

  // After `\{`: items up to `\}`.
  Operand ParseSetBody() {
    Value set;
    set.kind = Value::Kind::kSet;
    if (!AcceptCommand("}")) {
      const int saved_abs = abs_depth_;
      abs_depth_ = 0;
      Value list = ParseItemList();
      abs_depth_ = saved_abs;
      ExpectCommand("}");
      if (failed()) return {};
      if (list.kind == Value::Kind::kList) {
        set.items = std::move(list.items);
      } else {
        set.items.push_back(std::move(list));
      }
    }
    Operand r;
    r.collection = std::make_unique<Value>(std::move(set));
    return r;
  }

  // `\begin{pmatrix} a & b \\ c & d \end{pmatrix}` (also bmatrix, Bmatrix, matrix, smallmatrix, array).
  Operand ParseMatrix() {
    const std::string env = ReadBraceText();
    if (failed()) return {};
    if (env != "pmatrix" && env != "bmatrix" && env != "Bmatrix" && env != "matrix" && env != "smallmatrix" &&
        env != "array") {
      Fail(absl::StrCat("unsupported environment ", env));
      return {};
    }
    if (env == "array") ReadBraceText();  // the column spec
    Value m;
    m.kind = Value::Kind::kMatrix;
    int32_t cols_in_row = 0;
    while (!failed()) {
      if (AcceptCommand("end")) {
        if (ReadBraceText() != env) Fail(absl::StrCat("\\begin{", env, "} closed by another \\end"));
        break;
      }
      if (!CheckCollectionSize(m.items.size() + 1)) break;
      Value cell;
      cell.root = RequireExpression(ParseAdditive());
      m.items.push_back(std::move(cell));
      ++cols_in_row;
      if (AcceptChar('&')) continue;
      const bool row_end = AcceptCommand("\\");
      if (m.rows == 0) m.cols = cols_in_row;
      if (cols_in_row != m.cols) Fail("matrix rows of different lengths");
      ++m.rows;
      cols_in_row = 0;
      if (!row_end && PeekCommand() != "end") FailHere("expected & or \\\\ in a matrix, found");
    }
    if (failed()) return {};
    if (m.rows == 0) {
      Fail("empty matrix");
      return {};
    }
    Operand r;
    r.collection = std::make_unique<Value>(std::move(m));
    return r;
  }

  // After `\sin` etc.: optional `^p` or `^{-1}`, then the argument.
  int32_t ParseFunction(Fn fn) {
    int32_t power = -1;
    if (AcceptChar('^')) {
      SkipSpace();
      const size_t save = pos_;
      bool inverse = false;
      if (AcceptChar('{') && AcceptChar('-') && AcceptChar('1') && AcceptChar('}')) inverse = true;
      if (!inverse) {
        pos_ = save;
        if (AcceptChar('-') && AcceptChar('1') && !IsDigit(At(pos_))) inverse = true;
      }
      if (inverse) {
        if (!Inverse(fn, &fn)) {
          Fail("inverse of a function without a named inverse");
          return -1;
        }
      } else {
        pos_ = save;
        power = ParseExponent();
      }
    }
    const int32_t arg = ParseFunctionArgument();
    const int32_t node = AddNode(Op::kFunc, {arg}, -1, fn);
    return power < 0 ? node : AddNode(Op::kPow, {node, power});
  }

  // `(x)`, `{x}`, or the implicit product that follows: `\sin 2x` = sin(2x), stopping before another
  // function (`\sin x \cos x`).
  int32_t ParseFunctionArgument() {
    DepthGuard guard(this);
    if (failed()) return -1;
    const char c = Peek();
    if (c == '(') return RequireExpression(ParseBracketed());
    if (c == '{') return ParseBraceExpression();
    if (c == '-') {
      ++pos_;
      return Neg(ParseFunctionArgument());
    }
    boost::container::small_vector<int32_t, 4> factors;
    while (!failed() && StartsImplicitFactor() && !(Peek() == '\\' && IsFunctionCommand(PeekCommand()))) {
      if (!factors.empty() && StartsNumber()) break;
      factors.push_back(RequireExpression(ParsePower()));
    }
    if (failed()) return -1;
    if (factors.empty()) {
      FailHere("function without an argument before");
      return -1;
    }
    return Fold(Op::kMul, factors);
  }

  // After `\log` / `\lg`: `\log_b x`, `\log x` (natural), `\lg x` (base 10).
  int32_t ParseLog(bool base10) {
    int32_t base = -1;
    if (!base10 && AcceptChar('_')) base = ParseMacroArg();
    if (base10) {
      Literal ten;
      ten.digits = "10";
      base = AddLiteral(std::move(ten));
    }
    if (base < 0) return ParseFunction(Fn::kLn);
    int32_t power = -1;
    if (AcceptChar('^')) power = ParseExponent();
    const int32_t arg = ParseFunctionArgument();
    const int32_t node = AddNode(Op::kLog, {base, arg});
    return power < 0 ? node : AddNode(Op::kPow, {node, power});
  }

  // ---- numbers ----
  Operand ParseNumber(bool allow_thousands) {
    Literal lit;
    std::string error;
    const size_t end = ScanNumberLiteral(s_, pos_, allow_thousands, &lit, &error);
    if (!error.empty()) {
      Fail(std::move(error));
      return {};
    }
    pos_ = end;
    Operand r;
    r.number_literal = true;
    r.integer_literal = !lit.decimal_point && !lit.scientific && lit.base == 10;
    r.node = AddLiteral(std::move(lit));
    return r;
  }

  std::string_view s_;
  const ParseOptions& options_;
  Ast* ast_;
  size_t pos_ = 0;
  int depth_ = 0;
  int abs_depth_ = 0;
  std::string error_;
};

}  // namespace

absl::StatusOr<ParsedAnswer> ParseAnswer(std::string_view text, const ParseOptions& options) {
  ParsedAnswer parsed;
  Parser parser(text, options, &parsed.ast);
  absl::Status status = parser.Run(&parsed.value);
  if (!status.ok()) return status;
  return parsed;
}

}  // namespace reasonrl::reward::math
