// Helpers of the sandbox tests: the unsandboxed positive control (a plain python3 child), temp dirs,
// loopback servers that count what reaches them, and a /proc scan for a payload's marker.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace reasonrl::reward::sandbox_testing {

inline std::string ReadFileOr(const std::string& path, const std::string& fallback = "") {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fallback;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void WriteFileOrDie(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) {
    fprintf(stderr, "cannot write %s\n", path.c_str());
    abort();
  }
}

inline std::string RandomHex(int n) {
  static std::mt19937_64 rng(std::random_device{}() ^ static_cast<uint64_t>(getpid()));
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(digits[rng() % 16]);
  return s;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "reasonrl-sandbox-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A process name (comm, at most 15 bytes) a payload gives itself and every process it forks, so that the
// test can find survivors in /proc afterwards.
inline std::string NewMarker() { return "rrlh7" + RandomHex(10); }

// The pids whose comm is `marker`.
inline std::vector<int> PidsWithMarker(const std::string& marker) {
  std::vector<int> pids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string comm = ReadFileOr(entry.path().string() + "/comm");
    while (!comm.empty() && comm.back() == '\n') comm.pop_back();
    if (comm == marker) pids.push_back(std::stoi(name));
  }
  return pids;
}

inline void KillMarked(const std::string& marker) {
  for (int pid : PidsWithMarker(marker)) kill(pid, SIGKILL);
}

// The prelude every payload starts with: names the process (and its future children) `marker`.
inline std::string Prelude(const std::string& marker) {
  return absl::StrCat("import ctypes, os, sys\ntry:\n    ctypes.CDLL(None).prctl(15, b\"", marker,
                      "\", 0, 0, 0)\nexcept Exception:\n    pass\n");
}

struct PlainResult {
  int exit_code = -1;
  bool timed_out = false;
  std::string out;
  std::string err;
};

// The positive control: `source` run by /usr/bin/python3 with no sandbox and no limits, in `dir`, with
// this process's environment and any descriptors it leaves open without close-on-exec. The child's
// process group is killed when it ends or after `timeout_s` (a setsid daemon escapes that, on purpose).
inline PlainResult RunPlain(const std::string& source, const std::string& dir, double timeout_s = 30.0,
                            const std::string& stdin_data = "") {
  const std::string script = dir + "/control_" + RandomHex(8) + ".py";
  const std::string in_path = script + ".in", out_path = script + ".out", err_path = script + ".err";
  WriteFileOrDie(script, source);
  WriteFileOrDie(in_path, stdin_data);
  pid_t child = fork();
  if (child == 0) {
    setpgid(0, 0);
    if (chdir(dir.c_str()) != 0) _exit(125);
    int in = open(in_path.c_str(), O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0) _exit(125);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    close(in);
    close(out);
    close(err);
    execl("/usr/bin/python3", "python3", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  PlainResult r;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (waitpid(child, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      r.timed_out = true;
      kill(-child, SIGKILL);
      waitpid(child, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(-child, SIGKILL);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFileOr(out_path);
  r.err = ReadFileOr(err_path);
  return r;
}

// A TCP listener and a UDP socket on 127.0.0.1 whose thread answers "pong" to anything and counts what
// arrived. A payload prints ESCAPED only after it got the "pong" back.
class LoopbackServer {
 public:
  LoopbackServer() {
    tcp_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    udp_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (tcp_ < 0 || udp_ < 0 || bind(tcp_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
        bind(udp_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(tcp_, 64) != 0) {
      abort();
    }
    tcp_port_ = PortOf(tcp_);
    udp_port_ = PortOf(udp_);
    thread_ = std::thread([this] { Serve(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    thread_.join();
    close(tcp_);
    close(udp_);
  }
  int tcp_port() const { return tcp_port_; }
  int udp_port() const { return udp_port_; }
  int tcp_connections() const { return tcp_connections_; }
  int udp_datagrams() const { return udp_datagrams_; }

 private:
  static int PortOf(int fd) {
    sockaddr_in a{};
    socklen_t len = sizeof(a);
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    return ntohs(a.sin_port);
  }
  void Serve() {
    while (!stop_) {
      pollfd fds[2] = {{tcp_, POLLIN, 0}, {udp_, POLLIN, 0}};
      if (poll(fds, 2, 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        int c = accept4(tcp_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c >= 0) {
          ++tcp_connections_;
          send(c, "pong", 4, MSG_NOSIGNAL);
          close(c);
        }
      }
      if (fds[1].revents & POLLIN) {
        char buf[2048];
        sockaddr_in from{};
        socklen_t len = sizeof(from);
        ssize_t n = recvfrom(udp_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &len);
        if (n >= 0) {
          ++udp_datagrams_;
          sendto(udp_, "pong", 4, 0, reinterpret_cast<sockaddr*>(&from), len);
        }
      }
    }
  }

  int tcp_ = -1, udp_ = -1, tcp_port_ = 0, udp_port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> tcp_connections_{0}, udp_datagrams_{0};
  std::thread thread_;
};

}  // namespace reasonrl::reward::sandbox_testing
