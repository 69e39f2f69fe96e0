// The code reward: extraction, test parsing, the in-sandbox harness, and the grader (outside).
#include "reward/code.h"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace reasonrl::reward {
namespace {

using json = nlohmann::json;

// The function-call harness, the only script run for a function-call test. It reads {fn_name, args,
// kwargs} (never the expected value) from stdin, loads the program as module "solution", calls the
// function with stdout pointed at stderr, and writes one JSON line to the real stdout:
//   {"ok": true, "result": <value>}  or  {"ok": false, "phase": load|lookup|call|serialize, "error": "..."}
constexpr char kHarness[] = R"PY(import io, json, os, sys, types
_dumps, _loads, _write = json.dumps, json.loads, os.write


def _report(obj):
    data = (_dumps(obj, ensure_ascii=True, allow_nan=False) + "\n").encode("ascii")
    while data:
        data = data[_write(_out, data):]


def _error(phase, exc):
    _report({"ok": False, "phase": phase, "error": type(exc).__name__ + ": " + str(exc)[:500]})


_req = _loads(sys.stdin.buffer.read().decode("utf-8"))
_out = os.dup(1)
os.dup2(2, 1)  # the program's own prints go to stderr, never into the result line
_null = os.open(os.devnull, os.O_RDONLY)
os.dup2(_null, 0)
os.close(_null)
sys.stdin = io.TextIOWrapper(io.BytesIO(b""))
sys.stdout = sys.stderr

_mod = types.ModuleType("solution")
_mod.__file__ = "/sandbox/solution.py"
sys.modules["solution"] = _mod
try:
    with open("/sandbox/solution.py", encoding="utf-8") as _f:
        _code = compile(_f.read(), "/sandbox/solution.py", "exec")
    exec(_code, _mod.__dict__)
except BaseException as e:
    _error("load", e)
    sys.exit(0)

_name = _req["fn_name"]
_fn = _mod.__dict__.get(_name)
if not callable(_fn) and isinstance(_mod.__dict__.get("Solution"), type):
    try:
        _fn = getattr(_mod.Solution(), _name, None)
    except BaseException as e:
        _error("lookup", e)
        sys.exit(0)
if not callable(_fn):
    _report({"ok": False, "phase": "lookup", "error": "no function named " + _name})
    sys.exit(0)
try:
    _result = _fn(*_req["args"], **_req["kwargs"])
except BaseException as e:
    _error("call", e)
    sys.exit(0)
try:
    _report({"ok": True, "result": _result})
except BaseException as e:
    _error("serialize", e)
sys.exit(0)
)PY";

const char* SignalName(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGKILL: return "SIGKILL";
    case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGTERM: return "SIGTERM";
    case SIGPIPE: return "SIGPIPE";
    default: return "";
  }
}

absl::string_view LastLineView(absl::string_view text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    absl::string_view line = absl::StripAsciiWhitespace(*it);
    if (!line.empty()) return line;
  }
  return "";
}

// For reasons: the last non-empty line, at most 300 bytes.
std::string LastLine(absl::string_view text) { return std::string(LastLineView(text).substr(0, 300)); }

bool IsSyntaxErrorLine(absl::string_view line) {
  return absl::StartsWith(line, "SyntaxError") || absl::StartsWith(line, "IndentationError") ||
         absl::StartsWith(line, "TabError");
}

std::string TypeName(const json& j) { return std::string(j.type_name()); }

// One test's verdict.
struct Verdict {
  bool pass = false;
  std::string reason;  // when !pass
  bool stop = false;   // no later test can pass or run (syntax error, sandbox error, deadline)
};

// Failures common to both kinds: limits, signals, crashes. Empty reason = the run ended normally.
Verdict Failure(const sandbox::Outcome& o, int i, bool process_failed) {
  Verdict v;
  const std::string t = absl::StrCat("test ", i);
  const std::string last = LastLine(o.stderr_data);
  switch (o.termination) {
    case sandbox::Termination::kWallTimeout:
      v.reason = absl::StrCat("timeout: ", t, " (wall)");
      return v;
    case sandbox::Termination::kOutputLimit:
      v.reason = absl::StrCat("output_limit: ", t);
      return v;
    case sandbox::Termination::kSignaled:
      if (o.memory_limit_hit) {
        v.reason = absl::StrCat("memory_limit: ", t, " (cgroup)");
      } else if (o.cpu_limit_hit) {
        v.reason = absl::StrCat("timeout: ", t, " (cpu)");
      } else {
        v.reason = absl::StrCat("runtime_error: ", t, ": signal ", o.signal, " ", SignalName(o.signal));
        while (!v.reason.empty() && v.reason.back() == ' ') v.reason.pop_back();
      }
      return v;
    case sandbox::Termination::kExited:
      break;
  }
  if (!process_failed) return v;
  if (o.memory_limit_hit) {
    v.reason = absl::StrCat("memory_limit: ", t, " (cgroup)");
  } else if (absl::StartsWith(last, "MemoryError")) {
    v.reason = absl::StrCat("memory_limit: ", t, " (rlimit)");
  } else if (o.pids_limit_hit) {
    v.reason = absl::StrCat("process_limit: ", t, " (cgroup)");
  } else if (absl::StrContains(last, "BlockingIOError") && absl::StrContains(last, "Resource temporarily")) {
    v.reason = absl::StrCat("process_limit: ", t, " (rlimit)");
  } else if (IsSyntaxErrorLine(last) && !absl::StrContains(o.stderr_data, "Traceback (most recent call last):")) {
    // CPython prints no traceback when the script itself fails to compile; a SyntaxError raised while
    // running (eval, compile, ast.parse of the input) is a runtime error of this test only.
    v.reason = absl::StrCat("syntax_error: ", last);
    v.stop = true;
  } else if (!last.empty()) {
    v.reason = absl::StrCat("runtime_error: ", t, ": ", last);
  } else {
    v.reason = absl::StrCat("runtime_error: ", t, ": exit status ", o.exit_code);
  }
  return v;
}

Verdict JudgeStdio(const sandbox::Outcome& o, const CodeTest& test, int i, StdoutMatch match) {
  Verdict v = Failure(o, i, o.termination == sandbox::Termination::kExited && o.exit_code != 0);
  if (!v.reason.empty()) return v;
  v.pass = StdoutMatches(o.stdout_data, test.expected_stdout, match);
  if (!v.pass) v.reason = absl::StrCat("wrong_answer: test ", i);
  return v;
}

Verdict JudgeCall(const sandbox::Outcome& o, const CodeTest& test, int i, double tolerance) {
  Verdict v = Failure(o, i, o.termination == sandbox::Termination::kExited && o.exit_code != 0);
  if (!v.reason.empty()) return v;
  const std::string t = absl::StrCat("test ", i);
  const absl::string_view last = LastLineView(o.stdout_data);
  json line = json::parse(last.begin(), last.end(), nullptr, /*allow_exceptions=*/false);
  if (!line.is_object() || !line.contains("ok") || !line["ok"].is_boolean()) {
    v.reason = absl::StrCat("runtime_error: ", t, ": no result (the program ended the harness)");
    return v;
  }
  if (!line["ok"].get<bool>()) {
    const std::string phase = line.value("phase", "");
    const std::string error = line.value("error", "");
    if (phase == "load" && IsSyntaxErrorLine(error)) {
      v.reason = absl::StrCat("syntax_error: ", error);
      v.stop = true;
    } else if (absl::StartsWith(error, "MemoryError")) {
      v.reason = absl::StrCat("memory_limit: ", t, " (rlimit)");
    } else if (phase == "serialize") {
      v.reason = absl::StrCat("wrong_answer: ", t, ": unserializable result: ", error);
    } else {
      v.reason = absl::StrCat("runtime_error: ", t, ": ", error);
    }
    return v;
  }
  v.pass = line.contains("result") && JsonResultMatches(line["result"], test.expected, tolerance);
  if (!v.pass) v.reason = absl::StrCat("wrong_answer: ", t);
  return v;
}

bool IsIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 200 || absl::ascii_isdigit(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

}  // namespace

absl::Status CodeConfig::Validate() const {
  if (!std::isfinite(float_tolerance) || float_tolerance < 0) {
    return absl::InvalidArgumentError(absl::StrCat("float_tolerance: must be finite and >= 0, got ", float_tolerance));
  }
  if (max_tests < 1 || max_tests > 10000) {
    return absl::InvalidArgumentError(absl::StrCat("max_tests: must be in [1, 10000], got ", max_tests));
  }
  if (absl::Status s = limits.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("limits.", s.message()));
  }
  if (absl::Status s = caps.Validate(); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("caps.", s.message()));
  }
  if (python_path.empty() || python_path[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat("python_path: must be absolute, got \"", python_path, "\""));
  }
  return absl::OkStatus();
}

std::optional<std::string> ExtractPythonCode(std::string_view completion) {
  std::optional<std::string> last;
  bool in_block = false, is_python = false;
  size_t fence_len = 0;
  std::string body;
  for (absl::string_view line : absl::StrSplit(absl::string_view(completion.data(), completion.size()), '\n')) {
    absl::string_view l = line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    size_t indent = 0;
    while (indent < l.size() && indent < 4 && l[indent] == ' ') ++indent;
    size_t ticks = 0;
    while (indent < 4 && indent + ticks < l.size() && l[indent + ticks] == '`') ++ticks;
    if (!in_block) {
      if (ticks < 3) continue;
      absl::string_view info = absl::StripAsciiWhitespace(l.substr(indent + ticks));
      if (absl::StrContains(info, '`')) continue;  // an inline span such as ```x```, not a fence
      std::string word = absl::AsciiStrToLower(info.substr(0, info.find_first_of(" \t{")));
      in_block = true;
      is_python = word == "python" || word == "python3" || word == "py";
      fence_len = ticks;
      body.clear();
    } else if (ticks >= fence_len && absl::StripAsciiWhitespace(l.substr(indent + ticks)).empty()) {
      in_block = false;
      if (is_python) last = body;
    } else {
      absl::StrAppend(&body, line, "\n");
    }
  }
  return last;
}

absl::StatusOr<std::vector<CodeTest>> ParseCodeTests(std::string_view tests_json, int max_tests) {
  json root = json::parse(tests_json.begin(), tests_json.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return absl::InvalidArgumentError("tests: not valid JSON");
  if (!root.is_array()) return absl::InvalidArgumentError(absl::StrCat("tests: expected an array, got ", TypeName(root)));
  if (root.empty()) return absl::InvalidArgumentError("tests: no tests");
  if (static_cast<int64_t>(root.size()) > max_tests) {
    return absl::InvalidArgumentError(absl::StrCat("tests: ", root.size(), " tests (max_tests ", max_tests, ")"));
  }
  std::vector<CodeTest> tests;
  for (size_t i = 0; i < root.size(); ++i) {
    const json& t = root[i];
    const std::string at = absl::StrCat("tests[", i, "]");
    if (!t.is_object()) return absl::InvalidArgumentError(absl::StrCat(at, ": expected an object, got ", TypeName(t)));
    CodeTest test;
    const bool call = t.contains("fn_name");
    for (auto it = t.begin(); it != t.end(); ++it) {
      const std::string& k = it.key();
      const bool known = call ? (k == "fn_name" || k == "args" || k == "kwargs" || k == "expected")
                              : (k == "stdin" || k == "stdout");
      if (!known) {
        return absl::InvalidArgumentError(absl::StrCat(at, ": unknown key \"", k,
                                                       "\" (expected stdin, stdout | fn_name, args, kwargs, expected)"));
      }
    }
    auto want = [&](const char* key, bool ok, const char* what) -> absl::Status {
      if (ok) return absl::OkStatus();
      return absl::InvalidArgumentError(absl::StrCat(at, ".", key, ": expected ", what, ", got ",
                                                     t.contains(key) ? TypeName(t[key]) : "nothing"));
    };
    if (call) {
      test.kind = CodeTest::Kind::kFunctionCall;
      if (absl::Status s = want("fn_name", t["fn_name"].is_string() && IsIdentifier(t["fn_name"].get<std::string>()),
                                "a Python identifier");
          !s.ok()) {
        return s;
      }
      test.fn_name = t["fn_name"].get<std::string>();
      if (t.contains("args")) {
        if (absl::Status s = want("args", t["args"].is_array(), "an array"); !s.ok()) return s;
        test.args = t["args"];
      }
      if (t.contains("kwargs")) {
        if (absl::Status s = want("kwargs", t["kwargs"].is_object(), "an object"); !s.ok()) return s;
        test.kwargs = t["kwargs"];
      }
      if (absl::Status s = want("expected", t.contains("expected"), "a value"); !s.ok()) return s;
      test.expected = t["expected"];
    } else {
      if (absl::Status s = want("stdout", t.contains("stdout") && t["stdout"].is_string(), "a string"); !s.ok()) {
        return s;
      }
      test.expected_stdout = t["stdout"].get<std::string>();
      if (t.contains("stdin")) {
        if (absl::Status s = want("stdin", t["stdin"].is_string(), "a string"); !s.ok()) return s;
        test.stdin_data = t["stdin"].get<std::string>();
      }
    }
    tests.push_back(std::move(test));
  }
  return tests;
}

bool StdoutMatches(std::string_view actual, std::string_view expected, StdoutMatch match) {
  if (match == StdoutMatch::kExact) return actual == expected;
  if (match == StdoutMatch::kTokens) {
    std::vector<absl::string_view> a = absl::StrSplit(absl::string_view(actual.data(), actual.size()),
                                                      absl::ByAnyChar(" \t\n\r\f\v"), absl::SkipEmpty());
    std::vector<absl::string_view> e = absl::StrSplit(absl::string_view(expected.data(), expected.size()),
                                                      absl::ByAnyChar(" \t\n\r\f\v"), absl::SkipEmpty());
    return a == e;
  }
  auto normalize = [](std::string_view text) {
    std::vector<std::string> lines;
    for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
      lines.emplace_back(line);
    }
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    return lines;
  };
  return normalize(actual) == normalize(expected);
}

bool JsonResultMatches(const json& actual, const json& expected, double float_tolerance) {
  if (actual.is_number() && expected.is_number()) {
    if (actual.is_number_integer() && expected.is_number_integer()) {
      if (!actual.is_number_unsigned() && !expected.is_number_unsigned()) {
        return actual.get<int64_t>() == expected.get<int64_t>();
      }
      // nlohmann reads non-negative integers as unsigned: equal iff both are >= 0 and the same.
      auto non_negative = [](const json& j, uint64_t* out) {
        if (j.is_number_unsigned()) return *out = j.get<uint64_t>(), true;
        const int64_t v = j.get<int64_t>();
        return v >= 0 ? (*out = static_cast<uint64_t>(v), true) : false;
      };
      uint64_t x = 0, y = 0;
      return non_negative(actual, &x) && non_negative(expected, &y) && x == y;
    }
    const double a = actual.get<double>(), e = expected.get<double>();
    if (a == e) return true;
    return std::fabs(a - e) <= float_tolerance * std::max(1.0, std::fabs(e));
  }
  if (actual.type() != expected.type()) return false;
  if (actual.is_array()) {
    if (actual.size() != expected.size()) return false;
    for (size_t i = 0; i < actual.size(); ++i) {
      if (!JsonResultMatches(actual[i], expected[i], float_tolerance)) return false;
    }
    return true;
  }
  if (actual.is_object()) {
    if (actual.size() != expected.size()) return false;
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      auto found = actual.find(it.key());
      if (found == actual.end() || !JsonResultMatches(*found, it.value(), float_tolerance)) return false;
    }
    return true;
  }
  return actual == expected;  // strings, booleans, null
}

std::string DescribeCodeSandbox(const CodeConfig& config) {
  sandbox::Capabilities caps = sandbox::Probe(config.sandbox);
  if (!caps.sandbox_works) return "unavailable: " + caps.error;
  return caps.bounds;
}

Result CodeReward(const Sample& sample, const CodeConfig& config, absl::Time deadline) {
  Result result;
  result.components = {{"code", 0.0}};
  if (absl::Status s = config.Validate(); !s.ok()) {
    result.reason = absl::StrCat("invalid_config: ", s.message());
    return result;
  }
  auto tests_it = sample.extra_json.find("tests");
  if (tests_it == sample.extra_json.end()) {
    result.reason = "bad_task: no \"tests\" in the task";
    return result;
  }
  absl::StatusOr<std::vector<CodeTest>> tests = ParseCodeTests(tests_it->second, config.max_tests);
  if (!tests.ok()) {
    result.reason = absl::StrCat("bad_task: ", tests.status().message());
    return result;
  }
  const int n = static_cast<int>(tests->size());
  std::vector<double> per_test(static_cast<size_t>(n), 0.0);
  int passed = 0;
  auto finish = [&]() {
    const double value = config.scoring == CodeScoring::kAllOrNothing ? (passed == n ? 1.0 : 0.0)
                                                                       : static_cast<double>(passed) / n;
    result.value = value;
    result.components = {{"code", value}, {"passed", static_cast<double>(passed)}, {"total", static_cast<double>(n)}};
    for (int i = 0; i < n; ++i) result.components.push_back({absl::StrCat("test_", i), per_test[static_cast<size_t>(i)]});
    return result;
  };

  std::optional<std::string> program = ExtractPythonCode(sample.completion);
  if (!program) {
    result.reason = "no_code";
    return finish();
  }
  const sandbox::Limits limits = sandbox::CapLimits(config.limits, config.caps);
  for (int i = 0; i < n; ++i) {
    const CodeTest& test = (*tests)[static_cast<size_t>(i)];
    const double left = absl::ToDoubleSeconds(deadline - absl::Now());
    if (left < 0.05) {
      if (result.reason.empty()) result.reason = "timeout: deadline";
      break;
    }
    sandbox::Request request;
    request.limits = limits;
    request.limits.wall_seconds = std::min(limits.wall_seconds, left);
    request.files = {{"solution.py", *program}};
    const std::vector<std::string> python = {config.python_path, "-I", "-B", "-X", "int_max_str_digits=0"};
    request.argv = python;
    if (test.kind == CodeTest::Kind::kStdio) {
      request.argv.push_back("/sandbox/solution.py");
      request.stdin_data = test.stdin_data;
    } else {
      request.files.push_back({"harness.py", kHarness});
      request.argv.push_back("/sandbox/harness.py");
      json call = {{"fn_name", test.fn_name}, {"args", test.args}, {"kwargs", test.kwargs}};
      request.stdin_data = call.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    absl::StatusOr<sandbox::Outcome> outcome = sandbox::Run(request, config.sandbox);
    Verdict v;
    if (!outcome.ok()) {
      v.reason = absl::StrCat("sandbox_error: ", outcome.status().message());
      v.stop = true;
    } else if (test.kind == CodeTest::Kind::kStdio) {
      v = JudgeStdio(*outcome, test, i, config.stdout_match);
    } else {
      v = JudgeCall(*outcome, test, i, config.float_tolerance);
    }
    if (v.pass) {
      ++passed;
      per_test[static_cast<size_t>(i)] = 1.0;
      continue;
    }
    if (result.reason.empty()) result.reason = v.reason;
    if (v.stop || config.scoring == CodeScoring::kAllOrNothing) break;
  }
  return finish();
}

}  // namespace reasonrl::reward
