// Prompt datasets for RL (GRPO, R1-Zero): a JSONL file whose lines give a prompt, a reference answer,
// and task fields that the rewards read.
//
//   {"prompt": "What is 2 + 3?", "answer": "5"}
//   {"question": "...", "answer": 42, "level": "Level 3"}                  (prompt_field: question)
//   {"prompt": "Using the numbers [3, 5, 7], ...", "target": 22, "numbers": [3, 5, 7]}
//                                                                           (answer_field: "", extra: target, numbers)
//
// Field rules (line rules and error format: jsonl_reader.h):
//   prompt_field   a non-empty JSON string.
//   answer_field   a non-empty JSON string (decoded) or a JSON number (kept as written: 42 -> "42",
//                  0.50 -> "0.50"). An empty answer_field means the task has no reference (countdown).
//   extra_fields   each must be present, any JSON type; handed on verbatim as its JSON source text under
//                  its `name` (e.g. target: "22", numbers: "[3, 5, 7]"), the form reward::Sample::extra_json
//                  takes. Other fields of the line are ignored.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "trainer/data/jsonl_reader.h"

namespace reasonrl::data {

// A task field handed on to the rewards: read from `source` in the file, handed on as `name`.
struct ExtraField {
  std::string name;    // key in PromptRecord::extra_json
  std::string source;  // key in the JSONL line; empty means the same as `name`
  const std::string& SourceOrName() const { return source.empty() ? name : source; }
};

struct PromptDatasetConfig {
  std::string path;                       // the JSONL file
  std::string prompt_field = "prompt";    // e.g. "question", "problem"
  std::string answer_field = "answer";    // e.g. "ground_truth", "solution"; "" = no reference
  std::vector<ExtraField> extra_fields;   // task fields for the rewards, e.g. {{"target"}, {"numbers", "nums"}}
  OnBadLine on_bad_line = OnBadLine::kError;

  // Errors: empty path or prompt_field; two fields read from one key, or two extras with one name.
  absl::Status Validate() const;
};

struct PromptRecord {
  std::string prompt;     // decoded prompt text
  std::string reference;  // decoded answer string or the number's JSON text; "" without answer_field
  std::map<std::string, std::string> extra_json;  // name -> verbatim JSON text
  int64_t line = 0;       // 1-based line in the source file
};

struct PromptDataset {
  std::vector<PromptRecord> records;  // in file order
  LoadReport report;
};

// Loads the whole file. Errors name the file, the 1-based line and the field (see jsonl_reader.h).
absl::StatusOr<PromptDataset> LoadPromptDataset(const PromptDatasetConfig& config);

}  // namespace reasonrl::data
