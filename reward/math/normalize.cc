// Normalize (math_accuracy.h): the cosmetic part of reading an answer, as text to text.
//
// One pass scans the text once, control word by control word:
//   deleted      $  %  \$ \%  \, \! \; \: \>  \( \) \[ \]  \left \right \big… \middle  \displaystyle …
//                ^\circ ^{\circ} \circ \degree °  currency (\euro, €, £, ¥)
//   respelled    \dfrac \tfrac \cfrac → \frac   \dbinom \tbinom → \binom   \leq → \le  \geq → \ge
//                \neq → \ne  \lvert \rvert \vert \mid → |   \lbrace \rbrace → \{ \}   ** → ^   ~ → space
//                Unicode − × ÷ · π ∞ √ ≤ ≥ ≠ ± ∪ ∈ ² ³ → their LaTeX;  plain words sqrt, sin, …, pi,
//                infinity → \sqrt, \sin, …, \pi, \infty;  the words "or"/"and" → ", "
//   unwrapped    \mathbf{X} \textbf{X} \boldsymbol{X} \mathit{X} \emph{X} \boxed{X} … → X
//   \text{X}     (also \mbox, \textrm, \mathrm): ", " for "or"/"and"; X itself at the start of the answer
//                (`\text{(B)}`, `\text{Monday}`) or when X does not start with a letter (then without unit
//                words after a quantity: `\text{18 dollars}` → `18`); otherwise unit text after a quantity,
//                deleted with a following ^2 / ^3 (`5\text{ cm}^2` → `5`).
//                \mathrm{X} of one letter (e, i) or of a function name is X / \X.
// Unwrapping happens in place (the content is scanned next, the closing brace dropped), so nesting costs
// nothing extra: brace pairs are matched once per pass. Then whitespace runs become one space, trailing
// periods, spaces and `\\` are dropped, and braces around the whole answer are removed. Passes repeat
// until nothing changes (a deletion can make new words: `s$qrt` → `sqrt`), at most kMaxPasses times,
// which makes Normalize idempotent in practice (the fuzzer checks it). Linear time per pass.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "reward/math/math_accuracy.h"

namespace reasonrl::reward {
namespace {

constexpr int kMaxPasses = 8;

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool OneOf(std::string_view s, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (s == n) return true;
  }
  return false;
}

bool IsWordOr(std::string_view t) {
  std::string lower;
  for (char c : t) {
    if (!IsSpace(c) && c != ',') lower.push_back(Lower(c));
  }
  return lower == "or" || lower == "and";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

constexpr std::array<std::string_view, 18> kPlainFunctions = {
    "sqrt", "sin", "cos", "tan", "cot", "sec", "csc", "ln", "log",
    "exp", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "pi", "infty"};

struct Utf8Replacement {
  std::string_view from;
  std::string_view to;
  bool command;  // `to` is a control word: separate it from a following letter
};
constexpr std::array<Utf8Replacement, 28> kUtf8 = {{
    {"\xE2\x88\x92", "-", false},       {"\xE2\x80\x93", "-", false},      {"\xE2\x80\x94", "-", false},
    {"\xC3\x97", "\\times", true},      {"\xC3\xB7", "\\div", true},       {"\xC2\xB7", "\\cdot", true},
    {"\xE2\x8B\x85", "\\cdot", true},   {"\xCF\x80", "\\pi", true},        {"\xE2\x88\x9E", "\\infty", true},
    {"\xE2\x88\x9A", "\\sqrt", true},   {"\xE2\x89\xA4", "\\le", true},    {"\xE2\x89\xA5", "\\ge", true},
    {"\xE2\x89\xA0", "\\ne", true},     {"\xC2\xB1", "\\pm", true},        {"\xE2\x88\xAA", "\\cup", true},
    {"\xE2\x88\x88", "\\in", true},     {"\xC2\xB0", "", false},           {"\xE2\x82\xAC", "", false},
    {"\xC2\xA3", "", false},            {"\xC2\xA5", "", false},           {"\xC2\xB2", "^2", false},
    {"\xC2\xB3", "^3", false},          {"\xC2\xA0", " ", false},          {"\xE2\x80\x89", "", false},
    {"\xE2\x80\xAF", "", false},        {"\xE2\x80\x8B", "", false},       {"\xCE\xB8", "\\theta", true},
    {"\xCE\xB1", "\\alpha", true},
}};

// Output with one rule: a control word is never glued to a following letter (`\pi` + `x` → `\pi x`).
class Out {
 public:
  void Append(std::string_view t) {
    if (t.empty()) return;
    if (after_command_ && IsLetter(t.front())) s_.push_back(' ');
    after_command_ = false;
    s_.append(t);
  }
  void AppendCommand(std::string_view name) {  // name without the backslash
    Append("\\");
    s_.append(name);
    after_command_ = IsLetter(name.front());
  }
  bool EmptySoFar() const { return Trim(s_).empty(); }
  std::string Take() { return std::move(s_); }

 private:
  std::string s_;
  bool after_command_ = false;
};

class Pass {
 public:
  explicit Pass(std::string_view in) : in_(in), close_of_(in.size(), std::string_view::npos), mark_(in.size(), kKeep) {
    // The matching '}' of every '{' (a backslash escapes the next character), in one pass.
    std::vector<size_t> open;
    for (size_t k = 0; k < in_.size(); ++k) {
      if (in_[k] == '\\') {
        ++k;
      } else if (in_[k] == '{') {
        open.push_back(k);
      } else if (in_[k] == '}' && !open.empty()) {
        close_of_[open.back()] = k;
        open.pop_back();
      }
    }
  }

  std::string Run() {
    while (i_ < in_.size()) {
      if (mark_[i_] == kDrop) {
        ++i_;
      } else if (mark_[i_] == kSpace) {
        out_.Append(" ");
        ++i_;
      } else {
        Step();
      }
    }
    return out_.Take();
  }

 private:
  char At(size_t p) const { return p < in_.size() ? in_[p] : '\0'; }

  // The brace group `{...}` starting at or after p (spaces skipped): sets *open / *close to its braces;
  // false if there is no balanced group there.
  bool BraceGroup(size_t p, size_t* open, size_t* close) const {
    while (IsSpace(At(p))) ++p;
    if (At(p) != '{' || close_of_[p] == std::string_view::npos) return false;
    *open = p;
    *close = close_of_[p];
    return true;
  }

  // After a degree mark or unit: skips `^2`, `^{3}` (units squared/cubed) when `units` is set, and a
  // temperature letter C/F after a degree mark otherwise.
  size_t SkipAfterUnit(size_t p) const {
    size_t q = p;
    while (IsSpace(At(q))) ++q;
    if (At(q) == '^') {
      size_t r = q + 1;
      while (IsSpace(At(r))) ++r;
      if (At(r) == '{') {
        ++r;
        while (IsSpace(At(r))) ++r;
        if ((At(r) == '2' || At(r) == '3')) {
          ++r;
          while (IsSpace(At(r))) ++r;
          if (At(r) == '}') return r + 1;
        }
      } else if ((At(r) == '2' || At(r) == '3') && !IsDigit(At(r + 1))) {
        return r + 1;
      }
    }
    return p;
  }

  // `^\circ`, `^{\circ}`, `^\degree` at p (which holds '^'): the index after it, or npos.
  size_t DegreeMark(size_t p) const {
    size_t q = p + 1;
    while (IsSpace(At(q))) ++q;
    const bool braced = At(q) == '{';
    if (braced) {
      ++q;
      while (IsSpace(At(q))) ++q;
    }
    size_t len = 0;
    if (in_.compare(q, 5, "\\circ") == 0 && !IsLetter(At(q + 5))) len = 5;
    if (in_.compare(q, 7, "\\degree") == 0 && !IsLetter(At(q + 7))) len = 7;
    if (len == 0) return std::string_view::npos;
    q += len;
    if (braced) {
      while (IsSpace(At(q))) ++q;
      if (At(q) != '}') return std::string_view::npos;
      ++q;
    }
    return SkipTemperatureLetter(q);
  }
  size_t SkipTemperatureLetter(size_t q) const {
    size_t r = q;
    while (IsSpace(At(r))) ++r;
    if ((At(r) == 'C' || At(r) == 'F') && !IsLetter(At(r + 1))) return r + 1;
    return q;
  }

  void Step() {
    const char c = in_[i_];
    if (c == '\\') {
      Command();
      return;
    }
    if (c == '$' || c == '%') {
      ++i_;
      return;
    }
    if (c == '~') {
      out_.Append(" ");
      ++i_;
      return;
    }
    if (c == '^') {
      const size_t after = DegreeMark(i_);
      if (after != std::string_view::npos) {
        i_ = after;
        return;
      }
      out_.Append("^");
      ++i_;
      return;
    }
    if (c == '*' && At(i_ + 1) == '*') {
      out_.Append("^");
      i_ += 2;
      return;
    }
    if (c == '{' && At(i_ + 1) == ',' && At(i_ + 2) == '}' && i_ > 0 && IsDigit(in_[i_ - 1]) && IsDigit(At(i_ + 3))) {
      i_ += 3;  // 1{,}000
      return;
    }
    if (IsLetter(c)) {
      Word();
      return;
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      for (const Utf8Replacement& r : kUtf8) {
        if (in_.compare(i_, r.from.size(), r.from) == 0) {
          if (r.command) {
            out_.AppendCommand(r.to.substr(1));
          } else {
            out_.Append(r.to);
          }
          i_ += r.from.size();
          return;
        }
      }
    }
    out_.Append(in_.substr(i_, 1));
    ++i_;
  }

  void Word() {
    size_t end = i_;
    while (end < in_.size() && IsLetter(in_[end])) ++end;
    const std::string_view word = in_.substr(i_, end - i_);
    i_ = end;
    if (word == "or" || word == "and") {
      out_.Append(", ");
      return;
    }
    if (word == "infinity" || word == "inf") {
      out_.AppendCommand("infty");
      return;
    }
    for (std::string_view f : kPlainFunctions) {
      if (word == f) {
        out_.AppendCommand(f);
        return;
      }
    }
    out_.Append(word);
  }

  void Command() {
    size_t j = i_ + 1;
    if (j >= in_.size()) {  // a lone backslash at the end
      ++i_;
      return;
    }
    std::string_view name;
    if (IsLetter(in_[j])) {
      size_t k = j;
      while (k < in_.size() && IsLetter(in_[k])) ++k;
      name = in_.substr(j, k - j);
    } else {
      name = in_.substr(j, 1);
    }
    i_ = j + name.size();
    if (OneOf(name, {"$", "%", ",", "!", ";", ":", ">", "(", ")", "[", "]"})) return;
    if (OneOf(name, {" ", "quad", "qquad"})) {
      out_.Append(" ");
      return;
    }
    if (OneOf(name, {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "bigg", "Bigg", "biggl",
                     "biggr", "Biggl", "Biggr", "middle"})) {
      size_t q = i_;
      while (IsSpace(At(q))) ++q;
      if (At(q) == '.') i_ = q + 1;  // \left. and \right. are invisible
      return;
    }
    if (OneOf(name, {"displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "mathstrut", "strut",
                     "circ", "degree", "euro", "pounds", "textdollar", "textsterling", "yen", "texteuro"})) {
      if (OneOf(name, {"circ", "degree"})) i_ = SkipTemperatureLetter(i_);
      return;
    }
    if (OneOf(name, {"dfrac", "tfrac", "cfrac"})) return out_.AppendCommand("frac");
    if (OneOf(name, {"dbinom", "tbinom"})) return out_.AppendCommand("binom");
    if (OneOf(name, {"leq", "leqslant"})) return out_.AppendCommand("le");
    if (OneOf(name, {"geq", "geqslant"})) return out_.AppendCommand("ge");
    if (name == "neq") return out_.AppendCommand("ne");
    if (name == "lt") return out_.Append("<");
    if (name == "gt") return out_.Append(">");
    if (OneOf(name, {"lvert", "rvert", "vert", "mid"})) return out_.Append("|");
    if (name == "lbrace") return out_.AppendCommand("{");
    if (name == "rbrace") return out_.AppendCommand("}");
    if (OneOf(name, {"mathbf", "mathit", "mathsf", "mathtt", "boldsymbol", "bm", "textbf", "textit", "emph",
                     "mathbb", "mathcal", "mathscr", "mathfrak", "boxed", "fbox", "hbox", "underline",
                     "mathnormal"})) {
      // Unwrapped in place: the content is scanned next and the closing brace dropped.
      size_t open, close;
      if (BraceGroup(i_, &open, &close)) {
        mark_[close] = kDrop;
        i_ = open + 1;
      }
      return;
    }
    if (OneOf(name, {"text", "textrm", "textnormal", "textup", "textsf", "texttt", "mbox", "mathrm"})) {
      size_t open, close;
      if (BraceGroup(i_, &open, &close)) Text(name, open, close);
      return;  // a bare \text is dropped
    }
    out_.AppendCommand(name);
  }

  // Where trailing unit words start in text such as "18 dollars" or "5 sq. ft": the first space followed
  // by a letter after which only letters, spaces and periods remain; the size of `t` if there is none.
  static size_t UnitSuffix(std::string_view t) {
    for (size_t k = 0; k + 1 < t.size(); ++k) {
      if (t[k] != ' ' || !IsLetter(t[k + 1])) continue;
      bool words = true;
      for (size_t j = k + 1; j < t.size() && words; ++j) words = IsLetter(t[j]) || t[j] == ' ' || t[j] == '.';
      if (words) return k;
    }
    return t.size();
  }

  // \text{...} with its braces at open and close.
  void Text(std::string_view command, size_t open, size_t close) {
    const std::string_view content = in_.substr(open + 1, close - open - 1);
    const std::string_view t = Trim(content);
    i_ = close + 1;
    if (t.empty()) return;
    if (IsWordOr(t)) {
      out_.Append(", ");
      return;
    }
    if (command == "mathrm") {
      bool letters = true;
      for (char ch : t) letters = letters && IsLetter(ch);
      if (letters && t.size() == 1) {
        out_.Append(t);
        return;
      }
      if (letters) {
        for (std::string_view f : kPlainFunctions) {
          if (t == f) {
            out_.AppendCommand(f);
            return;
          }
        }
      }
    }
    if (out_.EmptySoFar() || !IsLetter(t.front())) {
      // Unwrapped in place, set off by spaces; unit words after a leading quantity are dropped
      // (`\text{18 dollars}` → `18`).
      out_.Append(" ");
      mark_[close] = kSpace;
      i_ = open + 1;
      if (!IsLetter(t.front())) {
        const size_t unit = UnitSuffix(content);
        for (size_t k = open + 1 + unit; k < close; ++k) mark_[k] = kDrop;
      }
      return;
    }
    i_ = SkipAfterUnit(i_);  // unit text after a quantity
  }

  enum Mark : char { kKeep, kDrop, kSpace };

  std::string_view in_;
  std::vector<size_t> close_of_;  // for each '{': its matching '}', or npos
  std::vector<char> mark_;        // what to do with a closing brace of an unwrapped group
  size_t i_ = 0;
  Out out_;
};

// Whitespace runs → one space; trims; drops trailing periods and `\\`; strips braces around everything.
std::string Tidy(const std::string& s) {
  std::string t;
  t.reserve(s.size());
  for (char c : s) {
    if (IsSpace(c)) {
      if (!t.empty() && t.back() != ' ') t.push_back(' ');
    } else {
      t.push_back(c);
    }
  }
  while (true) {
    while (!t.empty() && t.back() == ' ') t.pop_back();
    if (!t.empty() && t.back() == '.' && !(t.size() >= 2 && t[t.size() - 2] == '\\')) {
      t.pop_back();
      continue;
    }
    if (t.size() >= 2 && t.compare(t.size() - 2, 2, "\\\\") == 0) {
      t.resize(t.size() - 2);
      continue;
    }
    break;
  }
  size_t start = 0;
  while (start < t.size() && t[start] == ' ') ++start;
  t.erase(0, start);
  // {X} → X while the first brace closes at the very end (one scan for all levels).
  std::vector<size_t> close_of(t.size(), std::string::npos);
  std::vector<size_t> open;
  for (size_t k = 0; k < t.size(); ++k) {
    if (t[k] == '\\') {
      ++k;
    } else if (t[k] == '{') {
      open.push_back(k);
    } else if (t[k] == '}' && !open.empty()) {
      close_of[open.back()] = k;
      open.pop_back();
    }
  }
  size_t l = 0, r = t.size();  // the answer is t[l, r)
  while (r - l >= 2 && t[l] == '{' && close_of[l] == r - 1) {
    ++l;
    --r;
    while (l < r && t[l] == ' ') ++l;
    while (r > l && t[r - 1] == ' ') --r;
  }
  if (l > 0 || r < t.size()) t = t.substr(l, r - l);
  return t;
}

}  // namespace

std::string Normalize(std::string_view answer) {
  std::string current = Tidy(Pass(answer).Run());
  for (int pass = 1; pass < kMaxPasses; ++pass) {
    std::string next = Tidy(Pass(current).Run());
    if (next == current) break;
    current = std::move(next);
  }
  return current;
}

}  // namespace reasonrl::reward
