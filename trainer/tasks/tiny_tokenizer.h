// A tiny Hugging Face tokenizer for small from-scratch experiments on the synthetic tasks (countdown,
// arithmetic): byte-level BPE over 256 byte tokens, single-digit numbers, and the R1-Zero tags as single
// tokens. WriteTinyTokenizer writes DIR/tokenizer.json and DIR/tokenizer_config.json, loadable by
// transformers' AutoTokenizer (PreTrainedTokenizerFast) and by model/tokenizer.
//
// Vocabulary (kTinyVocabSize = 268 ids):
//   0..255    the 256 bytes, id = byte value, each spelled with GPT-2's bytes_to_unicode character
//             (bytes 33-126, 161-172, 174-255 as themselves; the other 68, in increasing order, as U+0100,
//             U+0101, ...: space is "Ġ" U+0120 = id 32, '\n' is "Ċ" U+010A = id 10). Digits 0-9 are ids
//             48-57 and the operators + - * / = ( ) are ids 43 45 42 47 61 40 41: their own bytes.
//   256..260  merges "Ġ +", "Ġ -", "Ġ *", "Ġ /", "Ġ =": an operator with its leading space is one token.
//   261..263  <|bos|> <|eos|> <|pad|>  added tokens, special (skipped by decode(skip_special_tokens=True))
//   264..267  <think> </think> <answer> </answer>  added tokens, not special (decoded text keeps them, the
//             format and answer rewards need them)
// Pipeline: no normaliser; pre-tokenizer = Sequence[Split(kTinyPreTokenizerRegex, Isolated), ByteLevel
// (no prefix space, no regex)]: the regex isolates every digit, so numbers are always one token per digit;
// model BPE (no unk: every byte has a token); post-processor = Sequence[ByteLevel, TemplateProcessing
// "<|bos|> $A"] (as Llama 3: encode(add_special_tokens=True) prepends <|bos|>); decoder = ByteLevel.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace reasonrl::tasks {

inline constexpr int kTinyVocabSize = 268;
inline constexpr int kTinyBosId = 261;
inline constexpr int kTinyEosId = 262;
inline constexpr int kTinyPadId = 263;
inline constexpr int kTinyThinkId = 264;        // <think>
inline constexpr int kTinyThinkEndId = 265;     // </think>
inline constexpr int kTinyAnswerId = 266;       // <answer>
inline constexpr int kTinyAnswerEndId = 267;    // </answer>

// GPT-2's pre-tokenizer regex with the number rule cut to one digit ("\p{N}" instead of " ?\p{N}+"):
// contractions | optional space + letters | one digit | optional space + other symbols | whitespace.
inline constexpr const char* kTinyPreTokenizerRegex =
    "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

// GPT-2 bytes_to_unicode: the UTF-8 spelling of byte b's token.
std::string ByteLevelChar(unsigned char b);

std::string TinyTokenizerJson();        // tokenizer.json text
std::string TinyTokenizerConfigJson();  // tokenizer_config.json text

// Writes both files into `output_dir` (created if missing), each atomically.
absl::Status WriteTinyTokenizer(const std::string& output_dir);

}  // namespace reasonrl::tasks
