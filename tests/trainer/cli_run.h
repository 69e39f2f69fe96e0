// Runs the built `reasonrl` binary (compile definition REASONRL_BINARY) for the CLI tests, with stdin taken
// from a string and stdout and stderr kept apart.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace reasonrl::testing {

struct CliRun {
  int exit_code;       // -1 when the process did not exit normally
  std::string out;     // stdout
  std::string err;     // stderr
  std::string output;  // stdout then stderr, for "the message appears somewhere" checks
};

// `reasonrl ARGS < stdin_text`; ARGS goes through the shell (quote paths with spaces yourself).
inline CliRun Reasonrl(const std::string& args, const std::string& stdin_text = "") {
  static int counter = 0;
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("reasonrl_cli_run_" + std::to_string(::getpid()) + "_" + std::to_string(counter++)))
                              .string();
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/in", std::ios::binary) << stdin_text;
  const std::string cmd = std::string(REASONRL_BINARY) + " " + args + " < " + dir + "/in 2> " + dir + "/err";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 65536> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  std::ifstream err_in(dir + "/err", std::ios::binary);
  std::string err((std::istreambuf_iterator<char>(err_in)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(dir);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, err, out + err};
}

}  // namespace reasonrl::testing
