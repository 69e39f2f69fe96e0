// reasonrl tokenize --tokenizer PATH [--add-special-tokens] [--decode] [--skip-special-tokens] [--threads N]
//
// Encodes: reads JSON lines {"text": "..."} on stdin, writes {"ids": [...]} per line, in order.
// Decodes (--decode): reads {"ids": [...]} and writes {"text": "..."}.
// PATH is a tokenizer.json (behaves as `tokenizers.Tokenizer`) or a model directory (behaves as transformers'
// AutoTokenizer: tokenizer_config.json's add_bos_token / add_eos_token), see model/tokenizer/tokenizer.h.
//
// Bad input (a line that is not a JSON object, a missing or mistyped field, an id outside the vocabulary) is
// an error naming the stdin line; every line is read and checked before anything is written, so a failing
// run writes nothing. Blank lines are errors too: one output line per input line, always.
//
// Torch-free translation unit (library reasonrl_cli_text).
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/status_macros.h"
#include "model/tokenizer/tokenizer.h"
#include "nlohmann/json.hpp"
#include "trainer/cli/commands.h"

namespace reasonrl::cli {
namespace {

struct TokenizeFlags {
  std::string tokenizer;
  bool add_special_tokens = false;
  bool decode = false;
  bool skip_special_tokens = false;
  int threads = 0;  // 0: all cores
};

absl::Status LineError(int64_t line, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("stdin:", line, ": ", what));
}

// Reads every line of stdin; `parse` turns line `n` (1-based) into an entry or an error naming the line.
template <typename T, typename Parse>
absl::StatusOr<std::vector<T>> ReadLines(Parse parse) {
  std::vector<T> entries;
  std::string line;
  for (int64_t n = 1; std::getline(std::cin, line); ++n) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return LineError(n, "expected a JSON object on each line");
    ASSIGN_OR_RETURN(T entry, parse(j, n));
    entries.push_back(std::move(entry));
  }
  if (std::cin.bad()) return absl::DataLossError("tokenize: reading stdin failed");
  return entries;
}

absl::Status Encode(const Tokenizer& tokenizer, const TokenizeFlags& f) {
  auto texts = ReadLines<std::string>([](const nlohmann::json& j, int64_t n) -> absl::StatusOr<std::string> {
    auto it = j.find("text");
    if (it == j.end()) return LineError(n, "missing field \"text\"");
    if (!it->is_string()) return LineError(n, absl::StrCat("field \"text\" must be a string, found ", it->type_name()));
    return it->get<std::string>();
  });
  RETURN_IF_ERROR(texts.status());
  const int threads = f.threads > 0 ? f.threads : std::max(1u, std::thread::hardware_concurrency());
  constexpr size_t kChunk = 4096;  // lines encoded at once, then written
  for (size_t begin = 0; begin < texts->size(); begin += kChunk) {
    const size_t end = std::min(texts->size(), begin + kChunk);
    std::vector<std::string> chunk(std::make_move_iterator(texts->begin() + begin),
                                   std::make_move_iterator(texts->begin() + end));
    std::vector<std::vector<int32_t>> ids = tokenizer.EncodeBatch(chunk, f.add_special_tokens, threads);
    std::string out;
    for (const std::vector<int32_t>& row : ids) {
      out += "{\"ids\":[";
      for (size_t i = 0; i < row.size(); ++i) absl::StrAppend(&out, i ? "," : "", row[i]);
      out += "]}\n";
    }
    std::cout << out;
  }
  std::cout.flush();
  return std::cout ? absl::OkStatus() : absl::DataLossError("tokenize: writing stdout failed");
}

absl::Status Decode(const Tokenizer& tokenizer, const TokenizeFlags& f) {
  const int64_t vocab = tokenizer.vocab_size();
  auto rows = ReadLines<std::vector<int32_t>>(
      [vocab, &tokenizer](const nlohmann::json& j, int64_t n) -> absl::StatusOr<std::vector<int32_t>> {
        auto it = j.find("ids");
        if (it == j.end()) return LineError(n, "missing field \"ids\"");
        if (!it->is_array()) return LineError(n, absl::StrCat("field \"ids\" must be an array, found ", it->type_name()));
        std::vector<int32_t> ids;
        ids.reserve(it->size());
        for (size_t i = 0; i < it->size(); ++i) {
          const nlohmann::json& v = (*it)[i];
          if (!v.is_number_integer()) return LineError(n, absl::StrCat("ids[", i, "] must be an integer"));
          const int64_t id = v.get<int64_t>();
          if (id < 0 || id >= vocab) {
            return LineError(n, absl::StrCat("ids[", i, "] = ", id, " is outside the vocabulary [0, ", vocab, ")"));
          }
          if (!tokenizer.IdToToken(static_cast<int32_t>(id)).has_value()) {  // a hole in a sparse vocabulary
            return LineError(n, absl::StrCat("ids[", i, "] = ", id, " is no token of this tokenizer"));
          }
          ids.push_back(static_cast<int32_t>(id));
        }
        return ids;
      });
  RETURN_IF_ERROR(rows.status());
  for (const std::vector<int32_t>& ids : *rows) {
    nlohmann::json line = {{"text", tokenizer.Decode(ids, f.skip_special_tokens)}};
    std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  std::cout.flush();
  return std::cout ? absl::OkStatus() : absl::DataLossError("tokenize: writing stdout failed");
}

absl::Status RunTokenize(const TokenizeFlags& f) {
  if (f.decode && f.add_special_tokens) {
    return absl::InvalidArgumentError("tokenize: --add-special-tokens applies to encoding, not to --decode");
  }
  if (!f.decode && f.skip_special_tokens) {
    return absl::InvalidArgumentError("tokenize: --skip-special-tokens applies to --decode only");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Tokenizer> tokenizer, Tokenizer::Load(f.tokenizer));
  return f.decode ? Decode(*tokenizer, f) : Encode(*tokenizer, f);
}

}  // namespace

void AddTokenizeCommand(CLI::App& app, Action& action) {
  auto flags = std::make_shared<TokenizeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "tokenize", "Encode JSON lines {\"text\": ...} from stdin to {\"ids\": [...]} (or decode with --decode)");
  cmd->add_option("--tokenizer", flags->tokenizer,
                  "tokenizer.json (as tokenizers.Tokenizer) or a model directory (as transformers' AutoTokenizer)")
      ->required();
  cmd->add_flag("--add-special-tokens", flags->add_special_tokens,
                "add the special tokens the post-processor (file) or tokenizer_config.json (directory) asks for");
  cmd->add_flag("--decode", flags->decode, "read {\"ids\": [...]} lines and write {\"text\": ...}");
  cmd->add_flag("--skip-special-tokens", flags->skip_special_tokens, "with --decode: drop special tokens");
  cmd->add_option("--threads", flags->threads, "encoding threads; 0 = all cores")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  cmd->callback([flags, &action] { action = [flags] { return RunTokenize(*flags); }; });
}

}  // namespace reasonrl::cli
