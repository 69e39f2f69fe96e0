// Regular expressions for tokenizer.json patterns, on PCRE2 (UTF + UCP, JIT-compiled).
//
// Hugging Face tokenizers compiles its Regex patterns with Oniguruma (Ruby syntax). FromOniguruma rewrites
// the constructs whose meaning differs in PCRE2 so that matches are the same:
//   \s  -> [\t-\r\x{85}\p{Z}]   (Oniguruma's \s is Unicode White_Space, which includes U+0085; PCRE2's is not)
//   \S  -> its complement;  \w / \W -> [\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\x{200C}\x{200D}] and its complement
//   \h / \H -> hex digit / not (Ruby), \uHHHH -> \x{HHHH}, (?m) -> (?s) (Ruby's "dot matches newline"),
//   {,n} -> {0,n}; ^ and $ match at line breaks (Ruby), so patterns compile with PCRE2_MULTILINE.
// Oniguruma-only syntax that PCRE2 would misread (nested sets [a[b]], intersections &&, \S \W \H inside a
// class) is an error naming the construct.
//
// Matching iterates like the onig crate's find_iter (used by tokenizers' Split, Replace and Whitespace): non-
// overlapping matches left to right; an empty match right where the previous match ended is skipped by
// moving one character on. Texts must be valid UTF-8.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

struct pcre2_real_code_8;

namespace reasonrl::tokenizer {

// A byte range [start, end) of a text.
struct Span {
  uint32_t start;
  uint32_t end;
};

class Regex {
 public:
  // An Oniguruma pattern as tokenizers' SysRegex::new would take it. Errors carry PCRE2's message and
  // offset.
  static absl::StatusOr<std::unique_ptr<Regex>> FromOniguruma(std::string_view pattern);
  // A literal string: tokenizers' regex::escape(s) handed to SysRegex.
  static absl::StatusOr<std::unique_ptr<Regex>> FromLiteral(std::string_view literal);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Appends the matches in `text` (valid UTF-8) to `out`, in order. Thread-safe.
  void FindAll(std::string_view text, std::vector<Span>* out) const;

  // The PCRE2 pattern actually compiled.
  const std::string& pcre2_pattern() const { return pattern_; }

 private:
  Regex(pcre2_real_code_8* code, bool jit, std::string pattern);
  // The first match at or after `start`; false when there is none.
  bool Find(std::string_view text, size_t start, size_t* match_start, size_t* match_end) const;
  static absl::StatusOr<std::unique_ptr<Regex>> Compile(std::string pcre2_pattern);

  pcre2_real_code_8* code_;
  bool jit_;
  std::string pattern_;
};

// The Oniguruma -> PCRE2 rewrite described above (exposed for tests).
absl::StatusOr<std::string> OnigurumaToPcre2(std::string_view pattern);

}  // namespace reasonrl::tokenizer
