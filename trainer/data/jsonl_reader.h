// Reading JSONL datasets: one JSON object per line. Shared by the prompt and SFT loaders.
//
// Line rules: lines are numbered from 1; a trailing '\r' is dropped (CRLF files); a UTF-8 byte-order mark
// before line 1 is dropped; whitespace-only lines are ignored (and counted); every other line must be a
// JSON object with no duplicate keys. A file that is missing, unreadable or a directory is an error; so is
// a file with no JSON lines, and a file none of whose lines could be used (even with on_bad_line: skip).
//
// Errors name the place and the field: "data/train.jsonl:17: field \"answer\": expected a string or
// number, got object". With OnBadLine::kSkip a bad line (malformed JSON, missing field, wrong type) is
// skipped and counted in LoadReport instead; I/O errors are never skipped.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace reasonrl::data {

// What to do with a line that is not a usable record.
enum class OnBadLine {
  kError,  // stop loading and return the error (the default)
  kSkip,   // skip the line and count it in LoadReport::skipped
};

// "error" | "skip" (the spelling recipes use).
absl::StatusOr<OnBadLine> ParseOnBadLine(std::string_view name);
const char* OnBadLineName(OnBadLine on_bad_line);

// What a load saw. Loading never writes anything; callers log Summary().
struct LoadReport {
  static constexpr int kMaxExamples = 5;
  int64_t lines = 0;        // lines in the file, blank ones included
  int64_t records = 0;      // records loaded
  int64_t blank_lines = 0;  // whitespace-only lines, ignored
  int64_t skipped = 0;      // bad lines skipped under OnBadLine::kSkip
  std::vector<std::string> skipped_examples;  // the first kMaxExamples skip reasons, "FILE:LINE: ..."
  // "data/train.jsonl: 998 records from 1000 lines (2 bad lines skipped; first: ...)".
  std::string Summary(const std::string& path) const;
};

// One parsed line: the JSON object plus the exact source text of each top-level value, so fields can be
// handed on verbatim (a number keeps its spelling, "3.50" stays "3.50"; an object keeps its key order and
// spacing). Accessors return InvalidArgument naming the field; the reader adds "FILE:LINE: ".
class JsonObjectLine {
 public:
  // Parses `line` (one JSON object). Errors: malformed JSON (with the column), not an object, a duplicate key.
  static absl::StatusOr<JsonObjectLine> Parse(std::string_view line);

  bool Has(const std::string& field) const { return raw_.count(field) > 0; }
  // The parsed value. Error: field missing.
  absl::StatusOr<const nlohmann::ordered_json*> Get(const std::string& field) const;
  // The value's source text, trimmed of surrounding whitespace. Error: field missing.
  absl::StatusOr<std::string> RawText(const std::string& field) const;
  // A non-empty JSON string, decoded. Errors: missing, not a string, empty.
  absl::StatusOr<std::string> NonEmptyString(const std::string& field) const;
  // A non-empty string (decoded) or a number (its source text, e.g. "42", "-0.5", "1e3").
  absl::StatusOr<std::string> StringOrNumber(const std::string& field) const;

 private:
  nlohmann::ordered_json value_;
  std::map<std::string, std::string> raw_;  // decoded key -> source text of its value
};

// "field \"NAME\": WHAT" as an InvalidArgument status (for callers' own checks).
absl::Status FieldError(const std::string& field, const std::string& what);

// Reads `path` line by line and calls `record` for each non-blank line with a parsed object and its
// 1-based line number. An InvalidArgument from Parse or from `record` marks the line bad (skipped or
// returned, per on_bad_line, prefixed with "PATH:LINE: "); any other error from `record` stops the load.
// On success fills *report.
absl::Status ReadJsonlObjects(const std::string& path, OnBadLine on_bad_line,
                              const std::function<absl::Status(const JsonObjectLine&, int64_t line)>& record,
                              LoadReport* report);

}  // namespace reasonrl::data
