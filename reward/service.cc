#include "reward/service.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <chrono>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "proto/reward.grpc.pb.h"
#include "proto/reward.pb.h"
#include "reward/registry.h"
#include "reward/service_proto.h"
#include "rollout/grpc_status.h"

namespace reasonrl::reward {
namespace {

constexpr size_t kMinTokenBytes = 16;
constexpr size_t kMaxTokenBytes = 4096;

using Digest = std::array<unsigned char, 32>;

// SHA-256 of `text`. EVP_Digest fails only when libcrypto cannot allocate; the digest then stays zeroed
// and `ok` false, which Authorized() treats as a refusal.
Digest Sha256(const char* data, size_t size, bool* ok) {
  Digest digest{};
  unsigned int length = 0;
  *ok = EVP_Digest(data, size, digest.data(), &length, EVP_sha256(), nullptr) == 1 && length == digest.size();
  return digest;
}

// Constant time over the fixed-length digests (OpenSSL's CRYPTO_memcmp, already linked for SHA-256).
// Hashing first makes the time independent of the presented token's length too.
bool DigestsEqual(const Digest& a, const Digest& b) { return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

class Service final : public v1::RewardService::CallbackService {
 public:
  Service(const RewardServerOptions& options, ScoringPool* pool)
      : pool_(pool), reply_margin_(options.reply_margin), code_server_(options.code_server) {
    bool ok = false;
    token_digest_ = Sha256(options.token.data(), options.token.size(), &ok);
    token_digest_ok_ = ok;
  }

  grpc::ServerUnaryReactor* Score(grpc::CallbackServerContext* context, const v1::ScoreRequest* request,
                                  v1::ScoreResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (!Authorized(*context)) {
      reactor->Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                                   "missing or wrong token: send the server's token as metadata "
                                   "\"authorization: Bearer <token>\" or \"x-reasonrl-token: <token>\""));
      return reactor;
    }
    absl::Status status = Submit(context, *request, response, reactor);
    if (!status.ok()) reactor->Finish(ToGrpcStatus(status));
    return reactor;
  }

 private:
  // True when some "authorization: Bearer <t>" or "x-reasonrl-token: <t>" entry carries the token. Every
  // candidate is hashed and compared in full.
  bool Authorized(const grpc::CallbackServerContext& context) const {
    bool match = false;
    for (const auto& [key, value] : context.client_metadata()) {
      absl::string_view k(key.data(), key.size());
      absl::string_view v(value.data(), value.size());
      if (k == "authorization") {
        constexpr absl::string_view kBearer = "bearer ";
        if (v.size() < kBearer.size() || !absl::EqualsIgnoreCase(v.substr(0, kBearer.size()), kBearer)) continue;
        v.remove_prefix(kBearer.size());
      } else if (k != "x-reasonrl-token") {
        continue;
      }
      bool ok = false;
      const Digest presented = Sha256(v.data(), v.size(), &ok);
      match = (DigestsEqual(presented, token_digest_) && ok && token_digest_ok_) || match;
    }
    return match;
  }

  absl::Status Submit(grpc::CallbackServerContext* context, const v1::ScoreRequest& request,
                      v1::ScoreResponse* response, grpc::ServerUnaryReactor* reactor) {
    if (!request.has_spec()) return absl::InvalidArgumentError("spec: required");
    absl::StatusOr<RewardSpec> spec = SpecFromProto(request.spec());
    if (!spec.ok()) return spec.status();
    SetCodeServerFields(code_server_, &*spec);
    absl::StatusOr<std::vector<Sample>> samples = SamplesFromProto(request);
    if (!samples.ok()) return samples.status();

    ScoringBatch batch;
    batch.spec = *std::move(spec);
    batch.samples = *std::move(samples);
    const std::chrono::system_clock::time_point deadline = context->deadline();
    if (deadline != std::chrono::system_clock::time_point::max()) {
      batch.deadline = absl::FromChrono(deadline) - reply_margin_;
    }
    // Safe from any thread with the callback API (server_context.h); the pool asks only before the
    // batch completes, so before Finish.
    batch.cancelled = [context] { return context->IsCancelled(); };
    const int n = request.samples_size();
    return pool_->Submit(std::move(batch), [reactor, response, n](std::vector<Result> results) {
      response->mutable_results()->Reserve(n);
      for (const Result& result : results) ResultToProto(result, response->add_results());
      reactor->Finish(grpc::Status::OK);
    });
  }

  ScoringPool* const pool_;
  const absl::Duration reply_margin_;
  const CodeConfig code_server_;
  Digest token_digest_{};
  bool token_digest_ok_ = false;
};

// gRPC takes "host:70000" and listens on 70000 mod 65536; refuse it instead. Addresses whose tail is not
// a number (e.g. "unix:/path") are left to gRPC.
bool PortIsValid(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return true;
  const std::string port = address.substr(colon + 1);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) return true;
  return port.size() <= 5 && std::stoi(port) <= 65535;
}

}  // namespace

absl::Status ValidateToken(const std::string& token) {
  if (token.size() < kMinTokenBytes) {
    return absl::InvalidArgumentError(absl::StrCat("the token has ", token.size(), " bytes; at least ", kMinTokenBytes,
                                                   " are required (e.g. `openssl rand -hex 32`)"));
  }
  if (token.size() > kMaxTokenBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the token has ", token.size(), " bytes; at most ", kMaxTokenBytes, " are allowed"));
  }
  for (size_t i = 0; i < token.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(token[i]);
    if (c < 0x21 || c > 0x7E) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the token's byte ", i, " is not printable ASCII without spaces (it travels in an HTTP/2 header)"));
    }
  }
  return absl::OkStatus();
}

struct RewardServer::Impl {
  RewardServerOptions options;
  std::unique_ptr<ScoringPool> pool;  // outlives `service`, which scores on it
  std::unique_ptr<Service> service;   // outlives `server`, which holds a pointer to it
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  absl::Mutex shutdown_mu;
  bool shut_down ABSL_GUARDED_BY(shutdown_mu) = false;
  absl::Notification done;
};

absl::StatusOr<std::unique_ptr<RewardServer>> RewardServer::Start(const RewardServerOptions& options) {
  if (absl::Status token = ValidateToken(options.token); !token.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("RewardServer: ", token.message()));
  }
  if (options.address.empty()) return absl::InvalidArgumentError("RewardServer: address is empty");
  if (!PortIsValid(options.address)) {
    return absl::InvalidArgumentError(absl::StrCat("RewardServer: address ", options.address, ": port above 65535"));
  }
  if (options.max_receive_message_bytes < 1 || options.max_send_message_bytes < 1) {
    return absl::InvalidArgumentError("RewardServer: message size limits must be >= 1 byte");
  }
  if (options.reply_margin < absl::ZeroDuration() || options.shutdown_grace < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("RewardServer: reply_margin and shutdown_grace must be >= 0");
  }
  if (absl::Status pool = ScoringPool::ValidateOptions(options.pool); !pool.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("RewardServer: pool.", pool.message()));
  }
  if (absl::Status code = options.code_server.Validate(); !code.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("RewardServer: code_server: ", code.message()));
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->pool = std::make_unique<ScoringPool>(options.pool);
  impl->service = std::make_unique<Service>(options, impl->pool.get());
  // A process-wide switch, read by BuildAndStart: this server (and any built after it) gets gRPC's
  // grpc.health.v1.Health implementation.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.address, grpc::InsecureServerCredentials(), &impl->port);
  builder.RegisterService(impl->service.get());
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(options.max_send_message_bytes);
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || impl->port == 0) {
    if (impl->server != nullptr) impl->server->Shutdown();
    return absl::UnavailableError(absl::StrCat("RewardServer: cannot listen on ", options.address));
  }
  if (grpc::HealthCheckServiceInterface* health = impl->server->GetHealthCheckService()) {
    health->SetServingStatus(v1::RewardService::service_full_name(), true);
  }
  return std::unique_ptr<RewardServer>(new RewardServer(std::move(impl)));
}

RewardServer::RewardServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RewardServer::~RewardServer() { Shutdown(); }

int RewardServer::port() const { return impl_->port; }

void RewardServer::Shutdown() {
  absl::MutexLock lock(&impl_->shutdown_mu);
  if (impl_->shut_down) return;
  if (grpc::HealthCheckServiceInterface* health = impl_->server->GetHealthCheckService()) {
    health->SetServingStatus(false);
  }
  // grpc::Server::Shutdown cancels the calls still running at its deadline but then waits for each to
  // Finish; the expirer makes the pool finish them (unscored samples: "shutdown") at that moment.
  absl::Notification server_down;
  const absl::Duration grace = impl_->options.shutdown_grace;
  std::thread expirer([this, &server_down, grace] {
    if (!server_down.WaitForNotificationWithTimeout(grace)) impl_->pool->ExpireAll();
  });
  impl_->server->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  impl_->server->Wait();
  server_down.Notify();
  expirer.join();
  impl_->pool->ExpireAll();  // no call is left; stops the idle workers
  impl_->shut_down = true;
  impl_->done.Notify();
}

void RewardServer::Wait() { impl_->done.WaitForNotification(); }

ScoringPoolStats RewardServer::stats() const { return impl_->pool->stats(); }

}  // namespace reasonrl::reward
