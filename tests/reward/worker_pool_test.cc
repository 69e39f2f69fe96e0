// ScoringPool (reward/worker_pool.h): results in order and equal to reward::Score, per-sample budgets,
// abandoned workers replaced up to max_abandoned, batch deadlines, queue limit, cancellation, shutdown.
//
// The abandonment tests stand a sleeping function in for a reward that ignores its deadline (the pool's
// contract holds for any scoring function); the load test (load_test.cc) and service_test.cc time out
// real rewards.
#include "reward/worker_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "reward/registry.h"

namespace reasonrl::reward {
namespace {

using ::testing::HasSubstr;

RewardSpec SpecOrDie(const std::string& json) {
  absl::StatusOr<RewardSpec> spec = RewardSpecFromJson(json, "test");
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? *spec : RewardSpec();
}

ScoringPoolOptions Workers(int n) {
  ScoringPoolOptions options;
  options.num_workers = n;
  return options;
}

Sample MathSample(const std::string& completion, const std::string& answer) {
  Sample s;
  s.completion = completion;
  s.ground_truth = answer;
  return s;
}

// Submits and waits; the results, and how long `done` took to come.
struct Outcome {
  std::vector<Result> results;
  double seconds = 0;
};
Outcome ScoreBatch(ScoringPool& pool, ScoringBatch batch) {
  auto promise = std::make_shared<std::promise<std::vector<Result>>>();
  std::future<std::vector<Result>> future = promise->get_future();
  const auto start = std::chrono::steady_clock::now();
  absl::Status status =
      pool.Submit(std::move(batch), [promise](std::vector<Result> results) { promise->set_value(std::move(results)); });
  EXPECT_TRUE(status.ok()) << status;
  if (!status.ok()) return {};
  Outcome outcome{future.get()};
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return outcome;
}

// Sleeps `slow` for completions that read "slow", scores the others with reward::Score.
ScoringPoolOptions WithSleeper(int workers, int max_abandoned, absl::Duration slow,
                               std::shared_ptr<std::atomic<int>> finished_sleeps = nullptr) {
  ScoringPoolOptions options;
  options.num_workers = workers;
  options.max_abandoned = max_abandoned;
  options.score = [slow, finished_sleeps](const RewardSpec& spec, const Sample& sample, absl::Time deadline) {
    if (sample.completion == "slow") {
      absl::SleepFor(slow);  // ignores the deadline, as a non-interruptible reward would
      if (finished_sleeps) ++*finished_sleeps;
      return Result{1.0, {{"math_accuracy", 1.0}}, ""};
    }
    return Score(spec, sample, deadline);
  };
  return options;
}

void ExpectTimeout(const Result& r, const std::string& label) {
  EXPECT_EQ(r.value, 0.0);
  EXPECT_EQ(r.reason, "timeout");
  ASSERT_EQ(r.components.size(), 1u);
  EXPECT_EQ(r.components[0].name, label);
  EXPECT_EQ(r.components[0].value, 0.0);
}

TEST(ScoringPoolTest, ScoresABatchInOrderExactlyAsTheRegistryDoes) {
  const RewardSpec spec = SpecOrDie(R"({"rewards": [{"name": "math_accuracy"},
      {"name": "format", "weight": 0.5, "params": {"style": "r1_zero"}}]})");
  ScoringBatch batch;
  batch.spec = spec;
  for (int i = 0; i < 40; ++i) {
    batch.samples.push_back(
        MathSample("<think>t</think> <answer>\\boxed{" + std::to_string(i % 7) + "}</answer>", std::to_string(i % 5)));
  }
  batch.samples.push_back(MathSample("no box here", "3"));
  ScoringPool pool(Workers(3));
  const Outcome outcome = ScoreBatch(pool, batch);
  ASSERT_EQ(outcome.results.size(), batch.samples.size());
  for (size_t i = 0; i < batch.samples.size(); ++i) {
    SCOPED_TRACE(i);
    const Result expected = Score(spec, batch.samples[i]);
    EXPECT_EQ(outcome.results[i].value, expected.value);
    EXPECT_EQ(outcome.results[i].reason, expected.reason);
    ASSERT_EQ(outcome.results[i].components.size(), expected.components.size());
    for (size_t c = 0; c < expected.components.size(); ++c) {
      EXPECT_EQ(outcome.results[i].components[c].name, expected.components[c].name);
      EXPECT_EQ(outcome.results[i].components[c].value, expected.components[c].value);
    }
  }
  // Hand-checked: every completion has r1_zero's layout (format 1, weight 0.5); "\boxed{3}" against "3"
  // (i = 3) is right: 1 + 0.5; i = 6 ("6" against "1") is wrong: 0 + 0.5.
  EXPECT_EQ(outcome.results[3].value, 1.5);
  EXPECT_EQ(outcome.results[6].value, 0.5);
  EXPECT_EQ(outcome.results[6].reason, "math_accuracy: wrong");
  EXPECT_THAT(outcome.results[40].reason, ::testing::StartsWith("math_accuracy: no_answer; format: "));
  EXPECT_EQ(pool.stats().samples_scored, 41);
}

TEST(ScoringPoolTest, AnOverrunningSampleTimesOutAndAReplacementScoresTheRest) {
  auto finished = std::make_shared<std::atomic<int>>(0);
  ScoringPool pool(WithSleeper(/*workers=*/1, /*max_abandoned=*/4, absl::Seconds(2), finished));
  ScoringBatch batch;
  batch.spec = SpecOrDie(R"({"rewards": [{"name": "math_accuracy"}], "timeout_seconds": 0.2})");
  batch.samples = {MathSample("slow", "1"), MathSample("\\boxed{7}", "7"), MathSample("\\boxed{8}", "7")};
  const Outcome outcome = ScoreBatch(pool, batch);
  // One worker: the sleeper holds it; only a replacement can score the other two before 2 s.
  EXPECT_LT(outcome.seconds, 1.5);
  ASSERT_EQ(outcome.results.size(), 3u);
  ExpectTimeout(outcome.results[0], "math_accuracy");
  EXPECT_EQ(outcome.results[1].value, 1.0);
  EXPECT_EQ(outcome.results[1].reason, "");
  EXPECT_EQ(outcome.results[2].value, 0.0);
  EXPECT_EQ(outcome.results[2].reason, "math_accuracy: wrong");
  ScoringPoolStats stats = pool.stats();
  EXPECT_EQ(stats.samples_abandoned, 1);
  EXPECT_EQ(stats.samples_timed_out, 1);
  EXPECT_EQ(stats.abandoned_running, 1) << "the sleeper is still running in the background";
  EXPECT_EQ(*finished, 0);
  // The abandoned thread finishes its sample in the background; its result is dropped.
  for (int i = 0; i < 100 && pool.stats().abandoned_running > 0; ++i) absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(pool.stats().abandoned_running, 0);
  EXPECT_EQ(*finished, 1);
  // The pool still has its worker: another batch scores.
  const Outcome again = ScoreBatch(pool, {batch.spec, {MathSample("\\boxed{2}", "2")}});
  ASSERT_EQ(again.results.size(), 1u);
  EXPECT_EQ(again.results[0].value, 1.0);
}

TEST(ScoringPoolTest, BeyondMaxAbandonedThePoolWaitsForAnAbandonedThreadInsteadOfGrowing) {
  // 1 worker, at most 1 abandoned thread replaced. slow #1 is abandoned at ~0.25 s and replaced; the
  // replacement takes slow #2, abandoned at ~0.5 s with no replacement (2 > 1), so the fast sample waits
  // until slow #1's thread finishes (~1.5 s) and rejoins.
  ScoringPool capped(WithSleeper(1, 1, absl::Milliseconds(1500)));
  ScoringBatch batch;
  batch.spec = SpecOrDie(R"({"rewards": [{"name": "math_accuracy"}], "timeout_seconds": 0.2})");
  batch.samples = {MathSample("slow", "1"), MathSample("slow", "1"), MathSample("\\boxed{5}", "5")};
  const Outcome outcome = ScoreBatch(capped, batch);
  ASSERT_EQ(outcome.results.size(), 3u);
  ExpectTimeout(outcome.results[0], "math_accuracy");
  ExpectTimeout(outcome.results[1], "math_accuracy");
  EXPECT_EQ(outcome.results[2].value, 1.0);
  EXPECT_GE(outcome.seconds, 1.4) << "a third thread would have scored the fast sample at ~0.5 s";
  EXPECT_EQ(capped.stats().samples_abandoned, 2);

  // With room for two abandoned threads, the fast sample is scored right after slow #2 is abandoned.
  ScoringPool roomy(WithSleeper(1, 2, absl::Milliseconds(1500)));
  const Outcome fast = ScoreBatch(roomy, batch);
  ASSERT_EQ(fast.results.size(), 3u);
  EXPECT_EQ(fast.results[2].value, 1.0);
  EXPECT_LT(fast.seconds, 1.2);
}

TEST(ScoringPoolTest, SamplesStillQueuedAtTheBatchDeadlineTimeOutWithoutStarting) {
  ScoringPool pool(WithSleeper(1, 4, absl::Seconds(2)));
  ScoringBatch batch;
  batch.spec = SpecOrDie(R"({"rewards": [{"name": "math_accuracy", "label": "acc"}], "timeout_seconds": 30})");
  batch.samples = {MathSample("slow", "1"), MathSample("\\boxed{1}", "1")};
  batch.deadline = absl::Now() + absl::Milliseconds(300);
  const Outcome outcome = ScoreBatch(pool, batch);
  EXPECT_LT(outcome.seconds, 1.5);
  ASSERT_EQ(outcome.results.size(), 2u);
  ExpectTimeout(outcome.results[0], "acc");  // running: abandoned at the batch deadline
  ExpectTimeout(outcome.results[1], "acc");  // queued behind it: never started
  EXPECT_EQ(pool.stats().samples_timed_out, 2);
}

TEST(ScoringPoolTest, ARewardThatHonoursItsDeadlineReportsItsOwnReason) {
  // The code reward shortens its sandbox's wall limit to the deadline it is given: within the abandon
  // slack it answers for itself ("timeout: test 0 (wall)"); either way the reason says timeout.
  ScoringPoolOptions options = Workers(2);
  options.abandon_slack = absl::Milliseconds(500);
  ScoringPool pool(options);
  ScoringBatch batch;
  batch.spec = SpecOrDie(R"({"rewards": [{"name": "code"}], "timeout_seconds": 1})");
  SetCodeServerFields(CodeConfig(), &batch.spec);
  Sample loop;
  loop.completion = "```python\nwhile True:\n    pass\n```";
  loop.extra_json["tests"] = R"([{"stdin": "", "stdout": "1\n"}])";
  Sample ok = loop;
  ok.completion = "```python\nprint(1)\n```";
  batch.samples = {loop, ok};
  const Outcome outcome = ScoreBatch(pool, batch);
  ASSERT_EQ(outcome.results.size(), 2u);
  EXPECT_EQ(outcome.results[0].value, 0.0);
  EXPECT_THAT(outcome.results[0].reason, HasSubstr("timeout"));
  EXPECT_EQ(outcome.results[1].value, 1.0) << outcome.results[1].reason;
  EXPECT_LT(outcome.seconds, 5.0);
}

TEST(ScoringPoolTest, AFullQueueRefusesTheBatchAndAnInvalidOneIsRefusedWithTheField) {
  ScoringPoolOptions options = WithSleeper(1, 4, absl::Milliseconds(300));
  options.max_queued_samples = 2;
  ScoringPool pool(options);
  ScoringBatch batch;
  batch.spec = SpecOrDie(R"({"rewards": [{"name": "math_accuracy"}]})");
  batch.samples = {MathSample("slow", "1"), MathSample("slow", "1"), MathSample("slow", "1")};
  absl::Status status = pool.Submit(batch, [](std::vector<Result>) { ADD_FAILURE() << "refused batch completed"; });
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;

  ScoringBatch empty;
  empty.spec = batch.spec;
  status = pool.Submit(empty, [](std::vector<Result>) {});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("samples"));

  ScoringBatch bad = batch;
  bad.samples.resize(1);
  bad.spec.timeout_seconds = -1;
  status = pool.Submit(bad, [](std::vector<Result>) {});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("timeout_seconds"));

  EXPECT_FALSE(ScoringPool::ValidateOptions(Workers(-1)).ok());
  ScoringPoolOptions no_queue;
  no_queue.max_queued_samples = 0;
  EXPECT_FALSE(ScoringPool::ValidateOptions(no_queue).ok());
}

TEST(ScoringPoolTest, ACancelledBatchStopsStartingSamples) {
  ScoringPool pool(WithSleeper(1, 4, absl::Milliseconds(300)));
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  ScoringBatch batch;
  batch.spec = SpecOrDie(R"({"rewards": [{"name": "math_accuracy"}]})");
  batch.samples = {MathSample("\\boxed{1}", "1"), MathSample("\\boxed{1}", "1")};
  batch.cancelled = [cancelled] { return cancelled->load(); };
  *cancelled = true;
  const Outcome outcome = ScoreBatch(pool, batch);
  ASSERT_EQ(outcome.results.size(), 2u);
  for (const Result& r : outcome.results) {
    EXPECT_EQ(r.reason, "cancelled");
    EXPECT_EQ(r.value, 0.0);
  }
}

TEST(ScoringPoolTest, ExpireAllFinishesEveryBatchAtOnceAndRefusesNewOnes) {
  ScoringPool pool(WithSleeper(1, 4, absl::Seconds(2)));
  ScoringBatch batch;
  batch.spec = SpecOrDie(R"({"rewards": [{"name": "math_accuracy"}]})");
  batch.samples = {MathSample("slow", "1"), MathSample("\\boxed{1}", "1")};
  auto promise = std::make_shared<std::promise<std::vector<Result>>>();
  auto future = promise->get_future();
  ASSERT_TRUE(pool.Submit(batch, [promise](std::vector<Result> r) { promise->set_value(std::move(r)); }).ok());
  absl::SleepFor(absl::Milliseconds(200));  // the sleeper has started
  const auto start = std::chrono::steady_clock::now();
  pool.ExpireAll();
  const std::vector<Result> results = future.get();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.0);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].reason, "shutdown");
  EXPECT_EQ(results[1].reason, "shutdown");
  EXPECT_EQ(pool.Submit(batch, [](std::vector<Result>) {}).code(), absl::StatusCode::kUnavailable);
}

TEST(ScoringPoolTest, ConcurrentBatchesEachGetTheirOwnResultsInOrder) {
  const RewardSpec spec = SpecOrDie(R"({"rewards": [{"name": "math_accuracy"}]})");
  ScoringPool pool(Workers(4));
  constexpr int kThreads = 8, kBatches = 25;
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        ScoringBatch batch;
        batch.spec = spec;
        std::vector<double> expected;
        for (int i = 0; i < 10; ++i) {
          const int answer = (t * 31 + b * 7 + i) % 6;
          batch.samples.push_back(MathSample("\\boxed{" + std::to_string(i % 6) + "}", std::to_string(answer)));
          expected.push_back(i % 6 == answer ? 1.0 : 0.0);
        }
        const Outcome outcome = ScoreBatch(pool, batch);
        if (outcome.results.size() != expected.size()) {
          ++mismatches;
          continue;
        }
        for (size_t i = 0; i < expected.size(); ++i) mismatches += outcome.results[i].value != expected[i];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(pool.stats().samples_scored, kThreads * kBatches * 10);
}

}  // namespace
}  // namespace reasonrl::reward
