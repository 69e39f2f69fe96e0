// `reasonrl score` as a user runs it: the built binary with JSON lines on stdin (or --jsonl-in), each
// line written back with reward, components and reason; expected lines computed by hand from the
// rewards' documented formulas. Bad input: an error naming the input line, a non-zero exit, nothing on
// stdout.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace reasonrl {
namespace {

using ::testing::HasSubstr;

std::string DataPath(const std::string& name) { return std::string(REASONRL_TEST_DATA_DIR) + "/" + name; }

std::string TempPath(const char* tag) {
  std::string path = std::string("/tmp/reasonrl_score_cli_") + tag + "_XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd >= 0) ::close(fd);
  return path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs `reasonrl <args>` with `input` on stdin.
RunResult Reasonrl(const std::vector<std::string>& args, const std::string& input) {
  const std::string in_path = TempPath("in"), out_path = TempPath("out"), err_path = TempPath("err");
  std::ofstream(in_path) << input;
  std::vector<std::string> argv_storage = {REASONRL_BINARY};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(::open(in_path.c_str(), O_RDONLY), STDIN_FILENO);
    ::dup2(::open(out_path.c_str(), O_WRONLY | O_TRUNC), STDOUT_FILENO);
    ::dup2(::open(err_path.c_str(), O_WRONLY | O_TRUNC), STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  RunResult run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadFile(out_path);
  run.err = ReadFile(err_path);
  for (const std::string& path : {in_path, out_path, err_path}) ::unlink(path.c_str());
  return run;
}

TEST(ScoreCliTest, ARewardNameScoresEachLineAndKeepsItsFieldsAsWritten) {
  const std::string input =
      R"({"completion": "so \\boxed{42}", "answer": "42"})"
      "\n"
      R"({"id": 7, "completion": "\\boxed{\\frac{1}{2}}", "answer": 0.50, "meta": {"b": [1, 2],  "a": null}})"
      "\n"
      R"({"completion": "I give up", "answer": "3", "reward": 5, "components": [], "reason": "old"})"
      "\n";
  const RunResult run = Reasonrl({"score", "--reward", "math_accuracy"}, input);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, R"({"completion":"so \\boxed{42}","answer":"42","reward":1.0,"components":{"math_accuracy":1.0}})"
                     "\n"
                     R"({"id":7,"completion":"\\boxed{\\frac{1}{2}}","answer":0.50,"meta":{"b": [1, 2],  "a": null},)"
                     R"("reward":1.0,"components":{"math_accuracy":1.0}})"
                     "\n"
                     R"({"completion":"I give up","answer":"3","reward":0.0,"components":{"math_accuracy":0.0},)"
                     R"("reason":"math_accuracy: no_answer"})"
                     "\n");
}

TEST(ScoreCliTest, ASpecFileWeighsItsTermsAndReadsTokenCountsAndFinishReasons) {
  // spec.yaml: r = math_accuracy + 0.5 * overlong(buffer 100). With L_max = 1000: 950 tokens are 50 into
  // the 100-token buffer: overlong = -50/100 = -0.5, r = 1 - 0.25; a truncated sample gets -1: r = 0.5;
  // 900 tokens are not in the buffer: r = 1.
  const std::string input =
      R"({"completion": "\\boxed{6}", "answer": "6", "completion_tokens": 950, "max_tokens": 1000, "finish_reason": "stop"})"
      "\n"
      R"({"completion": "\\boxed{6}", "answer": "6", "completion_tokens": 1000, "max_tokens": 1000, "finish_reason": "length"})"
      "\n"
      R"({"completion": "\\boxed{6}", "answer": "6", "completion_tokens": 900, "max_tokens": 1000})"
      "\n";
  const RunResult run = Reasonrl({"score", "--reward", DataPath("reward/score_cli/spec.yaml")}, input);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<nlohmann::json> lines;
  std::istringstream out(run.out);
  for (std::string line; std::getline(out, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 3u) << run.out;
  EXPECT_EQ(lines[0]["reward"], 0.75);
  EXPECT_EQ(lines[0]["components"], (nlohmann::json{{"math_accuracy", 1.0}, {"soft_overlong", -0.5}}));
  EXPECT_THAT(lines[0]["reason"].get<std::string>(), HasSubstr("soft_overlong: overlong"));
  EXPECT_EQ(lines[1]["reward"], 0.5);
  EXPECT_EQ(lines[1]["components"]["soft_overlong"], -1.0);
  EXPECT_EQ(lines[1]["reason"], "soft_overlong: truncated");
  EXPECT_EQ(lines[2]["reward"], 1.0);
  EXPECT_FALSE(lines[2].contains("reason")) << "no reason is written when it is empty";
  EXPECT_EQ(lines[2]["completion_tokens"], 900) << "input fields stay";
}

TEST(ScoreCliTest, TaskFieldsReachTheRewardsThatReadThem) {
  const std::string countdown = R"({"completion": "<answer>3 * 5 + 7</answer>", "numbers": [3, 5, 7], "target": 22})"
                                "\n"
                                R"({"completion": "<answer>3 + 5 + 7</answer>", "numbers": [3, 5, 7], "target": 22})"
                                "\n";
  RunResult run = Reasonrl({"score", "--reward", "countdown", "--workers", "1"}, countdown);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream out(run.out);
  std::string first, second;
  std::getline(out, first);
  std::getline(out, second);
  // TinyZero's scores: 1 for a correct expression, format_score 0.1 for a wrong one in <answer>.
  EXPECT_EQ(nlohmann::json::parse(first)["reward"], 1.0) << first;
  EXPECT_EQ(nlohmann::json::parse(second)["reward"], 0.1) << second;
  EXPECT_THAT(nlohmann::json::parse(second)["reason"].get<std::string>(), HasSubstr("countdown: wrong_value: 15"));

  // The code reward: one of two tests passes.
  const std::string code = R"({"completion": "```python\nprint(sum(map(int, input().split())))\n```", )"
                           R"("tests": [{"stdin": "2 3\n", "stdout": "5\n"}, {"stdin": "1 1\n", "stdout": "3\n"}]})"
                           "\n";
  run = Reasonrl({"score", "--reward", "code"}, code);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json scored = nlohmann::json::parse(run.out);
  EXPECT_EQ(scored["reward"], 0.5);
  EXPECT_EQ(scored["components"]["code.passed"], 1.0);
  EXPECT_EQ(scored["components"]["code.total"], 2.0);
  EXPECT_EQ(scored["components"]["code.test_0"], 1.0);
  EXPECT_EQ(scored["components"]["code.test_1"], 0.0);
  EXPECT_THAT(scored["reason"].get<std::string>(), HasSubstr("code: wrong_answer: test 1"));
}

TEST(ScoreCliTest, ReadsAFileGivenByJsonlIn) {
  const std::string path = TempPath("jsonl");
  std::ofstream(path) << R"({"completion": "\\boxed{x+1}", "answer": "1+x"})"
                      << "\n";
  const RunResult run =
      Reasonrl({"score", "--reward", "math_accuracy", "--jsonl-in", path}, "this stdin is not read\n");
  ::unlink(path.c_str());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, R"({"completion":"\\boxed{x+1}","answer":"1+x","reward":1.0,"components":{"math_accuracy":1.0}})"
                     "\n");
}

TEST(ScoreCliTest, ABadLineIsAnErrorNamingItsLineAndNothingIsWritten) {
  const std::string good = R"({"completion": "\\boxed{1}", "answer": "1"})"
                           "\n";
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {good + "not json\n", {"stdin:2"}},
      {good + good +
           R"({"answer": "1"})"
           "\n",
       {"stdin:3", "\"completion\"", "missing"}},
      {R"({"completion": 5})"
       "\n",
       {"stdin:1", "\"completion\"", "string"}},
      {good + "\n" + good, {"stdin:2"}},
      {R"({"completion": "x", "completion_tokens": -3})"
       "\n",
       {"stdin:1", "completion_tokens", ">= 0"}},
      {R"({"completion": "x", "finish_reason": "done"})"
       "\n",
       {"stdin:1", "finish_reason", "length"}},
      {R"({"completion": "x", "answer": [1]})"
       "\n",
       {"stdin:1", "answer"}},
      {R"({"completion": "x", "completion": "y"})"
       "\n",
       {"stdin:1"}},
      {"[1, 2]\n", {"stdin:1"}},
  };
  for (const auto& [input, expected] : cases) {
    SCOPED_TRACE(input);
    const RunResult run = Reasonrl({"score", "--reward", "math_accuracy"}, input);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.out, "") << "nothing is written when a line is bad";
    for (const std::string& part : expected) EXPECT_THAT(run.err, HasSubstr(part));
  }
}

TEST(ScoreCliTest, AnUnknownRewardOrABadSpecFileIsAnErrorThatSaysWhatWasExpected) {
  RunResult run = Reasonrl({"score", "--reward", "math_acuracy"}, "");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("math_acuracy"));
  EXPECT_THAT(run.err, HasSubstr("math_accuracy, format, countdown"));

  run = Reasonrl({"score", "--reward", DataPath("reward/score_cli/bad_spec.yaml")}, "");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("bad_spec.yaml:6"));
  EXPECT_THAT(run.err, HasSubstr("buffer_tokns"));

  run = Reasonrl({"score"}, "");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.err, HasSubstr("--reward"));
}

TEST(ScoreCliTest, HelpListsTheRewardsAndTheirParameters) {
  const RunResult run = Reasonrl({"score", "--help"}, "");
  EXPECT_EQ(run.exit_code, 0);
  for (const char* part : {"--reward", "--jsonl-in", "math_accuracy", "buffer_tokens", "countdown"}) {
    EXPECT_THAT(run.out, HasSubstr(part));
  }
}

TEST(ScoreCliTest, EmptyInputWritesNothingAndSucceeds) {
  const RunResult run = Reasonrl({"score", "--reward", "format"}, "");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
}

}  // namespace
}  // namespace reasonrl
