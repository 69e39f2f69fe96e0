#include "trainer/tasks/task_files.h"

#include <filesystem>
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "trainer/data/atomic_file.h"

namespace reasonrl::tasks {
namespace {

// Appends `count` new items drawn from `rng` to `out`, skipping keys already in `seen`.
absl::Status DrawSplit(const char* split, int64_t count, data::Rng& rng, const DrawTaskFn& draw,
                       int64_t max_consecutive_rejects, std::unordered_set<std::string>& seen,
                       std::vector<std::string>& out, TaskSplits& stats) {
  int64_t rejects_in_a_row = 0;
  while (static_cast<int64_t>(out.size()) < count) {
    if (rejects_in_a_row >= max_consecutive_rejects) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "task generation: ", rejects_in_a_row, " draws in a row were duplicates or unusable while filling the ",
          split, " split (", out.size(), " of ", count, " done; ", seen.size(),
          " distinct items in all): the task space is too small for these sizes; widen the options or ask "
          "for fewer items"));
    }
    absl::StatusOr<std::optional<TaskItem>> item = draw(rng);
    if (!item.ok()) return item.status();
    ++stats.draws;
    if (!item->has_value()) {
      ++stats.unusable;
      ++rejects_in_a_row;
      continue;
    }
    if (!seen.insert((*item)->key).second) {
      ++stats.duplicates;
      ++rejects_in_a_row;
      continue;
    }
    rejects_in_a_row = 0;
    out.push_back(std::move((*item)->line));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status TaskSplitConfig::Validate() const {
  if (train_size < 1) return absl::InvalidArgumentError(absl::StrCat("task generation: size ", train_size, " < 1"));
  if (test_size < 1) return absl::InvalidArgumentError(absl::StrCat("task generation: test size ", test_size, " < 1"));
  if (train_size > kMaxTaskItems - test_size) {
    return absl::InvalidArgumentError(absl::StrCat("task generation: size ", train_size, " + test size ", test_size,
                                                   " > ", kMaxTaskItems, " items"));
  }
  if (max_consecutive_rejects < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("task generation: max_consecutive_rejects ", max_consecutive_rejects, " < 1"));
  }
  return absl::OkStatus();
}

absl::StatusOr<TaskSplits> GenerateTaskSplits(const TaskSplitConfig& config, const DrawTaskFn& draw) {
  if (absl::Status s = config.Validate(); !s.ok()) return s;
  TaskSplits splits;
  std::unordered_set<std::string> seen;
  data::Rng test_rng(data::MixSeed(config.seed, kTestStream));
  if (absl::Status s = DrawSplit("test", config.test_size, test_rng, draw, config.max_consecutive_rejects, seen,
                                 splits.test, splits);
      !s.ok()) {
    return s;
  }
  data::Rng train_rng(data::MixSeed(config.seed, kTrainStream));
  if (absl::Status s = DrawSplit("train", config.train_size, train_rng, draw, config.max_consecutive_rejects, seen,
                                 splits.train, splits);
      !s.ok()) {
    return s;
  }
  return splits;
}

absl::Status WriteTaskSplits(const std::string& output_dir, const TaskSplits& splits) {
  std::error_code ec;
  std::filesystem::create_directories(output_dir, ec);
  if (ec || !std::filesystem::is_directory(output_dir)) {
    return absl::InvalidArgumentError(absl::StrCat(output_dir, ": cannot create the output directory",
                                                   ec ? absl::StrCat(": ", ec.message()) : ": not a directory"));
  }
  auto body = [](const std::vector<std::string>& lines) {
    return lines.empty() ? std::string() : absl::StrCat(absl::StrJoin(lines, "\n"), "\n");
  };
  return data::WriteFilesAtomically({{output_dir + "/train.jsonl", body(splits.train)},
                                     {output_dir + "/test.jsonl", body(splits.test)}});
}

std::string TaskSplitsSummary(const std::string& output_dir, const TaskSplits& splits) {
  return absl::StrCat("wrote ", output_dir, "/train.jsonl (", splits.train.size(), " lines) and ", output_dir,
                      "/test.jsonl (", splits.test.size(), " lines); ", splits.draws, " draws, ", splits.duplicates,
                      " duplicates, ", splits.unusable, " unusable");
}

}  // namespace reasonrl::tasks
