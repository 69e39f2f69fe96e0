// SFT datasets (cold start, rejection-sampling SFT, distillation): a JSONL file in one of two formats.
//
//   kPromptResponse  {"prompt": "What is 2 + 3?", "response": "<think>2 + 3 = 5</think> <answer>5</answer>"}
//                    both fields non-empty JSON strings (names configurable).
//   kMessages        {"messages": [{"role": "user", "content": "What is 2 + 3?"},
//                                  {"role": "assistant", "content": "<think>...</think> <answer>5</answer>"}]}
//                    a non-empty array of objects, each with "role" (one of system, user, assistant, tool)
//                    and "content" (a JSON string, may be empty); other keys of a message are ignored. At
//                    least one message must be from the assistant, or there is nothing to learn.
//
// Line rules and the error format ("FILE:LINE: field \"messages[1].role\": ..."): jsonl_reader.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "trainer/data/jsonl_reader.h"

namespace reasonrl::data {

enum class SftFormat { kPromptResponse, kMessages };

// "prompt_response" | "messages".
absl::StatusOr<SftFormat> ParseSftFormat(std::string_view name);

struct SftDatasetConfig {
  std::string path;                          // the JSONL file
  SftFormat format = SftFormat::kPromptResponse;
  std::string prompt_field = "prompt";       // kPromptResponse
  std::string response_field = "response";   // kPromptResponse
  std::string messages_field = "messages";   // kMessages
  OnBadLine on_bad_line = OnBadLine::kError;

  // Errors: empty path or field names of the chosen format; prompt_field == response_field.
  absl::Status Validate() const;
};

struct ChatMessage {
  std::string role;     // system | user | assistant | tool
  std::string content;
};

struct SftRecord {
  std::string prompt;                 // kPromptResponse
  std::string response;               // kPromptResponse
  std::vector<ChatMessage> messages;  // kMessages
  int64_t line = 0;                   // 1-based line in the source file
};

struct SftDataset {
  SftFormat format = SftFormat::kPromptResponse;
  std::vector<SftRecord> records;  // in file order
  LoadReport report;
};

absl::StatusOr<SftDataset> LoadSftDataset(const SftDatasetConfig& config);

}  // namespace reasonrl::data
