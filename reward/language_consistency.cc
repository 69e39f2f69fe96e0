#include "reward/language_consistency.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "utf8proc.h"

namespace reasonrl::reward {
namespace {

enum class Script {
  kLatin, kGreek, kCyrillic, kArabic, kHebrew, kHangul, kHan, kHiragana, kKatakana, kThai, kDevanagari,
  kOther,
};

struct Range {
  utf8proc_int32_t first, last;
  Script script;
};

// Script by code-point range (the Unicode blocks of each script's letters). Only letters (categories
// L*) are looked up, so punctuation inside these blocks never reaches this table.
constexpr Range kScriptRanges[] = {
    {0x0041, 0x024F, Script::kLatin},      {0x0250, 0x02AF, Script::kLatin},
    {0x0370, 0x03FF, Script::kGreek},      {0x0400, 0x052F, Script::kCyrillic},
    {0x0590, 0x05FF, Script::kHebrew},     {0x0600, 0x06FF, Script::kArabic},
    {0x0750, 0x077F, Script::kArabic},     {0x08A0, 0x08FF, Script::kArabic},
    {0x0900, 0x097F, Script::kDevanagari}, {0x0E00, 0x0E7F, Script::kThai},
    {0x1100, 0x11FF, Script::kHangul},     {0x1C80, 0x1C8F, Script::kCyrillic},
    {0x1D00, 0x1DBF, Script::kLatin},      {0x1E00, 0x1EFF, Script::kLatin},
    {0x1F00, 0x1FFF, Script::kGreek},      {0x2C60, 0x2C7F, Script::kLatin},
    {0x2DE0, 0x2DFF, Script::kCyrillic},   {0x2E80, 0x2FDF, Script::kHan},
    {0x3005, 0x3007, Script::kHan},        {0x3021, 0x3029, Script::kHan},
    {0x3038, 0x303B, Script::kHan},        {0x3040, 0x309F, Script::kHiragana},
    {0x30A0, 0x30FF, Script::kKatakana},   {0x3130, 0x318F, Script::kHangul},
    {0x31F0, 0x31FF, Script::kKatakana},   {0x3400, 0x4DBF, Script::kHan},
    {0x4E00, 0x9FFF, Script::kHan},        {0xA640, 0xA69F, Script::kCyrillic},
    {0xA720, 0xA7FF, Script::kLatin},      {0xA8E0, 0xA8FF, Script::kDevanagari},
    {0xA960, 0xA97F, Script::kHangul},     {0xAB30, 0xAB6F, Script::kLatin},
    {0xAC00, 0xD7FF, Script::kHangul},     {0xF900, 0xFAFF, Script::kHan},
    {0xFB1D, 0xFB4F, Script::kHebrew},     {0xFB50, 0xFDFF, Script::kArabic},
    {0xFE70, 0xFEFF, Script::kArabic},     {0xFF21, 0xFF3A, Script::kLatin},
    {0xFF41, 0xFF5A, Script::kLatin},      {0xFF66, 0xFF9F, Script::kKatakana},
    {0xFFA0, 0xFFDC, Script::kHangul},     {0x1B000, 0x1B16F, Script::kHiragana},
    {0x20000, 0x3134F, Script::kHan},
};

Script ScriptOf(utf8proc_int32_t cp) {
  for (const Range& r : kScriptRanges) {
    if (cp >= r.first && cp <= r.last) return r.script;
  }
  return Script::kOther;
}

// Scripts written without spaces between words: each letter is a word unit.
bool PerLetter(Script s) {
  return s == Script::kHan || s == Script::kHiragana || s == Script::kKatakana || s == Script::kThai;
}

struct Language {
  const char* code;
  std::vector<Script> scripts;
};

const std::vector<Language>& Languages() {
  static const std::vector<Language>* const kLanguages = new std::vector<Language>{
      {"ar", {Script::kArabic}},
      {"de", {Script::kLatin}},
      {"el", {Script::kGreek}},
      {"en", {Script::kLatin}},
      {"es", {Script::kLatin}},
      {"fr", {Script::kLatin}},
      {"he", {Script::kHebrew}},
      {"hi", {Script::kDevanagari}},
      {"id", {Script::kLatin}},
      {"it", {Script::kLatin}},
      {"ja", {Script::kHan, Script::kHiragana, Script::kKatakana}},
      {"ko", {Script::kHangul, Script::kHan}},
      {"nl", {Script::kLatin}},
      {"pt", {Script::kLatin}},
      {"ru", {Script::kCyrillic}},
      {"th", {Script::kThai}},
      {"uk", {Script::kCyrillic}},
      {"vi", {Script::kLatin}},
      {"zh", {Script::kHan}},
  };
  return *kLanguages;
}

const Language* FindLanguage(std::string_view code) {
  for (const Language& language : Languages()) {
    if (code == language.code) return &language;
  }
  return nullptr;
}

// `text` with math and code spans, and LaTeX commands, replaced by a space (rules in the header).
std::string WithoutMathAndCode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  // Skips a span that opens with `open` at pos and closes with `close`; false (nothing skipped) when
  // the closer is missing.
  auto skip_span = [&](std::string_view open, std::string_view close, bool to_end_if_unclosed) {
    if (text.substr(pos, open.size()) != open) return false;
    const size_t end = text.find(close, pos + open.size());
    if (end == std::string_view::npos) {
      if (!to_end_if_unclosed) return false;
      pos = text.size();
    } else {
      pos = end + close.size();
    }
    out.push_back(' ');
    return true;
  };
  auto is_ascii_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  while (pos < text.size()) {
    if (skip_span("```", "```", true) || skip_span("`", "`", false) || skip_span("$$", "$$", false) ||
        skip_span("$", "$", false) || skip_span("\\(", "\\)", false) || skip_span("\\[", "\\]", false)) {
      continue;
    }
    if (text[pos] == '\\' && pos + 1 < text.size() && is_ascii_letter(text[pos + 1])) {
      ++pos;
      while (pos < text.size() && is_ascii_letter(text[pos])) ++pos;
      out.push_back(' ');
      continue;
    }
    out.push_back(text[pos]);
    ++pos;
  }
  return out;
}

bool IsLetter(utf8proc_category_t c) {
  return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT ||
         c == UTF8PROC_CATEGORY_LM || c == UTF8PROC_CATEGORY_LO;
}

bool IsMark(utf8proc_category_t c) {
  return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}

// ' ’ - ‐ : kept inside a word when a letter of the word's script follows.
bool IsJoiner(utf8proc_int32_t cp) { return cp == '\'' || cp == 0x2019 || cp == '-' || cp == 0x2010; }

}  // namespace

absl::Status LanguageConsistencyConfig::Validate() const {
  if (language.empty() || FindLanguage(language) != nullptr) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("language: unsupported \"", language, "\" (expected one of ",
                                                 absl::StrJoin(SupportedLanguages(), ", "),
                                                 ", or \"\" for the sample's own)"));
}

std::vector<std::string> SupportedLanguages() {
  std::vector<std::string> codes;
  for (const Language& language : Languages()) codes.push_back(language.code);
  std::sort(codes.begin(), codes.end());
  return codes;
}

std::optional<std::string_view> ChainOfThought(std::string_view completion) {
  const size_t close = completion.find("</think>");
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view cot = completion.substr(0, close);
  const size_t open = cot.find("<think>");
  if (open != std::string_view::npos) cot.remove_prefix(open + std::string_view("<think>").size());
  return cot;
}

WordCount CountLanguageWords(std::string_view text, std::string_view language_code) {
  WordCount count;
  const Language* language = FindLanguage(language_code);
  if (language == nullptr) return count;
  auto is_target = [&](Script s) {
    return std::find(language->scripts.begin(), language->scripts.end(), s) != language->scripts.end();
  };
  auto count_word = [&](Script s, int letters) {
    if (letters == 1 && (s == Script::kLatin || s == Script::kGreek)) return;  // a math variable
    ++count.total;
    if (is_target(s)) ++count.target;
  };

  const std::string cleaned = WithoutMathAndCode(text);
  bool in_word = false;       // inside a run of a spaced script
  Script word_script = Script::kOther;
  int word_letters = 0;
  bool pending_joiner = false;  // the run's last character was a joiner
  bool after_letter = false;    // the previous code point was a letter (or a mark after one)
  auto end_word = [&]() {
    if (in_word) count_word(word_script, word_letters);
    in_word = false;
    pending_joiner = false;
  };

  size_t pos = 0;
  while (pos < cleaned.size()) {
    utf8proc_int32_t cp = -1;
    const utf8proc_ssize_t n =
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(cleaned.data() + pos),
                         static_cast<utf8proc_ssize_t>(cleaned.size() - pos), &cp);
    if (n <= 0) {  // invalid UTF-8: a separator
      end_word();
      after_letter = false;
      ++pos;
      continue;
    }
    pos += static_cast<size_t>(n);
    const utf8proc_category_t category = utf8proc_category(cp);
    if (IsLetter(category)) {
      const Script script = ScriptOf(cp);
      if (PerLetter(script)) {
        end_word();
        count_word(script, 0);
      } else if (in_word && script == word_script) {
        ++word_letters;
        pending_joiner = false;
      } else {
        end_word();
        in_word = true;
        word_script = script;
        word_letters = 1;
      }
      after_letter = true;
    } else if (IsMark(category) && after_letter) {
      // a combining mark stays with its letter
    } else if (IsJoiner(cp) && in_word && !pending_joiner) {
      pending_joiner = true;
      after_letter = false;
    } else {
      end_word();
      after_letter = false;
    }
  }
  end_word();
  return count;
}

Result LanguageConsistency(const Sample& sample, const LanguageConsistencyConfig& config) {
  constexpr std::string_view kName = "language_consistency";
  auto make = [&](double value, std::string reason) {
    return Result{value, {{std::string(kName), value}}, std::move(reason)};
  };
  if (const absl::Status valid = config.Validate(); !valid.ok()) {
    return make(0.0, absl::StrCat("invalid_config: ", valid.message()));
  }
  std::string language = config.language;
  if (language.empty()) {
    const auto it = sample.extra_json.find("language");
    if (it == sample.extra_json.end()) return make(0.0, "bad_task: no \"language\" in the sample's task fields");
    const nlohmann::json value = nlohmann::json::parse(it->second, nullptr, false);
    if (value.is_discarded() || !value.is_string()) {
      return make(0.0, absl::StrCat("bad_task: language: expected a JSON string, got ", it->second));
    }
    language = value.get<std::string>();
    if (FindLanguage(language) == nullptr) {
      return make(0.0, absl::StrCat("bad_task: language: unsupported \"", language, "\""));
    }
  }
  const std::optional<std::string_view> cot = ChainOfThought(sample.completion);
  if (!cot.has_value()) return make(0.0, "no_think");
  const WordCount count = CountLanguageWords(*cot, language);
  if (count.total == 0) return make(0.0, "no_words");
  return make(static_cast<double>(count.target) / static_cast<double>(count.total), "");
}

}  // namespace reasonrl::reward
