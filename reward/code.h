// The `code` reward: run the Python program of a completion against the task's tests in a sandbox
// (reward/sandbox/sandbox.h) and score the fraction of tests passed (or all-or-nothing).
//
// The program: the LAST fenced block of the completion whose info string's first word is `python`,
// `python3` or `py` (case-insensitive; "```python title=x" counts). A fence is a line that starts with
// three or more backticks after at most three spaces; the block closes at the next line made of at least
// as many backticks (after at most three spaces) and whitespace. An unclosed block (a truncated
// completion) does not count. Untagged blocks (```), `~~~` fences and blocks of other languages are never
// run. No such block: 0, "no_code".
//
// The tests: Sample.extra_json["tests"], a JSON array (at most max_tests entries) of objects, each one of
//   {"stdin": "1 2\n", "stdout": "3\n"}                      program reads stdin, its stdout is compared
//   {"fn_name": "add", "args": [1, 2], "expected": 3}        a function call, compared as JSON values
//   {"fn_name": "twoSum", "args": [[2, 7], 9], "kwargs": {}, "expected": [0, 1]}
// "stdin" may be omitted (empty input); "args" defaults to [], "kwargs" to {}. Other keys are errors
// ("bad_task: tests[2]: unknown key \"input\" (expected stdin, stdout | fn_name, args, kwargs, expected)").
// fn_name names a module-level function, or else a method of a module-level class `Solution` (LeetCode
// style: Solution() is constructed per call).
//
// Each test is one sandboxed run of a fresh interpreter (`python3 -I -B -X int_max_str_digits=0`: isolated
// mode, no bytecode files, no limit on printing big integers), so tests cannot share state.
// Nothing of the expected values ever enters the sandbox; the grader compares outside, in this process:
//   stdin/stdout: pass iff the program exits with status 0 AND its stdout matches under stdout_match.
//     A program that prints the right output and then exits non-zero FAILS ("runtime_error: test i: exit
//     status N"): a judge counts a non-zero exit as a runtime error, and a crash after correct output is
//     still a crash.
//       kLines (default): "\r\n" read as "\n"; each line's trailing spaces/tabs removed; trailing empty
//                         lines removed; then equal.
//       kExact:           byte-for-byte equal.
//       kTokens:          equal sequences of whitespace-separated tokens.
//   function call: a generated harness (the only script run; the program is exec'd by it as module
//     "solution", so `if __name__ == "__main__"` blocks do not run) reads {fn_name, args, kwargs} from
//     stdin, calls the function with stdout redirected to stderr, and writes its return value as one JSON
//     line (json.dumps, allow_nan=False; tuples become arrays) to the real stdout. Pass iff the harness
//     exits 0 and that JSON equals "expected": same types, except that numbers compare by value (3 == 3.0)
//     with |a - b| <= float_tolerance · max(1, |b|) when either is not an integer; objects as key sets;
//     arrays elementwise; integers beyond 64 bits are read as doubles (so they compare with the
//     tolerance). A result JSON cannot encode (a set, NaN, an instance) fails ("wrong_answer: test i:
//     unserializable result: TypeError ...").
//   An exit code alone never counts: a pass needs the compared output too.
//
// Score with n tests of which p pass:  kFraction (default): p / n;  kAllOrNothing: 1 if p == n else 0
// (and the remaining tests are not run after the first failure).
// Result: value; components {"code", value}, {"passed", p}, {"total", n}, and {"test_<i>", 0 or 1} for
// every test (0 for a test not run); reason "" when all pass, else the FIRST failing test's reason:
//   "no_code", "bad_task: <detail>", "wrong_answer: test i", "wrong_answer: test i: <detail>",
//   "runtime_error: test i: <last line of stderr, e.g. ZeroDivisionError: division by zero>",
//   "runtime_error: test i: exit status N" (nothing on stderr), "runtime_error: test i: signal N NAME",
//   "runtime_error: test i: no function named f", "runtime_error: test i: no result (the program ended
//   the harness)" (e.g. os._exit in the call), "runtime_error: test i: SystemExit: 0",
//   "syntax_error: <detail>" (SyntaxError/IndentationError while loading; no test can pass, so the
//   remaining tests are not run),
//   "timeout: test i (cpu)" (RLIMIT_CPU's SIGXCPU, or its SIGKILL when a cgroup measured the CPU time),
//   "timeout: test i (wall)" (the watchdog), "timeout: deadline"
//   (the scoring deadline passed before test i could run; later tests are not run),
//   "memory_limit: test i (cgroup)" (an OOM kill in the memory cgroup) or "(rlimit)" (MemoryError under
//   RLIMIT_AS), "process_limit: test i (cgroup)" / "(rlimit)" (a failing run whose fork was refused),
//   "output_limit: test i",
//   "sandbox_error: <detail>" (the sandbox could not be built: scores 0; later tests are not run),
//   "invalid_config: <detail>".
// Timeouts, memory and output limits, crashes and sandbox errors all score 0 for that test.
//
// Limits: CodeConfig.limits is what the reward spec asks for per test; the server's CodeConfig.caps bound
// it field by field (min(requested, cap)), and the deadline shortens each test's wall limit.
//
// Thread-safe; never throws. Blocks for the runs (up to n · wall limit, bounded by the deadline).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "reward/reward.h"
#include "reward/sandbox/sandbox.h"

namespace reasonrl::reward {

enum class CodeScoring { kFraction, kAllOrNothing };
enum class StdoutMatch { kLines, kExact, kTokens };

struct CodeConfig {
  // --- reward spec parameters (a client may set them) ---
  CodeScoring scoring = CodeScoring::kFraction;  // fraction | all_or_nothing
  StdoutMatch stdout_match = StdoutMatch::kLines;  // lines | exact | tokens
  double float_tolerance = 1e-9;  // relative tolerance for non-integer numbers in function results
  int max_tests = 64;             // more tests in a task: "bad_task: N tests (max_tests M)"
  sandbox::Limits limits;         // per-test limits asked for (defaults: 2 s CPU, 5 s wall, 256 MiB, ...)

  // --- server side (never a spec parameter; the reward service sets them from its own flags) ---
  sandbox::Limits caps = {10.0, 30.0, 1LL << 30, 64, 16LL << 20, 64LL << 20, 256};  // upper bounds
  std::string python_path = "/usr/bin/python3";  // the interpreter inside the sandbox (under a ro_bind)
  sandbox::Options sandbox;

  // InvalidArgument naming the field: float_tolerance finite and >= 0, max_tests in [1, 10000],
  // limits and caps valid, python_path absolute.
  absl::Status Validate() const;
};

// Result as described above.
Result CodeReward(const Sample& sample, const CodeConfig& config = CodeConfig(),
                  absl::Time deadline = absl::InfiniteFuture());

// --- the parts, exposed for tests and tools ---

// What bounds the sandbox on this machine (sandbox::Probe(...).bounds, or "unavailable: <why>"), for
// the reward service's startup log.
std::string DescribeCodeSandbox(const CodeConfig& config = CodeConfig());

// The last python block's text (without the fences), or nullopt.
std::optional<std::string> ExtractPythonCode(std::string_view completion);

struct CodeTest {
  enum class Kind { kStdio, kFunctionCall };
  Kind kind = Kind::kStdio;
  std::string stdin_data;       // kStdio
  std::string expected_stdout;  // kStdio
  std::string fn_name;          // kFunctionCall
  nlohmann::json args = nlohmann::json::array();   // kFunctionCall
  nlohmann::json kwargs = nlohmann::json::object();
  nlohmann::json expected;                          // kFunctionCall
};

// Parses the "tests" JSON text. InvalidArgument naming the entry and key, e.g.
// "tests[1].args: expected an array, got string".
absl::StatusOr<std::vector<CodeTest>> ParseCodeTests(std::string_view tests_json, int max_tests);

// The stdout comparison above.
bool StdoutMatches(std::string_view actual, std::string_view expected, StdoutMatch match);

// The function-result comparison above.
bool JsonResultMatches(const nlohmann::json& actual, const nlohmann::json& expected, double float_tolerance);

}  // namespace reasonrl::reward
