#include "trainer/data/prompt_dataset.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "model/status_macros.h"

namespace reasonrl::data {

absl::Status PromptDatasetConfig::Validate() const {
  if (path.empty()) return absl::InvalidArgumentError("prompt dataset: path is empty");
  if (prompt_field.empty()) return absl::InvalidArgumentError("prompt dataset: prompt_field is empty");
  std::set<std::string> sources = {prompt_field};
  if (!answer_field.empty() && !sources.insert(answer_field).second) {
    return absl::InvalidArgumentError(
        absl::StrCat("prompt dataset: answer_field \"", answer_field, "\" is also the prompt_field"));
  }
  std::set<std::string> names;
  for (const ExtraField& extra : extra_fields) {
    if (extra.name.empty()) return absl::InvalidArgumentError("prompt dataset: an extra field has no name");
    if (!names.insert(extra.name).second) {
      return absl::InvalidArgumentError(absl::StrCat("prompt dataset: extra field \"", extra.name, "\" listed twice"));
    }
    if (extra.SourceOrName() == prompt_field || extra.SourceOrName() == answer_field) {
      return absl::InvalidArgumentError(absl::StrCat("prompt dataset: extra field \"", extra.SourceOrName(),
                                                     "\" is also the prompt or answer field"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<PromptDataset> LoadPromptDataset(const PromptDatasetConfig& config) {
  RETURN_IF_ERROR(config.Validate());
  PromptDataset dataset;
  auto record = [&](const JsonObjectLine& object, int64_t line) -> absl::Status {
    PromptRecord r;
    r.line = line;
    ASSIGN_OR_RETURN(r.prompt, object.NonEmptyString(config.prompt_field));
    if (!config.answer_field.empty()) {
      ASSIGN_OR_RETURN(r.reference, object.StringOrNumber(config.answer_field));
    }
    for (const ExtraField& extra : config.extra_fields) {
      ASSIGN_OR_RETURN(std::string raw, object.RawText(extra.SourceOrName()));
      r.extra_json.emplace(extra.name, std::move(raw));
    }
    dataset.records.push_back(std::move(r));
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(ReadJsonlObjects(config.path, config.on_bad_line, record, &dataset.report));
  return dataset;
}

}  // namespace reasonrl::data
