// RewardServer: the gRPC RewardService of proto/reward.proto in front of the reward library. It checks
// the caller's token, translates the request (service_proto.h), scores the samples on a ScoringPool
// (worker_pool.h) and translates the results back; the scoring itself is reward::Score (registry.h).
//
//   RewardServerOptions options;
//   options.token = token;  // from a file or the environment, never a flag
//   ASSIGN_OR_RETURN(std::unique_ptr<RewardServer> server, RewardServer::Start(options));
//   ... server->port() ...
//   server->Shutdown();
//
// Calls are taken by gRPC's callback API; no gRPC thread waits on a reward. Each sample runs on a pool
// worker with the budget worker_pool.h describes, where the batch deadline is the call's deadline less
// reply_margin: a sample that runs out of time scores 0 with reason "timeout" while the call's other
// samples complete, and the reply leaves before the caller gives up. A call without a deadline has only
// the spec's per-sample timeout. Rewards that overrun are abandoned, not stopped: their threads finish
// in the background, at most max_abandoned of them replaced (worker_pool.h).
//
// Authentication: every RewardService call must carry options.token in its metadata, as
// "authorization: Bearer <token>" or "x-reasonrl-token: <token>"; otherwise UNAUTHENTICATED. The
// comparison hashes both tokens with SHA-256 and compares the digests in constant time, so neither the
// token's bytes nor its length leak through timing. The connection itself is plaintext (insecure
// credentials): on other than loopback, run it on a trusted network or behind TLS termination.
//
// Health: the standard grpc.health.v1.Health service (gRPC's built-in one) answers without a token:
// SERVING for "" and for "reasonrl.v1.RewardService" while the server takes calls, NOT_SERVING from the
// start of Shutdown().
//
// This header includes neither gRPC nor generated protobuf headers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "reward/code.h"
#include "reward/worker_pool.h"

namespace reasonrl::reward {

struct RewardServerOptions {
  // "host:port" to listen on (IPv6 hosts in brackets: "[::1]:0"); port 0 picks a free port, see port().
  std::string address = "127.0.0.1:0";
  // The shared secret callers present; required: at least 16 bytes of printable ASCII without spaces (it
  // travels in an HTTP/2 header). Generate one with e.g. `openssl rand -hex 32`.
  std::string token;
  // The worker pool: num_workers (0 = one per core), max_abandoned, max_queued_samples, abandon_slack.
  // Its `score` must stay unset (the server scores with reward::Score) except in tests.
  ScoringPoolOptions pool;
  // Largest request and response, in bytes. gRPC's default receive limit is 4 MiB, about 500 samples of
  // 8 KB; a coordinator scores a whole step at once (e.g. 512 prompts x 16 samples x up to 32 KB of text
  // = 256 MiB would not fit either, so it splits steps into calls). 64 MiB holds 8,000 samples of 8 KB.
  int max_receive_message_bytes = 64 << 20;
  int max_send_message_bytes = 64 << 20;
  // Time kept back from a call's deadline to build and send the reply: samples still unscored at
  // (deadline - reply_margin) score "timeout".
  absl::Duration reply_margin = absl::Milliseconds(100);
  // How long Shutdown() lets calls in flight finish; then their unscored samples get "shutdown" and the
  // calls end (the clients see CANCELLED).
  absl::Duration shutdown_grace = absl::Seconds(10);
  // The code reward's server-side fields (caps, python_path, sandbox), copied into every code term of
  // every request (reward_spec.h: SetCodeServerFields); clients set only the spec parameters.
  CodeConfig code_server;
};

class RewardServer {
 public:
  // Starts serving. Errors: InvalidArgument for bad options (a missing or short token, limits < 1, a
  // port above 65535), Unavailable when `options.address` cannot be listened on.
  static absl::StatusOr<std::unique_ptr<RewardServer>> Start(const RewardServerOptions& options);

  RewardServer(const RewardServer&) = delete;
  RewardServer& operator=(const RewardServer&) = delete;
  // Shuts down (see Shutdown()) if that has not happened yet.
  ~RewardServer();

  // The port the server listens on (the one picked when the address asked for port 0).
  int port() const;

  // Health goes NOT_SERVING; stops taking calls; lets calls in flight finish for up to
  // options.shutdown_grace, then ends the rest (their unscored samples get reason "shutdown"); stops the
  // workers. Returns within about shutdown_grace. Idempotent; safe from any thread and with Wait().
  void Shutdown();

  // Blocks until Shutdown() has completed.
  void Wait();

  // The pool's counters (abandoned threads still running, timeouts so far, ...).
  ScoringPoolStats stats() const;

 private:
  struct Impl;
  explicit RewardServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Whether `token` can be a RewardServer token (see RewardServerOptions::token); InvalidArgument saying
// why not. The CLI checks a token it read with it before starting.
absl::Status ValidateToken(const std::string& token);

}  // namespace reasonrl::reward
