// RolloutServer: the gRPC RolloutService of proto/rollout.proto in front of a TokenGenerator. It
// validates requests, translates proto messages to and from TokenGenerator types and nothing else.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<TokenGenerator> generator, LoadModelTokenGenerator(dir, "cpu", "float32"));
//   ASSIGN_OR_RETURN(std::unique_ptr<RolloutServer> server, RolloutServer::Start(generator.get(), {}));
//   ... server->port() ...
//   server->Shutdown();
//
// Calls are taken by gRPC's callback API and validated on its threads; generation runs on one worker
// thread of the server, a call at a time in arrival order (the model generator runs one batch at a time
// anyway), so no gRPC thread blocks on the model.
//
// This header includes neither gRPC nor generated protobuf headers, and the library is torch-free
// (../shared/docs/gpu.md, trap 1).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "rollout/token_generator.h"

namespace reasonrl {

struct RolloutServerOptions {
  // "host:port" to listen on (IPv6 hosts in brackets: "[::1]:0"); port 0 picks a free port, see port().
  // Loopback by default: the service has no authentication yet, so other interfaces only on a trusted
  // network.
  std::string address = "127.0.0.1:0";
  // Largest request and response, in bytes. gRPC's default receive limit, 4 MiB, is about 1.4 million
  // token ids of a 128k vocabulary (3 bytes each, packed varints): 64 prompts of 16k tokens would not
  // fit. 64 MiB holds about 22 million ids (e.g. 512 prompts x 32k tokens); a caller splits anything
  // bigger into several calls.
  int max_receive_message_bytes = 64 << 20;
  int max_send_message_bytes = 64 << 20;
  // Largest max_new_tokens a request may ask for; larger is INVALID_ARGUMENT.
  int64_t max_new_tokens_limit = 65536;
  // How long Shutdown() waits for calls in flight before cancelling them. A batch already generating
  // still runs to its end (generation cannot be interrupted), so Shutdown() may take longer.
  absl::Duration shutdown_grace = absl::Seconds(10);
};

class RolloutServer {
 public:
  // Starts serving `generator` (not owned; it must outlive the server). Errors: InvalidArgument for bad
  // options, Unavailable when `options.address` cannot be listened on.
  static absl::StatusOr<std::unique_ptr<RolloutServer>> Start(TokenGenerator* generator,
                                                              const RolloutServerOptions& options);

  RolloutServer(const RolloutServer&) = delete;
  RolloutServer& operator=(const RolloutServer&) = delete;
  // Shuts down (see Shutdown()) if that has not happened yet.
  ~RolloutServer();

  // The port the server listens on (the one picked when the address asked for port 0).
  int port() const;

  // Stops taking calls, lets calls in flight finish for up to options.shutdown_grace, cancels the rest,
  // and stops the worker. Idempotent; safe to call from any thread, and concurrently with Wait().
  void Shutdown();

  // Blocks until Shutdown() has completed.
  void Wait();

 private:
  struct Impl;
  explicit RolloutServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace reasonrl
