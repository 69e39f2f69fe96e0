// The `language_consistency` reward (DeepSeek-R1 §2.3.2): the share of the chain of thought's words that
// are in the target language, in [0, 1].
//
// Chain of thought: the completion's text before its first `</think>`; if that text contains `<think>`,
// only what follows the first `<think>` (R1 chat: the prompt already opened the block; R1-Zero: the
// completion opens it). No `</think>` → no chain of thought → 0 with reason "no_think".
//
// Left out before counting: math and code spans, `$$...$$`, `$...$`, `\(...\)`, `\[...\]`, fenced code
// (``` to the next ``` or the end), inline code (`...`); an unmatched `$` or backquote is a symbol.
// LaTeX commands (a backslash followed by letters, `\frac`) are left out too.
//
// Words: the text is decoded as UTF-8 (invalid bytes are separators) and each letter (Unicode categories
// L* and, after a letter, M*) is given a script by code-point range: Latin, Greek, Cyrillic, Arabic, Hebrew,
// Hangul, Han, Hiragana, Katakana, Thai, Devanagari, or "other". A word is
//   - for Han, Hiragana, Katakana and Thai (scripts written without spaces): each letter on its own;
//   - for the other scripts: a maximal run of letters of one script (a change of script ends a word;
//     an apostrophe or hyphen between two letters of the run stays inside it: "don't", "well-known").
// Digits, punctuation and symbols are not words, so numbers and symbol tokens count for nothing. A word
// of a single Latin or Greek letter is a math variable ("x", "α") and is left out (in English this also
// leaves out "a" and "I").
//
// Languages and the scripts that count as theirs: en, fr, de, es, it, pt, nl, vi, id → Latin; ru, uk → Cyrillic;
// zh → Han; ja → Han, Hiragana, Katakana; ko → Hangul, Han; ar → Arabic; he → Hebrew; el → Greek; th → Thai;
// hi → Devanagari. Languages that share a script are not told apart (a French sentence is "en").
//
// Score = target words / all words. No words → 0 with reason "no_words".
//
// Thread-safe pure functions; never throw.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "reward/reward.h"

namespace reasonrl::reward {

struct LanguageConsistencyConfig {
  // Target language code (see the list above). "" takes it from the sample: extra_json["language"], a
  // JSON string such as "\"zh\"".
  std::string language = "en";

  // InvalidArgument when language is neither "" nor a supported code.
  absl::Status Validate() const;
};

// The supported language codes, sorted.
std::vector<std::string> SupportedLanguages();

// The chain of thought of a completion (see above); nullopt when it has no `</think>`.
std::optional<std::string_view> ChainOfThought(std::string_view completion);

struct WordCount {
  int64_t target = 0;  // words in one of the language's scripts
  int64_t total = 0;   // all words
};

// Counts the words of `text` (math/code spans left out). REQUIRES: `language` is supported (else
// returns {0, 0}).
WordCount CountLanguageWords(std::string_view text, std::string_view language);

// Result{v, {{"language_consistency", v}}, reason}. Reasons: "no_think", "no_words",
// "bad_task: <detail>" (language from the sample missing or unsupported), "invalid_config: <detail>".
// A score below 1 has no reason (it is a share, not a failure).
Result LanguageConsistency(const Sample& sample,
                           const LanguageConsistencyConfig& config = LanguageConsistencyConfig());

}  // namespace reasonrl::reward
