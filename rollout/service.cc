#include "rollout/service.h"

#include <grpcpp/grpcpp.h>

#include <deque>
#include <exception>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "proto/rollout.grpc.pb.h"
#include "proto/rollout.pb.h"
#include "rollout/grpc_status.h"

namespace reasonrl {
namespace {

// A request checked and translated into TokenGenerator terms.
struct ParsedRequest {
  std::vector<std::vector<int64_t>> prompts;
  GenerationParams params;
};

// InvalidArgument naming the field (as the proto spells it) at fault.
absl::StatusOr<ParsedRequest> ParseRequest(const v1::GenerateRequest& request, int64_t max_new_tokens_limit) {
  if (request.prompts_size() == 0) return absl::InvalidArgumentError("prompts: at least one prompt is required");
  if (request.max_new_tokens() < 1 || request.max_new_tokens() > max_new_tokens_limit) {
    return absl::InvalidArgumentError(absl::StrCat("max_new_tokens: must be in [1, ", max_new_tokens_limit, "], got ",
                                                   request.max_new_tokens()));
  }
  if (!request.has_sampling()) {
    return absl::InvalidArgumentError("sampling: required (only sampling.greedy = true is implemented so far)");
  }
  if (!request.sampling().greedy()) {
    return absl::InvalidArgumentError("sampling.greedy: must be true, only greedy decoding is implemented so far");
  }
  if (request.has_eos_token_id() && request.eos_token_id() < 0) {
    return absl::InvalidArgumentError(absl::StrCat("eos_token_id: must be >= 0, got ", request.eos_token_id()));
  }
  if (request.policy_version() < 0) {
    return absl::InvalidArgumentError(absl::StrCat("policy_version: must be >= 0, got ", request.policy_version()));
  }
  ParsedRequest parsed;
  parsed.prompts.reserve(request.prompts_size());
  for (int i = 0; i < request.prompts_size(); ++i) {
    const auto& ids = request.prompts(i).token_ids();
    if (ids.empty()) return absl::InvalidArgumentError(absl::StrCat("prompts[", i, "].token_ids: the prompt is empty"));
    for (int j = 0; j < ids.size(); ++j) {
      if (ids[j] < 0) {
        return absl::InvalidArgumentError(absl::StrCat("prompts[", i, "].token_ids[", j, "]: negative id ", ids[j]));
      }
    }
    parsed.prompts.emplace_back(ids.begin(), ids.end());
  }
  parsed.params.max_new_tokens = request.max_new_tokens();
  parsed.params.greedy = true;
  if (request.has_eos_token_id()) parsed.params.eos_token_id = request.eos_token_id();
  parsed.params.policy_version = request.policy_version();
  return parsed;
}

v1::FinishReason ToProto(FinishReason reason) {
  switch (reason) {
    case FinishReason::kLength:
      return v1::FINISH_REASON_LENGTH;
    case FinishReason::kEos:
      return v1::FINISH_REASON_EOS;
  }
  return v1::FINISH_REASON_UNSPECIFIED;
}

// A call waiting for the worker. gRPC keeps `context` and `response` alive until the reactor finishes.
struct Job {
  grpc::CallbackServerContext* context = nullptr;
  grpc::ServerUnaryReactor* reactor = nullptr;
  v1::GenerateResponse* response = nullptr;
  ParsedRequest request;
};

class Service final : public v1::RolloutService::CallbackService {
 public:
  Service(TokenGenerator* generator, int64_t max_new_tokens_limit)
      : generator_(generator), max_new_tokens_limit_(max_new_tokens_limit), worker_([this] { WorkerLoop(); }) {}
  ~Service() override { StopWorker(); }

  grpc::ServerUnaryReactor* Generate(grpc::CallbackServerContext* context, const v1::GenerateRequest* request,
                                     v1::GenerateResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    absl::StatusOr<ParsedRequest> parsed = ParseRequest(*request, max_new_tokens_limit_);
    if (!parsed.ok()) {
      reactor->Finish(ToGrpcStatus(parsed.status()));
      return reactor;
    }
    absl::MutexLock lock(&mu_);
    queue_.push_back(Job{context, reactor, response, *std::move(parsed)});
    return reactor;
  }

  // Finishes the queued calls, then joins the worker. Call after the grpc::Server has shut down (which
  // waits for every call to finish, so the worker must still be running then). Idempotent.
  void StopWorker() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    if (worker_.joinable()) worker_.join();
  }

 private:
  void WorkerLoop() {
    while (true) {
      Job job;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(this, &Service::HasWorkOrIsStopping));
        if (queue_.empty()) return;  // stopping
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      Run(job);
    }
  }

  bool HasWorkOrIsStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); }

  void Run(Job& job) {
    if (job.context->IsCancelled()) {  // the deadline passed or the client left while the call waited
      job.reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled before generation started"));
      return;
    }
    const ParsedRequest& request = job.request;
    absl::StatusOr<std::vector<GeneratedSequence>> sequences;
    try {
      sequences = generator_->Generate(request.prompts, request.params);
    } catch (const std::exception& e) {
      sequences = absl::InternalError(absl::StrCat("generator failed: ", e.what()));
    }
    if (sequences.ok() && sequences->size() != request.prompts.size()) {
      sequences = absl::InternalError(absl::StrCat("generator returned ", sequences->size(), " sequences for ",
                                                   request.prompts.size(), " prompts"));
    }
    if (!sequences.ok()) {
      job.reactor->Finish(ToGrpcStatus(sequences.status()));
      return;
    }
    for (const GeneratedSequence& seq : *sequences) {
      v1::Completion* completion = job.response->add_completions();
      completion->mutable_token_ids()->Add(seq.token_ids.begin(), seq.token_ids.end());
      completion->set_finish_reason(ToProto(seq.finish_reason));
    }
    job.response->set_policy_version(request.params.policy_version);
    job.reactor->Finish(grpc::Status::OK);
  }

  TokenGenerator* const generator_;
  const int64_t max_new_tokens_limit_;
  absl::Mutex mu_;
  std::deque<Job> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread worker_;  // last: it starts in the constructor and uses the members above
};

// gRPC takes "host:70000" and listens on 70000 mod 65536; refuse it instead. Addresses whose tail is not a
// number (e.g. "unix:/path") are left to gRPC.
bool PortIsValid(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return true;
  const std::string port = address.substr(colon + 1);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) return true;
  return port.size() <= 5 && std::stoi(port) <= 65535;
}

}  // namespace

struct RolloutServer::Impl {
  RolloutServerOptions options;
  std::unique_ptr<Service> service;       // outlives `server`, which holds a pointer to it
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  absl::Mutex shutdown_mu;
  bool shut_down ABSL_GUARDED_BY(shutdown_mu) = false;
  absl::Notification done;
};

absl::StatusOr<std::unique_ptr<RolloutServer>> RolloutServer::Start(TokenGenerator* generator,
                                                                    const RolloutServerOptions& options) {
  if (generator == nullptr) return absl::InvalidArgumentError("RolloutServer: generator is null");
  if (options.address.empty()) return absl::InvalidArgumentError("RolloutServer: address is empty");
  if (!PortIsValid(options.address)) {
    return absl::InvalidArgumentError(absl::StrCat("RolloutServer: address ", options.address, ": port above 65535"));
  }
  if (options.max_receive_message_bytes < 1 || options.max_send_message_bytes < 1) {
    return absl::InvalidArgumentError("RolloutServer: message size limits must be >= 1 byte");
  }
  if (options.max_new_tokens_limit < 1) return absl::InvalidArgumentError("RolloutServer: max_new_tokens_limit < 1");
  if (options.shutdown_grace < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("RolloutServer: shutdown_grace is negative");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->service = std::make_unique<Service>(generator, options.max_new_tokens_limit);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.address, grpc::InsecureServerCredentials(), &impl->port);
  builder.RegisterService(impl->service.get());
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(options.max_send_message_bytes);
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || impl->port == 0) {
    if (impl->server != nullptr) impl->server->Shutdown();
    return absl::UnavailableError(absl::StrCat("RolloutServer: cannot listen on ", options.address));
  }
  return std::unique_ptr<RolloutServer>(new RolloutServer(std::move(impl)));
}

RolloutServer::RolloutServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RolloutServer::~RolloutServer() { Shutdown(); }

int RolloutServer::port() const { return impl_->port; }

void RolloutServer::Shutdown() {
  absl::MutexLock lock(&impl_->shutdown_mu);
  if (impl_->shut_down) return;
  impl_->server->Shutdown(absl::ToChronoTime(absl::Now() + impl_->options.shutdown_grace));
  impl_->server->Wait();
  impl_->service->StopWorker();
  impl_->shut_down = true;
  impl_->done.Notify();
}

void RolloutServer::Wait() { impl_->done.WaitForNotification(); }

}  // namespace reasonrl
