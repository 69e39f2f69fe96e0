// Escape and abuse attempts against the code sandbox. Each test has
//   (a) a positive control: the same payload (or, for destructive ones, a bounded variant) run by a plain
//       python3 child with no sandbox and no limits, showing that the attack works in principle;
//   (b) outside checks: what the attack would have changed or reached, inspected from this process
//       (canaries, loopback servers, the sentinel process, /proc for survivors);
//   (c) the sandboxed run, through the code reward: contained, and scored 0.
// A payload prints ESCAPED (or the secret it stole) only when its attack succeeded, and the task's
// expected stdout is exactly that, so a successful escape would score 1.
//
// Limits are small (2 s CPU, 256 MiB, 16 processes) and wall limits generous (20 s): CI is a loaded 2-core
// machine. Where this machine cannot bind something (no writable cgroup), the test says so on a line
// starting with "SANDBOX BOUNDS" and skips only what depends on it.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "reward/code.h"
#include "reward/sandbox/sandbox.h"
#include "tests/reward/sandbox_test_support.h"

namespace reasonrl::reward {
namespace {

using namespace sandbox_testing;  // NOLINT

sandbox::Capabilities& Caps() {
  static sandbox::Capabilities* caps = new sandbox::Capabilities(sandbox::Probe());
  return *caps;
}

class SandboxEscapeTest : public ::testing::Test {
 public:
  // `reason` is what the contained run ends with: by default the payload ran to its end without
  // printing its success line; "" accepts any reason of a run that happened.
  static void ExpectContained(const Result& r, const std::string& reason = "wrong_answer: test 0") {
    EXPECT_EQ(r.value, 0.0) << "the payload escaped: " << r.reason;
    EXPECT_FALSE(r.reason.empty());
    for (const char* not_run : {"sandbox_error", "invalid_config", "bad_task", "no_code", "syntax_error"}) {
      EXPECT_NE(r.reason.rfind(not_run, 0), 0u) << "the payload did not run: " << r.reason;
    }
    if (!reason.empty()) EXPECT_EQ(r.reason, reason);
  }

 protected:
  static void SetUpTestSuite() {
    const sandbox::Capabilities& c = Caps();
    printf("SANDBOX BOUNDS here: %s\n", c.sandbox_works ? c.bounds.c_str() : ("UNAVAILABLE: " + c.error).c_str());
    if (!c.cgroup_memory) printf("SANDBOX BOUNDS: no writable memory cgroup here: memory is bound per process by RLIMIT_AS only\n");
    if (!c.cgroup_pids) printf("SANDBOX BOUNDS: no writable pids cgroup here: processes are bound by RLIMIT_NPROC only\n");
    if (c.bounds.find("nproc") == std::string::npos) {
      printf("SANDBOX BOUNDS: RLIMIT_NPROC does not bind here (bwrap runs as root or as the server's uid)\n");
    }
    fflush(stdout);
  }
  void SetUp() override { ASSERT_TRUE(Caps().sandbox_works) << Caps().error; }
  void TearDown() override {
    KillMarked(marker_);
    KillMarked(control_marker_);
  }

  static CodeConfig SmallLimits() {
    CodeConfig config;
    config.limits.cpu_seconds = 2;
    config.limits.wall_seconds = 20;  // generous: only the tests of the wall limit rely on it
    config.limits.memory_bytes = 256LL << 20;
    config.limits.max_processes = 16;
    config.limits.output_bytes = 1 << 20;
    config.limits.file_bytes = 16 << 20;
    return config;
  }

  // The payload for the sandboxed run: the prelude naming its processes marker_, then `source` with $MARK
  // and the test's own $NAME substitutions.
  std::string Fill(const std::string& source, std::vector<std::pair<std::string, std::string>> subs = {}) const {
    subs.push_back({"$MARK", marker_});
    return Prelude(marker_) + absl::StrReplaceAll(source, subs);
  }
  // The same for the control, under another name: what the control leaves behind (on purpose, for the
  // daemon) is never mistaken for a survivor of the sandboxed run.
  std::string FillControl(const std::string& source, std::vector<std::pair<std::string, std::string>> subs = {}) const {
    subs.push_back({"$MARK", control_marker_});
    return Prelude(control_marker_) + absl::StrReplaceAll(source, subs);
  }

  Result Sandboxed(const std::string& program, const std::string& success_output,
                   const CodeConfig& config = SmallLimits()) {
    Sample sample;
    sample.completion = "```python\n" + program + "\n```\n";
    nlohmann::json tests = nlohmann::json::array({{{"stdin", ""}, {"stdout", success_output}}});
    sample.extra_json["tests"] = tests.dump();
    return CodeReward(sample, config);
  }



  // No process of the payload is left (the run returned only after its pid namespace was empty).
  void ExpectNoSurvivors() {
    std::vector<int> left = PidsWithMarker(marker_);
    EXPECT_TRUE(left.empty()) << left.size() << " processes named " << marker_ << " survived the run";
  }

  std::string marker_ = NewMarker();
  std::string control_marker_ = NewMarker();
  TempDir dir_;
};

// ---------------------------------------------------------------- network

constexpr char kTcpConnect[] = R"PY(
import socket
try:
    s = socket.create_connection(("127.0.0.1", $PORT), timeout=3)
    if s.recv(4) == b"pong":
        print("ESCAPED")
except Exception as e:
    print("blocked:", repr(e), file=sys.stderr)
)PY";

TEST_F(SandboxEscapeTest, TcpConnectToAHostLoopbackListenerIsBlocked) {
  LoopbackServer server;
  const std::string payload = Fill(kTcpConnect, {{"$PORT", std::to_string(server.tcp_port())}});
  const std::string control_payload = FillControl(kTcpConnect, {{"$PORT", std::to_string(server.tcp_port())}});
  PlainResult control = RunPlain(control_payload, dir_.path());
  EXPECT_EQ(control.out, "ESCAPED\n") << control.err;
  EXPECT_EQ(server.tcp_connections(), 1);

  ExpectContained(Sandboxed(payload, "ESCAPED"));
  EXPECT_EQ(server.tcp_connections(), 1) << "the sandbox reached the host's loopback listener";
  ExpectNoSurvivors();
}

constexpr char kUdpSend[] = R"PY(
import socket
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.sendto(b"ping", ("127.0.0.1", $PORT))
    if s.recvfrom(16)[0] == b"pong":
        print("ESCAPED")
except Exception as e:
    print("blocked:", repr(e), file=sys.stderr)
)PY";

TEST_F(SandboxEscapeTest, UdpToAHostLoopbackSocketIsBlocked) {
  LoopbackServer server;
  const std::string payload = Fill(kUdpSend, {{"$PORT", std::to_string(server.udp_port())}});
  const std::string control_payload = FillControl(kUdpSend, {{"$PORT", std::to_string(server.udp_port())}});
  PlainResult control = RunPlain(control_payload, dir_.path());
  EXPECT_EQ(control.out, "ESCAPED\n") << control.err;
  EXPECT_EQ(server.udp_datagrams(), 1);

  ExpectContained(Sandboxed(payload, "ESCAPED"));
  EXPECT_EQ(server.udp_datagrams(), 1) << "a datagram from the sandbox reached the host";
  ExpectNoSurvivors();
}

// Name resolution (the resolver's files and a DNS query to a server on the host's loopback) and then a
// connection by name.
constexpr char kDns[] = R"PY(
import socket, struct
ok = False
try:
    query = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + b"\x07example\x03com\x00" + struct.pack(">HH", 1, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.sendto(query, ("127.0.0.1", $DNS_PORT))
    ok = len(s.recvfrom(512)[0]) > 0
except Exception as e:
    print("dns query blocked:", repr(e), file=sys.stderr)
try:
    for family, kind, proto, _, addr in socket.getaddrinfo("localhost", $TCP_PORT, socket.AF_INET, socket.SOCK_STREAM):
        c = socket.socket(family, kind, proto)
        c.settimeout(3)
        c.connect(addr)
        ok = ok and c.recv(4) == b"pong"
except Exception as e:
    ok = False
    print("resolve+connect blocked:", repr(e), file=sys.stderr)
if ok:
    print("ESCAPED")
)PY";

TEST_F(SandboxEscapeTest, DnsQueriesAndNameResolutionAreBlocked) {
  LoopbackServer server;
  const std::string payload = Fill(kDns, {{"$DNS_PORT", std::to_string(server.udp_port())},
                                          {"$TCP_PORT", std::to_string(server.tcp_port())}});
  const std::string control_payload = FillControl(kDns, {{"$DNS_PORT", std::to_string(server.udp_port())},
                                          {"$TCP_PORT", std::to_string(server.tcp_port())}});
  PlainResult control = RunPlain(control_payload, dir_.path());
  EXPECT_EQ(control.out, "ESCAPED\n") << control.err;
  EXPECT_EQ(server.udp_datagrams(), 1);
  EXPECT_EQ(server.tcp_connections(), 1);

  ExpectContained(Sandboxed(payload, "ESCAPED"));
  EXPECT_EQ(server.udp_datagrams(), 1);
  EXPECT_EQ(server.tcp_connections(), 1);
  ExpectNoSurvivors();
}

// ---------------------------------------------------------------- filesystem writes

constexpr char kWriteCanary[] = R"PY(
done = []
try:
    with open("$CANARY", "w") as f:
        f.write("PWNED")
    done.append("overwrite")
except Exception as e:
    print(repr(e), file=sys.stderr)
try:
    open("$DIR/planted_$MARK", "w").write("x")
    done.append("create")
except Exception as e:
    print(repr(e), file=sys.stderr)
try:
    os.chmod("$CANARY", 0o777)
    done.append("chmod")
except Exception as e:
    print(repr(e), file=sys.stderr)
if done:
    print("ESCAPED")
)PY";

TEST_F(SandboxEscapeTest, WritingACanaryOutsideScratchIsBlocked) {
  TempDir control_dir;  // the control attacks its own copy
  WriteFileOrDie(control_dir.File("canary"), "original");
  PlainResult control = RunPlain(
      FillControl(kWriteCanary, {{"$CANARY", control_dir.File("canary")}, {"$DIR", control_dir.path()}}), control_dir.path());
  EXPECT_EQ(control.out, "ESCAPED\n") << control.err;
  EXPECT_EQ(ReadFileOr(control_dir.File("canary")), "PWNED");

  WriteFileOrDie(dir_.File("canary"), "original");
  chmod(dir_.File("canary").c_str(), 0644);
  struct stat before;
  ASSERT_EQ(stat(dir_.File("canary").c_str(), &before), 0);
  ExpectContained(Sandboxed(Fill(kWriteCanary, {{"$CANARY", dir_.File("canary")}, {"$DIR", dir_.path()}}), "ESCAPED"));
  struct stat after;
  ASSERT_EQ(stat(dir_.File("canary").c_str(), &after), 0);
  EXPECT_EQ(ReadFileOr(dir_.File("canary")), "original");
  EXPECT_EQ(after.st_mode, before.st_mode);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("planted_" + marker_)));
  ExpectNoSurvivors();
}

constexpr char kCreateIn[] = R"PY(
try:
    with open("$TARGET", "w") as f:
        f.write("planted")
    print("ESCAPED")
except Exception as e:
    print(repr(e), file=sys.stderr)
)PY";

// /etc and $HOME: the control (as root) really creates a uniquely named file there and the test removes
// it; not root, it shows the same write into its temp dir.
void CheckCreateIsBlocked(const std::string& dir, const std::string& marker, const std::string& temp,
                          const std::function<std::string(const std::string&)>& control_payload,
                          const std::function<Result(const std::string&)>& sandboxed) {
  const std::string control_target = (geteuid() == 0 ? dir : temp) + "/reasonrl_control_" + marker;
  PlainResult control = RunPlain(control_payload(control_target), temp);
  EXPECT_EQ(control.out, "ESCAPED\n") << control.err;
  EXPECT_EQ(ReadFileOr(control_target), "planted");
  std::remove(control_target.c_str());

  const std::string target = dir + "/reasonrl_planted_" + marker;
  const Result r = sandboxed(target);
  SandboxEscapeTest::ExpectContained(r);
  EXPECT_FALSE(std::filesystem::exists(target)) << target;
  std::remove(target.c_str());
}

TEST_F(SandboxEscapeTest, WritingIntoEtcIsBlocked) {
  CheckCreateIsBlocked(
      "/etc", marker_, dir_.path(), [&](const std::string& t) { return FillControl(kCreateIn, {{"$TARGET", t}}); },
      [&](const std::string& t) { return Sandboxed(Fill(kCreateIn, {{"$TARGET", t}}), "ESCAPED"); });
  ExpectNoSurvivors();
}

TEST_F(SandboxEscapeTest, WritingIntoHomeIsBlocked) {
  const char* home = getenv("HOME");
  ASSERT_NE(home, nullptr);
  ASSERT_TRUE(std::filesystem::is_directory(home));
  CheckCreateIsBlocked(
      home, marker_, dir_.path(), [&](const std::string& t) { return FillControl(kCreateIn, {{"$TARGET", t}}); },
      [&](const std::string& t) { return Sandboxed(Fill(kCreateIn, {{"$TARGET", t}}), "ESCAPED"); });
  ExpectNoSurvivors();
}

// ---------------------------------------------------------------- reading what it should not see

constexpr char kReadFile[] = R"PY(
try:
    sys.stdout.write(open("$PATH").read())
except Exception as e:
    print(repr(e), file=sys.stderr)
)PY";

TEST_F(SandboxEscapeTest, ASecretFileOutsideTheSandboxIsInvisible) {
  const std::string secret = "secret-" + RandomHex(24);
  WriteFileOrDie(dir_.File("secret.txt"), secret);
  const std::string payload = Fill(kReadFile, {{"$PATH", dir_.File("secret.txt")}});
  const std::string control_payload = FillControl(kReadFile, {{"$PATH", dir_.File("secret.txt")}});
  PlainResult control = RunPlain(control_payload, dir_.path());
  EXPECT_EQ(control.out, secret) << control.err;

  ExpectContained(Sandboxed(payload, secret));
  ExpectNoSurvivors();
}

TEST_F(SandboxEscapeTest, TheRepositoryIsInvisible) {
  const std::string path = std::string(REASONRL_TEST_DATA_DIR) + "/reward/code_cases.jsonl";
  const std::string content = ReadFileOr(path);
  ASSERT_FALSE(content.empty());
  const std::string payload = Fill(kReadFile, {{"$PATH", path}});
  const std::string control_payload = FillControl(kReadFile, {{"$PATH", path}});
  PlainResult control = RunPlain(control_payload, dir_.path());
  EXPECT_EQ(control.out, content) << control.err;

  ExpectContained(Sandboxed(payload, content.substr(0, 100000)));
  ExpectNoSurvivors();
}

// /proc/<pid>/root, /proc/<pid>/cwd and friends: the classic ways around a chroot.
constexpr char kProcRoots[] = R"PY(
paths = ["/proc/1/root$PATH", "/proc/self/root$PATH", "/proc/%d/root$PATH" % os.getppid(),
         "/proc/1/cwd/$NAME", "/proc/%d/cwd/$NAME" % os.getppid()]
for pid in os.listdir("/proc"):
    if pid.isdigit():
        paths.append("/proc/%s/root$PATH" % pid)
for p in paths:
    try:
        sys.stdout.write(open(p).read())
        break
    except Exception as e:
        print(p, repr(e), file=sys.stderr)
)PY";

TEST_F(SandboxEscapeTest, ProcRootAndCwdLinksDoNotLeadOut) {
  const std::string secret = "proc-secret-" + RandomHex(24);
  WriteFileOrDie(dir_.File("secret.txt"), secret);
  const std::string payload = Fill(kProcRoots, {{"$PATH", dir_.File("secret.txt")}, {"$NAME", "secret.txt"}});
  const std::string control_payload = FillControl(kProcRoots, {{"$PATH", dir_.File("secret.txt")}, {"$NAME", "secret.txt"}});
  PlainResult control = RunPlain(control_payload, dir_.path());
  EXPECT_EQ(control.out, secret) << control.err;

  ExpectContained(Sandboxed(payload, secret));
  ExpectNoSurvivors();
}

constexpr char kEnvSecret[] = R"PY(
found = os.environ.get("REASONRL_REWARD_TOKEN", "")
for p in ["/proc/self/environ", "/proc/1/environ", "/proc/%d/environ" % os.getppid()]:
    try:
        for kv in open(p, "rb").read().split(b"\0"):
            if kv.startswith(b"REASONRL_REWARD_TOKEN="):
                found = found or kv.split(b"=", 1)[1].decode()
    except Exception as e:
        print(p, repr(e), file=sys.stderr)
if found:
    sys.stdout.write(found)
)PY";

TEST_F(SandboxEscapeTest, TheServersEnvironmentSecretsDoNotReachTheProgram) {
  const std::string token = "token-" + RandomHex(32);
  ASSERT_EQ(setenv("REASONRL_REWARD_TOKEN", token.c_str(), 1), 0);
  const std::string payload = Fill(kEnvSecret);
  const std::string control_payload = FillControl(kEnvSecret);
  PlainResult control = RunPlain(control_payload, dir_.path());
  EXPECT_EQ(control.out, token) << control.err;

  const Result r = Sandboxed(payload, token);
  unsetenv("REASONRL_REWARD_TOKEN");
  ExpectContained(r);
  ExpectNoSurvivors();
}

constexpr char kInheritedFds[] = R"PY(
found = ""
for fd in range(3, 1024):
    try:
        os.lseek(fd, 0, 0)
        data = os.read(fd, 4096).decode(errors="replace")
        if "fd-secret-" in data:
            found = data
            break
    except OSError:
        pass
print(sorted(os.listdir("/proc/self/fd")), file=sys.stderr)
sys.stdout.write(found)
)PY";

TEST_F(SandboxEscapeTest, OnlyStdinStdoutAndStderrAreInherited) {
  const std::string secret = "fd-secret-" + RandomHex(24);
  WriteFileOrDie(dir_.File("fd_secret.txt"), secret);
  // Deliberately without O_CLOEXEC: a server may hold such descriptors; the sandbox must not pass them on.
  const int fd = open(dir_.File("fd_secret.txt").c_str(), O_RDONLY);
  ASSERT_GE(fd, 3);
  const std::string payload = Fill(kInheritedFds);
  const std::string control_payload = FillControl(kInheritedFds);
  PlainResult control = RunPlain(control_payload, dir_.path());
  EXPECT_EQ(control.out, secret) << control.err;

  ExpectContained(Sandboxed(payload, secret));
  close(fd);
  ExpectNoSurvivors();
}

constexpr char kSymlinks[] = R"PY(
import threading
found = ""
def read(p):
    try:
        return open(p).read()
    except Exception:
        return ""
for i, target in enumerate(["$SECRET", "/proc/1/root$SECRET", "$DIR"]):
    link = "link%d" % i
    try:
        os.symlink(target, link)
    except Exception as e:
        print(repr(e), file=sys.stderr)
    found = found or read(link)
    found = found or read(link + "/secret.txt")
try:
    os.link("$SECRET", "hard")
    found = found or read("hard")
except Exception as e:
    print(repr(e), file=sys.stderr)
try:
    os.symlink("$CANARY", "canary_link")
    open("canary_link", "w").write("PWNED")
except Exception as e:
    print(repr(e), file=sys.stderr)
# Time-of-check/time-of-use: swap a link between a harmless file and the secret while reading it.
open("harmless", "w").write("harmless")
stop = False
def swap():
    while not stop:
        for t in ("harmless", "$SECRET"):
            try:
                os.symlink(t, "race.tmp")
                os.replace("race.tmp", "race")
            except Exception:
                pass
th = threading.Thread(target=swap)
th.start()
for _ in range(2000):
    data = read("race")
    if data and data != "harmless":
        found = found or data
stop = True
th.join()
sys.stdout.write(found)
)PY";

TEST_F(SandboxEscapeTest, SymlinkHardlinkAndRaceTricksInScratchReachNothing) {
  const std::string secret = "link-secret-" + RandomHex(24);
  WriteFileOrDie(dir_.File("secret.txt"), secret);
  WriteFileOrDie(dir_.File("canary"), "original");
  TempDir control_dir;
  WriteFileOrDie(control_dir.File("canary"), "original");
  PlainResult control = RunPlain(FillControl(kSymlinks, {{"$SECRET", dir_.File("secret.txt")}, {"$DIR", dir_.path()},
                                                  {"$CANARY", control_dir.File("canary")}}),
                                 control_dir.path());
  EXPECT_EQ(control.out, secret) << control.err;
  EXPECT_EQ(ReadFileOr(control_dir.File("canary")), "PWNED");

  ExpectContained(Sandboxed(Fill(kSymlinks, {{"$SECRET", dir_.File("secret.txt")}, {"$DIR", dir_.path()},
                                             {"$CANARY", dir_.File("canary")}}),
                            secret));
  EXPECT_EQ(ReadFileOr(dir_.File("canary")), "original");
  EXPECT_EQ(ReadFileOr(dir_.File("secret.txt")), secret);
  ExpectNoSurvivors();
}

// ---------------------------------------------------------------- resources

constexpr char kForkBomb[] = R"PY(
import time
n = 0
for i in range($COUNT):
    try:
        pid = os.fork()
    except OSError as e:
        print("fork refused after", n, repr(e), file=sys.stderr)
        break
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    n += 1
if n >= $COUNT:
    print("ESCAPED")
)PY";

TEST_F(SandboxEscapeTest, AForkBombIsStoppedAndLeavesNoProcess) {
  const sandbox::Capabilities& c = Caps();
  if (!c.cgroup_pids && c.bounds.find("nproc") == std::string::npos) {
    GTEST_SKIP() << "SANDBOX BOUNDS: neither a pids cgroup nor RLIMIT_NPROC binds here";
  }
  PlainResult control = RunPlain(FillControl(kForkBomb, {{"$COUNT", "20"}}), dir_.path());  // bounded control
  EXPECT_EQ(control.out, "ESCAPED\n") << control.err;
  KillMarked(marker_);

  const Result r = Sandboxed(Fill(kForkBomb, {{"$COUNT", "500"}}), "ESCAPED");
  ExpectContained(r);
  ExpectNoSurvivors();
  // This process can still fork.
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  ASSERT_GT(pid, 0);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status));
}

constexpr char kMemoryBomb[] = R"PY(
chunks = []
try:
    for i in range($MB // 64):
        chunks.append(bytearray(64 << 20))
        for j in range(0, 64 << 20, 4096):
            chunks[-1][j] = 1
except MemoryError:
    print("MemoryError after", len(chunks) * 64, "MB", file=sys.stderr)
    raise
if len(chunks) * 64 >= $MB:
    print("ESCAPED")
)PY";

TEST_F(SandboxEscapeTest, AMemoryBombHitsTheMemoryLimit) {
  PlainResult control = RunPlain(FillControl(kMemoryBomb, {{"$MB", "128"}}), dir_.path());  // a modest control
  EXPECT_EQ(control.out, "ESCAPED\n") << control.err;

  const Result r = Sandboxed(Fill(kMemoryBomb, {{"$MB", "4096"}}), "ESCAPED");
  ExpectContained(r, "memory_limit: test 0 (rlimit)");
  ExpectNoSurvivors();
}

// Several processes, each under RLIMIT_AS, together far over it: only a memory cgroup bounds the sum.
constexpr char kMemoryAcrossProcesses[] = R"PY(
import time
kids = []
for i in range($N):
    pid = os.fork()
    if pid == 0:
        b = bytearray($MB << 20)
        for j in range(0, $MB << 20, 4096):
            b[j] = 1
        time.sleep(1)
        os._exit(0)
    kids.append(pid)
ok = 0
for pid in kids:
    _, status = os.waitpid(pid, 0)
    ok += os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
print("children that got their memory:", ok, file=sys.stderr)
if ok == $N:
    print("ESCAPED")
)PY";

TEST_F(SandboxEscapeTest, AMemoryBombAcrossProcessesHitsTheCgroupLimit) {
  if (!Caps().cgroup_memory) {
    GTEST_SKIP() << "SANDBOX BOUNDS: no memory cgroup here; memory across processes is bounded only by "
                    "max_processes x memory_bytes";
  }
  PlainResult control = RunPlain(FillControl(kMemoryAcrossProcesses, {{"$N", "2"}, {"$MB", "32"}}), dir_.path());
  EXPECT_EQ(control.out, "ESCAPED\n") << control.err;

  // 6 x 160 MiB: each process is under RLIMIT_AS (256 MiB), the sum is far over the cgroup's 256 MiB.
  const Result r = Sandboxed(Fill(kMemoryAcrossProcesses, {{"$N", "6"}, {"$MB", "160"}}), "ESCAPED");
  // The OOM killer may take a child (the parent then prints no success line) or the parent itself.
  ExpectContained(r, "");
  EXPECT_TRUE(r.reason == "wrong_answer: test 0" || r.reason == "memory_limit: test 0 (cgroup)") << r.reason;
  ExpectNoSurvivors();
}

constexpr char kCpuBurn[] = R"PY(
import time
start = time.process_time()
while time.process_time() - start < $SECONDS:
    pass
print("ESCAPED")
)PY";

TEST_F(SandboxEscapeTest, AnInfiniteLoopIsKilledAtTheCpuLimit) {
  PlainResult control = RunPlain(FillControl(kCpuBurn, {{"$SECONDS", "0.3"}}), dir_.path());
  EXPECT_EQ(control.out, "ESCAPED\n") << control.err;

  CodeConfig config = SmallLimits();
  config.limits.cpu_seconds = 1;
  config.limits.wall_seconds = 60;  // generous: the CPU limit must be what ends it
  const absl::Time start = absl::Now();
  const Result r = Sandboxed(Fill(kCpuBurn, {{"$SECONDS", "600"}}), "ESCAPED", config);
  ExpectContained(r, "timeout: test 0 (cpu)");
  EXPECT_LT(absl::ToDoubleSeconds(absl::Now() - start), 60.0);
  ExpectNoSurvivors();
}

constexpr char kSleep[] = R"PY(
import time
time.sleep($SECONDS)
print("ESCAPED")
)PY";

TEST_F(SandboxEscapeTest, SleepingForeverIsKilledAtTheWallLimit) {
  PlainResult control = RunPlain(FillControl(kSleep, {{"$SECONDS", "0.2"}}), dir_.path());
  EXPECT_EQ(control.out, "ESCAPED\n") << control.err;

  CodeConfig config = SmallLimits();
  config.limits.wall_seconds = 3;
  const absl::Time start = absl::Now();
  const Result r = Sandboxed(Fill(kSleep, {{"$SECONDS", "3600"}}), "ESCAPED", config);
  ExpectContained(r, "timeout: test 0 (wall)");
  EXPECT_LT(absl::ToDoubleSeconds(absl::Now() - start), 3.0 + 20.0);
  ExpectNoSurvivors();
}

constexpr char kFlood[] = R"PY(
chunk = "x" * 65536
for i in range($MB * 16):
    sys.stdout.write(chunk)
sys.stdout.write("\nESCAPED\n")
)PY";

TEST_F(SandboxEscapeTest, AStdoutFloodIsCutAtTheOutputLimit) {
  PlainResult control = RunPlain(FillControl(kFlood, {{"$MB", "4"}}), dir_.path());
  EXPECT_EQ(control.out.size(), (4u << 20) + 9u);
  EXPECT_EQ(control.out.substr(control.out.size() - 9), "\nESCAPED\n");

  const std::string flood = Fill(kFlood, {{"$MB", "1024"}});
  const Result r = Sandboxed(flood, "ESCAPED");
  ExpectContained(r, "output_limit: test 0");
  // What the parent kept is bounded by the limit.
  sandbox::Request request;
  request.argv = {"/usr/bin/python3", "/sandbox/flood.py"};
  request.files = {{"flood.py", flood}};
  request.limits = SmallLimits().limits;
  absl::StatusOr<sandbox::Outcome> out = sandbox::Run(request);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->termination, sandbox::Termination::kOutputLimit);
  EXPECT_EQ(static_cast<int64_t>(out->stdout_data.size() + out->stderr_data.size()), request.limits.output_bytes);
  ExpectNoSurvivors();
}

constexpr char kDiskFill[] = R"PY(
total = 0
block = b"x" * (1 << 20)
for where in ("$DIR", "/dev/shm"):
    try:
        i = 0
        while total < ($MB << 20):
            with open("%s/fill_$MARK_%d" % (where, i), "wb") as f:
                for _ in range(8):
                    f.write(block)
                    total += len(block)
            i += 1
    except OSError as e:
        print(where, "full after", total >> 20, "MB:", repr(e), file=sys.stderr)
made = 0
try:
    for i in range(20000):
        open("$DIR/small_%d" % i, "w").close()
        made += 1
except OSError as e:
    print("files stopped at", made, repr(e), file=sys.stderr)
if total >= ($MB << 20):
    print("ESCAPED")
)PY";

TEST_F(SandboxEscapeTest, FillingScratchStopsAtItsSizeAndLeavesNothingOnTheHost) {
  TempDir control_dir;
  PlainResult control = RunPlain(FillControl(kDiskFill, {{"$MB", "8"}, {"$DIR", control_dir.path()}}), control_dir.path());
  EXPECT_EQ(control.out, "ESCAPED\n") << control.err;

  CodeConfig config = SmallLimits();
  config.limits.wall_seconds = 30;
  const Result r = Sandboxed(Fill(kDiskFill, {{"$MB", "1024"}, {"$DIR", "/tmp"}}), "ESCAPED", config);
  ExpectContained(r);
  // The sandbox's /tmp is its own tmpfs: nothing it wrote is on the host's /tmp.
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), ec)) {
    EXPECT_EQ(e.path().filename().string().find("fill_" + marker_), std::string::npos) << e.path();
  }
  ExpectNoSurvivors();
}

// ---------------------------------------------------------------- processes outside

constexpr char kKill[] = R"PY(
import signal
hit = []
for pid in [$TARGETS]:
    try:
        os.kill(pid, signal.SIGKILL)
        hit.append(pid)
    except OSError as e:
        print(pid, repr(e), file=sys.stderr)
if $SENTINEL in hit:
    print("ESCAPED")
$MORE
)PY";

pid_t SpawnSentinel() {
  pid_t pid = fork();
  if (pid == 0) {
    for (;;) pause();
  }
  return pid;
}

bool Alive(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == 0 && kill(pid, 0) == 0;
}

TEST_F(SandboxEscapeTest, SignallingTheParentOrEveryProcessReachesNothingOutside) {
  // Control: a sacrificial sentinel (never this process) is killed by the payload.
  pid_t control_sentinel = SpawnSentinel();
  ASSERT_GT(control_sentinel, 0);
  const std::string s1 = std::to_string(control_sentinel);
  PlainResult control = RunPlain(FillControl(kKill, {{"$TARGETS", s1}, {"$SENTINEL", s1}, {"$MORE", ""}}), dir_.path());
  EXPECT_EQ(control.out, "ESCAPED\n") << control.err;
  int status = 0;
  EXPECT_EQ(waitpid(control_sentinel, &status, 0), control_sentinel);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  // Sandboxed: the sentinel, this test process, its parent, pid 1 and then kill(-1).
  pid_t sentinel = SpawnSentinel();
  ASSERT_GT(sentinel, 0);
  const std::string s2 = std::to_string(sentinel);
  const std::string targets = s2 + ", " + std::to_string(getpid()) + ", os.getppid(), 1";
  const Result r = Sandboxed(
      Fill(kKill, {{"$TARGETS", targets}, {"$SENTINEL", s2}, {"$MORE", "os.kill(-1, signal.SIGKILL)"}}), "ESCAPED");
  // Inside its pid namespace those pids do not exist, its init ignores the signal, and kill(-1) finds
  // no process to signal.
  ExpectContained(r, "runtime_error: test 0: ProcessLookupError: [Errno 3] No such process");
  EXPECT_TRUE(Alive(sentinel)) << "the sandbox killed a process outside";
  kill(sentinel, SIGKILL);
  waitpid(sentinel, &status, 0);
  ExpectNoSurvivors();
}

constexpr char kPtrace[] = R"PY(
import time
libc = ctypes.CDLL(None, use_errno=True)
PTRACE_ATTACH, PTRACE_DETACH, PTRACE_TRACEME = 16, 17, 0
child = os.fork()
if child == 0:
    time.sleep(10)
    os._exit(0)
time.sleep(0.1)
attached = []
for pid in [child$MORE]:
    if libc.ptrace(PTRACE_ATTACH, pid, None, None) == 0:
        attached.append(pid)
        os.waitpid(pid, 0)
        libc.ptrace(PTRACE_DETACH, pid, None, None)
    else:
        print("attach", pid, os.strerror(ctypes.get_errno()), file=sys.stderr)
os.kill(child, 9)
if attached:
    print("ESCAPED")
)PY";

TEST_F(SandboxEscapeTest, PtraceIsDenied) {
  PlainResult control = RunPlain(FillControl(kPtrace, {{"$MORE", ""}}), dir_.path());  // its own child only
  EXPECT_EQ(control.out, "ESCAPED\n") << control.err;

  const Result r = Sandboxed(Fill(kPtrace, {{"$MORE", ", os.getppid(), " + std::to_string(getpid())}}), "ESCAPED");
  ExpectContained(r);
  ExpectNoSurvivors();
}

constexpr char kSetuid[] = R"PY(
import subprocess
for call in (lambda: os.setuid(0), lambda: os.setgid(0), lambda: os.setresuid(0, 0, 0), lambda: os.seteuid(0)):
    try:
        call()
    except Exception as e:
        print(repr(e), file=sys.stderr)
root = os.getuid() == 0 or os.geteuid() == 0
# Set-user-ID programs: su as root needs no password; no_new_privs makes the bit inert.
for su in ("/usr/bin/su", "/bin/su"):
    if os.path.exists(su) and not root:
        try:
            out = subprocess.run([su, "root", "-c", "id -u"], capture_output=True, timeout=5, stdin=subprocess.DEVNULL)
            root = out.stdout.strip() == b"0"
            print("su:", out.stdout, out.stderr, file=sys.stderr)
        except Exception as e:
            print(repr(e), file=sys.stderr)
        break
if root:
    print("ESCAPED")
)PY";

TEST_F(SandboxEscapeTest, BecomingRootFails) {
  const std::string payload = Fill(kSetuid);
  const std::string control_payload = FillControl(kSetuid);
  if (geteuid() == 0) {
    PlainResult control = RunPlain(control_payload, dir_.path());
    EXPECT_EQ(control.out, "ESCAPED\n") << control.err;
  } else {
    printf("control skipped: this test does not run as root, so root is out of reach even unsandboxed\n");
  }
  ExpectContained(Sandboxed(payload, "ESCAPED"));
  ExpectNoSurvivors();
}

constexpr char kNamespaces[] = R"PY(
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS, CLONE_NEWUSER = 0x00020000, 0x10000000
done = []
for flags in (CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWUSER | CLONE_NEWNS):
    if libc.unshare(flags) == 0:
        done.append(flags)
    else:
        print("unshare", hex(flags), os.strerror(ctypes.get_errno()), file=sys.stderr)
if libc.mount(b"none", b"/usr", b"tmpfs", 0, None) == 0:
    done.append("mount")
if done:
    print("ESCAPED")
)PY";

TEST_F(SandboxEscapeTest, NewNamespacesAndMountsAreDenied) {
  const std::string payload = Fill(kNamespaces);
  const std::string control_payload = FillControl(kNamespaces);
  PlainResult control = RunPlain(control_payload, dir_.path());  // changes only the control's own new namespaces
  EXPECT_EQ(control.out, "ESCAPED\n") << control.err;
  ExpectContained(Sandboxed(payload, "ESCAPED"));
  ExpectNoSurvivors();
}

constexpr char kCgroupEscape[] = R"PY(
import glob
moved = []
for procs in glob.glob("/sys/fs/cgroup/cgroup.procs") + glob.glob("/sys/fs/cgroup/*/cgroup.procs"):
    try:
        with open(procs, "$MODE") as f:
            if "$MODE" == "w":
                f.write("0")
        moved.append(procs)
    except Exception as e:
        print(procs, repr(e), file=sys.stderr)
if moved:
    print("ESCAPED")
)PY";

TEST_F(SandboxEscapeTest, LeavingItsCgroupIsImpossible) {
  if (geteuid() == 0 && std::filesystem::exists("/sys/fs/cgroup")) {
    // Control: as root the host's cgroup.procs files can be opened for writing (append mode, nothing written).
    PlainResult control = RunPlain(FillControl(kCgroupEscape, {{"$MODE", "a"}}), dir_.path());
    EXPECT_EQ(control.out, "ESCAPED\n") << control.err;
  } else {
    printf("control skipped: no writable /sys/fs/cgroup for this user\n");
  }
  ExpectContained(Sandboxed(Fill(kCgroupEscape, {{"$MODE", "w"}}), "ESCAPED"));
  ExpectNoSurvivors();
}

constexpr char kDaemon[] = R"PY(
import time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for fd in (0, 1, 2):
            os.close(fd)
        time.sleep($DELAY)
        try:
            open("$FLAG", "w").write("ESCAPED")
        except Exception:
            pass
        time.sleep(60)
        os._exit(0)
    os._exit(0)
time.sleep(0.2)
)PY";

TEST_F(SandboxEscapeTest, ADoubleForkedDaemonDoesNotOutliveTheRun) {
  TempDir control_dir;
  const std::string control_flag = control_dir.File("flag");
  RunPlain(FillControl(kDaemon, {{"$DELAY", "0.5"}, {"$FLAG", control_flag}}), control_dir.path());
  bool survived = false;
  for (int i = 0; i < 3000 && !std::filesystem::exists(control_flag); ++i) {  // up to 30 s on a loaded machine
    survived = survived || !PidsWithMarker(control_marker_).empty();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(survived || !PidsWithMarker(control_marker_).empty()) << "the control's daemon should outlive its parent";
  EXPECT_EQ(ReadFileOr(control_flag), "ESCAPED");
  KillMarked(control_marker_);

  const std::string flag = dir_.File("flag");
  const Result r = Sandboxed(Fill(kDaemon, {{"$DELAY", "0.5"}, {"$FLAG", flag}}), "ESCAPED");
  ExpectContained(r);
  ExpectNoSurvivors();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ExpectNoSurvivors();
  EXPECT_FALSE(std::filesystem::exists(flag));
}

// ---------------------------------------------------------------- the grader

// A function-call task whose expected value the program tries to find (stdin, argv, environment,
// every readable file it can see, its own process memory via gc, other processes) or to change.
constexpr char kFindExpected[] = R"PY(
import gc, re
PATTERN = re.compile(r"EXPECTED-[0-9a-f]{24}")
def scan_text(text):
    m = PATTERN.search(text)
    return m.group(0) if m else None
def scan_tree(root, budget=[4000]):
    for dirpath, dirnames, filenames in os.walk(root):
        if dirpath.startswith(("/proc", "/sys", "/usr", "/dev")) and root == "/":
            dirnames[:] = []
            continue
        for name in filenames:
            budget[0] -= 1
            if budget[0] < 0:
                return None
            try:
                with open(os.path.join(dirpath, name), "rb") as f:
                    found = scan_text(f.read(1 << 20).decode("latin-1"))
                if found:
                    return found
            except Exception:
                pass
    return None
def answer():
    for text in [" ".join(sys.argv), repr(dict(os.environ))] + [repr(o) for o in gc.get_objects() if isinstance(o, (dict, str))]:
        found = scan_text(text)
        if found:
            return found
    for pid in os.listdir("/proc"):
        for what in ("cmdline", "environ"):
            try:
                found = scan_text(open("/proc/%s/%s" % (pid, what), "rb").read().decode("latin-1"))
                if found:
                    return found
            except Exception:
                pass
    found = scan_tree(".") or scan_tree("/")
    if found:
        return found
    for target in ("/sandbox/harness.py", "/sandbox/solution.py"):
        try:
            open(target, "a").write("\n_result = 'patched'\n")
            return "patched " + target
        except Exception:
            pass
    return "not found"
if __name__ == "__main__":
    print(answer())
)PY";

TEST_F(SandboxEscapeTest, TheExpectedValuesAreNeverInsideTheSandbox) {
  const std::string expected = "EXPECTED-" + RandomHex(24);
  // Control: a grader that keeps its expected values in a file next to the program (as many do).
  WriteFileOrDie(dir_.File("expected.json"), "{\"expected\": \"" + expected + "\"}");
  const std::string payload = Fill(kFindExpected);
  const std::string control_payload = FillControl(kFindExpected);
  PlainResult control = RunPlain(control_payload, dir_.path());
  EXPECT_EQ(control.out, expected + "\n") << control.err;

  Sample sample;
  sample.completion = "```python\n" + payload + "\n```";
  nlohmann::json tests = nlohmann::json::array({{{"fn_name", "answer"}, {"expected", expected}}});
  sample.extra_json["tests"] = tests.dump();
  CodeConfig config = SmallLimits();
  config.limits.cpu_seconds = 5;
  config.limits.wall_seconds = 60;
  const Result r = CodeReward(sample, config);
  ExpectContained(r);  // it ran to the end and returned "not found"
  EXPECT_EQ(tests[0]["expected"], expected);
  ExpectNoSurvivors();
}

constexpr char kExitBeforeAsserts[] = R"PY(
def add(a, b):
    os._exit(0)
)PY";

TEST_F(SandboxEscapeTest, ExitingWithStatusZeroBeforeTheCheckIsNotAPass) {
  // Control: run unsandboxed as a naive grader would (call, then trust the exit status): status 0.
  PlainResult control = RunPlain(FillControl(kExitBeforeAsserts) + "\nadd(1, 2)\nassert add(1, 2) == 4\n", dir_.path());
  EXPECT_EQ(control.exit_code, 0);

  Sample sample;
  sample.completion = "```python\n" + Fill(kExitBeforeAsserts) + "\n```";
  sample.extra_json["tests"] = R"([{"fn_name": "add", "args": [1, 2], "expected": 3}])";
  const Result r = CodeReward(sample, SmallLimits());
  ExpectContained(r, "runtime_error: test 0: no result (the program ended the harness)");
  ExpectNoSurvivors();
}

}  // namespace
}  // namespace reasonrl::reward
