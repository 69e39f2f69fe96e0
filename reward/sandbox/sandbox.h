// A sandbox for running untrusted programs (the code reward's Python programs), built from bubblewrap
// (/usr/bin/bwrap, GPL: exec'd as a separate program, never linked), a seccomp filter (libseccomp, LGPL,
// linked), rlimits and cgroups.
//
// What one Run() gives the program:
//   - namespaces: user (inside uid/gid Options.uid/gid, no capabilities), pid (its own; bwrap's init is
//     pid 1, killing it kills everything inside), net (loopback only, no route to the host), ipc, uts,
//     mount, cgroup;
//   - a filesystem of its own: an empty tmpfs root, read-only binds of Options.ro_binds (the system's
//     /usr, /lib*, /bin, /sbin, /etc/ld.so.cache, ... but never /home, /root, /tmp, /work, /var or the
//     repository), a fresh /proc and minimal /dev, Request.files read-only under /sandbox, and a writable
//     scratch tmpfs /tmp (the working directory) of at most Limits.file_bytes bytes;
//   - an environment of exactly PATH, HOME=/tmp, TMPDIR=/tmp, PWD=/tmp, LANG and LC_ALL (C.UTF-8),
//     PYTHONDONTWRITEBYTECODE=1, PYTHONIOENCODING=utf-8: nothing of the server's environment (tokens)
//     reaches it;
//   - only file descriptors 0, 1, 2 (stdin a pipe carrying Request.stdin_data, stdout and stderr pipes);
//   - a seccomp filter (Options.seccomp): socket() of any family but AF_UNIX fails with EACCES;
//     ptrace, process_vm_readv/writev, mount, umount2, pivot_root, chroot, unshare, setns, keyctl,
//     add_key, request_key, bpf, perf_event_open, userfaultfd, kexec_*, init/finit/delete_module,
//     io_uring_*, open_by_handle_at, name_to_handle_at, personality, syslog, acct, swapon/off, reboot,
//     sethostname, setdomainname, clock_settime/adjtime, settimeofday fail with EPERM; other
//     architectures' system calls kill the process;
//   - limits: RLIMIT_CPU (soft = cpu_seconds, hard = soft + 1), RLIMIT_AS (memory_bytes), RLIMIT_NPROC
//     (max_processes, counted per user namespace), RLIMIT_FSIZE (file_bytes), RLIMIT_NOFILE
//     (max_open_files), RLIMIT_CORE 0, set before bwrap runs so they bind from the first instruction;
//     plus, where the cgroup hierarchy is writable, a leaf cgroup per run: v2 memory.max / pids.max /
//     cgroup.kill / cpu.stat, or v1 memory.limit_in_bytes / pids.max, or only what exists (Outcome.bounds
//     names what bound this run);
//   - a watchdog outside: the parent polls the pipes against the wall deadline and the output cap, then
//     SIGKILLs bwrap (its init dies with it: --die-with-parent), kills the cgroups, and reaps.
// When Run returns, no process of the run is alive (the pid namespace died with its init; the cgroups,
// where available, were killed and removed).
//
// Thread-safe: runs in parallel threads are independent (each has its own cgroups and pipes). The parent
// forks; the child only calls async-signal-safe functions before exec.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace reasonrl::reward::sandbox {

// Resource limits of one run. Every field > 0.
struct Limits {
  double cpu_seconds = 2.0;              // CPU time of each process (RLIMIT_CPU, whole seconds, rounded up)
  double wall_seconds = 5.0;             // wall-clock time of the whole run (the parent's watchdog)
  int64_t memory_bytes = 256LL << 20;    // RLIMIT_AS of each process; memory.max of the run's cgroup
  int64_t max_processes = 16;            // processes + threads: RLIMIT_NPROC and pids.max
  int64_t output_bytes = 1LL << 20;      // stdout + stderr captured; more kills the run (kOutputLimit)
  int64_t file_bytes = 16LL << 20;       // RLIMIT_FSIZE and the size of the scratch tmpfs
  int64_t max_open_files = 64;           // RLIMIT_NOFILE

  // InvalidArgument naming the field ("wall_seconds: must be finite and > 0, got 0").
  absl::Status Validate() const;
};

// Field by field min(requested, cap): what a client asks for never exceeds the server's caps.
Limits CapLimits(const Limits& requested, const Limits& caps);

// How to build the sandbox: server configuration, never taken from a client.
struct Options {
  std::string bwrap_path = "/usr/bin/bwrap";
  // Read-only binds, each at the same path inside; paths that do not exist here are skipped, symlinks
  // (Debian's merged /bin -> usr/bin) are recreated as symlinks.
  std::vector<std::string> ro_binds = {"/usr",         "/bin",          "/sbin",         "/lib",
                                       "/lib32",       "/lib64",        "/libx32",       "/etc/ld.so.cache",
                                       "/etc/localtime", "/etc/alternatives"};
  uint32_t uid = 65534;  // inside the user namespace (nobody)
  uint32_t gid = 65534;  // nogroup
  bool seccomp = true;   // install the filter described above
  // Cgroups: kAuto uses a writable hierarchy when there is one and rlimits alone otherwise; kOff never
  // touches cgroups; kRequire makes Run fail when no memory+pids cgroup can be made.
  enum class Cgroups { kAuto, kOff, kRequire };
  Cgroups cgroups = Cgroups::kAuto;
};

// A file placed read-only at /sandbox/<name> (name: [A-Za-z0-9_.-]+).
struct File {
  std::string name;
  std::string content;
};

struct Request {
  std::vector<std::string> argv;  // the command inside, argv[0] an absolute path, e.g. /usr/bin/python3
  std::vector<File> files;
  std::string stdin_data;
  Limits limits;
};

enum class Termination {
  kExited,       // exited by itself (Outcome.exit_code)
  kSignaled,     // killed by a signal it did not get from the watchdog (Outcome.signal): SIGXCPU/SIGKILL
                 // at the CPU limit, SIGKILL from the memory cgroup, SIGSEGV, ...
  kWallTimeout,  // the watchdog killed it at wall_seconds
  kOutputLimit,  // the watchdog killed it when stdout + stderr passed output_bytes
};

struct Outcome {
  Termination termination = Termination::kExited;
  int exit_code = -1;  // kExited: the program's exit status
  int signal = 0;      // kSignaled: the signal that ended the program
  std::string stdout_data;  // at most output_bytes in total with stderr_data
  std::string stderr_data;
  double wall_seconds = 0.0;
  double cpu_seconds = -1.0;       // user + system of the whole run when measured (cgroup cpu), else -1
  bool cpu_limit_hit = false;      // ended by SIGXCPU, or by SIGKILL with cpu time at the limit
  bool memory_limit_hit = false;   // the memory cgroup counted an OOM kill or a failed charge
  bool pids_limit_hit = false;     // the pids cgroup refused a fork
  // What bound this run, e.g. "userns pidns netns seccomp rlimit(cpu,as,nproc,fsize,nofile)
  // cgroup-v1(memory,pids) cgroup-v2(kill,cpu)".
  std::string bounds;
};

// Runs request.argv in a fresh sandbox. InvalidArgument for a bad request (limits, argv, file names);
// FailedPrecondition or Internal when the sandbox cannot be built (no bwrap, no user namespaces, kRequire
// without cgroups); bwrap's own error text is included. Never throws.
absl::StatusOr<Outcome> Run(const Request& request, const Options& options = Options());

// What a run on this machine is bound by, as Outcome.bounds would say, plus whether the sandbox works at
// all (it runs /bin/true inside). For logs and the tests' visible "bounds here" line.
struct Capabilities {
  bool sandbox_works = false;
  std::string error;   // why not, when !sandbox_works
  bool cgroup_memory = false;  // memory limit via a cgroup (v1 or v2)
  bool cgroup_pids = false;    // pids limit via a cgroup
  bool cgroup_kill = false;    // cgroup.kill (v2) or a v1 pids/memory group to scan and kill
  std::string bounds;
};
Capabilities Probe(const Options& options = Options());

}  // namespace reasonrl::reward::sandbox
