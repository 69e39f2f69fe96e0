// Prompt datasets: fields read and handed on verbatim, and every kind of bad line reported with the file,
// the 1-based line and the field (or skipped and counted).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "trainer/data/prompt_dataset.h"

namespace reasonrl::data {
namespace {

std::string DataPath(const std::string& name) { return std::string(REASONRL_TEST_DATA_DIR) + "/datasets/" + name; }

std::string TempDir(const std::string& name) {
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("reasonrl_" + name + "_" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string WriteFile(const std::string& dir, const std::string& name, const std::string& contents) {
  std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

bool Contains(const absl::Status& s, const std::string& text) {
  return std::string(s.message()).find(text) != std::string::npos;
}

TEST(PromptDatasetTest, ReadsPromptsReferencesAndExtraFieldsVerbatim) {
  PromptDatasetConfig config;
  config.path = DataPath("prompts_good.jsonl");
  config.prompt_field = "question";
  config.extra_fields = {{"level"}, {"meta"}};
  absl::StatusOr<PromptDataset> d = LoadPromptDataset(config);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->records.size(), 4u);
  const auto& r = d->records;
  // Line 1 starts with a UTF-8 byte-order mark.
  EXPECT_EQ(r[0].line, 1);
  EXPECT_EQ(r[0].prompt, "What is 2 + 3?");
  EXPECT_EQ(r[0].reference, "5");
  EXPECT_EQ(r[0].extra_json.at("level"), "1");
  EXPECT_EQ(r[0].extra_json.at("meta"), "\"none\"");
  // A number answer keeps its spelling; an object keeps its key order and spacing.
  EXPECT_EQ(r[1].reference, "0.50");
  EXPECT_EQ(r[1].extra_json.at("level"), "\"Level 2\"");
  EXPECT_EQ(r[1].extra_json.at("meta"), "{\"b\": 1,  \"a\": [1, 2]}");
  // Line 3 is blank; line 4 ends in CRLF and has \u escapes.
  EXPECT_EQ(r[2].line, 4);
  EXPECT_EQ(r[2].prompt, "Uni: \xcf\x80 \xe2\x89\x88 \xcf\x80");
  EXPECT_EQ(r[2].reference, "-1e3");
  EXPECT_EQ(r[2].extra_json.at("level"), "null");
  EXPECT_EQ(r[2].extra_json.at("meta"), "{}");
  // Escaped quotes in the prompt, a tab in the answer, a key spelled with an escape, "]}" inside a string.
  EXPECT_EQ(r[3].prompt, "escaped \"quote\"");
  EXPECT_EQ(r[3].reference, "x\ty");
  EXPECT_EQ(r[3].extra_json.at("level"), "true");
  EXPECT_EQ(r[3].extra_json.at("meta"), "[1, \"]}\"]");
  EXPECT_EQ(d->report.lines, 5);
  EXPECT_EQ(d->report.records, 4);
  EXPECT_EQ(d->report.blank_lines, 1);
  EXPECT_EQ(d->report.skipped, 0);
}

TEST(PromptDatasetTest, StopsAtTheFirstBadLineNamingFileAndLine) {
  PromptDatasetConfig config;
  config.path = DataPath("prompts_bad.jsonl");
  absl::StatusOr<PromptDataset> d = LoadPromptDataset(config);
  ASSERT_FALSE(d.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(d.status()));
  EXPECT_TRUE(Contains(d.status(), config.path + ":2: malformed JSON at column 32")) << d.status();
}

TEST(PromptDatasetTest, SkipModeSkipsAndCountsEveryBadLine) {
  PromptDatasetConfig config;
  config.path = DataPath("prompts_bad.jsonl");
  config.on_bad_line = OnBadLine::kSkip;
  absl::StatusOr<PromptDataset> d = LoadPromptDataset(config);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->records.size(), 3u);
  EXPECT_EQ(d->records[0].prompt, "ok 1");
  EXPECT_EQ(d->records[1].prompt, "ok 2");
  EXPECT_EQ(d->records[1].reference, "2");
  EXPECT_EQ(d->records[1].line, 9);
  EXPECT_EQ(d->records[2].prompt, "ok 3");  // the last line has no newline
  EXPECT_EQ(d->report.lines, 13);
  EXPECT_EQ(d->report.skipped, 10);
  ASSERT_EQ(d->report.skipped_examples.size(), 5u);
  const std::string p = config.path;
  EXPECT_EQ(d->report.skipped_examples[1], p + ":3: field \"answer\": missing");
  EXPECT_EQ(d->report.skipped_examples[2], p + ":4: field \"answer\": expected a string or number, got object");
  EXPECT_EQ(d->report.skipped_examples[3], p + ":5: expected a JSON object, got array");
  EXPECT_EQ(d->report.skipped_examples[4], p + ":6: duplicate field \"answer\"");
  EXPECT_EQ(d->report.Summary("f.jsonl"),
            "f.jsonl: 3 records from 13 lines; 10 bad lines skipped, first: " + d->report.skipped_examples[0]);
}

// Each bad second line, alone after a good first line: the error names the file, line 2 and the field.
TEST(PromptDatasetTest, EachKindOfBadLineIsAnErrorNamingFileLineAndField) {
  const std::string dir = TempDir("prompt_bad_lines");
  const std::string good = "{\"prompt\": \"p\", \"answer\": \"a\", \"target\": 3}\n";
  const std::pair<std::string, std::string> cases[] = {
      {"{\"prompt\": \"p\", \"answer\": \"a\"", "malformed JSON at column 30"},
      {"{\"prompt\": \"p\", \"target\": 3}", "field \"answer\": missing"},
      {"{\"answer\": \"a\", \"target\": 3}", "field \"prompt\": missing"},
      {"{\"prompt\": \"p\", \"answer\": \"a\"}", "field \"target\": missing"},
      {"{\"prompt\": \"p\", \"answer\": [1], \"target\": 3}", "field \"answer\": expected a string or number, got array"},
      {"{\"prompt\": \"p\", \"answer\": {}, \"target\": 3}", "field \"answer\": expected a string or number, got object"},
      {"{\"prompt\": \"p\", \"answer\": false, \"target\": 3}", "field \"answer\": expected a string or number, got boolean"},
      {"{\"prompt\": \"p\", \"answer\": \"\", \"target\": 3}", "field \"answer\": expected a non-empty string or a number"},
      {"{\"prompt\": null, \"answer\": \"a\", \"target\": 3}", "field \"prompt\": expected a string, got null"},
      {"{\"prompt\": {\"text\": \"p\"}, \"answer\": \"a\", \"target\": 3}", "field \"prompt\": expected a string, got object"},
      {"\"just a string\"", "expected a JSON object, got string"},
      {"42", "expected a JSON object, got number"},
      {"{\"prompt\": \"p\", \"prompt\": \"q\", \"answer\": \"a\", \"target\": 3}", "duplicate field \"prompt\""},
      {"{\"prompt\": \"p\xff\", \"answer\": \"a\", \"target\": 3}", "malformed JSON at column"},
  };
  for (const auto& [line, expected] : cases) {
    PromptDatasetConfig config;
    config.path = WriteFile(dir, "one_bad.jsonl", good + line + "\n" + good);
    config.extra_fields = {{"target"}};
    absl::StatusOr<PromptDataset> d = LoadPromptDataset(config);
    ASSERT_FALSE(d.ok()) << line;
    EXPECT_EQ(std::string(d.status().message()).rfind(config.path + ":2: " + expected, 0), 0u)
        << "line: " << line << "\nstatus: " << d.status();
  }
}

TEST(PromptDatasetTest, ExtraFieldsCanBeRenamedAndNoAnswerFieldMeansNoReference) {
  PromptDatasetConfig config;
  config.path = DataPath("countdown_tinyzero_style.jsonl");
  config.answer_field = "";
  config.extra_fields = {{"target"}, {"numbers", "nums"}};
  absl::StatusOr<PromptDataset> d = LoadPromptDataset(config);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->records.size(), 2u);
  EXPECT_EQ(d->records[0].reference, "");
  EXPECT_EQ(d->records[0].extra_json.at("numbers"), "[1, 5, 5, 5]");
  EXPECT_EQ(d->records[0].extra_json.at("target"), "24");
  EXPECT_EQ(d->records[0].extra_json.count("nums"), 0u);
}

TEST(PromptDatasetTest, MissingEmptyAndDirectoryPathsAreErrorsNamingThePath) {
  const std::string dir = TempDir("prompt_paths");
  PromptDatasetConfig config;
  config.path = dir + "/nope.jsonl";
  absl::StatusOr<PromptDataset> d = LoadPromptDataset(config);
  EXPECT_TRUE(absl::IsNotFound(d.status())) << d.status();
  EXPECT_TRUE(Contains(d.status(), dir + "/nope.jsonl: cannot open: No such file or directory")) << d.status();

  config.path = WriteFile(dir, "empty.jsonl", "");
  d = LoadPromptDataset(config);
  EXPECT_EQ(d.status().message(), config.path + ": empty file: no JSON lines");
  config.path = WriteFile(dir, "blank.jsonl", "\n  \n\r\n");
  d = LoadPromptDataset(config);
  EXPECT_EQ(d.status().message(), config.path + ": empty file: no JSON lines");

  config.path = dir;
  d = LoadPromptDataset(config);
  EXPECT_TRUE(Contains(d.status(), dir + ": is a directory")) << d.status();

  config.path = WriteFile(dir, "all_bad.jsonl", "{\"prompt\": 1}\n{\"x\": 2}\n");
  config.on_bad_line = OnBadLine::kSkip;
  d = LoadPromptDataset(config);
  ASSERT_FALSE(d.ok());
  EXPECT_TRUE(Contains(d.status(), ": no usable records: all 2 JSON lines were bad; first: " + config.path +
                                       ":1: field \"prompt\": expected a string, got number"))
      << d.status();
}

TEST(PromptDatasetTest, LoadingWritesNothing) {
  const std::string dir = TempDir("prompt_readonly");
  std::string path = WriteFile(dir, "d.jsonl", "{\"prompt\": \"p\", \"answer\": 1}\n");
  auto before = std::filesystem::last_write_time(path);
  PromptDatasetConfig config;
  config.path = path;
  ASSERT_TRUE(LoadPromptDataset(config).ok());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()), 1);
  EXPECT_EQ(std::filesystem::last_write_time(path), before);
}

TEST(PromptDatasetTest, InvalidConfigurationsAreRejectedBeforeReading) {
  PromptDatasetConfig config;
  EXPECT_EQ(config.Validate().message(), "prompt dataset: path is empty");
  config.path = "x.jsonl";
  config.answer_field = "prompt";
  EXPECT_TRUE(Contains(config.Validate(), "answer_field \"prompt\" is also the prompt_field"));
  config.answer_field = "answer";
  config.extra_fields = {{"t"}, {"t", "u"}};
  EXPECT_TRUE(Contains(config.Validate(), "extra field \"t\" listed twice"));
  config.extra_fields = {{"a", "answer"}};
  EXPECT_TRUE(Contains(config.Validate(), "extra field \"answer\" is also the prompt or answer field"));
  EXPECT_TRUE(ParseOnBadLine("skip").ok());
  EXPECT_TRUE(Contains(ParseOnBadLine("ignore").status(), "expected \"error\" or \"skip\", got \"ignore\""));
}

}  // namespace
}  // namespace reasonrl::data
