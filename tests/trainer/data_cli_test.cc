// `reasonrl data ...` end to end through the built binary: files written, byte-identical for a seed,
// flags honoured, and bad flags or impossible requests exit non-zero with a message and write nothing.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "model/tokenizer/tokenizer.h"
#include "nlohmann/json.hpp"
#include "reward/countdown_expression.h"
#include "tests/trainer/cli_run.h"
#include "trainer/tasks/countdown.h"

namespace reasonrl {
namespace {

using testing::CliRun;
using testing::Reasonrl;

std::string TempDir(const std::string& name) {
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("reasonrl_data_cli_" + name + "_" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir);
  return dir;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<nlohmann::json> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(DataCliTest, CountdownWritesSolvableSplitsByteIdenticallyForASeed) {
  const std::string a = TempDir("cd_a"), b = TempDir("cd_b"), c = TempDir("cd_c");
  const std::string flags = " --size 120 --test-size 30 --max-number 50 --target-max 200";
  CliRun r = Reasonrl("data countdown --seed 5 --output-dir " + a + flags);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("wrote " + a + "/train.jsonl (120 lines) and " + a + "/test.jsonl (30 lines)"),
            std::string::npos)
      << r.output;
  ASSERT_EQ(Reasonrl("data countdown --seed 5 --output-dir " + b + flags).exit_code, 0);
  ASSERT_EQ(Reasonrl("data countdown --seed 6 --output-dir " + c + flags).exit_code, 0);
  EXPECT_EQ(ReadAll(a + "/train.jsonl"), ReadAll(b + "/train.jsonl"));
  EXPECT_EQ(ReadAll(a + "/test.jsonl"), ReadAll(b + "/test.jsonl"));
  EXPECT_NE(ReadAll(a + "/train.jsonl"), ReadAll(c + "/train.jsonl"));

  std::set<std::string> keys;
  for (const char* split : {"/train.jsonl", "/test.jsonl"}) {
    for (const nlohmann::json& j : ReadLines(a + split)) {
      tasks::CountdownPuzzle p{j["numbers"].get<std::vector<int64_t>>(), j["target"].get<int64_t>(),
                               j["solution"].get<std::string>()};
      EXPECT_TRUE(keys.insert(tasks::CountdownKey(p)).second) << j.dump();
      EXPECT_TRUE(p.numbers.size() == 3 || p.numbers.size() == 4);
      for (int64_t n : p.numbers) EXPECT_TRUE(n >= 1 && n <= 50);
      EXPECT_TRUE(p.target >= 1 && p.target <= 200);
      EXPECT_EQ(j["prompt"].get<std::string>(), tasks::CountdownPrompt(p.numbers, p.target));
      // The recorded solution, read by the countdown reward's own parser (independent of the generator's
      // solver), uses each number exactly once and its exact value is the target.
      absl::StatusOr<reward::CountdownExpression> e = reward::ParseCountdownExpression(p.solution);
      ASSERT_TRUE(e.ok()) << e.status() << " " << j.dump();
      std::vector<std::string> used = e->numbers, given;
      for (int64_t n : p.numbers) given.push_back(std::to_string(n));
      std::sort(used.begin(), used.end());
      std::sort(given.begin(), given.end());
      EXPECT_EQ(used, given) << j.dump();
      EXPECT_EQ(e->value, std::to_string(p.target)) << j.dump();
    }
  }
  EXPECT_EQ(keys.size(), 150u);
}

TEST(DataCliTest, ArithmeticHonoursOpsAndDigits) {
  const std::string dir = TempDir("arith");
  CliRun r = Reasonrl("data arithmetic --size 50 --test-size 10 --seed 1 --ops '*,/' --min-digits 20 --max-digits 25 "
                      "--output-dir " + dir);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<nlohmann::json> lines = ReadLines(dir + "/train.jsonl");
  ASSERT_EQ(lines.size(), 50u);
  std::set<std::string> ops;
  for (const nlohmann::json& j : lines) {
    const std::string op = j["op"], b = j["b"];
    ops.insert(op);
    EXPECT_GE(b.size(), 20u);
    EXPECT_LE(b.size(), 25u);
    EXPECT_EQ(j["prompt"], "What is " + j["a"].get<std::string>() + " " + op + " " + b + "?");
  }
  EXPECT_EQ(ops, (std::set<std::string>{"*", "/"}));
}

TEST(DataCliTest, TinyTokenizerWritesALoadableTokenizer) {
  const std::string dir = TempDir("tok");
  CliRun r = Reasonrl("data tiny-tokenizer --output-dir " + dir);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  absl::StatusOr<std::unique_ptr<Tokenizer>> tok = Tokenizer::Load(dir);
  ASSERT_TRUE(tok.ok()) << tok.status();
  EXPECT_EQ((*tok)->vocab_size(), 268);
  EXPECT_EQ((*tok)->Encode("<think>", false), std::vector<int32_t>{264});
}

TEST(DataCliTest, BadFlagsExitNonZeroWithAMessageAndWriteNothing) {
  const std::string dir = TempDir("bad");
  const std::pair<std::string, std::string> cases[] = {
      {"data countdown --size 10 --test-size 2 --max-numbers 7 --output-dir " + dir, "countdown: max_numbers 7 > 6"},
      {"data countdown --size 0 --test-size 2 --output-dir " + dir, "task generation: size 0 < 1"},
      {"data countdown --test-size 2 --output-dir " + dir, "--size is required"},
      {"data arithmetic --size 10 --test-size 2 --ops '+,%' --output-dir " + dir, "\"%\" is not one of +, -, *, /"},
      {"data arithmetic --size 60 --test-size 2 --ops + --max-digits 1 --output-dir " + dir,
       "the task space is too small"},
      {"data countdown --size 1 --test-size 1 --seed -1 --output-dir " + dir,
       "--seed: expected an integer in [0, 2^64 - 1], got -1"},
      {"data countdown --size 1 --test-size 1 --seed 18446744073709551616 --output-dir " + dir,
       "--seed: expected an integer in [0, 2^64 - 1], got 18446744073709551616"},
      {"data arithmetic --size 99999999999999999999 --test-size 1 --output-dir " + dir,
       "--size: expected an integer in [-2^63, 2^63 - 1], got 99999999999999999999"},
      {"data arithmetic --size 100000000 --test-size 1 --output-dir " + dir, "> 100000000 items"},
      {"data countdown --size 1 --test-size 1 --max-number 1e2 --output-dir " + dir, "--max-number: expected an integer"},
  };
  for (const auto& [args, expected] : cases) {
    CliRun r = Reasonrl(args);
    EXPECT_NE(r.exit_code, 0) << args;
    EXPECT_NE(r.output.find(expected), std::string::npos) << args << "\n" << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir)) << args;
  }
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/file") << "x";
  CliRun r = Reasonrl("data arithmetic --size 5 --test-size 2 --output-dir " + dir + "/file");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find(dir + "/file: cannot create the output directory"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace reasonrl
