// Train/test splits for synthetic tasks: no duplicates and no overlap, byte-identical for a seed, the
// documented stream structure, a clean error instead of a hang when the task space runs out, and atomic
// writes. The written files load with the prompt-dataset loader.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "nlohmann/json.hpp"
#include "trainer/data/prompt_dataset.h"
#include "trainer/tasks/arithmetic.h"
#include "trainer/tasks/countdown.h"
#include "trainer/tasks/task_files.h"

namespace reasonrl::tasks {
namespace {

std::string TempDir(const std::string& name) {
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("reasonrl_tasks_" + name + "_" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir);
  return dir;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

DrawTaskFn CountdownDraw(const CountdownConfig& config) {
  return [config](data::Rng& rng) -> absl::StatusOr<std::optional<TaskItem>> {
    absl::StatusOr<std::optional<CountdownPuzzle>> p = DrawCountdownPuzzle(config, rng);
    if (!p.ok()) return p.status();
    if (!p->has_value()) return std::optional<TaskItem>();
    return std::optional<TaskItem>(TaskItem{CountdownKey(**p), CountdownLine(**p)});
  };
}

DrawTaskFn ArithmeticDraw(const ArithmeticConfig& config) {
  return [config](data::Rng& rng) -> absl::StatusOr<std::optional<TaskItem>> {
    ArithmeticProblem p = DrawArithmeticProblem(config, rng);
    return std::optional<TaskItem>(TaskItem{ArithmeticKey(p), ArithmeticLine(p)});
  };
}

// Canonical key of a written countdown line, recomputed from its JSON.
std::string CountdownLineKey(const std::string& line) {
  nlohmann::json j = nlohmann::json::parse(line);
  return CountdownKey({j["numbers"].get<std::vector<int64_t>>(), j["target"].get<int64_t>(), ""});
}

TEST(TaskSplitsTest, CountdownSplitsHaveNoDuplicatesAndNoOverlap) {
  CountdownConfig config;
  config.max_number = 12;  // a small space, so duplicates are actually drawn and dropped
  config.target_max = 30;
  absl::StatusOr<TaskSplits> s = GenerateTaskSplits({1500, 300, 7}, CountdownDraw(config));
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->train.size(), 1500u);
  ASSERT_EQ(s->test.size(), 300u);
  EXPECT_GT(s->duplicates, 0);
  EXPECT_EQ(s->draws, 1800 + s->duplicates + s->unusable);
  std::set<std::string> keys;
  for (const auto& line : s->test) EXPECT_TRUE(keys.insert(CountdownLineKey(line)).second) << line;
  for (const auto& line : s->train) EXPECT_TRUE(keys.insert(CountdownLineKey(line)).second) << line;
}

TEST(TaskSplitsTest, TestSplitIsFixedAndSmallerTrainSplitsArePrefixes) {
  ArithmeticConfig config;
  absl::StatusOr<TaskSplits> small = GenerateTaskSplits({100, 50, 3}, ArithmeticDraw(config));
  absl::StatusOr<TaskSplits> large = GenerateTaskSplits({400, 50, 3}, ArithmeticDraw(config));
  absl::StatusOr<TaskSplits> other_seed = GenerateTaskSplits({100, 50, 4}, ArithmeticDraw(config));
  ASSERT_TRUE(small.ok() && large.ok() && other_seed.ok());
  EXPECT_EQ(small->test, large->test);
  EXPECT_EQ(small->train, std::vector<std::string>(large->train.begin(), large->train.begin() + 100));
  EXPECT_NE(small->train, other_seed->train);
  EXPECT_NE(small->test, other_seed->test);
}

TEST(TaskSplitsTest, SameSeedWritesByteIdenticalFiles) {
  CountdownConfig config;
  const std::string a = TempDir("same_a"), b = TempDir("same_b");
  for (const std::string& dir : {a, b}) {
    absl::StatusOr<TaskSplits> s = GenerateTaskSplits({200, 40, 11}, CountdownDraw(config));
    ASSERT_TRUE(s.ok()) << s.status();
    ASSERT_TRUE(WriteTaskSplits(dir, *s).ok());
  }
  for (const char* name : {"/train.jsonl", "/test.jsonl"}) {
    std::string x = ReadAll(a + name);
    EXPECT_FALSE(x.empty());
    EXPECT_EQ(x, ReadAll(b + name)) << name;
  }
  // Only the two files: no temporaries left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(a), std::filesystem::directory_iterator()), 2);
}

TEST(TaskSplitsTest, WrittenFilesLoadAsPromptDatasets) {
  const std::string dir = TempDir("load");
  CountdownConfig countdown;
  absl::StatusOr<TaskSplits> s = GenerateTaskSplits({30, 10, 1}, CountdownDraw(countdown));
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(WriteTaskSplits(dir + "/countdown", *s).ok());
  data::PromptDatasetConfig config;
  config.path = dir + "/countdown/train.jsonl";
  config.answer_field = "";
  config.extra_fields = {{"target"}, {"numbers"}};
  absl::StatusOr<data::PromptDataset> d = data::LoadPromptDataset(config);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->records.size(), 30u);
  EXPECT_EQ(d->records[0].prompt.rfind("Using the numbers [", 0), 0u);
  EXPECT_EQ(d->records[0].extra_json.at("numbers").front(), '[');

  s = GenerateTaskSplits({30, 10, 1}, ArithmeticDraw({}));
  ASSERT_TRUE(WriteTaskSplits(dir + "/arithmetic", *s).ok());
  config = {};
  config.path = dir + "/arithmetic/test.jsonl";
  d = data::LoadPromptDataset(config);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->records.size(), 10u);
  EXPECT_EQ(d->records[0].prompt.rfind("What is ", 0), 0u);
}

TEST(TaskSplitsTest, AnExhaustedTaskSpaceIsAnErrorNotAHang) {
  ArithmeticConfig config;
  config.ops = {ArithmeticOp::kAdd};
  config.max_digits = 1;  // 55 distinct sums of two digits (a + b == b + a)
  absl::StatusOr<TaskSplits> fits = GenerateTaskSplits({45, 10, 0, 10000}, ArithmeticDraw(config));
  ASSERT_TRUE(fits.ok()) << fits.status();
  absl::StatusOr<TaskSplits> s = GenerateTaskSplits({50, 10, 0, 10000}, ArithmeticDraw(config));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::IsResourceExhausted(s.status()));
  EXPECT_NE(std::string(s.status().message()).find("10000 draws in a row were duplicates or unusable while filling "
                                                     "the train split (45 of 50 done; 55 distinct items in all)"),
            std::string::npos)
      << s.status();
}

TEST(TaskSplitsTest, UnsolvableDrawsCountAsRejects) {
  CountdownConfig config;
  config.target_min = config.target_max = 1000000;  // above what 3-4 numbers up to 2 can make
  config.max_number = 2;
  absl::StatusOr<TaskSplits> s = GenerateTaskSplits({1, 1, 0, 500}, CountdownDraw(config));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.status().message()).find("500 draws in a row"), std::string::npos) << s.status();
}

TEST(TaskSplitsTest, BadSizesAndOutputDirectoriesAreErrors) {
  EXPECT_EQ(GenerateTaskSplits({0, 1, 0}, ArithmeticDraw({})).status().message(), "task generation: size 0 < 1");
  EXPECT_EQ(GenerateTaskSplits({1, 0, 0}, ArithmeticDraw({})).status().message(),
            "task generation: test size 0 < 1");
  const std::string dir = TempDir("file_in_the_way");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/blocker") << "x";
  absl::StatusOr<TaskSplits> s = GenerateTaskSplits({2, 1, 0}, ArithmeticDraw({}));
  absl::Status st = WriteTaskSplits(dir + "/blocker", *s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(std::string(st.message()).find(dir + "/blocker: cannot create the output directory"), std::string::npos)
      << st;
}

TEST(TaskSplitsTest, AFailedWriteReplacesNothingAndLeavesNoTemporaries) {
  const std::string dir = TempDir("failed_write");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/train.jsonl") << "old train\n";
  // test.jsonl's temporary name is taken by a directory, so its write fails (even for root) after
  // train.jsonl's temporary was written: that one must be removed and train.jsonl left as it was.
  const std::string blocked = dir + "/test.jsonl.tmp." + std::to_string(::getpid());
  std::filesystem::create_directories(blocked);
  absl::StatusOr<TaskSplits> s = GenerateTaskSplits({2, 1, 0}, ArithmeticDraw({}));
  absl::Status st = WriteTaskSplits(dir, *s);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(std::string(st.message()).find(blocked + ": cannot create"), std::string::npos) << st;
  EXPECT_EQ(ReadAll(dir + "/train.jsonl"), "old train\n");
  std::filesystem::remove(blocked);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()), 1);
  EXPECT_FALSE(std::filesystem::exists(dir + "/test.jsonl"));
}

}  // namespace
}  // namespace reasonrl::tasks
