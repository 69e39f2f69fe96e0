// The sandbox runner: bwrap argv, the child's setup between fork and exec, and the watchdog loop.
//
// Who runs bwrap: as root, the child switches to an outside uid of its own (kOutsideUidBase + a slot per
// concurrent run) before exec'ing bwrap, so (1) bwrap makes an unprivileged user namespace whose uid
// 65534 maps to that uid, not to root, and (2) RLIMIT_NPROC counts exactly this run's processes (root is
// exempt from RLIMIT_NPROC, and the count is per outside uid). Where unprivileged user namespaces are
// disabled, bwrap runs as root and RLIMIT_NPROC does not bind (Outcome.bounds leaves "nproc" out). Not
// root: bwrap runs as the server's uid, and RLIMIT_NPROC is not set (it would count the server's own
// threads).
#include "reward/sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "reward/sandbox/cgroup.h"
#include "reward/sandbox/seccomp_filter.h"

namespace reasonrl::reward::sandbox {
namespace {

constexpr uint32_t kOutsideUidBase = 1800000000u;  // far above any real account; + 2^24 stays < 2^31
constexpr int kHelperProcesses = 2;                // bwrap outside + bwrap's init (pid 1) inside

// ---- small fd helpers ----

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    reset(o.release());
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset(int fd = -1) {
    if (fd_ >= 0) close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

absl::Status Errno(absl::string_view what) {
  return absl::InternalError(absl::StrCat("sandbox: ", std::string(what), ": ", std::strerror(errno)));
}

// A sealed, read-only-content memfd holding `data`, offset 0.
absl::StatusOr<Fd> SealedMemfd(const char* name, const std::string& data) {
  Fd fd(memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (fd.get() < 0) return Errno("memfd_create");
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("write memfd");
    done += static_cast<size_t>(n);
  }
  if (lseek(fd.get(), 0, SEEK_SET) != 0) return Errno("lseek memfd");
  if (fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    return Errno("seal memfd");
  }
  return fd;
}

// ---- who runs bwrap ----

// Outside uids of concurrent runs differ. A uid is also not reused soon after: the kernel gives back a
// finished run's share of the per-uid process count (RLIMIT_NPROC) only when its user namespace is freed,
// which happens asynchronously. Measured here: back-to-back runs under one uid with RLIMIT_NPROC 18 began
// to fail ("bwrap: Can't fork for pid 1") after 15 runs; with 0.5 s pauses none did. So slots rotate.
class UidSlots {
 public:
  static constexpr int kSlots = 4096;
  int Acquire() {
    std::lock_guard<std::mutex> lock(mu_);
    for (int tries = 0; tries < kSlots; ++tries) {
      const int slot = next_;
      next_ = (next_ + 1) % kSlots;
      if (used_.insert(slot).second) return slot;
    }
    return -1;  // every slot busy: the caller runs without dropping (and says so in the bounds)
  }
  void Release(int slot) {
    std::lock_guard<std::mutex> lock(mu_);
    used_.erase(slot);
  }

 private:
  std::mutex mu_;
  int next_ = 0;
  std::set<int> used_;
};

UidSlots& Slots() {
  static UidSlots* slots = new UidSlots();
  return *slots;
}

uint32_t OutsideUid(int slot) {
  // A block of kSlots uids per server process (by pid), so that servers on one host rarely share one.
  return kOutsideUidBase + ((static_cast<uint32_t>(getpid()) & 0xFFFu) << 12) + static_cast<uint32_t>(slot);
}

// ---- the child ----

struct ChildPlan {  // everything the child needs, prepared before fork (no allocation after it)
  std::vector<std::string> argv_storage;
  std::vector<char*> argv;
  std::vector<std::string> procs_files;
  std::vector<int> source_fds;  // become fds 0, 1, 2, 3, ... in the child, in this order
  struct Limit {
    int resource;
    rlim_t soft, hard;
  };
  std::vector<Limit> limits;
  bool drop = false;
  uint32_t outside_uid = 0;
  pid_t parent = 0;
};

void WriteAll(int fd, const char* s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<size_t>(w);
  }
}

[[noreturn]] void ChildFail(const char* what) {
  // fd 2 is the stderr pipe by the time anything can fail (or the server's stderr before that).
  // strerror is not async-signal-safe: the errno number, in decimal, by hand.
  char digits[16];
  int n = errno, len = 0;
  do {
    digits[len++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n > 0 && len < 15);
  char number[16];
  for (int i = 0; i < len; ++i) number[i] = digits[len - 1 - i];
  number[len] = '\0';
  WriteAll(2, "reasonrl-sandbox: ");
  WriteAll(2, what);
  WriteAll(2, ": errno ");
  WriteAll(2, number);
  WriteAll(2, "\n");
  _exit(126);
}

// Async-signal-safe only: this runs between fork and exec in a possibly multi-threaded server.
[[noreturn]] void RunChild(const ChildPlan& plan) {
  for (const std::string& path : plan.procs_files) {
    int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "0", 1) != 1) ChildFail("join cgroup");
    close(fd);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl;
  memset(&dfl, 0, sizeof(dfl));
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);  // ignored signals stay ignored

  // Sources first to numbers above every target and source, then down to 0..n-1.
  const int n = static_cast<int>(plan.source_fds.size());
  int top = n;
  for (int fd : plan.source_fds) top = std::max(top, fd + 1);
  int moved[16];
  for (int i = 0; i < n; ++i) {
    moved[i] = fcntl(plan.source_fds[i], F_DUPFD_CLOEXEC, top);
    if (moved[i] < 0) ChildFail("dup");
  }
  for (int i = 0; i < n; ++i) {
    if (dup2(moved[i], i) < 0) ChildFail("dup2");
  }
  if (syscall(SYS_close_range, n, ~0U, 0) != 0) {
    for (int fd = n; fd < 65536; ++fd) close(fd);
  }
  for (const ChildPlan::Limit& l : plan.limits) {
    struct rlimit r = {l.soft, l.hard};
    if (setrlimit(l.resource, &r) != 0) ChildFail("setrlimit");
  }
  if (plan.drop) {
    // Raw system calls: this process has one thread; glibc's set*id would try to sync others.
    if (syscall(SYS_setgroups, 0, nullptr) != 0) ChildFail("setgroups");
    if (syscall(SYS_setresgid, plan.outside_uid, plan.outside_uid, plan.outside_uid) != 0) ChildFail("setresgid");
    if (syscall(SYS_setresuid, plan.outside_uid, plan.outside_uid, plan.outside_uid) != 0) ChildFail("setresuid");
  }
  // After the uid change (which clears it): bwrap dies with the thread that runs the watchdog.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != plan.parent) _exit(126);
  char* empty_env[] = {nullptr};
  execve(plan.argv[0], plan.argv.data(), empty_env);
  ChildFail("exec bwrap");
}

// ---- bwrap's arguments ----

void AddFilesystem(const Options& options, const Limits& limits, std::vector<std::string>* a) {
  for (const std::string& path : options.ro_binds) {
    struct stat st;
    if (path.empty() || path[0] != '/' || lstat(path.c_str(), &st) != 0) continue;
    if (S_ISLNK(st.st_mode)) {
      char target[4096];
      ssize_t len = readlink(path.c_str(), target, sizeof(target) - 1);
      if (len <= 0) continue;
      a->insert(a->end(), {"--symlink", std::string(target, static_cast<size_t>(len)), path});
    } else {
      a->insert(a->end(), {"--ro-bind", path, path});
    }
  }
  const std::string size = absl::StrCat(limits.file_bytes);
  a->insert(a->end(), {"--proc", "/proc", "--dev", "/dev",
                       // bwrap's /dev and / are tmpfs writable by the sandbox user: a size-capped
                       // /dev/shm (multiprocessing needs it) and both remounted read-only below.
                       "--size", size, "--tmpfs", "/dev/shm", "--size", size, "--tmpfs", "/tmp"});
}

}  // namespace

absl::Status Limits::Validate() const {
  auto positive = [](const char* name, double v) -> absl::Status {
    if (!std::isfinite(v) || v <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": must be finite and > 0, got ", v));
    }
    return absl::OkStatus();
  };
  for (auto [name, v] : {std::pair<const char*, double>{"cpu_seconds", cpu_seconds},
                         {"wall_seconds", wall_seconds},
                         {"memory_bytes", static_cast<double>(memory_bytes)},
                         {"max_processes", static_cast<double>(max_processes)},
                         {"output_bytes", static_cast<double>(output_bytes)},
                         {"file_bytes", static_cast<double>(file_bytes)},
                         {"max_open_files", static_cast<double>(max_open_files)}}) {
    absl::Status s = positive(name, v);
    if (!s.ok()) return s;
  }
  if (cpu_seconds > 86400 || wall_seconds > 86400) {
    return absl::InvalidArgumentError("cpu_seconds, wall_seconds: at most 86400");
  }
  if (max_open_files < 16) {
    return absl::InvalidArgumentError(absl::StrCat("max_open_files: must be >= 16 (bwrap and the "
                                                   "interpreter need some), got ", max_open_files));
  }
  return absl::OkStatus();
}

Limits CapLimits(const Limits& requested, const Limits& caps) {
  Limits l;
  l.cpu_seconds = std::min(requested.cpu_seconds, caps.cpu_seconds);
  l.wall_seconds = std::min(requested.wall_seconds, caps.wall_seconds);
  l.memory_bytes = std::min(requested.memory_bytes, caps.memory_bytes);
  l.max_processes = std::min(requested.max_processes, caps.max_processes);
  l.output_bytes = std::min(requested.output_bytes, caps.output_bytes);
  l.file_bytes = std::min(requested.file_bytes, caps.file_bytes);
  l.max_open_files = std::min(requested.max_open_files, caps.max_open_files);
  return l;
}

namespace internal {
// One run, with the choice of who runs bwrap made by the caller (Run decides it once; the probe below
// tries the dropped uid).
absl::StatusOr<Outcome> RunAs(const Request& request, const Options& options, bool drop);
}  // namespace internal

namespace {

enum class RunAsMode { kDrop, kRoot, kSelf };

// Decided once per bwrap path: can bwrap run under a dropped uid (unprivileged user namespaces)?
RunAsMode DecideRunAs(const Options& options) {
  if (geteuid() != 0) return RunAsMode::kSelf;
  static std::mutex* mu = new std::mutex();
  static std::map<std::string, RunAsMode>* decided = new std::map<std::string, RunAsMode>();
  std::lock_guard<std::mutex> lock(*mu);
  auto it = decided->find(options.bwrap_path);
  if (it != decided->end()) return it->second;
  Request probe;
  probe.argv = {"/usr/bin/true"};
  Options plain = options;
  plain.cgroups = Options::Cgroups::kOff;
  RunAsMode mode = RunAsMode::kRoot;
  for (int attempt = 0; attempt < 2 && mode == RunAsMode::kRoot; ++attempt) {  // once more if it was a hiccup
    absl::StatusOr<Outcome> out = internal::RunAs(probe, plain, /*drop=*/true);
    if (out.ok() && out->termination == Termination::kExited && out->exit_code == 0) mode = RunAsMode::kDrop;
  }
  (*decided)[options.bwrap_path] = mode;
  return mode;
}

}  // namespace

absl::StatusOr<Outcome> internal::RunAs(const Request& request, const Options& options, bool drop) {
  const Limits& limits = request.limits;
  if (absl::Status s = limits.Validate(); !s.ok()) return s;
  if (request.argv.empty() || request.argv[0].empty() || request.argv[0][0] != '/') {
    return absl::InvalidArgumentError("argv: must start with an absolute path");
  }
  if (request.files.size() > 8) return absl::InvalidArgumentError("files: at most 8");
  for (const File& f : request.files) {
    bool ok = !f.name.empty() && f.name != "." && f.name != "..";
    for (char c : f.name) ok = ok && (isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-');
    if (!ok) return absl::InvalidArgumentError(absl::StrCat("files: bad name \"", f.name, "\" (want [A-Za-z0-9_.-]+)"));
  }
  if (access(options.bwrap_path.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat("sandbox: cannot execute ", options.bwrap_path, ": ",
                                                      std::strerror(errno), " (install bubblewrap)"));
  }

  // Cgroups: processes = the program's + bwrap's two.
  std::unique_ptr<RunCgroups> cgroups;
  if (options.cgroups != Options::Cgroups::kOff) {
    cgroups = RunCgroups::Create({limits.memory_bytes, limits.max_processes + kHelperProcesses});
    if (options.cgroups == Options::Cgroups::kRequire && !(cgroups->memory_limited() && cgroups->pids_limited())) {
      return absl::FailedPreconditionError("sandbox: cgroups required but no writable memory+pids cgroup here");
    }
  }

  // Descriptors the child gets: 0 stdin, 1 stdout, 2 stderr, 3 status (bwrap's JSON), 4 seccomp, 5.. files.
  absl::StatusOr<Fd> stdin_fd = SealedMemfd("reasonrl-stdin", request.stdin_data);
  if (!stdin_fd.ok()) return stdin_fd.status();
  int out_pipe[2], err_pipe[2], status_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Errno("pipe");
  Fd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (pipe2(err_pipe, O_CLOEXEC) != 0) return Errno("pipe");
  Fd err_r(err_pipe[0]), err_w(err_pipe[1]);
  if (pipe2(status_pipe, O_CLOEXEC) != 0) return Errno("pipe");
  Fd status_r(status_pipe[0]), status_w(status_pipe[1]);
  Fd seccomp_fd;
  if (options.seccomp) {
    absl::StatusOr<int> fd = SeccompFilterFd();
    if (!fd.ok()) return fd.status();
    seccomp_fd.reset(*fd);
  } else {
    seccomp_fd.reset(open("/dev/null", O_RDONLY | O_CLOEXEC));  // keeps the fd numbering fixed
  }
  std::vector<Fd> file_fds;
  for (const File& f : request.files) {
    absl::StatusOr<Fd> fd = SealedMemfd("reasonrl-file", f.content);
    if (!fd.ok()) return fd.status();
    file_fds.push_back(std::move(*fd));
  }

  ChildPlan plan;
  std::vector<std::string>& a = plan.argv_storage;
  a = {options.bwrap_path, "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
       "--new-session", "--uid", absl::StrCat(options.uid), "--gid", absl::StrCat(options.gid),
       "--hostname", "sandbox"};
  AddFilesystem(options, limits, &a);
  for (size_t i = 0; i < request.files.size(); ++i) {
    a.insert(a.end(), {"--perms", "0444", "--ro-bind-data", absl::StrCat(5 + i), "/sandbox/" + request.files[i].name});
  }
  a.insert(a.end(), {"--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/tmp", "--clearenv",
                     "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin", "--setenv", "HOME", "/tmp",
                     "--setenv", "TMPDIR", "/tmp", "--setenv", "LANG", "C.UTF-8", "--setenv", "LC_ALL", "C.UTF-8",
                     "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv", "PYTHONIOENCODING", "utf-8",
                     "--json-status-fd", "3"});
  if (options.seccomp) a.insert(a.end(), {"--seccomp", "4"});
  a.push_back("--");
  a.insert(a.end(), request.argv.begin(), request.argv.end());
  for (std::string& s : a) plan.argv.push_back(s.data());
  plan.argv.push_back(nullptr);
  if (cgroups) plan.procs_files = cgroups->ProcsFiles();
  plan.source_fds = {stdin_fd->get(), out_w.get(), err_w.get(), status_w.get(), seccomp_fd.get()};
  for (const Fd& f : file_fds) plan.source_fds.push_back(f.get());

  const bool root = geteuid() == 0;
  const rlim_t cpu = static_cast<rlim_t>(std::ceil(limits.cpu_seconds));
  plan.limits = {{RLIMIT_CPU, cpu, cpu + 1},
                 {RLIMIT_AS, static_cast<rlim_t>(limits.memory_bytes), static_cast<rlim_t>(limits.memory_bytes)},
                 {RLIMIT_FSIZE, static_cast<rlim_t>(limits.file_bytes), static_cast<rlim_t>(limits.file_bytes)},
                 {RLIMIT_NOFILE, static_cast<rlim_t>(limits.max_open_files), static_cast<rlim_t>(limits.max_open_files)},
                 {RLIMIT_CORE, 0, 0}};
  if (root) {
    const rlim_t nproc = static_cast<rlim_t>(limits.max_processes + kHelperProcesses);
    plan.limits.push_back({RLIMIT_NPROC, nproc, nproc});
  }
  int slot = -1;
  if (drop && root) {
    slot = Slots().Acquire();
    plan.drop = slot >= 0;
    if (plan.drop) plan.outside_uid = OutsideUid(slot);
  }
  plan.parent = getpid();

  const auto start = std::chrono::steady_clock::now();
  pid_t child = fork();
  if (child < 0) {
    if (slot >= 0) Slots().Release(slot);
    return Errno("fork");
  }
  if (child == 0) RunChild(plan);
  out_w.reset();
  err_w.reset();
  status_w.reset();

  // ---- the watchdog ----
  Outcome outcome;
  Fd pidfd(static_cast<int>(syscall(SYS_pidfd_open, child, 0)));
  fcntl(out_r.get(), F_SETFL, O_NONBLOCK);
  fcntl(err_r.get(), F_SETFL, O_NONBLOCK);
  fcntl(status_r.get(), F_SETFL, O_NONBLOCK);
  // bwrap's status: {"child-pid": N, ...} right after it cloned its init (pid 1 inside, N here), then
  // {"exit-code": N} once the command ended. A pidfd on that init lets the end of the run wait until the
  // pid namespace is empty: its init is reported dead only after every other process in it is gone.
  std::string status_text;
  bool status_open = true;
  Fd init_pidfd;
  const auto deadline = start + std::chrono::duration<double>(limits.wall_seconds);
  bool out_open = true, err_open = true, exited = false, killed = false;
  bool over_output_limit = false;  // output beyond the limit arrived while draining after bwrap exited
  int wait_status = 0;
  auto kill_all = [&](Termination why) {
    if (killed) return;
    killed = true;
    outcome.termination = why;
    kill(child, SIGKILL);  // bwrap's init gets SIGKILL from --die-with-parent; the pid namespace dies
    if (cgroups) cgroups->KillAll(0.0);
  };
  char buf[65536];
  // Once bwrap has exited every process of the run is gone (its pid namespace died with its init), and
  // with them the pipes' writers; the grace only bounds the wait for the last bytes.
  std::chrono::steady_clock::time_point drain_until{};
  while (!exited || out_open || err_open) {
    const auto now = std::chrono::steady_clock::now();
    if (!exited && !killed && now >= deadline) kill_all(Termination::kWallTimeout);
    if (exited && now >= drain_until) break;
    int timeout_ms = 10;
    if (exited) {
      timeout_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(drain_until - now).count()) + 1;
    } else if (!killed && pidfd.get() >= 0) {
      timeout_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count()) + 1;
    }
    struct pollfd fds[4];
    int nfds = 0;
    int out_i = -1, err_i = -1, status_i = -1;
    if (out_open) out_i = nfds, fds[nfds++] = {out_r.get(), POLLIN, 0};
    if (err_open) err_i = nfds, fds[nfds++] = {err_r.get(), POLLIN, 0};
    if (status_open) status_i = nfds, fds[nfds++] = {status_r.get(), POLLIN, 0};
    if (!exited && pidfd.get() >= 0) fds[nfds++] = {pidfd.get(), POLLIN, 0};
    if (poll(fds, static_cast<nfds_t>(nfds), timeout_ms) < 0 && errno != EINTR) return Errno("poll");
    if (status_i >= 0 && fds[status_i].revents != 0) {
      ssize_t n = read(status_r.get(), buf, sizeof(buf));
      if (n > 0 && status_text.size() < 65536) status_text.append(buf, static_cast<size_t>(n));
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) status_open = false;
      const size_t at = status_text.find("\"child-pid\":");
      if (init_pidfd.get() < 0 && at != std::string::npos) {
        char* end = nullptr;
        const long pid = strtol(status_text.c_str() + at + 12, &end, 10);
        if (pid > 0 && *end != '\0') init_pidfd.reset(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
      }
    }
    for (int k : {out_i, err_i}) {
      if (k < 0 || fds[k].revents == 0) continue;
      const bool is_out = (k == out_i);
      ssize_t n = read(fds[k].fd, buf, sizeof(buf));
      if (n > 0) {
        std::string& dst = is_out ? outcome.stdout_data : outcome.stderr_data;
        const int64_t room =
            limits.output_bytes - static_cast<int64_t>(outcome.stdout_data.size() + outcome.stderr_data.size());
        dst.append(buf, static_cast<size_t>(std::min<int64_t>(n, std::max<int64_t>(room, 0))));
        if (n > room) {
          if (!exited) kill_all(Termination::kOutputLimit);
          over_output_limit = true;
        }
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        (is_out ? out_open : err_open) = false;
      }
    }
    if (!exited && waitpid(child, &wait_status, WNOHANG) == child) {
      exited = true;
      drain_until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    }
  }
  if (!exited) {
    waitpid(child, &wait_status, 0);
  }
  outcome.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (slot >= 0) Slots().Release(slot);

  for (ssize_t n; (n = read(status_r.get(), buf, sizeof(buf))) > 0;) status_text.append(buf, static_cast<size_t>(n));
  if (init_pidfd.get() >= 0) {
    struct pollfd p = {init_pidfd.get(), POLLIN, 0};
    poll(&p, 1, 2000);
  }
  int exit_code = -1;
  if (size_t at = status_text.find("\"exit-code\":"); at != std::string::npos) {
    exit_code = atoi(status_text.c_str() + at + 12);
  }

  // Only a cgroup measures the run's CPU time: wait4's rusage covers bwrap alone, since bwrap reports the
  // command's exit through its init and does not wait for that init before it exits itself.
  outcome.cpu_seconds = -1.0;
  if (cgroups) {
    cgroups->KillAll();
    double cg_cpu = cgroups->CpuSeconds();
    if (cg_cpu >= 0) outcome.cpu_seconds = cg_cpu;
    outcome.memory_limit_hit = cgroups->MemoryLimitHit();
    outcome.pids_limit_hit = cgroups->PidsLimitHit();
  }

  if (!killed) {
    if (exit_code < 0) {
      if (outcome.memory_limit_hit) {
        outcome.termination = Termination::kSignaled;
        outcome.signal = SIGKILL;
      } else {
        return absl::InternalError(absl::StrCat("sandbox: bwrap did not run the command (wait status ", wait_status,
                                                "): ", outcome.stderr_data.substr(0, 2000)));
      }
    } else if (exit_code > 128 && exit_code < 128 + NSIG) {
      // bwrap reports a command killed by signal S as 128 + S (an exit(128 + S) reads the same).
      outcome.termination = Termination::kSignaled;
      outcome.signal = exit_code - 128;
    } else {
      outcome.termination = Termination::kExited;
      outcome.exit_code = exit_code;
    }
  }
  // A run that wrote past the limit and exited before the watchdog saw it is still over the limit: its
  // output was cut, so it must not be graded as if complete.
  if (over_output_limit && !killed) outcome.termination = Termination::kOutputLimit;
  if (outcome.termination == Termination::kSignaled) {
    outcome.cpu_limit_hit = outcome.signal == SIGXCPU ||
                            (outcome.signal == SIGKILL && outcome.cpu_seconds >= std::ceil(limits.cpu_seconds) - 0.05);
  }

  std::vector<std::string> bounds;
  bounds.push_back(plan.drop ? "userns(outside uid " + absl::StrCat(plan.outside_uid) + ")"
                             : (root ? "userns(outside root)" : "userns(outside server uid)"));
  bounds.push_back("pidns netns ipcns utsns ro-root");
  if (options.seccomp) bounds.push_back("seccomp");
  // RLIMIT_NPROC binds only under a dropped uid (root is exempt; not set at all when not root).
  bounds.push_back(plan.drop ? "rlimit(cpu,as,nproc,fsize,nofile)" : "rlimit(cpu,as,fsize,nofile)");
  if (cgroups && !cgroups->Bounds().empty()) bounds.push_back(cgroups->Bounds());
  outcome.bounds = absl::StrJoin(bounds, " ");
  return outcome;
}

absl::StatusOr<Outcome> Run(const Request& request, const Options& options) {
  RunAsMode mode = DecideRunAs(options);
  return internal::RunAs(request, options, mode == RunAsMode::kDrop);
}

Capabilities Probe(const Options& options) {
  Capabilities caps;
  Request probe;
  probe.argv = {"/usr/bin/true"};
  absl::StatusOr<Outcome> out = Run(probe, options);
  if (!out.ok()) {
    caps.error = std::string(out.status().message());
    return caps;
  }
  caps.sandbox_works = out->termination == Termination::kExited && out->exit_code == 0;
  if (!caps.sandbox_works) caps.error = "/usr/bin/true did not exit 0: " + out->stderr_data;
  caps.bounds = out->bounds;
  caps.cgroup_memory = out->bounds.find("memory") != std::string::npos;
  caps.cgroup_pids = out->bounds.find("pids") != std::string::npos;
  caps.cgroup_kill = out->bounds.find("cgroup-") != std::string::npos;
  return caps;
}

}  // namespace reasonrl::reward::sandbox
