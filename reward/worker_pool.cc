#include "reward/worker_pool.h"

#include <algorithm>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "reward/registry.h"

namespace reasonrl::reward {
namespace {

// A batch in flight. Its samples finish one by one (scored, timed out, cancelled); the last one to
// finish completes the batch, which hands `done` its results.
struct BatchState {
  ScoringBatch batch;
  ScoringPool::Done done;
  std::vector<Result> results;
  std::vector<bool> finished;
  size_t remaining = 0;
  bool complete = false;
  // Its entry in State::deadlines (every incomplete batch has one; InfiniteFuture when it has none).
  std::multimap<absl::Time, std::shared_ptr<BatchState>>::iterator deadline_entry;
};

struct Task {
  std::shared_ptr<BatchState> batch;
  size_t index = 0;
};

// One per worker thread, owned by the thread. `abandoned` flips (under State::mu) when the watcher gives
// up on the thread's sample.
struct Worker {
  bool abandoned = false;
};

// A sample being scored, and when the pool gives up on it.
struct Running {
  Task task;
  absl::Time abandon_at;
  Worker* worker = nullptr;
};

// Batches completed under the lock, whose `done` runs after it is released.
using Ready = std::vector<std::pair<ScoringPool::Done, std::vector<Result>>>;

}  // namespace

struct ScoringPool::State : std::enable_shared_from_this<ScoringPool::State> {
  ScoringPoolOptions options;  // resolved: num_workers, max_abandoned > 0; score set

  absl::Mutex mu;
  absl::CondVar work_cv;   // workers: the queue has tasks, or stopping
  absl::CondVar watch_cv;  // the watcher: an earlier deadline appeared, or watcher_stop
  absl::CondVar exit_cv;   // the destructor: live dropped
  std::deque<Task> queue ABSL_GUARDED_BY(mu);
  std::map<uint64_t, Running> running ABSL_GUARDED_BY(mu);
  uint64_t next_running_id ABSL_GUARDED_BY(mu) = 0;
  std::multimap<absl::Time, std::shared_ptr<BatchState>> deadlines ABSL_GUARDED_BY(mu);
  absl::Time watcher_wakes_at ABSL_GUARDED_BY(mu) = absl::InfiniteFuture();
  int live ABSL_GUARDED_BY(mu) = 0;       // worker threads not abandoned (scoring or idle)
  int abandoned ABSL_GUARDED_BY(mu) = 0;  // abandoned threads still running their sample
  bool stopping ABSL_GUARDED_BY(mu) = false;
  bool watcher_stop ABSL_GUARDED_BY(mu) = false;
  ScoringPoolStats stats ABSL_GUARDED_BY(mu);
  std::thread watcher;

  // --- all REQUIRE mu held ---

  void Deliver(BatchState& b, size_t i, Result result, Ready* ready) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (b.complete || b.finished[i]) return;
    b.finished[i] = true;
    b.results[i] = std::move(result);
    if (--b.remaining == 0) Complete(b, ready);
  }

  void Complete(BatchState& b, Ready* ready) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    b.complete = true;
    ready->emplace_back(std::move(b.done), std::move(b.results));
    deadlines.erase(b.deadline_entry);  // may drop the last reference but one: callers hold a Task or a copy
  }

  // Completes `b` now; its samples not finished yet get Unscored(reason).
  void FinishUnscored(const std::shared_ptr<BatchState>& keep, const char* reason, Ready* ready)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    BatchState& b = *keep;
    if (b.complete) return;
    const bool timeout = std::string_view(reason) == "timeout";
    for (size_t i = 0; i < b.finished.size(); ++i) {
      if (b.finished[i]) continue;
      b.finished[i] = true;
      b.results[i] = Unscored(b.batch.spec, reason);
      if (timeout) ++stats.samples_timed_out;
    }
    b.remaining = 0;
    Complete(b, ready);
  }

  // Gives up on a running sample: it scores Unscored(reason), its thread goes on alone, and a replacement
  // starts unless too many threads are abandoned already.
  std::map<uint64_t, Running>::iterator Abandon(std::map<uint64_t, Running>::iterator it, const char* reason,
                                                Ready* ready) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    Running& r = it->second;
    r.worker->abandoned = true;
    --live;
    ++abandoned;
    ++stats.samples_abandoned;
    if (std::string_view(reason) == "timeout") ++stats.samples_timed_out;
    Deliver(*r.task.batch, r.task.index, Unscored(r.task.batch->batch.spec, reason), ready);
    if (!stopping && live < options.num_workers && abandoned <= options.max_abandoned) SpawnWorker();
    return running.erase(it);
  }

  void SpawnWorker();

  // Runs the `done` of completed batches with mu released.
  void RunReady(Ready* ready) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (ready->empty()) return;
    Ready now;
    now.swap(*ready);
    mu.Unlock();
    for (auto& [done, results] : now) done(std::move(results));
    now.clear();  // the callbacks' captures die outside the lock too
    mu.Lock();
  }
};

namespace {

Result ScoreOne(const ScoringPoolOptions& options, const RewardSpec& spec, const Sample& sample, absl::Time deadline) {
  try {
    return options.score(spec, sample, deadline);
  } catch (const std::exception& e) {  // rewards never throw; a bad_alloc still must not kill the server
    Result result = ScoringPool::Unscored(spec, "");
    result.reason = absl::StrCat("internal_error: ", e.what());
    return result;
  } catch (...) {
    Result result = ScoringPool::Unscored(spec, "");
    result.reason = "internal_error: unknown exception";
    return result;
  }
}

void WorkerMain(std::shared_ptr<ScoringPool::State> s, std::shared_ptr<Worker> self) {
  absl::MutexLock lock(&s->mu);
  Ready ready;
  while (true) {
    while (!s->stopping && s->queue.empty()) s->work_cv.Wait(&s->mu);
    if (s->queue.empty()) break;  // stopping and drained
    Task task = std::move(s->queue.front());
    s->queue.pop_front();
    BatchState& b = *task.batch;
    if (b.complete || b.finished[task.index]) continue;  // expired or cancelled while queued
    if (b.batch.cancelled && b.batch.cancelled()) {
      s->FinishUnscored(task.batch, "cancelled", &ready);
      s->RunReady(&ready);
      continue;
    }
    const absl::Time now = absl::Now();
    const absl::Duration timeout = absl::Seconds(b.batch.spec.timeout_seconds);
    const absl::Duration slack = s->options.abandon_slack;
    const absl::Time reward_deadline = std::min(now + timeout, b.batch.deadline - slack);
    const absl::Time abandon_at = std::min(now + timeout + slack, b.batch.deadline);
    if (abandon_at <= now) {  // the batch's deadline is here (the watcher is about to expire it)
      ++s->stats.samples_timed_out;
      s->Deliver(b, task.index, ScoringPool::Unscored(b.batch.spec, "timeout"), &ready);
      s->RunReady(&ready);
      continue;
    }
    const uint64_t id = s->next_running_id++;
    s->running.emplace(id, Running{task, abandon_at, self.get()});
    if (abandon_at < s->watcher_wakes_at) s->watch_cv.Signal();

    s->mu.Unlock();
    Result result = ScoreOne(s->options, b.batch.spec, b.batch.samples[task.index], reward_deadline);
    s->mu.Lock();

    if (self->abandoned) {  // the watcher already answered for this sample; the result is dropped
      --s->abandoned;
      if (!s->stopping && s->live < s->options.num_workers) {  // the pool is short-handed: rejoin it
        self->abandoned = false;
        ++s->live;
        continue;
      }
      return;  // the lock is released by `lock`; `s` keeps the state alive until then
    }
    s->running.erase(id);
    ++s->stats.samples_scored;
    s->Deliver(b, task.index, std::move(result), &ready);
    s->RunReady(&ready);
  }
  --s->live;
  s->exit_cv.SignalAll();
}

// Gives up on overdue samples and expires batches at their deadline; sleeps until the next such moment.
void WatcherMain(ScoringPool::State* s) {
  absl::MutexLock lock(&s->mu);
  Ready ready;
  while (!s->watcher_stop) {
    const absl::Time now = absl::Now();
    for (auto it = s->running.begin(); it != s->running.end();) {
      it = it->second.abandon_at <= now ? s->Abandon(it, "timeout", &ready) : std::next(it);
    }
    while (!s->deadlines.empty() && s->deadlines.begin()->first <= now) {
      std::shared_ptr<BatchState> batch = s->deadlines.begin()->second;
      s->FinishUnscored(batch, "timeout", &ready);  // erases the entry
    }
    if (!ready.empty()) {
      s->RunReady(&ready);
      continue;  // the lock was released: look again
    }
    absl::Time next = s->deadlines.empty() ? absl::InfiniteFuture() : s->deadlines.begin()->first;
    for (const auto& [id, r] : s->running) next = std::min(next, r.abandon_at);
    s->watcher_wakes_at = next;
    s->watch_cv.WaitWithDeadline(&s->mu, next);
    s->watcher_wakes_at = absl::InfinitePast();  // awake: anyone may signal, nobody needs to
  }
}

}  // namespace

void ScoringPool::State::SpawnWorker() {
  ++live;
  // Detached: an abandoned worker may outlive the pool; it holds the state through its shared_ptr.
  std::thread(WorkerMain, shared_from_this(), std::make_shared<Worker>()).detach();
}

absl::Status ScoringPool::ValidateOptions(const ScoringPoolOptions& options) {
  if (options.num_workers < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("num_workers: must be >= 0 (0 = one per core), got ", options.num_workers));
  }
  if (options.max_abandoned < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_abandoned: must be >= 0 (0 = 4 x num_workers), got ", options.max_abandoned));
  }
  if (options.max_queued_samples < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_queued_samples: must be >= 1, got ", options.max_queued_samples));
  }
  if (options.abandon_slack < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("abandon_slack: must be >= 0");
  }
  return absl::OkStatus();
}

ScoringPool::ScoringPool(ScoringPoolOptions options) : state_(std::make_shared<State>()) {
  if (options.num_workers <= 0) options.num_workers = std::max(1u, std::thread::hardware_concurrency());
  if (options.max_abandoned <= 0) options.max_abandoned = 4 * options.num_workers;
  options.max_queued_samples = std::max<int64_t>(1, options.max_queued_samples);
  options.abandon_slack = std::max(absl::ZeroDuration(), options.abandon_slack);
  if (!options.score)
    options.score = [](const RewardSpec& spec, const Sample& sample, absl::Time deadline) {
      return Score(spec, sample, deadline);
    };
  State& s = *state_;
  s.options = std::move(options);
  absl::MutexLock lock(&s.mu);
  s.stats.num_workers = s.options.num_workers;
  for (int i = 0; i < s.options.num_workers; ++i) s.SpawnWorker();
  s.watcher = std::thread(WatcherMain, &s);
}

ScoringPool::~ScoringPool() {
  ExpireAll();
  State& s = *state_;
  {
    absl::MutexLock lock(&s.mu);
    s.watcher_stop = true;
    s.watch_cv.Signal();
    while (s.live > 0) s.exit_cv.Wait(&s.mu);
  }
  s.watcher.join();
}

absl::Status ScoringPool::Submit(ScoringBatch batch, Done done) {
  if (batch.samples.empty()) return absl::InvalidArgumentError("samples: at least one sample is required");
  if (absl::Status valid = Validate(batch.spec); !valid.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("spec: ", valid.message()));
  }
  if (!done) return absl::InvalidArgumentError("done: a callback is required");
  const size_t n = batch.samples.size();
  auto b = std::make_shared<BatchState>();
  b->results.resize(n);
  b->finished.assign(n, false);
  b->remaining = n;
  b->done = std::move(done);
  b->batch = std::move(batch);

  State& s = *state_;
  absl::MutexLock lock(&s.mu);
  if (s.stopping) return absl::UnavailableError("the scoring pool is shutting down");
  if (static_cast<int64_t>(s.queue.size() + n) > s.options.max_queued_samples) {
    return absl::ResourceExhaustedError(absl::StrCat(s.queue.size(), " samples queued; ", n,
                                                     " more would exceed the limit of ", s.options.max_queued_samples,
                                                     ": retry later"));
  }
  const absl::Time deadline = b->batch.deadline;
  b->deadline_entry = s.deadlines.emplace(deadline, b);
  if (deadline < s.watcher_wakes_at) s.watch_cv.Signal();
  for (size_t i = 0; i < n; ++i) s.queue.push_back(Task{b, i});
  if (n == 1) {
    s.work_cv.Signal();
  } else {
    s.work_cv.SignalAll();
  }
  return absl::OkStatus();
}

void ScoringPool::ExpireAll() {
  State& s = *state_;
  absl::MutexLock lock(&s.mu);
  s.stopping = true;
  Ready ready;
  for (auto it = s.running.begin(); it != s.running.end();) it = s.Abandon(it, "shutdown", &ready);
  while (!s.deadlines.empty()) {
    std::shared_ptr<BatchState> batch = s.deadlines.begin()->second;
    s.FinishUnscored(batch, "shutdown", &ready);
  }
  s.work_cv.SignalAll();
  s.RunReady(&ready);
}

ScoringPoolStats ScoringPool::stats() const {
  State& s = *state_;
  absl::MutexLock lock(&s.mu);
  ScoringPoolStats stats = s.stats;
  stats.abandoned_running = s.abandoned;
  stats.queued_samples = static_cast<int64_t>(s.queue.size());
  return stats;
}

Result ScoringPool::Unscored(const RewardSpec& spec, const char* reason) {
  Result result;
  result.reason = reason;
  for (const RewardTerm& term : spec.terms) result.components.push_back({term.label, 0.0});
  return result;
}

}  // namespace reasonrl::reward
