#include "reward/sandbox/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace reasonrl::reward::sandbox {
namespace {

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

// One write(2) of the whole text, as cgroup files want.
bool WriteFile(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = write(fd, text.data(), text.size());
  close(fd);
  return n == static_cast<ssize_t>(text.size());
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && absl::ascii_isdigit(s[i + 1]) &&
        absl::ascii_isdigit(s[i + 2]) && absl::ascii_isdigit(s[i + 3])) {
      int v = (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');
      out.push_back(static_cast<char>(v));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

struct Mount {
  std::string root;        // the mount's root inside the hierarchy
  std::string mountpoint;
  std::vector<std::string> controllers;  // v1: from the super options; v2: empty
};

struct Hierarchies {
  bool has_v2 = false;
  Mount v2;
  std::vector<Mount> v1;
  std::string v2_path;                          // this process's v2 cgroup ("0::<path>")
  std::map<std::string, std::string> v1_paths;  // controller -> this process's v1 cgroup
};

Hierarchies ReadHierarchies() {
  Hierarchies h;
  std::string text;
  if (ReadFile("/proc/self/mountinfo", &text)) {
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      std::vector<absl::string_view> halves = absl::StrSplit(line, absl::MaxSplits(" - ", 1));
      if (halves.size() != 2) continue;
      std::vector<absl::string_view> pre = absl::StrSplit(halves[0], ' ');
      std::vector<absl::string_view> post = absl::StrSplit(halves[1], ' ');
      if (pre.size() < 5 || post.size() < 3) continue;
      Mount m{Unescape(pre[3]), Unescape(pre[4]), {}};
      if (post[0] == "cgroup2") {
        if (!h.has_v2) h.v2 = m, h.has_v2 = true;
      } else if (post[0] == "cgroup") {
        for (absl::string_view opt : absl::StrSplit(post[2], ',')) {
          if (opt == "memory" || opt == "pids" || opt == "cpuacct") m.controllers.emplace_back(opt);
        }
        if (!m.controllers.empty()) h.v1.push_back(m);
      }
    }
  }
  if (ReadFile("/proc/self/cgroup", &text)) {
    for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
      std::vector<absl::string_view> f = absl::StrSplit(line, absl::MaxSplits(':', 2));
      if (f.size() != 3) continue;
      if (f[0] == "0" && f[1].empty()) {
        h.v2_path = std::string(f[2]);
      } else {
        for (absl::string_view c : absl::StrSplit(f[1], ',')) h.v1_paths[std::string(c)] = std::string(f[2]);
      }
    }
  }
  return h;
}

// The directory of `own_path` under mount `m`, or "" when it is not visible there.
std::string DirOf(const Mount& m, const std::string& own_path) {
  std::string rel = own_path;
  if (m.root != "/") {
    if (rel.compare(0, m.root.size(), m.root) != 0) return "";
    rel = rel.substr(m.root.size());
  }
  std::string dir = m.mountpoint + rel;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return Exists(dir) ? dir : "";
}

bool HasWord(const std::string& text, absl::string_view word) {
  for (absl::string_view w : absl::StrSplit(text, absl::ByAnyChar(" \n"), absl::SkipEmpty())) {
    if (w == word) return true;
  }
  return false;
}

// The value of "<key> N" in a flat keyed file (memory.events, pids.events, cpu.stat, oom_control).
int64_t KeyedValue(const std::string& path, absl::string_view key) {
  std::string text;
  if (!ReadFile(path, &text)) return -1;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(line, absl::MaxSplits(' ', 1));
    int64_t v = 0;
    if (kv.first == key && absl::SimpleAtoi(kv.second, &v)) return v;
  }
  return -1;
}

// Once per process and base.
void SweepStaleLeavesOnce(const std::string& base) {
  static std::mutex* mu = new std::mutex();
  static std::set<std::string>* swept = new std::set<std::string>();
  {
    std::lock_guard<std::mutex> lock(*mu);
    if (!swept->insert(base).second) return;
  }
  SweepStaleLeaves(base);
}

std::string LeafName() {
  static std::atomic<uint64_t> counter{0};
  return absl::StrCat("reasonrl-sandbox-", getpid(), "-", counter.fetch_add(1));
}

}  // namespace

int SweepStaleLeaves(const std::string& base) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(base, ec)) {
    const std::string name = entry.path().filename().string();
    constexpr absl::string_view kPrefix = "reasonrl-sandbox-";
    if (!absl::StartsWith(name, kPrefix)) continue;
    int pid = 0;
    const std::string rest = name.substr(kPrefix.size());
    if (!absl::SimpleAtoi(rest.substr(0, rest.find('-')), &pid) || pid <= 0) continue;
    if (pid == getpid() || Exists(absl::StrCat("/proc/", pid))) continue;
    if (rmdir(entry.path().c_str()) == 0) ++removed;  // fails harmlessly if a process is still inside
  }
  return removed;
}

std::unique_ptr<RunCgroups> RunCgroups::Create(const CgroupLimits& limits) {
  std::unique_ptr<RunCgroups> cg(new RunCgroups());
  Hierarchies h = ReadHierarchies();
  const std::string leaf = LeafName();

  if (h.has_v2 && !h.v2_path.empty()) {
    std::string base = DirOf(h.v2, h.v2_path);
    std::string available;
    if (!base.empty() && ReadFile(base + "/cgroup.controllers", &available)) {
      std::string enabled;
      ReadFile(base + "/cgroup.subtree_control", &enabled);
      for (const char* c : {"memory", "pids"}) {
        // Fails (EBUSY) when `base` is a non-root cgroup holding processes; then v1 or rlimits bind.
        if (HasWord(available, c) && !HasWord(enabled, c)) WriteFile(base + "/cgroup.subtree_control", absl::StrCat("+", c));
      }
      SweepStaleLeavesOnce(base);
      std::string dir = base + "/" + leaf;
      if (mkdir(dir.c_str(), 0755) == 0) {
        cg->dirs_.push_back(dir);
        cg->procs_files_.push_back(dir + "/cgroup.procs");
        cg->v2_dir_ = dir;
        std::string leaf_controllers;
        ReadFile(dir + "/cgroup.controllers", &leaf_controllers);
        if (HasWord(leaf_controllers, "memory")) {
          cg->memory_dir_ = dir, cg->memory_v2_ = true;
          if (limits.memory_bytes > 0) {
            cg->memory_limited_ = WriteFile(dir + "/memory.max", absl::StrCat(limits.memory_bytes));
            WriteFile(dir + "/memory.swap.max", "0");
          }
        }
        if (HasWord(leaf_controllers, "pids")) {
          cg->pids_dir_ = dir, cg->pids_v2_ = true;
          if (limits.max_pids > 0) cg->pids_limited_ = WriteFile(dir + "/pids.max", absl::StrCat(limits.max_pids));
        }
        if (Exists(dir + "/cpu.stat")) cg->cpu_dir_ = dir, cg->cpu_v2_ = true;
      }
    }
  }

  std::map<std::string, std::string> made;  // v1 mountpoint -> leaf (co-mounted controllers share one)
  for (const Mount& m : h.v1) {
    for (const std::string& c : m.controllers) {
      if ((c == "memory" && !cg->memory_dir_.empty()) || (c == "pids" && !cg->pids_dir_.empty()) ||
          (c == "cpuacct" && !cg->cpu_dir_.empty())) {
        continue;
      }
      auto own = h.v1_paths.find(c);
      if (own == h.v1_paths.end()) continue;
      std::string dir;
      auto it = made.find(m.mountpoint);
      if (it != made.end()) {
        dir = it->second;
      } else {
        std::string base = DirOf(m, own->second);
        if (base.empty()) continue;
        SweepStaleLeavesOnce(base);
        dir = base + "/" + leaf;
        if (mkdir(dir.c_str(), 0755) != 0) continue;
        made[m.mountpoint] = dir;
        cg->dirs_.push_back(dir);
        cg->procs_files_.push_back(dir + "/cgroup.procs");
      }
      if (c == "memory") {
        cg->memory_dir_ = dir;
        if (limits.memory_bytes > 0) {
          cg->memory_limited_ = WriteFile(dir + "/memory.limit_in_bytes", absl::StrCat(limits.memory_bytes));
          // No swap either (only where swap accounting is on; limit_in_bytes must be set first).
          WriteFile(dir + "/memory.memsw.limit_in_bytes", absl::StrCat(limits.memory_bytes));
        }
      } else if (c == "pids") {
        cg->pids_dir_ = dir;
        if (limits.max_pids > 0) cg->pids_limited_ = WriteFile(dir + "/pids.max", absl::StrCat(limits.max_pids));
      } else {
        cg->cpu_dir_ = dir;
      }
      cg->v1_used_.push_back(c);
    }
  }
  return cg;
}

std::string RunCgroups::Bounds() const {
  std::vector<std::string> v2, v1;
  if (!v2_dir_.empty()) {
    if (memory_v2_ && memory_limited_) v2.push_back("memory");
    if (pids_v2_ && pids_limited_) v2.push_back("pids");
    if (Exists(v2_dir_ + "/cgroup.kill")) v2.push_back("kill");
    if (cpu_v2_) v2.push_back("cpu");
  }
  for (const std::string& c : v1_used_) {
    if ((c == "memory" && !memory_limited_) || (c == "pids" && !pids_limited_)) continue;
    v1.push_back(c);
  }
  std::vector<std::string> parts;
  if (!v1.empty()) parts.push_back(absl::StrCat("cgroup-v1(", absl::StrJoin(v1, ","), ")"));
  if (!v2.empty()) parts.push_back(absl::StrCat("cgroup-v2(", absl::StrJoin(v2, ","), ")"));
  return absl::StrJoin(parts, " ");
}

bool RunCgroups::KillAll(double wait_seconds) {
  if (!v2_dir_.empty()) WriteFile(v2_dir_ + "/cgroup.kill", "1");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_seconds);
  while (true) {
    bool empty = true;
    for (const std::string& procs : procs_files_) {
      std::string text;
      if (!ReadFile(procs, &text)) continue;
      for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
        int pid = 0;
        if (absl::SimpleAtoi(line, &pid) && pid > 1) {
          empty = false;
          kill(pid, SIGKILL);  // v1 has no cgroup.kill; a listed pid is a member of our leaf
        }
      }
    }
    if (empty) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

double RunCgroups::CpuSeconds() const {
  if (cpu_dir_.empty()) return -1.0;
  if (cpu_v2_) {
    int64_t usec = KeyedValue(cpu_dir_ + "/cpu.stat", "usage_usec");
    return usec < 0 ? -1.0 : usec / 1e6;
  }
  std::string text;
  int64_t ns = 0;
  if (!ReadFile(cpu_dir_ + "/cpuacct.usage", &text) ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &ns)) {
    return -1.0;
  }
  return ns / 1e9;
}

bool RunCgroups::MemoryLimitHit() const {
  if (memory_dir_.empty()) return false;
  if (memory_v2_) return KeyedValue(memory_dir_ + "/memory.events", "oom_kill") > 0;
  return KeyedValue(memory_dir_ + "/memory.oom_control", "oom_kill") > 0;
}

bool RunCgroups::PidsLimitHit() const {
  if (pids_dir_.empty()) return false;
  return KeyedValue(pids_dir_ + "/pids.events", "max") > 0;
}

RunCgroups::~RunCgroups() {
  KillAll();
  for (const std::string& dir : dirs_) {
    // A cgroup can be removed once its last process is gone; that can lag the kill by a moment.
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (rmdir(dir.c_str()) == 0 || errno == ENOENT) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

}  // namespace reasonrl::reward::sandbox
