#include "reward/sandbox/seccomp_filter.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace reasonrl::reward::sandbox {
namespace {

// System calls that fail with EPERM: debugging other processes, changing the mount or namespace view,
// kernel keyrings, BPF and perf (large kernel attack surface), userfaultfd and io_uring (favourite
// exploit primitives), module loading, and host-wide settings. Names the running libseccomp does not know
// (an old version, another architecture) are skipped.
constexpr const char* kDeniedSyscalls[] = {
    "ptrace",          "process_vm_readv",  "process_vm_writev", "kcmp",
    "mount",           "umount",            "umount2",           "pivot_root",
    "chroot",          "unshare",           "setns",             "fsopen",
    "fsconfig",        "fsmount",           "fspick",            "move_mount",
    "open_tree",       "mount_setattr",     "keyctl",            "add_key",
    "request_key",     "bpf",               "perf_event_open",   "userfaultfd",
    "kexec_load",      "kexec_file_load",   "init_module",       "finit_module",
    "delete_module",   "io_uring_setup",    "io_uring_enter",    "io_uring_register",
    "open_by_handle_at", "name_to_handle_at", "personality",     "syslog",
    "acct",            "swapon",            "swapoff",           "reboot",
    "sethostname",     "setdomainname",     "clock_settime",     "clock_adjtime",
    "settimeofday",    "adjtimex",          "quotactl",          "lookup_dcookie",
    "vhangup",         "iopl",              "ioperm",            "nfsservctl",
};

struct ContextDeleter {
  void operator()(scmp_filter_ctx ctx) const { seccomp_release(ctx); }
};

absl::Status LibseccompError(const char* call, int rc) {
  return absl::InternalError(absl::StrCat("seccomp filter: ", call, " failed: ", std::strerror(-rc)));
}

}  // namespace

absl::StatusOr<int> SeccompFilterFd() {
  scmp_filter_ctx raw = seccomp_init(SCMP_ACT_ALLOW);
  if (raw == nullptr) return absl::InternalError("seccomp filter: seccomp_init failed");
  std::unique_ptr<void, ContextDeleter> ctx(raw);
  // bwrap sets no_new_privs itself; the filter must not try to (it is loaded by bwrap, not here).
  int rc = seccomp_attr_set(raw, SCMP_FLTATR_CTL_NNP, 0);
  if (rc < 0) return LibseccompError("seccomp_attr_set(CTL_NNP)", rc);

  for (const char* name : kDeniedSyscalls) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;
    rc = seccomp_rule_add(raw, SCMP_ACT_ERRNO(EPERM), nr, 0);
    // A pseudo-syscall that does not exist on this architecture is fine to skip.
    if (rc < 0 && rc != -EDOM && rc != -EFAULT) return LibseccompError(name, rc);
  }
  // socket(): only AF_UNIX (the network namespace already has no route out; this also closes raw
  // sockets, netlink and AF_PACKET). EACCES is what a firewall-denied socket looks like to programs.
  rc = seccomp_rule_add(raw, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1,
                        SCMP_A0(SCMP_CMP_NE, static_cast<scmp_datum_t>(AF_UNIX)));
  if (rc < 0) return LibseccompError("socket rule", rc);

  int fd = memfd_create("reasonrl-seccomp", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return absl::InternalError(absl::StrCat("memfd_create: ", std::strerror(errno)));
  rc = seccomp_export_bpf(raw, fd);
  if (rc < 0) {
    close(fd);
    return LibseccompError("seccomp_export_bpf", rc);
  }
  if (lseek(fd, 0, SEEK_SET) != 0 ||
      fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    int e = errno;
    close(fd);
    return absl::InternalError(absl::StrCat("seccomp filter memfd: ", std::strerror(e)));
  }
  return fd;
}

}  // namespace reasonrl::reward::sandbox
