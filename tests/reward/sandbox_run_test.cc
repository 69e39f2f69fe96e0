// sandbox::Run's contract, observed from inside (what the program sees) and outside (the Outcome, the
// cgroup hierarchy): the filesystem view, environment, identity, descriptors, namespaces, exit and signal
// reporting, each limit, request validation, parallel runs.
#include "reward/sandbox/sandbox.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "reward/sandbox/cgroup.h"

namespace reasonrl::reward::sandbox {
namespace {

Request Python(const std::string& program, const std::string& stdin_data = "") {
  Request r;
  r.argv = {"/usr/bin/python3", "-I", "/sandbox/main.py"};
  r.files = {{"main.py", program}};
  r.stdin_data = stdin_data;
  r.limits.wall_seconds = 30;  // a loaded 2-core CI machine; the limit tests set their own
  return r;
}

Outcome RunOk(const Request& request, const Options& options = Options()) {
  absl::StatusOr<Outcome> out = sandbox::Run(request, options);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : Outcome();
}

// The program's stdout parsed as JSON (it prints one document).
nlohmann::json JsonOf(const Outcome& o) {
  nlohmann::json j = nlohmann::json::parse(o.stdout_data, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << o.stdout_data << o.stderr_data;
  return j;
}

TEST(SandboxRunTest, RunsTheCommandWithItsStdinAndReportsOutputAndExitStatus) {
  const Outcome o = RunOk(Python("import sys\ndata = sys.stdin.read()\nprint(data.upper())\n"
                                 "print('to stderr', file=sys.stderr)\nsys.exit(7)",
                                 "hello\nworld"));
  EXPECT_EQ(o.termination, Termination::kExited);
  EXPECT_EQ(o.exit_code, 7);
  EXPECT_EQ(o.stdout_data, "HELLO\nWORLD\n");
  EXPECT_EQ(o.stderr_data, "to stderr\n");
  EXPECT_GT(o.wall_seconds, 0.0);
  EXPECT_FALSE(o.bounds.empty());
}

TEST(SandboxRunTest, StdinIsARegularFileThatCanBeReadTwice) {
  const Outcome o = RunOk(Python("import os, sys\nst = os.fstat(0)\na = sys.stdin.read()\nos.lseek(0, 0, 0)\n"
                                 "b = open(0, closefd=False).read()\nprint(a == b, len(a), st.st_size)",
                                 std::string(200000, 'x')));
  EXPECT_EQ(o.stdout_data, "True 200000 200000\n");
}

TEST(SandboxRunTest, TheProgramSeesOnlyTheSystemDirectoriesItsFilesAndAnEmptyScratch) {
  std::set<std::string> expected = {"dev", "proc", "tmp", "sandbox"};
  for (const std::string& p : Options().ro_binds) {
    if (std::filesystem::exists(std::filesystem::symlink_status(p))) {
      expected.insert(p.substr(1, p.find('/', 1) - 1));  // the top-level name
    }
  }
  const Outcome o = RunOk(Python(R"PY(
import json, os
def writable(path):
    try:
        open(path, "w").close()
        return True
    except OSError:
        return False
print(json.dumps({
    "root": sorted(os.listdir("/")),
    "cwd": os.getcwd(),
    "tmp": os.listdir("/tmp"),
    "sandbox": sorted(os.listdir("/sandbox")),
    "write_tmp": writable("/tmp/x"),
    "write_root": writable("/x"),
    "write_dev": writable("/dev/x"),
    "write_usr": writable("/usr/x"),
    "write_own_file": writable("/sandbox/main.py"),
    "etc": sorted(os.listdir("/etc")),
}))
)PY"));
  const nlohmann::json j = JsonOf(o);
  std::set<std::string> root(j["root"].begin(), j["root"].end());
  EXPECT_EQ(root, expected);
  EXPECT_EQ(j["cwd"], "/tmp");
  EXPECT_EQ(j["tmp"], nlohmann::json::array());
  EXPECT_EQ(j["sandbox"], nlohmann::json::array({"main.py"}));
  EXPECT_EQ(j["write_tmp"], true);
  EXPECT_EQ(j["write_root"], false);
  EXPECT_EQ(j["write_dev"], false);
  EXPECT_EQ(j["write_usr"], false);
  EXPECT_EQ(j["write_own_file"], false);
  for (const auto& name : j["etc"]) {  // only what ro_binds names under /etc
    EXPECT_TRUE(name == "ld.so.cache" || name == "localtime" || name == "alternatives") << name;
  }
}

TEST(SandboxRunTest, TheEnvironmentIsExactlyTheSandboxsOwn) {
  setenv("REASONRL_SANDBOX_TEST_SECRET", "must-not-leak", 1);
  const Outcome o = RunOk(Python("import json, os\nprint(json.dumps(dict(os.environ)))"));
  unsetenv("REASONRL_SANDBOX_TEST_SECRET");
  EXPECT_EQ(JsonOf(o), nlohmann::json({{"PATH", "/usr/local/bin:/usr/bin:/bin"},
                                        {"HOME", "/tmp"},
                                        {"TMPDIR", "/tmp"},
                                        {"LANG", "C.UTF-8"},
                                        {"LC_ALL", "C.UTF-8"},
                                        {"PYTHONDONTWRITEBYTECODE", "1"},
                                        {"PYTHONIOENCODING", "utf-8"},
                                        {"PWD", "/tmp"}}));  // bwrap's --chdir sets it
}

TEST(SandboxRunTest, ItRunsAsNobodyWithoutCapabilitiesInItsOwnNamespaces) {
  const Outcome o = RunOk(Python(R"PY(
import json, os, socket
status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
print(json.dumps({
    "uid": os.getuid(), "gid": os.getgid(), "euid": os.geteuid(), "groups": os.getgroups(),
    "pid": os.getpid(), "ppid": os.getppid(),
    "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    "cap_eff": status["CapEff"].strip(), "cap_bnd": status["CapBnd"].strip(),
    "no_new_privs": status["NoNewPrivs"].strip(), "seccomp": status["Seccomp"].strip(),
    "hostname": socket.gethostname(),
    "interfaces": sorted(line.split(":")[0].strip() for line in open("/proc/net/dev").read().splitlines()[2:]),
    "fds": sorted(os.listdir("/proc/self/fd")),
}))
)PY"));
  const nlohmann::json j = JsonOf(o);
  EXPECT_EQ(j["uid"], 65534);
  EXPECT_EQ(j["gid"], 65534);
  EXPECT_EQ(j["euid"], 65534);
  EXPECT_EQ(j["cap_eff"], "0000000000000000");
  EXPECT_EQ(j["cap_bnd"], "0000000000000000");
  EXPECT_EQ(j["no_new_privs"], "1");
  EXPECT_EQ(j["seccomp"], "2");  // a filter is installed
  EXPECT_EQ(j["hostname"], "sandbox");
  EXPECT_EQ(j["interfaces"], nlohmann::json::array({"lo"}));
  EXPECT_EQ(j["pid"], 2);   // bwrap's init is 1
  EXPECT_EQ(j["ppid"], 1);
  EXPECT_EQ(j["pids"], nlohmann::json::array({1, 2}));
  // 0, 1, 2 and the descriptor listdir opened on /proc/self/fd.
  EXPECT_EQ(j["fds"], nlohmann::json::array({"0", "1", "2", "3"}));
}

TEST(SandboxRunTest, ASignalEndingTheProgramIsReported) {
  const Outcome o = RunOk(Python("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)"));
  EXPECT_EQ(o.termination, Termination::kSignaled);
  EXPECT_EQ(o.signal, SIGSEGV);
  EXPECT_FALSE(o.cpu_limit_hit);
  EXPECT_FALSE(o.memory_limit_hit);
}

TEST(SandboxRunTest, TheCpuLimitEndsABusyLoop) {
  Request r = Python("while True:\n    pass");
  r.limits.cpu_seconds = 1;
  r.limits.wall_seconds = 60;
  const Outcome o = RunOk(r);
  EXPECT_EQ(o.termination, Termination::kSignaled);
  EXPECT_TRUE(o.signal == SIGXCPU || o.signal == SIGKILL) << o.signal;
  EXPECT_TRUE(o.cpu_limit_hit);
  if (o.cpu_seconds >= 0) {
    EXPECT_GE(o.cpu_seconds, 0.9);
    EXPECT_LT(o.cpu_seconds, 3.0);
  }
}

TEST(SandboxRunTest, TheWallLimitEndsASleeper) {
  Request r = Python("import time\nprint('started', flush=True)\ntime.sleep(600)");
  r.limits.wall_seconds = 1.5;
  const Outcome o = RunOk(r);
  EXPECT_EQ(o.termination, Termination::kWallTimeout);
  EXPECT_EQ(o.stdout_data, "started\n");  // output before the kill is kept
  EXPECT_GE(o.wall_seconds, 1.5);
  EXPECT_LT(o.wall_seconds, 20.0);
}

TEST(SandboxRunTest, OutputIsCappedAtExactlyTheLimit) {
  Request r = Python("import sys\nsys.stderr.write('e' * 1000)\nsys.stderr.flush()\nwhile True:\n    sys.stdout.write('o' * 4096)");
  r.limits.output_bytes = 50000;
  const Outcome o = RunOk(r);
  EXPECT_EQ(o.termination, Termination::kOutputLimit);
  EXPECT_EQ(o.stdout_data.size() + o.stderr_data.size(), 50000u);
  // Which pipe filled the last bytes depends on the order of reads; both hold what was written.
  EXPECT_EQ(o.stderr_data, std::string(o.stderr_data.size(), 'e'));
  EXPECT_EQ(o.stdout_data, std::string(o.stdout_data.size(), 'o'));
}

TEST(SandboxRunTest, ScratchIsLimitedToFileBytes) {
  Request r = Python(R"PY(
import os
written = 0
try:
    with open("/tmp/big", "wb") as f:
        while True:
            f.write(b"x" * 65536)
            f.flush()
            written += 65536
except OSError as e:
    print(written, e.errno)
)PY");
  r.limits.file_bytes = 1 << 20;
  const Outcome o = RunOk(r);
  // RLIMIT_FSIZE (EFBIG, or SIGXFSZ) or the full tmpfs (ENOSPC) at 1 MiB.
  if (o.termination == Termination::kSignaled) {
    EXPECT_EQ(o.signal, SIGXFSZ);
  } else {
    const std::vector<std::string> parts = absl::StrSplit(o.stdout_data, ' ');
    ASSERT_EQ(parts.size(), 2u) << o.stdout_data << o.stderr_data;
    EXPECT_LE(std::stoll(parts[0]), 1 << 20);
  }
}

TEST(SandboxRunTest, AMemoryHogGetsMemoryErrorUnderRlimitAs) {
  Request r = Python("x = bytearray(600 << 20)");
  r.limits.memory_bytes = 256LL << 20;
  const Outcome o = RunOk(r);
  EXPECT_EQ(o.termination, Termination::kExited);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.stderr_data.find("MemoryError"), std::string::npos) << o.stderr_data;
}

TEST(SandboxRunTest, ForksBeyondTheProcessLimitAreRefused) {
  Request r = Python(R"PY(
import os, time
n = 0
while n < 200:
    try:
        if os.fork() == 0:
            time.sleep(20)
            os._exit(0)
        n += 1
    except OSError:
        break
print(n)
)PY");
  r.limits.max_processes = 8;
  const Capabilities caps = Probe();
  if (!caps.cgroup_pids && caps.bounds.find("nproc") == std::string::npos) {
    GTEST_SKIP() << "SANDBOX BOUNDS: no pids cgroup and no RLIMIT_NPROC here";
  }
  const Outcome o = RunOk(r);
  EXPECT_EQ(o.termination, Termination::kExited);
  const int forked = std::stoi(o.stdout_data);
  EXPECT_GE(forked, 1);
  EXPECT_LT(forked, 8);  // the program itself is one of the 8
  // RLIMIT_NPROC is checked before the pids cgroup's charge: with both at the same count, the cgroup
  // records the refusal only where RLIMIT_NPROC does not bind.
  if (caps.cgroup_pids && caps.bounds.find("nproc") == std::string::npos) EXPECT_TRUE(o.pids_limit_hit);
}

TEST(SandboxRunTest, RequireCgroupsFailsClearlyWhereTheyCannotBeMade) {
  Options options;
  options.cgroups = Options::Cgroups::kRequire;
  const Capabilities caps = Probe();
  absl::StatusOr<Outcome> out = sandbox::Run(Python("print(1)"), options);
  if (caps.cgroup_memory && caps.cgroup_pids) {
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->stdout_data, "1\n");
  } else {
    printf("SANDBOX BOUNDS: no memory+pids cgroup here; kRequire refuses to run\n");
    EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
  }
}

TEST(SandboxRunTest, NoCgroupIsLeftBehind) {
  for (int i = 0; i < 3; ++i) RunOk(Python("print(1)"));
  Request r = Python("import time\ntime.sleep(60)");
  r.limits.wall_seconds = 0.5;
  RunOk(r);
  const std::string prefix = absl::StrCat("reasonrl-sandbox-", getpid(), "-");
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(
           "/sys/fs/cgroup", std::filesystem::directory_options::skip_permission_denied, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->is_directory(ec)) {
      EXPECT_NE(it->path().filename().string().rfind(prefix, 0), 0u) << it->path();
      if (it.depth() > 4) it.disable_recursion_pending();
    }
  }
}

TEST(SandboxRunTest, LeavesOfADeadServerAreSweptAndLiveOnesKept) {
  char tmpl[] = "/tmp/reasonrl-sweep-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string base = tmpl;
  pid_t dead = fork();  // a pid that is surely gone once reaped
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  const std::string stale = base + "/reasonrl-sandbox-" + std::to_string(dead) + "-4";
  const std::string mine = base + "/reasonrl-sandbox-" + std::to_string(getpid()) + "-0";
  const std::string live = base + "/reasonrl-sandbox-1-0";  // pid 1 is alive
  const std::string other = base + "/other-" + std::to_string(dead);
  const std::string busy = base + "/reasonrl-sandbox-" + std::to_string(dead) + "-5";
  for (const std::string& d : {stale, mine, live, other, busy}) ASSERT_EQ(mkdir(d.c_str(), 0755), 0) << d;
  ASSERT_EQ(mkdir((busy + "/child").c_str(), 0755), 0);  // not empty: rmdir fails, nothing breaks
  EXPECT_EQ(SweepStaleLeaves(base), 1);
  EXPECT_FALSE(std::filesystem::exists(stale));
  for (const std::string& d : {mine, live, other, busy}) EXPECT_TRUE(std::filesystem::exists(d)) << d;
  std::filesystem::remove_all(base);
}

TEST(SandboxRunTest, ParallelRunsAreIndependent) {
  std::vector<std::thread> threads;
  std::vector<int> wrong(6, 0);
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([t, &wrong] {
      for (int k = 0; k < 3; ++k) {
        const std::string token = absl::StrCat("t", t, "k", k);
        absl::StatusOr<Outcome> o = sandbox::Run(Python("import sys\nprint(sys.stdin.read()[::-1])", token));
        std::string reversed(token.rbegin(), token.rend());
        if (!o.ok() || o->stdout_data != reversed + "\n") ++wrong[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(wrong, std::vector<int>(6, 0));
}

TEST(SandboxRunTest, BadRequestsAreRejectedBeforeAnythingRuns) {
  Request r = Python("print(1)");
  r.argv = {"python3"};
  EXPECT_EQ(sandbox::Run(r).status().message(), "argv: must start with an absolute path");
  r = Python("print(1)");
  r.files = {{"../etc/passwd", "x"}};
  EXPECT_EQ(sandbox::Run(r).status().message(), "files: bad name \"../etc/passwd\" (want [A-Za-z0-9_.-]+)");
  r = Python("print(1)");
  r.limits.memory_bytes = -1;
  EXPECT_EQ(sandbox::Run(r).status().message(), "memory_bytes: must be finite and > 0, got -1");
  Options options;
  options.bwrap_path = "/nonexistent/bwrap";
  absl::StatusOr<Outcome> out = sandbox::Run(Python("print(1)"), options);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(SandboxRunTest, CapsAreAFieldByFieldMinimum) {
  Limits asked{10, 20, 1000, 5, 100, 7, 64};
  Limits caps{3, 30, 500, 9, 50, 70, 32};
  const Limits l = CapLimits(asked, caps);
  EXPECT_EQ(l.cpu_seconds, 3);
  EXPECT_EQ(l.wall_seconds, 20);
  EXPECT_EQ(l.memory_bytes, 500);
  EXPECT_EQ(l.max_processes, 5);
  EXPECT_EQ(l.output_bytes, 50);
  EXPECT_EQ(l.file_bytes, 7);
  EXPECT_EQ(l.max_open_files, 32);
}

TEST(SandboxRunTest, TheBoundsHereArePrinted) {
  const Capabilities caps = Probe();
  printf("SANDBOX BOUNDS here: %s\n", caps.sandbox_works ? caps.bounds.c_str() : caps.error.c_str());
  ASSERT_TRUE(caps.sandbox_works) << caps.error;
  EXPECT_NE(caps.bounds.find("seccomp"), std::string::npos);
  EXPECT_NE(caps.bounds.find("pidns"), std::string::npos);
  EXPECT_NE(caps.bounds.find("rlimit(cpu,as"), std::string::npos);
}

}  // namespace
}  // namespace reasonrl::reward::sandbox
