// The code reward against hand-labelled cases (tests/data/reward/code_cases.jsonl), its parts (extraction,
// test parsing, comparisons) against hand-computed values, and the limit caps and the deadline.
#include "reward/code.h"

#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/reward/case_file.h"

namespace reasonrl::reward {
namespace {

using nlohmann::json;
using testing::ReadCases;

CodeConfig ConfigOf(const json& c) {
  CodeConfig config;
  if (!c.contains("config")) return config;
  const json& k = c["config"];
  if (k.value("scoring", "") == "all_or_nothing") config.scoring = CodeScoring::kAllOrNothing;
  const std::string match = k.value("stdout_match", "lines");
  config.stdout_match = match == "exact" ? StdoutMatch::kExact : match == "tokens" ? StdoutMatch::kTokens : StdoutMatch::kLines;
  config.limits.cpu_seconds = k.value("cpu_seconds", config.limits.cpu_seconds);
  config.limits.wall_seconds = k.value("wall_seconds", config.limits.wall_seconds);
  config.limits.output_bytes = k.value("output_bytes", config.limits.output_bytes);
  return config;
}

TEST(CodeRewardTest, EveryCaseOfTheCaseFileScoresAsLabelled) {
  int checked = 0;
  for (const json& c : ReadCases("code_cases.jsonl")) {
    SCOPED_TRACE(c["name"].get<std::string>());
    Sample sample;
    sample.completion = c["completion"];
    sample.extra_json["tests"] = c["tests"].dump();
    CodeConfig config = ConfigOf(c);
    // Wall limits are generous (a loaded 2-core CI machine); the cases that test limits set their own.
    if (!c.contains("config") || !c["config"].contains("wall_seconds")) config.limits.wall_seconds = 30;
    const Result result = CodeReward(sample, config);
    EXPECT_NEAR(result.value, c["value"].get<double>(), 1e-12);
    if (c.contains("reason")) {
      EXPECT_EQ(result.reason, c["reason"].get<std::string>());
    } else {
      EXPECT_EQ(result.reason.rfind(c["reason_prefix"].get<std::string>(), 0), 0u) << result.reason;
    }
    ASSERT_FALSE(result.components.empty());
    EXPECT_EQ(result.components[0].name, "code");
    EXPECT_EQ(result.components[0].value, result.value);
    if (result.reason != "no_code" && result.reason.rfind("bad_task", 0) != 0) {
      const size_t n = c["tests"].size();
      ASSERT_EQ(result.components.size(), 3 + n);
      EXPECT_EQ(result.components[1].name, "passed");
      EXPECT_EQ(result.components[2].name, "total");
      EXPECT_EQ(result.components[2].value, static_cast<double>(n));
      double passed = 0;
      for (size_t i = 0; i < n; ++i) {
        EXPECT_EQ(result.components[3 + i].name, "test_" + std::to_string(i));
        passed += result.components[3 + i].value;
      }
      EXPECT_EQ(result.components[1].value, passed);
    }
    ++checked;
  }
  EXPECT_GE(checked, 60);
}

TEST(CodeRewardTest, ExtractionTakesTheLastClosedPythonBlock) {
  EXPECT_EQ(ExtractPythonCode("```python\na\n```\n```python\nb\nc\n```"), "b\nc\n");
  EXPECT_EQ(ExtractPythonCode("```python\r\nx = 1\r\n```\r\n"), "x = 1\r\n");
  EXPECT_EQ(ExtractPythonCode("   ```py\nx\n   ```"), "x\n");             // three spaces of indentation
  EXPECT_EQ(ExtractPythonCode("    ```python\nx\n```"), std::nullopt);    // four: not a fence
  EXPECT_EQ(ExtractPythonCode("```python\n\n```"), "\n");                 // an empty block is a block
  EXPECT_EQ(ExtractPythonCode("```bash\nls\n```"), std::nullopt);
  EXPECT_EQ(ExtractPythonCode("```pythonic\nx\n```"), std::nullopt);
  EXPECT_EQ(ExtractPythonCode("text ```python x``` text"), std::nullopt);  // inline, not a fence
  // A python block inside a longer untagged fence is text of that fence, not a block.
  EXPECT_EQ(ExtractPythonCode("````\n```python\nx\n```\n````"), std::nullopt);
  // The closing fence may be longer, never shorter, than the opening one.
  EXPECT_EQ(ExtractPythonCode("```python\nx\n`````"), "x\n");
  EXPECT_EQ(ExtractPythonCode("````python\nx\n```\ny\n````"), "x\n```\ny\n");
  EXPECT_EQ(ExtractPythonCode("```python\nx\n``` trailing"), std::nullopt);
}

TEST(CodeRewardTest, TestParsingNamesTheEntryAndKey) {
  auto error = [](const char* text) {
    absl::StatusOr<std::vector<CodeTest>> t = ParseCodeTests(text, 64);
    return t.ok() ? std::string("ok") : std::string(t.status().message());
  };
  EXPECT_EQ(error("{"), "tests: not valid JSON");
  EXPECT_EQ(error("{\"stdin\": \"\"}"), "tests: expected an array, got object");
  EXPECT_EQ(error("[1]"), "tests[0]: expected an object, got number");
  EXPECT_EQ(error("[{\"stdout\": \"1\"}, {\"stdin\": \"x\"}]"), "tests[1].stdout: expected a string, got nothing");
  EXPECT_EQ(error("[{\"stdout\": 1}]"), "tests[0].stdout: expected a string, got number");
  EXPECT_EQ(error("[{\"fn_name\": \"f\", \"kwargs\": [], \"expected\": 1}]"), "tests[0].kwargs: expected an object, got array");
  EXPECT_EQ(error("[{\"fn_name\": \"f\", \"stdin\": \"\", \"expected\": 1}]"),
            "tests[0]: unknown key \"stdin\" (expected stdin, stdout | fn_name, args, kwargs, expected)");
  EXPECT_EQ(error("[{\"fn_name\": \"1f\", \"expected\": 1}]"), "tests[0].fn_name: expected a Python identifier, got string");
  EXPECT_EQ(ParseCodeTests("[{\"stdout\": \"\"}, {\"stdout\": \"\"}]", 1).status().message(), "tests: 2 tests (max_tests 1)");

  absl::StatusOr<std::vector<CodeTest>> t =
      ParseCodeTests(R"([{"stdout": "3\n"}, {"fn_name": "g", "args": [[1], {"a": null}], "expected": [true]}])", 64);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->size(), 2u);
  EXPECT_EQ((*t)[0].kind, CodeTest::Kind::kStdio);
  EXPECT_EQ((*t)[0].stdin_data, "");
  EXPECT_EQ((*t)[0].expected_stdout, "3\n");
  EXPECT_EQ((*t)[1].kind, CodeTest::Kind::kFunctionCall);
  EXPECT_EQ((*t)[1].fn_name, "g");
  EXPECT_EQ((*t)[1].args, json::parse(R"([[1], {"a": null}])"));
  EXPECT_EQ((*t)[1].kwargs, json::object());
  EXPECT_EQ((*t)[1].expected, json::parse("[true]"));
}

TEST(CodeRewardTest, StdoutComparisonModes) {
  EXPECT_TRUE(StdoutMatches("3\n", "3", StdoutMatch::kLines));
  EXPECT_TRUE(StdoutMatches("a \t\r\nb\n\n\n", "a\nb", StdoutMatch::kLines));
  EXPECT_FALSE(StdoutMatches(" a\n", "a\n", StdoutMatch::kLines));  // leading space is kept
  EXPECT_FALSE(StdoutMatches("a\n\nb\n", "a\nb\n", StdoutMatch::kLines));  // inner empty lines are kept
  EXPECT_FALSE(StdoutMatches("", "0", StdoutMatch::kLines));
  EXPECT_TRUE(StdoutMatches("", "\n\n", StdoutMatch::kLines));
  EXPECT_TRUE(StdoutMatches("3\n", "3\n", StdoutMatch::kExact));
  EXPECT_FALSE(StdoutMatches("3\n", "3", StdoutMatch::kExact));
  EXPECT_TRUE(StdoutMatches("1  2\n3\t", " 1 2 3 ", StdoutMatch::kTokens));
  EXPECT_FALSE(StdoutMatches("1 2", "12", StdoutMatch::kTokens));
}

TEST(CodeRewardTest, JsonResultComparison) {
  auto m = [](const char* a, const char* e, double tol = 1e-9) {
    return JsonResultMatches(json::parse(a), json::parse(e), tol);
  };
  EXPECT_TRUE(m("3", "3"));
  EXPECT_TRUE(m("3.0", "3"));
  EXPECT_TRUE(m("-3", "-3.0"));
  EXPECT_FALSE(m("-3", "3"));
  EXPECT_FALSE(m("-1", "18446744073709551615"));
  EXPECT_TRUE(m("18446744073709551615", "18446744073709551615"));
  EXPECT_TRUE(m("0.30000000000000004", "0.3"));
  EXPECT_FALSE(m("0.30000000000000004", "0.3", 0.0));  // tolerance 0: exact
  EXPECT_TRUE(m("1000000.0001", "1000000", 1e-9 * 1000));  // relative: 1e-6 · 1e6 = 1 >= 1e-4
  EXPECT_FALSE(m("1.0001", "1", 1e-6));
  EXPECT_FALSE(m("true", "1"));
  EXPECT_FALSE(m("null", "0"));
  EXPECT_FALSE(m("\"1\"", "1"));
  EXPECT_TRUE(m("[1, [2.0, \"x\"]]", "[1, [2, \"x\"]]"));
  EXPECT_FALSE(m("[1, 2]", "[2, 1]"));
  EXPECT_FALSE(m("[1]", "[1, 1]"));
  EXPECT_TRUE(m("{\"a\": 1, \"b\": 2}", "{\"b\": 2, \"a\": 1.0}"));
  EXPECT_FALSE(m("{\"a\": 1}", "{\"a\": 1, \"b\": 2}"));
  EXPECT_FALSE(m("{\"a\": 1, \"c\": 2}", "{\"a\": 1, \"b\": 2}"));
}

TEST(CodeRewardTest, ServerCapsBoundWhatTheSpecAsksFor) {
  Sample sample;
  sample.completion = "```python\nwhile True:\n    pass\n```";
  sample.extra_json["tests"] = R"([{"stdout": "x"}])";
  CodeConfig config;
  config.limits.cpu_seconds = 1000;  // asked for
  config.limits.wall_seconds = 1000;
  config.caps.cpu_seconds = 1;       // the server's cap wins
  config.caps.wall_seconds = 60;
  const absl::Time start = absl::Now();
  const Result result = CodeReward(sample, config);
  EXPECT_EQ(result.value, 0.0);
  EXPECT_EQ(result.reason, "timeout: test 0 (cpu)");
  EXPECT_LT(absl::ToDoubleSeconds(absl::Now() - start), 60.0);

  config.caps.wall_seconds = 1.5;
  config.caps.cpu_seconds = 100;
  sample.completion = "```python\nimport time\ntime.sleep(100)\n```";
  const Result slept = CodeReward(sample, config);
  EXPECT_EQ(slept.reason, "timeout: test 0 (wall)");
}

TEST(CodeRewardTest, TheDeadlineStopsTheRemainingTests) {
  Sample sample;
  sample.completion = "```python\nprint(input())\n```";
  sample.extra_json["tests"] = R"([{"stdin": "a", "stdout": "a"}, {"stdin": "b", "stdout": "b"}])";
  const Result past = CodeReward(sample, CodeConfig(), absl::Now() - absl::Seconds(1));
  EXPECT_EQ(past.value, 0.0);
  EXPECT_EQ(past.reason, "timeout: deadline");
  ASSERT_EQ(past.components.size(), 5u);
  EXPECT_EQ(past.components[3].value, 0.0);

  // A deadline shorter than the wall limit shortens the test's wall limit.
  sample.completion = "```python\nimport time\ntime.sleep(100)\n```";
  CodeConfig config;
  config.limits.wall_seconds = 30;
  const absl::Time start = absl::Now();
  const Result cut = CodeReward(sample, config, absl::Now() + absl::Seconds(1.5));
  EXPECT_LT(absl::ToDoubleSeconds(absl::Now() - start), 15.0);
  EXPECT_EQ(cut.value, 0.0);
  EXPECT_EQ(cut.reason, "timeout: test 0 (wall)");
}

TEST(CodeRewardTest, MissingTestsAndBadConfigAreReported) {
  Sample sample;
  sample.completion = "```python\nprint(1)\n```";
  EXPECT_EQ(CodeReward(sample).reason, "bad_task: no \"tests\" in the task");
  sample.extra_json["tests"] = R"([{"stdout": "1"}])";
  CodeConfig config;
  config.limits.wall_seconds = 0;
  EXPECT_EQ(CodeReward(sample, config).reason, "invalid_config: limits.wall_seconds: must be finite and > 0, got 0");
  config = CodeConfig();
  config.python_path = "python3";
  EXPECT_EQ(CodeReward(sample, config).reason, "invalid_config: python_path: must be absolute, got \"python3\"");
  config = CodeConfig();
  config.float_tolerance = -1;
  EXPECT_EQ(CodeReward(sample, config).reason, "invalid_config: float_tolerance: must be finite and >= 0, got -1");
}

TEST(CodeRewardTest, ASandboxThatCannotStartIsASandboxErrorNotAPass) {
  Sample sample;
  sample.completion = "```python\nprint(1)\n```";
  sample.extra_json["tests"] = R"([{"stdout": "1"}, {"stdout": "1"}])";
  CodeConfig config;
  config.sandbox.bwrap_path = "/nonexistent/bwrap";
  const Result result = CodeReward(sample, config);
  EXPECT_EQ(result.value, 0.0);
  EXPECT_EQ(result.reason.rfind("sandbox_error: sandbox: cannot execute /nonexistent/bwrap", 0), 0u) << result.reason;
}

}  // namespace
}  // namespace reasonrl::reward
