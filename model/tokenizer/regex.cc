#include "model/tokenizer/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "absl/strings/str_cat.h"
#include "model/tokenizer/unicode.h"

namespace reasonrl::tokenizer {
namespace {

// Oniguruma's \s (White_Space) and \w (Unicode word) as PCRE2 class bodies.
constexpr char kSpaceBody[] = "\\t-\\r\\x{85}\\p{Z}";
constexpr char kWordBody[] = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{200C}\\x{200D}";
constexpr char kHexBody[] = "0-9a-fA-F";

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Per-thread PCRE2 match state shared by every Regex: match data (enough for the whole-match pair) and a
// JIT stack (PCRE2's default 32 KiB machine-stack area is too small for long whitespace runs).
struct ThreadMatchState {
  pcre2_match_data* data = nullptr;
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* jit_stack = nullptr;
  ThreadMatchState() {
    data = pcre2_match_data_create(32, nullptr);
    context = pcre2_match_context_create(nullptr);
    jit_stack = pcre2_jit_stack_create(64 * 1024, 64 * 1024 * 1024, nullptr);
    if (context != nullptr && jit_stack != nullptr) pcre2_jit_stack_assign(context, nullptr, jit_stack);
  }
  ~ThreadMatchState() {
    pcre2_jit_stack_free(jit_stack);
    pcre2_match_context_free(context);
    pcre2_match_data_free(data);
  }
};

ThreadMatchState& MatchState() {
  thread_local ThreadMatchState state;
  return state;
}

}  // namespace

absl::StatusOr<std::string> OnigurumaToPcre2(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 32);
  bool in_class = false;
  size_t class_body_start = 0;  // index in p of the first character of the current class body
  size_t i = 0;
  const size_t n = p.size();
  auto unsupported = [&](std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("regex \"", std::string(p), "\": ", std::string(what), " at offset ", i,
                     " is Oniguruma syntax that reasonrl does not support"));
  };
  while (i < n) {
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 >= n) return absl::InvalidArgumentError(absl::StrCat("regex \"", std::string(p), "\": trailing \\"));
      const char d = p[i + 1];
      switch (d) {
        case 's':
          out += in_class ? std::string(kSpaceBody) : absl::StrCat("[", kSpaceBody, "]");
          i += 2;
          continue;
        case 'w':
          out += in_class ? std::string(kWordBody) : absl::StrCat("[", kWordBody, "]");
          i += 2;
          continue;
        case 'h':
          out += in_class ? std::string(kHexBody) : absl::StrCat("[", kHexBody, "]");
          i += 2;
          continue;
        case 'S':
        case 'W':
        case 'H': {
          if (in_class) return unsupported(absl::StrCat("\\", std::string(1, d), " inside a character class"));
          const char* body = d == 'S' ? kSpaceBody : d == 'W' ? kWordBody : kHexBody;
          out += absl::StrCat("[^", body, "]");
          i += 2;
          continue;
        }
        case 'u': {
          if (i + 6 > n || !IsHex(p[i + 2]) || !IsHex(p[i + 3]) || !IsHex(p[i + 4]) || !IsHex(p[i + 5])) {
            return unsupported("\\u not followed by four hex digits");
          }
          out += absl::StrCat("\\x{", std::string(p.substr(i + 2, 4)), "}");
          i += 6;
          continue;
        }
        case 'p':
        case 'P': {
          if (i + 2 < n && p[i + 2] == '{') {
            const size_t close = p.find('}', i + 3);
            if (close == std::string_view::npos) return unsupported("unterminated \\p{");
            out.append(p.data() + i, close + 1 - i);
            i = close + 1;
            continue;
          }
          break;
        }
        default:
          break;
      }
      // Any other escape means the same in both; copy it (with a whole UTF-8 character after the backslash).
      const int len = 1 + Utf8Length(static_cast<unsigned char>(d));
      out.append(p.data() + i, std::min<size_t>(len, n - i));
      i += len;
      continue;
    }
    if (in_class) {
      if (c == ']' && i > class_body_start) {
        in_class = false;
        out += ']';
        ++i;
        continue;
      }
      if (c == '[') {
        if (i + 1 < n && p[i + 1] == ':') {  // a POSIX class [:alpha:]
          const size_t close = p.find(":]", i + 2);
          if (close == std::string_view::npos) return unsupported("unterminated [:");
          out.append(p.data() + i, close + 2 - i);
          i = close + 2;
          continue;
        }
        return unsupported("a nested character class");
      }
      if (c == '&' && i + 1 < n && p[i + 1] == '&') return unsupported("a class intersection &&");
      out += c;
      ++i;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += '[';
      ++i;
      if (i < n && p[i] == '^') {
        out += '^';
        ++i;
      }
      class_body_start = i;  // a ']' right here is a literal
      continue;
    }
    if (c == '(' && i + 2 < n && p[i + 1] == '?') {
      // Option groups (?imx-imx) and (?imx-imx:...): Ruby's m is PCRE's s.
      size_t j = i + 2;
      while (j < n && (p[j] == 'i' || p[j] == 'm' || p[j] == 'x' || p[j] == '-')) ++j;
      if (j > i + 2 && j < n && (p[j] == ':' || p[j] == ')')) {
        out += "(?";
        for (size_t k = i + 2; k < j; ++k) out += p[k] == 'm' ? 's' : p[k];
        i = j;
        continue;
      }
    }
    if (c == '{' && i + 1 < n && p[i + 1] == ',') {
      out += "{0,";
      i += 2;
      continue;
    }
    out += c;
    ++i;
  }
  if (in_class) return absl::InvalidArgumentError(absl::StrCat("regex \"", std::string(p), "\": unterminated ["));
  return out;
}

Regex::Regex(pcre2_code* code, bool jit, std::string pattern) : code_(code), jit_(jit), pattern_(std::move(pattern)) {}

Regex::~Regex() { pcre2_code_free(code_); }

absl::StatusOr<std::unique_ptr<Regex>> Regex::Compile(std::string pattern) {
  int err = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE, &err, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(err, message, sizeof(message));
    return absl::InvalidArgumentError(absl::StrCat("regex \"", pattern, "\" does not compile: ",
                                                   reinterpret_cast<const char*>(message), " at offset ", offset));
  }
  const bool jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  return std::unique_ptr<Regex>(new Regex(code, jit, std::move(pattern)));
}

absl::StatusOr<std::unique_ptr<Regex>> Regex::FromOniguruma(std::string_view pattern) {
  auto translated = OnigurumaToPcre2(pattern);
  if (!translated.ok()) return translated.status();
  return Compile(*std::move(translated));
}

absl::StatusOr<std::unique_ptr<Regex>> Regex::FromLiteral(std::string_view literal) {
  std::string pattern;
  for (const char c : literal) {
    const auto u = static_cast<unsigned char>(c);
    const bool alnum = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
    if (u < 0x80 && !alnum) {
      if (u < 0x20 || u == 0x7F) {  // control characters as \x{..}, so nothing is read as pattern syntax
        pattern += absl::StrCat("\\x{", absl::Hex(u), "}");
        continue;
      }
      pattern += '\\';
    }
    pattern += c;
  }
  return Compile(std::move(pattern));
}

bool Regex::Find(std::string_view text, size_t start, size_t* match_start, size_t* match_end) const {
  ThreadMatchState& state = MatchState();
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  int rc;
  if (jit_) {
    rc = pcre2_jit_match(code_, subject, text.size(), start, 0, state.data, state.context);
  } else {
    rc = pcre2_match(code_, subject, text.size(), start, PCRE2_NO_UTF_CHECK, state.data, state.context);
  }
  if (rc < 0 && rc != PCRE2_ERROR_NOMATCH && jit_) {
    // JIT stack or limit exhausted: retry with the interpreter (heap-allocated backtracking frames).
    rc = pcre2_match(code_, subject, text.size(), start, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, state.data,
                     state.context);
  }
  // Past both limits (only a pathological pattern gets here) the rest of the text counts as unmatched.
  if (rc < 0) return false;
  const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(state.data);
  *match_start = ov[0];
  *match_end = ov[1];
  return true;
}

void Regex::FindAll(std::string_view text, std::vector<Span>* out) const {
  // The onig crate's FindMatches: search from last_end; an empty match at the end of the previous match
  // is not reported, the search moves one character on instead.
  size_t last_end = 0;
  bool have_last = false;
  size_t last_match_end = 0;
  while (last_end <= text.size()) {
    size_t s, e;
    if (!Find(text, last_end, &s, &e)) return;
    if (s == e && have_last && last_match_end == e) {
      if (last_end >= text.size()) return;
      last_end += Utf8Length(static_cast<unsigned char>(text[last_end]));
      continue;
    }
    last_end = e;
    have_last = true;
    last_match_end = e;
    out->push_back({static_cast<uint32_t>(s), static_cast<uint32_t>(e)});
  }
}

}  // namespace reasonrl::tokenizer
