// ScoringPool: scores batches of samples with a RewardSpec on a fixed set of worker threads, giving each
// sample a time budget and abandoning the samples that overrun it. The reward service and `reasonrl
// score` run their samples through it. gRPC-free and torch-free (library reasonrl_reward_pool).
//
//   ScoringPool pool({.num_workers = 8});
//   pool.Submit({spec, samples, absl::Now() + absl::Seconds(60)},
//               [](std::vector<Result> results) { ... one Result per sample, in order ... });
//
// Time. A sample starts when a worker takes it from the (FIFO) queue. Its budget is
//     reward deadline  D = min(start + spec.timeout_seconds, batch.deadline - abandon_slack)
// which the rewards see (reward::Score checks it before each term; the code reward also shortens its
// sandbox's wall limits to it), and the pool gives up on it at
//     abandon time     A = min(start + spec.timeout_seconds + abandon_slack, batch.deadline).
// A sample still queued at batch.deadline never starts. Either way it scores 0 with reason "timeout"
// and one component per term (the term's label, value 0), while the batch's other samples complete;
// `done` is called no later than batch.deadline (plus scheduling latency).
//
// Abandoned samples. Rewards are pure CPU functions that need not be interruptible, so a sample that
// overruns is not stopped: its worker thread is marked abandoned and finishes the sample in the
// background (the result is discarded), and a replacement worker starts at once, so the pool keeps
// num_workers threads scoring. At most max_abandoned abandoned threads get a replacement; beyond that
// the pool runs short-handed until some finish (an abandoned thread that finishes rejoins the pool when
// it is short, else exits). So the pool never holds more than num_workers + max_abandoned threads.
// Abandoned threads are detached: they may outlive the pool (they share its state through a
// shared_ptr); a process that exits while some still run should leave through std::quick_exit or _exit
// (stats().abandoned_running says whether any do), since exit() would run static destructors under them.
//
// Thread safety: all methods may be called from any thread. `done` runs on a pool thread, outside the
// pool's lock, exactly once per accepted batch; it must not block for long.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "reward/reward.h"
#include "reward/reward_spec.h"

namespace reasonrl::reward {

struct ScoringPoolOptions {
  // Threads scoring samples; 0 = one per core (std::thread::hardware_concurrency()).
  int num_workers = 0;
  // Abandoned threads (still running a sample nobody waits for) that get a replacement; 0 = 4 ×
  // num_workers. See the top of this file.
  int max_abandoned = 0;
  // Samples waiting for a worker, over all batches; a batch that would exceed it is refused
  // (ResourceExhausted). Bounds the memory a flood of calls can pin.
  int64_t max_queued_samples = 1'000'000;
  // The grace between the deadline a reward is given and the moment the pool gives up on it, so that a
  // reward that honours its deadline reports its own reason (e.g. the code reward's "timeout: test 2
  // (wall)") instead of being cut off. Must be >= 0.
  absl::Duration abandon_slack = absl::Milliseconds(50);
  // What scores one sample; default reward::Score (registry.h). Must be thread-safe. Tests replace it to
  // stand for rewards that ignore their deadline.
  std::function<Result(const RewardSpec&, const Sample&, absl::Time deadline)> score;
};

struct ScoringBatch {
  RewardSpec spec;              // REQUIRES: Validate(spec).ok() (checked by Submit)
  std::vector<Sample> samples;  // at least one
  // When `done` must have been called: the caller's deadline less the time it needs to reply.
  absl::Time deadline = absl::InfiniteFuture();
  // Optional; asked (under the pool's lock: it must be quick and must not call the pool) before each
  // sample starts. Once it answers true, the batch's samples not yet started score 0 with reason
  // "cancelled" and `done` is called without waiting for the running ones.
  std::function<bool()> cancelled;
};

struct ScoringPoolStats {
  int num_workers = 0;            // configured
  int abandoned_running = 0;      // abandoned threads still running their sample
  int64_t queued_samples = 0;     // waiting for a worker now
  int64_t samples_scored = 0;     // results delivered by a reward, since the start
  int64_t samples_timed_out = 0;  // "timeout" results (abandoned, or never started in time)
  int64_t samples_abandoned = 0;  // of those, the ones whose thread was abandoned
};

class ScoringPool {
 public:
  using Done = std::function<void(std::vector<Result> results)>;

  // Starts the workers. REQUIRES: options.num_workers >= 0, max_abandoned >= 0, max_queued_samples >= 1,
  // abandon_slack >= 0 (checked by ValidateOptions, which callers at an edge run first).
  explicit ScoringPool(ScoringPoolOptions options);
  static absl::Status ValidateOptions(const ScoringPoolOptions& options);

  ScoringPool(const ScoringPool&) = delete;
  ScoringPool& operator=(const ScoringPool&) = delete;
  // ExpireAll(), then waits for the idle workers to exit; abandoned threads are left to finish alone.
  ~ScoringPool();

  // Queues the batch's samples. `done` receives one Result per sample, in order, exactly once.
  // Errors (and then `done` is never called): InvalidArgument for an invalid spec or no samples,
  // ResourceExhausted when the queue is full, Unavailable after ExpireAll().
  absl::Status Submit(ScoringBatch batch, Done done);

  // For shutdown: from now on Submit is refused; every unfinished batch completes at once, its samples
  // not yet scored getting 0 with reason "shutdown" (running ones are abandoned). Idempotent.
  void ExpireAll();

  ScoringPoolStats stats() const;

  // The result a sample gets when it is not scored: value 0, one component per term (label, 0), `reason`.
  static Result Unscored(const RewardSpec& spec, const char* reason);

  struct State;  // the implementation's (worker_pool.cc)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace reasonrl::reward
