// Number literals of the answer grammar (parser.h): digits with thousands groups, a decimal part, a
// repeating block `\overline{..}`, an exponent `e5` or `\times 10^{5}`, a numeral base `_2`.
#include "reward/math/literal.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"

namespace reasonrl::reward::math {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Exponents of scientific notation are clamped to this magnitude (anything near it is Undefined later).
constexpr int64_t kExponentClamp = 1'000'000'000'000'000LL;

class Scanner {
 public:
  Scanner(std::string_view s, std::string* error) : s_(s), error_(error) {}

  // Scans the number at pos; returns the position after it (0 with *error set on failure).
  size_t Scan(size_t pos, bool allow_thousands, Literal* out) {
    Literal& lit = *out;
    size_t p = pos;
    const size_t start = p;
    while (IsDigit(At(p))) ++p;
    lit.digits.assign(s_.data() + start, p - start);
    const size_t first_group = p - start;
    if (first_group >= 1 && first_group <= 3 && s_[start] != '0') {
      while (true) {
        if (allow_thousands && (At(p) == ',' || At(p) == ' ') && ThreeDigitsAt(p + 1)) {
          lit.digits.append(s_.data() + p + 1, 3);
          p += 4;
        } else if (StartsWithAt(p, "{,}") && ThreeDigitsAt(p + 3)) {
          lit.digits.append(s_.data() + p + 3, 3);
          p += 6;
        } else {
          break;
        }
      }
    }
    if (At(p) == '.' && (IsDigit(At(p + 1)) || StartsWithAt(p + 1, "\\overline"))) {
      lit.decimal_point = true;
      const size_t frac_start = ++p;
      while (IsDigit(At(p))) ++p;
      lit.frac_digits = static_cast<int32_t>(p - frac_start);
      lit.digits.append(s_.data() + frac_start, p - frac_start);
      if (StartsWithAt(p, "\\overline") && !IsLetter(At(p + 9))) {
        size_t q = p + 9;
        while (IsSpace(At(q))) ++q;
        if (At(q) == '{') {
          ++q;
          while (IsSpace(At(q)) || IsDigit(At(q))) {
            if (IsDigit(s_[q])) lit.repeat.push_back(s_[q]);
            ++q;
          }
          if (At(q) != '}') return Error("bad \\overline in a repeating decimal");
          ++q;
        } else if (IsDigit(At(q))) {
          lit.repeat.push_back(s_[q++]);
        }
        if (lit.repeat.empty()) return Error("empty \\overline in a repeating decimal");
        p = q;
      }
    }
    if (lit.digits.empty()) return Error(absl::StrCat("bad number at ", pos));
    if ((At(p) == 'e' || At(p) == 'E') && lit.repeat.empty()) {
      size_t q = p + 1;
      int64_t e = 0;
      if (ReadExponent(&q, &e)) {
        lit.exp10 = e;
        lit.scientific = true;
        p = q;
      }
    }
    if (!lit.scientific && lit.repeat.empty()) {
      int64_t e = 0;
      if (ReadTimesTenPower(&p, &e)) {
        lit.exp10 = e;
        lit.scientific = true;
      }
    }
    if (!lit.decimal_point && !lit.scientific && At(p) == '_') {
      // A numeral base: `_2`, `_{16}`.
      size_t q = p + 1;
      while (IsSpace(At(q))) ++q;
      const bool braced = At(q) == '{';
      if (braced) ++q;
      std::string base_text;
      while (IsDigit(At(q)) || (braced && IsSpace(At(q)))) {
        if (IsDigit(s_[q])) base_text.push_back(s_[q]);
        ++q;
      }
      if (braced && At(q++) != '}') return Error("bad numeral base");
      int base = 0;
      for (char ch : base_text) {
        base = base * 10 + (ch - '0');
        if (base > 36) break;
      }
      if (base < 2 || base > 36) return Error(absl::StrCat("bad numeral base ", base_text));
      for (char ch : lit.digits) {
        if (ch - '0' >= base) return Error(absl::StrCat("digit ", std::string(1, ch), " in base ", base));
      }
      lit.base = base;
      p = q;
    }
    return p;
  }

 private:
  char At(size_t p) const { return p < s_.size() ? s_[p] : '\0'; }
  bool StartsWithAt(size_t p, std::string_view prefix) const {
    return s_.size() >= p && s_.substr(p, prefix.size()) == prefix;
  }
  size_t Error(std::string message) {
    *error_ = std::move(message);
    return 0;
  }

  // Exactly three digits at p (a thousands group).
  bool ThreeDigitsAt(size_t p) const {
    return IsDigit(At(p)) && IsDigit(At(p + 1)) && IsDigit(At(p + 2)) && !IsDigit(At(p + 3));
  }

  // Reads [+-]?digits as an exponent, clamped; false if there are no digits.
  bool ReadExponent(size_t* p, int64_t* out) {
    size_t q = *p;
    bool negative = false;
    if (At(q) == '+' || At(q) == '-') negative = s_[q++] == '-';
    if (!IsDigit(At(q))) return false;
    int64_t v = 0;
    while (IsDigit(At(q))) {
      if (v < kExponentClamp) v = v * 10 + (s_[q] - '0');
      ++q;
    }
    *out = negative ? -v : v;
    *p = q;
    return true;
  }

  // `\times 10^{k}` or `\cdot 10^k` right after a number: scientific notation.
  bool ReadTimesTenPower(size_t* p, int64_t* exp10) {
    size_t q = *p;
    while (IsSpace(At(q))) ++q;
    if (StartsWithAt(q, "\\times")) {
      q += 6;
    } else if (StartsWithAt(q, "\\cdot")) {
      q += 5;
    } else {
      return false;
    }
    if (IsLetter(At(q))) return false;
    while (IsSpace(At(q))) ++q;
    if (!StartsWithAt(q, "10")) return false;
    q += 2;
    while (IsSpace(At(q))) ++q;
    if (At(q) != '^') return false;
    ++q;
    while (IsSpace(At(q))) ++q;
    const bool braced = At(q) == '{';
    if (braced) {
      ++q;
      while (IsSpace(At(q))) ++q;
    }
    if (!ReadExponent(&q, exp10)) return false;
    if (braced) {
      while (IsSpace(At(q))) ++q;
      if (At(q) != '}') return false;
      ++q;
    }
    *p = q;
    return true;
  }

  std::string_view s_;
  std::string* error_;
};

}  // namespace

size_t ScanNumberLiteral(std::string_view text, size_t pos, bool thousands_separators, Literal* out,
                         std::string* error) {
  return Scanner(text, error).Scan(pos, thousands_separators, out);
}

}  // namespace reasonrl::reward::math
