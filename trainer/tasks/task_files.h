// Train/test files for synthetic tasks: draws puzzles, removes duplicates, writes DIR/train.jsonl and
// DIR/test.jsonl.
//
// Streams. The test split is drawn first, from std::mt19937_64(MixSeed(seed, kTestStream)); the train
// split then from std::mt19937_64(MixSeed(seed, kTrainStream)) (random.h). A draw whose canonical key
// (e.g. sorted numbers + target) was already taken, in either split, is dropped and drawn again, so no
// puzzle appears twice and none is in both splits. Consequences: the same seed and sizes give
// byte-identical files; the test split depends only on (seed, test_size, task options), so growing
// train_size keeps the test set; and a smaller train split is a prefix of a larger one.
//
// Termination. When max_consecutive_rejects draws in a row are duplicates or unusable (the task space is
// nearly exhausted, e.g. 1-digit additions), generation stops with an error that says how many distinct
// items were found; it never loops forever. Nothing is written unless both splits are complete; the
// files are written to temporary names and renamed (atomic_file.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "trainer/data/random.h"

namespace reasonrl::tasks {

inline constexpr uint64_t kTrainStream = 0;
inline constexpr uint64_t kTestStream = 1;
// Most items (train + test) one generation may ask for: all lines are held in memory before writing.
inline constexpr int64_t kMaxTaskItems = 100000000;

struct TaskSplitConfig {
  int64_t train_size = 0;                    // lines in train.jsonl, >= 1
  int64_t test_size = 0;                     // lines in test.jsonl, >= 1; train + test <= kMaxTaskItems
  uint64_t seed = 0;                         // both streams derive from it
  int64_t max_consecutive_rejects = 100000;  // give up after this many useless draws in a row
  absl::Status Validate() const;
};

// One drawn item: `key` is the canonical form used to find duplicates, `line` the JSONL line (no newline).
struct TaskItem {
  std::string key;
  std::string line;
};

// Draws one item from the engine, or nullopt for an unusable draw (e.g. an unsolvable countdown).
using DrawTaskFn = std::function<absl::StatusOr<std::optional<TaskItem>>(data::Rng& rng)>;

struct TaskSplits {
  std::vector<std::string> train;  // JSONL lines, in draw order
  std::vector<std::string> test;
  int64_t draws = 0;               // items drawn, both splits
  int64_t duplicates = 0;          // draws dropped as duplicates
  int64_t unusable = 0;            // draws that yielded nothing
};

absl::StatusOr<TaskSplits> GenerateTaskSplits(const TaskSplitConfig& config, const DrawTaskFn& draw);

// Writes splits as DIR/train.jsonl and DIR/test.jsonl (one line each, '\n'-terminated), creating DIR if
// needed. Errors: DIR is not a directory or cannot be created, a write fails (no file is then replaced).
absl::Status WriteTaskSplits(const std::string& output_dir, const TaskSplits& splits);

// "wrote DIR/train.jsonl (N lines) and DIR/test.jsonl (M lines); D draws, X duplicates, U unusable (e.g. unsolvable)".
std::string TaskSplitsSummary(const std::string& output_dir, const TaskSplits& splits);

}  // namespace reasonrl::tasks
