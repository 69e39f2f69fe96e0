// AnswersEquivalent (math_accuracy.h): normalise, read the ground truth, read the answer the way the
// ground truth's shape says, then compare values.
//
// Expressions are compared point by point: with no free variables at one point, otherwise at
// config.num_points points where every variable takes a pseudo-random rational ±m/997 (101 <= m <= 2990,
// never an integer, so poles such as 1/(x-1) are never hit). Rational points keep polynomial identities
// exact (Schwartz–Zippel: two different polynomials of degree d agree at a random point of a set of size
// N with probability <= d/N). At a point where both sides are Undefined the point says nothing; where one
// is, the answers differ.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "reward/math/evaluate.h"
#include "reward/math/math_accuracy.h"
#include "reward/math/parser.h"

namespace reasonrl::reward {
namespace {

using math::Ast;
using math::Closeness;
using math::Literal;
using math::Node;
using math::Num;
using math::NumLimits;
using math::Op;
using math::ParsedAnswer;
using math::Value;
using Kind = math::Value::Kind;

constexpr int kMaxPlusMinusPerExpression = 3;
// Raw (not yet normalised) text may be this many times max_answer_bytes.
constexpr size_t kRawLengthFactor = 8;
// 10^resolution tests are skipped (tolerance applies) beyond this exponent.
constexpr int64_t kMaxResolutionExponent = 4096;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// The value of variable `name` at point `point`: ±m/997.
Num PointValue(uint64_t seed, std::string_view name, int point, const NumLimits& limits) {
  const uint64_t h = SplitMix64(seed ^ Fnv1a(name) ^ SplitMix64(static_cast<uint64_t>(point) + 1));
  long m = 101 + static_cast<long>(h % 2890);
  if (m % 997 == 0) ++m;
  if ((h >> 40) & 1) m = -m;
  mpq_t q;
  mpq_init(q);
  mpq_set_si(q, m, 997);
  Num n = Num::FromMpq(q, limits);
  mpq_clear(q);
  return n;
}

struct ApproxInfo {
  bool approximate = false;
  int64_t resolution = 0;  // the finest 10^resolution among the approximate literals
};

void CollectApprox(const Ast& ast, int32_t root, ApproxInfo* info) {
  const Node& n = ast.node(root);
  if (n.op == Op::kNumber) {
    const Literal& lit = ast.literals[static_cast<size_t>(n.payload)];
    if (lit.approximate()) {
      info->resolution = info->approximate ? std::min(info->resolution, lit.resolution()) : lit.resolution();
      info->approximate = true;
    }
  }
  for (int32_t k = 0; k < n.count; ++k) CollectApprox(ast, ast.child(n, k), info);
}

void CollectPlusMinus(const Ast& ast, int32_t root, std::vector<int32_t>* bits) {
  const Node& n = ast.node(root);
  if (n.op == Op::kPlusMinus) bits->push_back(n.payload);
  for (int32_t k = 0; k < n.count; ++k) CollectPlusMinus(ast, ast.child(n, k), bits);
}

// Whether v is a multiple of 10^resolution (v · 10^-resolution is an integer).
bool RepresentableAt(const Num& v, int64_t resolution) {
  if (!v.is_rational() || std::abs(resolution) > kMaxResolutionExponent) return false;
  mpz_t p;
  mpq_t t;
  mpz_init(p);
  mpq_init(t);
  mpz_ui_pow_ui(p, 10, static_cast<unsigned long>(std::abs(resolution)));
  mpq_set(t, v.q());
  if (resolution < 0) {
    mpz_mul(mpq_numref(t), mpq_numref(t), p);
  } else {
    mpz_mul(mpq_denref(t), mpq_denref(t), p);
  }
  mpq_canonicalize(t);
  const bool integer = mpz_cmp_ui(mpq_denref(t), 1) == 0;
  mpq_clear(t);
  mpz_clear(p);
  return integer;
}

// A value of one side (0: the answer, 1: the ground truth).
struct Ref {
  int side;
  const Value* v;
};

class Comparator {
 public:
  Comparator(const ParsedAnswer& answer, const ParsedAnswer& truth, const MathAccuracyConfig& config)
      : config_(config) {
    math::ReleaseMpfrCachesAtThreadExit();
    budget_.units = config.max_evaluation_cost;
    sides_[0] = &answer;
    sides_[1] = &truth;
    limits_.precision_bits = config.precision_bits;
    limits_.max_exact_bits = config.max_exact_bits;
    limits_.max_factorial_argument = config.max_factorial_argument;
    const bool any_variables = !answer.ast.variables.empty() || !truth.ast.variables.empty();
    num_points_ = any_variables ? config.num_points : 1;
    for (int s = 0; s < 2; ++s) {
      const Ast& ast = sides_[s]->ast;
      points_[s].resize(static_cast<size_t>(num_points_));
      for (int p = 0; p < num_points_; ++p) {
        for (const std::string& name : ast.variables) {
          points_[s][static_cast<size_t>(p)].push_back(PointValue(config.seed, name, p, limits_));
        }
      }
    }
  }

  bool Equal(Ref a, Ref b) {
    const Value& x = *a.v;
    const Value& y = *b.v;
    if (x.kind == Kind::kChain) return ChainValid(a) && Equal({a.side, &x.items.back()}, b);
    if (y.kind == Kind::kChain) return ChainValid(b) && Equal(a, {b.side, &y.items.back()});
    if (x.kind == Kind::kEquation || y.kind == Kind::kEquation) return EquationEqual(a, b);
    const bool x_bag = x.kind == Kind::kSet || x.kind == Kind::kList;
    const bool y_bag = y.kind == Kind::kSet || y.kind == Kind::kList;
    if (x_bag && x.items.size() == 1 && !y_bag) return Equal({a.side, &x.items[0]}, b);
    if (y_bag && y.items.size() == 1 && !x_bag) return Equal(a, {b.side, &y.items[0]});
    if (x_bag && y_bag) return MultisetEqual(a, b);
    if (x.kind == Kind::kUnion && y.kind == Kind::kUnion) return MultisetEqual(a, b);
    if (x.kind == Kind::kExpr && y.kind == Kind::kExpr) {
      return ExprEqual(a.side, x.root, x.sign_mask, b.side, y.root, y.sign_mask);
    }
    if (x.kind == Kind::kRelation && y.kind == Kind::kRelation) return RelationEqual(a, b);
    if (x.kind == Kind::kMatrix && y.kind == Kind::kMatrix) {
      return x.rows == y.rows && x.cols == y.cols && OrderedEqual(a, b);
    }
    if (x.kind == Kind::kSequence && y.kind == Kind::kSequence) {
      return x.open == y.open && x.close == y.close && OrderedEqual(a, b);
    }
    // A parenthesised tuple also reads as a bare list in order or as a row/column vector.
    if (IsVectorLike(x) && IsVectorLike(y)) return OrderedEqual(a, b);
    return false;
  }

 private:
  static bool IsVectorLike(const Value& v) {
    return (v.kind == Kind::kSequence && v.open == '(' && v.close == ')') || v.kind == Kind::kList ||
           (v.kind == Kind::kMatrix && (v.rows == 1 || v.cols == 1));
  }

  const std::vector<Num>& Values(int side, int32_t root, uint32_t mask) {
    auto key = std::make_tuple(side, root, mask);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    std::vector<Num> values;
    values.reserve(static_cast<size_t>(num_points_));
    for (int p = 0; p < num_points_; ++p) {
      values.push_back(math::Evaluate(sides_[side]->ast, root, mask, points_[side][static_cast<size_t>(p)], limits_,
                                      &budget_));
    }
    return cache_.emplace(key, std::move(values)).first->second;
  }

  ApproxInfo Approx(int side, int32_t root) const {
    ApproxInfo info;
    CollectApprox(sides_[side]->ast, root, &info);
    return info;
  }

  // Exact agreement, or agreement within relative_tolerance when one side is written with decimals and
  // the other side is exact (no decimals) and needs more digits than those (0.333333 against 1/3 or π,
  // not 0.5000001 against 0.5: two decimals are both exact values and compare exactly).
  bool NumbersAgree(const Num& x, const ApproxInfo& ax, const Num& y, const ApproxInfo& ay) const {
    if (math::NumsEqual(x, y, Closeness{}, limits_)) return true;
    const bool rounded = (ax.approximate && !ay.approximate && !RepresentableAt(y, ax.resolution)) ||
                         (ay.approximate && !ax.approximate && !RepresentableAt(x, ay.resolution));
    return rounded && math::NumsEqual(x, y, Closeness{config_.relative_tolerance, false}, limits_);
  }

  bool ExprEqual(int sa, int32_t ra, uint32_t ma, int sb, int32_t rb, uint32_t mb) {
    const std::vector<Num>& va = Values(sa, ra, ma);
    const std::vector<Num>& vb = Values(sb, rb, mb);
    const ApproxInfo aa = Approx(sa, ra);
    const ApproxInfo ab = Approx(sb, rb);
    int informative = 0;
    for (size_t p = 0; p < va.size(); ++p) {
      if (!va[p].defined() && !vb[p].defined()) continue;
      if (!va[p].defined() || !vb[p].defined()) return false;
      ++informative;
      if (!NumbersAgree(va[p], aa, vb[p], ab)) return false;
    }
    return informative > 0;
  }

  bool ChainValid(Ref r) {
    const std::vector<Value>& items = r.v->items;
    for (size_t k = 0; k + 1 < items.size(); ++k) {
      if (!Equal({r.side, &items[k]}, {r.side, &items[k + 1]})) return false;
    }
    return !items.empty();
  }

  // An equation's two sides: a kEquation of two expressions, or an assignment `x = rhs`.
  static bool EquationSides(const Value& v, int32_t* lhs, int32_t* rhs, uint32_t* mask) {
    if (v.kind == Kind::kEquation && v.items.size() == 2 && v.items[0].kind == Kind::kExpr &&
        v.items[1].kind == Kind::kExpr) {
      *lhs = v.items[0].root;
      *rhs = v.items[1].root;
      *mask = v.items[0].sign_mask | v.items[1].sign_mask;
      return true;
    }
    if (v.kind == Kind::kExpr && v.label_node >= 0) {
      *lhs = v.label_node;
      *rhs = v.root;
      *mask = v.sign_mask;
      return true;
    }
    return false;
  }

  // l1 = r1 and l2 = r2 are the same equation when l1 - r1 = k·(l2 - r2) for one constant k != 0.
  bool EquationEqual(Ref a, Ref b) {
    int32_t l1, r1, l2, r2;
    uint32_t m1, m2;
    const bool a_eq = EquationSides(*a.v, &l1, &r1, &m1);
    const bool b_eq = EquationSides(*b.v, &l2, &r2, &m2);
    if (!a_eq || !b_eq) {  // an equation against a value: a chain `6/3 = 2`
      if (a.v->kind == Kind::kEquation) return ChainValid(a) && Equal({a.side, &a.v->items.back()}, b);
      return ChainValid(b) && Equal(a, {b.side, &b.v->items.back()});
    }
    const std::vector<Num>& L1 = Values(a.side, l1, m1);
    const std::vector<Num>& R1 = Values(a.side, r1, m1);
    const std::vector<Num>& L2 = Values(b.side, l2, m2);
    const std::vector<Num>& R2 = Values(b.side, r2, m2);
    ApproxInfo aa = Approx(a.side, l1), ab = Approx(b.side, l2);
    const ApproxInfo ar = Approx(a.side, r1), br = Approx(b.side, r2);
    aa.approximate = aa.approximate || ar.approximate;
    ab.approximate = ab.approximate || br.approximate;
    const Closeness closeness{(aa.approximate || ab.approximate) ? config_.relative_tolerance : 0.0, true};
    const Num zero = Num::Integer(0);
    std::vector<Num> d1, d2;
    for (size_t p = 0; p < L1.size(); ++p) {
      d1.push_back(math::Sub(L1[p], R1[p], limits_));
      d2.push_back(math::Sub(L2[p], R2[p], limits_));
    }
    Num k;
    bool have_k = false;
    bool all_zero = true;
    int informative = 0;  // points where both sides are defined (as ExprEqual: none at all proves nothing)
    for (size_t p = 0; p < d1.size(); ++p) {
      if (!d1[p].defined() && !d2[p].defined()) continue;
      if (!d1[p].defined() || !d2[p].defined()) return false;
      ++informative;
      const bool z1 = math::NumsEqual(d1[p], zero, closeness, limits_);
      const bool z2 = math::NumsEqual(d2[p], zero, closeness, limits_);
      if (z1 != z2) return false;
      if (z2) continue;
      all_zero = false;
      Num ratio = math::Div(d1[p], d2[p], limits_);
      if (!have_k) {
        k = std::move(ratio);
        have_k = true;
      } else if (!math::NumsEqual(ratio, k, closeness, limits_)) {
        return false;
      }
    }
    return informative > 0 && (have_k || all_zero);
  }

  bool OrderedEqual(Ref a, Ref b) {
    const std::vector<Value>& x = a.v->items;
    const std::vector<Value>& y = b.v->items;
    if (x.size() != y.size()) return false;
    for (size_t k = 0; k < x.size(); ++k) {
      if (!LabelsCompatible(x[k], y[k]) || !Equal({a.side, &x[k]}, {b.side, &y[k]})) return false;
    }
    return true;
  }

  // Equal as multisets: every item of one matched to its own equal item of the other (greedy).
  bool MultisetEqual(Ref a, Ref b) {
    const std::vector<Value>& x = a.v->items;
    const std::vector<Value>& y = b.v->items;
    if (x.size() != y.size()) return false;
    std::vector<bool> used(y.size(), false);
    for (const Value& item : x) {
      bool matched = false;
      for (size_t k = 0; k < y.size() && !matched; ++k) {
        if (!used[k] && LabelsCompatible(item, y[k]) && Equal({a.side, &item}, {b.side, &y[k]})) {
          used[k] = true;
          matched = true;
        }
      }
      if (!matched) return false;
    }
    return true;
  }

  static bool LabelsCompatible(const Value& x, const Value& y) {
    return x.label.empty() || y.label.empty() || x.label == y.label;
  }

  // Same operators and sides, or the mirror image (a < b ≡ b > a).
  bool RelationEqual(Ref a, Ref b) {
    const Value& x = *a.v;
    const Value& y = *b.v;
    if (x.items.size() != y.items.size()) return false;
    if (x.ops == y.ops && OrderedEqual(a, b)) return true;
    std::string flipped(x.ops.rbegin(), x.ops.rend());
    for (char& c : flipped) {
      c = c == '<' ? '>' : c == '>' ? '<' : c == 'l' ? 'g' : c == 'g' ? 'l' : c;
    }
    if (flipped != y.ops) return false;
    for (size_t k = 0; k < x.items.size(); ++k) {
      if (!Equal({a.side, &x.items[k]}, {b.side, &y.items[y.items.size() - 1 - k]})) return false;
    }
    return true;
  }

  const MathAccuracyConfig& config_;
  const ParsedAnswer* sides_[2];
  NumLimits limits_;
  int num_points_ = 1;
  std::vector<std::vector<Num>> points_[2];  // [side][point][variable index of that side's Ast]
  std::map<std::tuple<int, int32_t, uint32_t>, std::vector<Num>> cache_;
  math::EvaluationBudget budget_;  // shared by every evaluation of this comparison
};

// ---- ± ----

bool HasPlusMinus(const Ast& ast, const Value& v) {
  if (v.kind == Kind::kExpr && v.root >= 0) {
    std::vector<int32_t> bits;
    CollectPlusMinus(ast, v.root, &bits);
    if (!bits.empty()) return true;
  }
  for (const Value& item : v.items) {
    if (HasPlusMinus(ast, item)) return true;
  }
  return false;
}

// The branches of an expression with ±: one kExpr per choice of signs.
bool Branches(const Ast& ast, const Value& v, std::vector<Value>* out, std::string* error) {
  std::vector<int32_t> bits;
  CollectPlusMinus(ast, v.root, &bits);
  if (bits.empty()) {
    out->push_back(v);
    return true;
  }
  if (static_cast<int>(bits.size()) > kMaxPlusMinusPerExpression) {
    *error = absl::StrCat("more than ", kMaxPlusMinusPerExpression, " \\pm in one expression");
    return false;
  }
  for (uint32_t combo = 0; combo < (1U << bits.size()); ++combo) {
    Value branch = v;
    branch.sign_mask = 0;
    for (size_t j = 0; j < bits.size(); ++j) {
      if ((combo >> j) & 1U) branch.sign_mask |= 1U << bits[j];
    }
    out->push_back(std::move(branch));
  }
  return true;
}

// A top-level expression with ± becomes the set of its branches; items of a list or set are replaced
// by their branches; ± anywhere else (inside a tuple, an equation) is an error.
bool ExpandPlusMinus(const Ast& ast, Value* v, int max_items, std::string* error) {
  if (ast.num_plus_minus == 0) return true;
  if (v->kind == Kind::kExpr) {
    std::vector<Value> branches;
    if (!Branches(ast, *v, &branches, error)) return false;
    if (branches.size() == 1) return true;
    Value set;
    set.kind = Kind::kSet;
    set.items = std::move(branches);
    *v = std::move(set);
    return true;
  }
  if (v->kind == Kind::kList || v->kind == Kind::kSet) {
    std::vector<Value> items;
    for (const Value& item : v->items) {
      if (item.kind == Kind::kExpr) {
        if (!Branches(ast, item, &items, error)) return false;
      } else if (HasPlusMinus(ast, item)) {
        *error = "\\pm inside a tuple or equation";
        return false;
      } else {
        items.push_back(item);
      }
    }
    if (static_cast<int>(items.size()) > max_items) {
      *error = absl::StrCat("more than ", max_items, " items");
      return false;
    }
    v->items = std::move(items);
    return true;
  }
  if (HasPlusMinus(ast, *v)) {
    *error = "\\pm inside a tuple or equation";
    return false;
  }
  return true;
}

// ---- answers that are not formulas ----

char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAlpha(char c) { return IsUpper(Upper(c)); }

// "A", "(A)", "A)", "(A) 12" with an upper-case letter: a multiple-choice ground truth.
std::optional<char> ChoiceLetter(std::string_view s) {
  if (s.size() == 1 && IsUpper(s[0])) return s[0];
  if (s.size() >= 3 && s[0] == '(' && s[2] == ')' && IsUpper(s[1]) && (s.size() == 3 || s[3] == ' ')) return s[1];
  if (s.size() == 2 && s[1] == ')' && IsUpper(s[0])) return s[0];
  return std::nullopt;
}

// The letter an answer picks, in either case: "b", "(B)", "B)", or "(B) 12" / "B) 12" / "B: 12" (the
// option's text after it).
std::optional<char> AnswerChoice(std::string_view a) {
  if (a.size() == 1 && IsAlpha(a[0])) return Upper(a[0]);
  if (a.size() >= 3 && a[0] == '(' && a[2] == ')' && IsAlpha(a[1]) && (a.size() == 3 || a[3] == ' ')) {
    return Upper(a[1]);
  }
  if (a.size() >= 2 && (a[1] == ')' || a[1] == ':') && IsAlpha(a[0]) && (a.size() == 2 || a[2] == ' ')) {
    return Upper(a[0]);
  }
  return std::nullopt;
}

// Whether the answer lists several letters: "A, C", "(A), (B)".
bool SeveralChoices(std::string_view a) {
  int letters = 0;
  size_t start = 0;
  while (start <= a.size()) {
    size_t end = a.find(',', start);
    if (end == std::string_view::npos) end = a.size();
    std::string_view part = a.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!AnswerChoice(part).has_value()) return false;
    ++letters;
    start = end + 1;
  }
  return letters >= 2;
}

// Ground truths such as "Monday", "no solution", "DNE": letters and spaces (also - and ') with a word
// of two or more letters. Compared as text.
bool IsWords(std::string_view s) {
  size_t run = 0, longest = 0;
  for (char c : s) {
    if (IsAlpha(c)) {
      longest = std::max(longest, ++run);
    } else if (c == ' ' || c == '-' || c == '\'') {
      run = 0;
    } else {
      return false;
    }
  }
  return longest >= 2;
}

std::string CanonicalText(std::string_view s) {
  std::string t;
  for (char c : s) {
    if (c != ' ') t.push_back(static_cast<char>(IsAlpha(c) ? (c | 0x20) : c));
  }
  return t;
}

Equivalence MakeEquivalence(Verdict v, std::string detail = {}) { return Equivalence{v, std::move(detail)}; }

}  // namespace

Equivalence AnswersEquivalent(std::string_view answer, std::string_view ground_truth,
                              const MathAccuracyConfig& config) {
  if (absl::Status valid = config.Validate(); !valid.ok()) {
    return MakeEquivalence(Verdict::kUnparseable, absl::StrCat("invalid config: ", std::string(valid.message())));
  }
  // Normalising shortens text only by what it strips; far longer raw text is refused before that work.
  const size_t max_bytes = static_cast<size_t>(config.max_answer_bytes);
  if (ground_truth.size() > kRawLengthFactor * max_bytes) {
    return MakeEquivalence(Verdict::kBadGroundTruth, absl::StrCat("ground truth longer than ", max_bytes, " bytes"));
  }
  if (answer.size() > kRawLengthFactor * max_bytes) {
    return MakeEquivalence(Verdict::kUnparseable, absl::StrCat("answer longer than ", max_bytes, " bytes"));
  }
  const std::string truth = Normalize(ground_truth);
  if (truth.empty()) return MakeEquivalence(Verdict::kBadGroundTruth, "empty ground truth");
  const std::string text = Normalize(answer);
  if (text.empty()) return MakeEquivalence(Verdict::kEmpty);
  if (text == truth) return MakeEquivalence(Verdict::kEqual);

  if (std::optional<char> letter = ChoiceLetter(truth)) {
    if (std::optional<char> picked = AnswerChoice(text)) {
      return MakeEquivalence(*picked == *letter ? Verdict::kEqual : Verdict::kNotEqual);
    }
    return MakeEquivalence(SeveralChoices(text) ? Verdict::kMultipleCandidates : Verdict::kNotEqual);
  }
  if (truth.size() > max_bytes) {
    return MakeEquivalence(Verdict::kBadGroundTruth, absl::StrCat("ground truth longer than ", max_bytes, " bytes"));
  }
  if (text.size() > max_bytes) {
    return MakeEquivalence(Verdict::kUnparseable, absl::StrCat("answer longer than ", max_bytes, " bytes"));
  }
  const bool text_equal = CanonicalText(text) == CanonicalText(truth);
  if (IsWords(truth)) return MakeEquivalence(text_equal ? Verdict::kEqual : Verdict::kNotEqual);

  math::ParseOptions options;
  options.max_nodes = config.max_nodes;
  options.max_depth = config.max_depth;
  options.max_collection_size = config.max_collection_size;
  options.thousands_separators = true;
  absl::StatusOr<ParsedAnswer> truth_parsed = math::ParseAnswer(truth, options);
  // A ground truth that is not mathematics is compared as text.
  if (!truth_parsed.ok()) return MakeEquivalence(text_equal ? Verdict::kEqual : Verdict::kNotEqual);
  const Kind truth_kind = truth_parsed->value.kind;
  const bool scalar = (truth_kind == Kind::kExpr || truth_kind == Kind::kEquation || truth_kind == Kind::kChain) &&
                      truth_parsed->ast.num_plus_minus == 0;
  options.thousands_separators = scalar;
  absl::StatusOr<ParsedAnswer> answer_parsed = math::ParseAnswer(text, options);
  if (!answer_parsed.ok()) {
    return MakeEquivalence(Verdict::kUnparseable, std::string(answer_parsed.status().message()));
  }
  std::string error;
  if (!ExpandPlusMinus(truth_parsed->ast, &truth_parsed->value, config.max_collection_size, &error)) {
    return MakeEquivalence(Verdict::kBadGroundTruth, error);
  }
  if (!ExpandPlusMinus(answer_parsed->ast, &answer_parsed->value, config.max_collection_size, &error)) {
    return MakeEquivalence(Verdict::kUnparseable, error);
  }
  const Value& a = answer_parsed->value;
  if (scalar && (a.kind == Kind::kList || a.kind == Kind::kSet) && a.items.size() > 1) {
    return MakeEquivalence(Verdict::kMultipleCandidates);
  }
  Comparator comparator(*answer_parsed, *truth_parsed, config);
  const bool equal = comparator.Equal({0, &answer_parsed->value}, {1, &truth_parsed->value});
  return MakeEquivalence(equal ? Verdict::kEqual : Verdict::kNotEqual);
}

}  // namespace reasonrl::reward
