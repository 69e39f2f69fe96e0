// reasonrl serve rollout --model DIR [--port P] [--host H] [--device cpu|cuda] [--dtype float32|bfloat16]
// Serves the RolloutService (proto/rollout.proto) for the model in DIR. Once it takes calls it prints
// exactly one line to stdout, "listening on HOST:PORT" (port 0 picks a free port; the line tells which),
// then serves until SIGINT or SIGTERM, shuts down gracefully and exits 0.
//
// Torch-free translation unit (library reasonrl_cli_serve): it sees the service and the generator
// interface, never torch headers (../shared/docs/gpu.md, trap 1).
#include <pthread.h>
#include <signal.h>

#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "model/status_macros.h"
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

absl::Status RunServeRollout(const ServeRolloutFlags& f) {
  // SIGINT and SIGTERM are blocked before any thread starts (threads inherit the mask) and taken with
  // sigwait() below: no signal handler, so nothing async-signal-unsafe. A signal that arrives while the
  // model loads waits until the server is up, which then shuts down at once.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  if (int err = pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr); err != 0) {
    return absl::InternalError(absl::StrCat("serve rollout: pthread_sigmask: ", std::strerror(err)));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<TokenGenerator> generator, LoadModelTokenGenerator(f.model, f.device, f.dtype));
  RolloutServerOptions options;
  options.address = HostPort(f.host, f.port);
  ASSIGN_OR_RETURN(std::unique_ptr<RolloutServer> server, RolloutServer::Start(generator.get(), options));
  std::cout << "listening on " << HostPort(f.host, server->port()) << std::endl;  // endl: flushed for the caller

  int signal_number = 0;
  if (int err = sigwait(&stop_signals, &signal_number); err != 0) {
    server->Shutdown();
    return absl::InternalError(absl::StrCat("serve rollout: sigwait: ", std::strerror(err)));
  }
  std::cerr << "reasonrl serve rollout: " << strsignal(signal_number) << ", shutting down" << std::endl;
  server->Shutdown();
  return absl::OkStatus();
}

}  // namespace

void AddServeCommand(CLI::App& app, Action& action) {
  CLI::App* serve = app.add_subcommand("serve", "Run a service until SIGINT or SIGTERM");
  serve->require_subcommand(1);

  auto flags = std::make_shared<ServeRolloutFlags>();
  CLI::App* rollout =
      serve->add_subcommand("rollout", "Serve RolloutService: token-id generation with a model (gRPC)");
  rollout->add_option("--model", flags->model, "Hugging Face model directory")->required();
  rollout->add_option("--port", flags->port, "port to listen on; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  rollout->add_option("--host", flags->host, "address to listen on (no authentication yet: keep it loopback)")
      ->capture_default_str();
  rollout->add_option("--device", flags->device, "cpu or cuda")->capture_default_str();
  rollout->add_option("--dtype", flags->dtype, "float32 or bfloat16")->capture_default_str();
  rollout->callback([flags, &action] { action = [flags] { return RunServeRollout(*flags); }; });
}

}  // namespace reasonrl::cli
