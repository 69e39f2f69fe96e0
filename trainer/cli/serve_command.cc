// reasonrl serve rollout --model DIR [--port P] [--host H] [--device cpu|cuda] [--dtype float32|bfloat16]
// Serves the RolloutService (proto/rollout.proto) for the model in DIR.
//
// reasonrl serve reward [--port P] [--host H] [--workers N] [--token-file PATH] [--shutdown-grace S]
// Serves the RewardService (proto/reward.proto, reward/service.h) with grpc.health.v1 health checking.
// The shared-secret token comes from the file --token-file names (surrounding whitespace dropped) or
// else from the environment variable REASONRL_REWARD_TOKEN; never from a flag value, which any user of
// the machine could read in the process list. Exactly one of the two must be set.
//
// Both print exactly one line to stdout once they take calls, "listening on HOST:PORT" (port 0 picks a
// free port; the line tells which), then serve until SIGINT or SIGTERM, shut down gracefully (calls in
// flight may finish) and exit 0.
//
// Torch-free translation unit (library reasonrl_cli_serve): it sees the services and the generator
// interface, never torch headers (../shared/docs/gpu.md, trap 1).
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "model/status_macros.h"
#include "reward/code.h"
#include "reward/service.h"
#include "rollout/model_generator.h"
#include "rollout/service.h"
#include "trainer/cli/commands.h"

namespace reasonrl::cli {
namespace {

struct ServeRolloutFlags {
  std::string model, host = "127.0.0.1", device = "cpu", dtype = "float32";
  int port = 0;
};

// "127.0.0.1:50051", "[::1]:50051".
std::string HostPort(const std::string& host, int port) {
  const bool bare_ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  return bare_ipv6 ? absl::StrCat("[", host, "]:", port) : absl::StrCat(host, ":", port);
}

// SIGINT and SIGTERM are blocked before any thread starts (threads inherit the mask) and taken with
// sigwait() by WaitForStopSignal: no signal handler, so nothing async-signal-unsafe. A signal that arrives
// while the server starts waits until it is up, which then shuts down at once.
absl::Status BlockStopSignals(const char* command, sigset_t* stop_signals) {
  sigemptyset(stop_signals);
  sigaddset(stop_signals, SIGINT);
  sigaddset(stop_signals, SIGTERM);
  if (int err = pthread_sigmask(SIG_BLOCK, stop_signals, nullptr); err != 0) {
    return absl::InternalError(absl::StrCat(command, ": pthread_sigmask: ", std::strerror(err)));
  }
  return absl::OkStatus();
}

absl::Status WaitForStopSignal(const char* command, const sigset_t& stop_signals) {
  int signal_number = 0;
  if (int err = sigwait(&stop_signals, &signal_number); err != 0) {
    return absl::InternalError(absl::StrCat(command, ": sigwait: ", std::strerror(err)));
  }
  std::cerr << "reasonrl " << command << ": " << strsignal(signal_number) << ", shutting down" << std::endl;
  return absl::OkStatus();
}

absl::Status RunServeRollout(const ServeRolloutFlags& f) {
  sigset_t stop_signals;
  RETURN_IF_ERROR(BlockStopSignals("serve rollout", &stop_signals));
  ASSIGN_OR_RETURN(std::unique_ptr<TokenGenerator> generator, LoadModelTokenGenerator(f.model, f.device, f.dtype));
  RolloutServerOptions options;
  options.address = HostPort(f.host, f.port);
  ASSIGN_OR_RETURN(std::unique_ptr<RolloutServer> server, RolloutServer::Start(generator.get(), options));
  std::cout << "listening on " << HostPort(f.host, server->port()) << std::endl;  // endl: flushed for the caller

  absl::Status waited = WaitForStopSignal("serve rollout", stop_signals);
  server->Shutdown();
  return waited;
}

struct ServeRewardFlags {
  std::string host = "127.0.0.1", token_file;
  int port = 0;
  int workers = 0;               // 0: one per core
  double shutdown_grace = 10.0;  // seconds
};

constexpr char kTokenEnv[] = "REASONRL_REWARD_TOKEN";

// The token from --token-file or $REASONRL_REWARD_TOKEN (exactly one), checked by ValidateToken.
absl::StatusOr<std::string> ReadToken(const std::string& token_file) {
  const char* env = std::getenv(kTokenEnv);
  const bool from_env = env != nullptr && env[0] != '\0';
  if (!token_file.empty() && from_env) {
    return absl::InvalidArgumentError(
        absl::StrCat("both --token-file and ", kTokenEnv, " are set; give the token one way only"));
  }
  std::string token;
  std::string source;
  if (!token_file.empty()) {
    std::ifstream in(token_file, std::ios::binary);
    std::stringstream text;
    if (!in || !(text << in.rdbuf())) {
      return absl::InvalidArgumentError(absl::StrCat("--token-file ", token_file, ": cannot read it"));
    }
    token = std::string(absl::StripAsciiWhitespace(text.str()));
    source = absl::StrCat("--token-file ", token_file);
    struct stat st;
    if (::stat(token_file.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
      std::cerr << "reasonrl serve reward: warning: " << token_file << " is readable by other users (chmod 600 it)"
                << std::endl;
    }
  } else if (from_env) {
    token = std::string(absl::StripAsciiWhitespace(env));
    source = kTokenEnv;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "no token: callers authenticate with a shared secret; put it in a file named by --token-file or in ", kTokenEnv,
        " (e.g. `openssl rand -hex 32 > token && chmod 600 token`)"));
  }
  if (absl::Status valid = reward::ValidateToken(token); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", valid.message()));
  }
  return token;
}

absl::Status RunServeReward(const ServeRewardFlags& f) {
  sigset_t stop_signals;
  RETURN_IF_ERROR(BlockStopSignals("serve reward", &stop_signals));
  reward::RewardServerOptions options;
  ASSIGN_OR_RETURN(options.token, ReadToken(f.token_file));
  options.address = HostPort(f.host, f.port);
  options.pool.num_workers = f.workers;
  options.shutdown_grace = absl::Seconds(f.shutdown_grace);
  ASSIGN_OR_RETURN(std::unique_ptr<reward::RewardServer> server, reward::RewardServer::Start(options));
  const int workers = f.workers > 0 ? f.workers : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::cerr << "reasonrl serve reward: " << workers
            << " workers; code sandbox: " << reward::DescribeCodeSandbox(options.code_server) << std::endl;
  std::cout << "listening on " << HostPort(f.host, server->port()) << std::endl;  // endl: flushed for the caller

  absl::Status waited = WaitForStopSignal("serve reward", stop_signals);
  server->Shutdown();
  const reward::ScoringPoolStats stats = server->stats();
  std::cerr << "reasonrl serve reward: " << stats.samples_scored << " samples scored, " << stats.samples_timed_out
            << " timed out" << std::endl;
  if (waited.ok() && stats.abandoned_running > 0) {
    // Threads still run abandoned samples (reward/worker_pool.h): leave without running static
    // destructors under them.
    std::cerr << "reasonrl serve reward: leaving " << stats.abandoned_running << " abandoned samples unfinished"
              << std::endl;
    std::cout.flush();
    std::quick_exit(0);
  }
  return waited;
}

}  // namespace

void AddServeCommand(CLI::App& app, Action& action) {
  CLI::App* serve = app.add_subcommand("serve", "Run a service until SIGINT or SIGTERM");
  serve->require_subcommand(1);

  auto flags = std::make_shared<ServeRolloutFlags>();
  CLI::App* rollout = serve->add_subcommand("rollout", "Serve RolloutService: token-id generation with a model (gRPC)");
  rollout->add_option("--model", flags->model, "Hugging Face model directory")->required();
  rollout->add_option("--port", flags->port, "port to listen on; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  rollout->add_option("--host", flags->host, "address to listen on (no authentication yet: keep it loopback)")
      ->capture_default_str();
  rollout->add_option("--device", flags->device, "cpu or cuda")->capture_default_str();
  rollout->add_option("--dtype", flags->dtype, "float32 or bfloat16")->capture_default_str();
  rollout->callback([flags, &action] { action = [flags] { return RunServeRollout(*flags); }; });

  auto reward_flags = std::make_shared<ServeRewardFlags>();
  CLI::App* reward_command = serve->add_subcommand(
      "reward", "Serve RewardService: rule-based rewards for batches of samples (gRPC, token-authenticated)");
  reward_command->add_option("--port", reward_flags->port, "port to listen on; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  reward_command
      ->add_option("--host", reward_flags->host, "address to listen on (plaintext: keep it loopback or trusted)")
      ->capture_default_str();
  reward_command->add_option("--workers", reward_flags->workers, "threads scoring samples; 0 = one per core")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  reward_command->add_option("--token-file", reward_flags->token_file,
                             std::string("file holding the shared secret callers send (else $") + kTokenEnv + ")");
  reward_command
      ->add_option("--shutdown-grace", reward_flags->shutdown_grace,
                   "seconds calls in flight may take to finish after SIGINT/SIGTERM")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  reward_command->callback(
      [reward_flags, &action] { action = [reward_flags] { return RunServeReward(*reward_flags); }; });
}

}  // namespace reasonrl::cli
