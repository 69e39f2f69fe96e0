// Fast loading of tokenizer.json. A DOM of the whole file is slow (model.vocab and model.merges hold
// 100k-300k entries, and nlohmann's objects are std::maps), so those two are streamed by a SAX handler into
// flat vectors while the rest of the document becomes a DOM in which they are left as null.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "model/tokenizer/json_util.h"

namespace reasonrl::tokenizer {

struct BpeTables {
  bool has_vocab = false;   // model.vocab was an object and was streamed into `vocab`
  bool has_merges = false;  // model.merges was an array and was streamed into `merges`
  std::vector<std::pair<std::string, int32_t>> vocab;  // in file order
  std::vector<std::pair<std::string, std::string>> merges;  // rank = index
};

// Parses the text of tokenizer.json. Syntax errors and malformed vocab / merges entries are InvalidArgument
// naming `file` (and the entry).
absl::StatusOr<Json> ParseTokenizerJson(std::string_view text, const std::string& file, BpeTables* tables);

}  // namespace reasonrl::tokenizer
