// The sandbox's seccomp filter (libseccomp, LGPL, linked dynamically), compiled to BPF for bwrap's
// --seccomp FD. The rules are listed in sandbox.h; the default action is allow (a deny-list: Python needs
// most of the system call table, and the namespaces, not this filter, are the main wall).
#pragma once

#include "absl/status/statusor.h"

namespace reasonrl::reward::sandbox {

// A sealed memfd (offset 0) holding the filter's BPF program for the native architecture; the caller owns
// the descriptor (close-on-exec set). Internal error naming the libseccomp call that failed.
absl::StatusOr<int> SeccompFilterFd();

}  // namespace reasonrl::reward::sandbox
