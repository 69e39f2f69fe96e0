// For tests that run `reasonrl serve rollout` and talk to it (serve_cli*_test.cc): the child process, its
// "listening on" line, and a Generate call. Torch-free: includes the generated protobuf headers.
#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "proto/rollout.grpc.pb.h"
#include "proto/rollout.pb.h"

namespace reasonrl::testing {

// A `reasonrl` child process: stdout through a pipe, stderr into a file.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    char path[] = "/tmp/reasonrl_serve_cli_test_XXXXXX";
    int err_fd = ::mkstemp(path);
    stderr_path_ = path;
    int out[2];
    if (err_fd < 0 || ::pipe(out) != 0) {
      ADD_FAILURE() << "cannot set up the child's stdout/stderr";
      return;
    }
    std::vector<std::string> argv_storage = {REASONRL_BINARY};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(err_fd, STDERR_FILENO);
      ::close(out[0]);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(err_fd);
    stdout_fd_ = out[0];
  }

  ~Child() {
    if (pid_ > 0 && exit_status_ < 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    ::unlink(stderr_path_.c_str());
  }

  // The next line of stdout without its '\n', or "" at end of file or after `timeout`.
  std::string ReadLine(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      size_t newline = stdout_buffer_.find('\n');
      if (newline != std::string::npos) {
        std::string line = stdout_buffer_.substr(0, newline);
        stdout_buffer_.erase(0, newline + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      pollfd pfd{stdout_fd_, POLLIN, 0};
      if (left <= 0 || ::poll(&pfd, 1, static_cast<int>(left)) <= 0) return "";
      char buf[4096];
      ssize_t n = ::read(stdout_fd_, buf, sizeof(buf));
      if (n <= 0) return "";
      stdout_buffer_.append(buf, n);
    }
  }

  // Everything left on stdout until the child closes it.
  std::string ReadRest() {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(stdout_fd_, buf, sizeof(buf))) > 0) stdout_buffer_.append(buf, n);
    return std::move(stdout_buffer_);
  }

  void Signal(int signal_number) { ::kill(pid_, signal_number); }

  // The exit code, or -1 after `timeout` (or when the child died of a signal).
  int WaitForExit(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_status_ = status;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

  std::string Stderr() const {
    std::ifstream in(stderr_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int exit_status_ = -1;
  std::string stdout_buffer_;
  std::string stderr_path_;
};

// PORT of a "listening on 127.0.0.1:PORT" line; 0 for any other line.
inline int ParseListeningPort(const std::string& line) {
  std::smatch match;
  if (!std::regex_match(line, match, std::regex(R"(listening on 127\.0\.0\.1:(\d{1,5}))"))) return 0;
  return std::stoi(match[1]);
}

// One greedy Generate call to 127.0.0.1:`port` with a 60 s deadline; the channel closes on return.
inline grpc::Status GreedyGenerateOverGrpc(int port, const std::vector<int64_t>& prompt, int max_new_tokens,
                                           std::vector<int64_t>* generated) {
  v1::GenerateRequest request;
  request.add_prompts()->mutable_token_ids()->Add(prompt.begin(), prompt.end());
  request.set_max_new_tokens(max_new_tokens);
  request.mutable_sampling()->set_greedy(true);
  auto stub = v1::RolloutService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::GenerateResponse response;
  grpc::Status status = stub->Generate(&context, request, &response);
  if (status.ok() && response.completions_size() != 1) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "expected one completion");
  }
  if (status.ok()) generated->assign(response.completions(0).token_ids().begin(), response.completions(0).token_ids().end());
  return status;
}

}  // namespace reasonrl::testing
