// UTF-8 and Unicode character helpers for the tokenizer, with the semantics of the Rust functions Hugging Face
// tokenizers calls (char::is_whitespace, String::from_utf8_lossy, ...). Code points are char32_t.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace reasonrl::tokenizer {

// Offset of the first byte of `s` that does not begin a well-formed UTF-8 sequence (RFC 3629 / Unicode
// Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or npos if `s` is valid UTF-8.
// The one UTF-8 validator of reasonrl_text (safetensors headers use it too).
size_t FindInvalidUtf8(std::string_view s);
// True if `s` is well-formed UTF-8.
bool IsValidUtf8(std::string_view s);

// Rust's String::from_utf8_lossy (= Python's bytes.decode("utf-8", "replace")): every maximal subpart of an
// ill-formed sequence (Unicode §3.9, "U+FFFD substitution of maximal subparts") becomes one U+FFFD.
std::string Utf8Lossy(std::string_view s);
// Appends Utf8Lossy(s) to `out`.
void AppendUtf8Lossy(std::string_view s, std::string* out);

// Decodes the code point at s[i] of VALID UTF-8 and returns its byte length (1..4).
inline int DecodeUtf8(const char* s, char32_t* cp) {
  const auto* u = reinterpret_cast<const unsigned char*>(s);
  if (u[0] < 0x80) {
    *cp = u[0];
    return 1;
  }
  if (u[0] < 0xE0) {
    *cp = ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu);
    return 2;
  }
  if (u[0] < 0xF0) {
    *cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
    return 3;
  }
  *cp = ((u[0] & 0x07u) << 18) | ((u[1] & 0x3Fu) << 12) | ((u[2] & 0x3Fu) << 6) | (u[3] & 0x3Fu);
  return 4;
}

// Byte length of the UTF-8 sequence that starts with lead byte `c` (valid UTF-8 assumed).
inline int Utf8Length(unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

void AppendUtf8(char32_t cp, std::string* out);

// Rust char::is_whitespace: the Unicode White_Space property.
inline bool IsWhiteSpace(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// Rust char::is_numeric: general category Nd, Nl or No.
bool IsNumeric(char32_t c);
// tokenizers' is_punc: char::is_ascii_punctuation (ASCII 33-47, 58-64, 91-96, 123-126) or a Unicode
// punctuation category (Pc Pd Ps Pe Pi Pf Po).
bool IsPunctuation(char32_t c);
// The Rust regex crate's \w (Unicode word: Alphabetic, M, Nd, Pc, Join_Control), used by added tokens'
// single_word.
bool IsWordChar(char32_t c);

// The first / last code point of non-empty valid UTF-8.
char32_t FirstChar(std::string_view s);
char32_t LastChar(std::string_view s);

}  // namespace reasonrl::tokenizer
