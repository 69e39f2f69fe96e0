// Per-run leaf cgroups for the sandbox, on whatever hierarchy this machine lets us write:
//   cgroup v2 (a cgroup2 mount): a leaf <own cgroup>/reasonrl-<pid>-<n> with memory.max, memory.swap.max,
//     pids.max when those controllers can be enabled, and always cgroup.kill and cpu.stat;
//   cgroup v1 (per-controller mounts): leaves under the memory (memory.limit_in_bytes,
//     memory.memsw.limit_in_bytes), pids (pids.max) and cpuacct (cpuacct.usage) hierarchies.
// Hybrid machines (v1 controllers plus a controller-less v2 mount, as systemd's "hybrid" layout) use
// both: v1 for the limits, v2 for cgroup.kill and cpu.stat. Each controller is used once, v2 first.
//
// The sandbox child moves itself in by writing "0" to every ProcsFiles() entry before it execs bwrap, so
// the whole tree starts inside. Not thread-safe per object; distinct objects are independent.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace reasonrl::reward::sandbox {

struct CgroupLimits {
  int64_t memory_bytes = 0;  // 0 = do not limit
  int64_t max_pids = 0;      // 0 = do not limit
};

// Removes the leaves under `base` (a cgroup directory) that a server left behind when it died: empty
// directories named reasonrl-sandbox-<pid>-<n> whose pid is not alive and not this process. Create() does
// this once per process for each directory it makes leaves in. Returns how many were removed.
int SweepStaleLeaves(const std::string& base);

class RunCgroups {
 public:
  // Makes the leaves this machine allows; an unusable hierarchy is skipped (Bounds() says what was
  // made). Never fails: errors only reduce what is bound.
  static std::unique_ptr<RunCgroups> Create(const CgroupLimits& limits);
  ~RunCgroups();  // KillAll(), then removes the leaves
  RunCgroups(const RunCgroups&) = delete;
  RunCgroups& operator=(const RunCgroups&) = delete;

  // The cgroup.procs files the child writes "0" into (async-signal-safe use: plain C strings).
  const std::vector<std::string>& ProcsFiles() const { return procs_files_; }

  bool memory_limited() const { return memory_limited_; }
  bool pids_limited() const { return pids_limited_; }
  bool can_kill() const { return !dirs_.empty(); }
  // e.g. "cgroup-v1(memory,pids,cpuacct) cgroup-v2(kill,cpu)"; "" when nothing was made.
  std::string Bounds() const;

  // SIGKILLs every process in the leaves (cgroup.kill on v2, else a scan of cgroup.procs) and waits up
  // to `wait_seconds` for them to be gone. True when the leaves are empty.
  bool KillAll(double wait_seconds = 2.0);

  double CpuSeconds() const;    // user + system of every process that ran inside; -1 if not measured
  bool MemoryLimitHit() const;  // an OOM kill inside (memory.events oom_kill / memory.oom_control)
  bool PidsLimitHit() const;    // a fork refused by pids.max (pids.events max)

 private:
  RunCgroups() = default;

  std::vector<std::string> dirs_;         // every leaf made, removed at destruction
  std::vector<std::string> procs_files_;  // <dir>/cgroup.procs for each leaf
  std::string v2_dir_;                    // the v2 leaf, if any
  std::string memory_dir_;                // leaf holding the memory controller (v1 or v2)
  std::string pids_dir_;                  // leaf holding the pids controller
  std::string cpu_dir_;                   // v2 leaf (cpu.stat) or v1 cpuacct leaf
  bool memory_v2_ = false, pids_v2_ = false, cpu_v2_ = false;
  bool memory_limited_ = false, pids_limited_ = false;
  std::vector<std::string> v1_used_;      // v1 controllers made, for Bounds()
};

}  // namespace reasonrl::reward::sandbox
