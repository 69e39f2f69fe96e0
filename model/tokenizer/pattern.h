// tokenizer.json's pattern objects, used by Split, Replace (normalizer and decoder):
//   {"String": "literal"}  -> the literal text (tokenizers escapes it into a regex)
//   {"Regex": "pattern"}   -> an Oniguruma regex
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "model/tokenizer/json_util.h"
#include "model/tokenizer/regex.h"

namespace reasonrl::tokenizer {

inline absl::StatusOr<std::unique_ptr<Regex>> ParsePattern(const Json& j, const std::string& path) {
  if (!j.is_object() || j.size() != 1 || !j.begin().value().is_string()) {
    return JsonError(path, absl::StrCat("expected {\"String\": ...} or {\"Regex\": ...}, got ", JsonBrief(j)));
  }
  const std::string& kind = j.begin().key();
  const std::string value = j.begin().value().get<std::string>();
  absl::StatusOr<std::unique_ptr<Regex>> regex;
  if (kind == "String") {
    if (value.empty()) return JsonError(JsonChild(path, "String"), "an empty string pattern matches nothing useful");
    regex = Regex::FromLiteral(value);
  } else if (kind == "Regex") {
    regex = Regex::FromOniguruma(value);
  } else {
    return JsonError(path, absl::StrCat("unsupported pattern kind \"", kind, "\" (expected String or Regex)"));
  }
  if (!regex.ok()) return JsonError(JsonChild(path, kind), std::string(regex.status().message()));
  return regex;
}

}  // namespace reasonrl::tokenizer
