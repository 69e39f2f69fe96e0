#include "model/tokenizer/worker_pool.h"

namespace reasonrl::tokenizer {

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void WorkerPool::WorkerLoop(size_t index) {
  uint64_t seen = 0;
  for (;;) {
    const std::function<void()>* job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stop_ || (generation_ != seen && index < wanted_); });
      if (stop_) return;
      seen = generation_;
      job = job_;
    }
    (*job)();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (--remaining_ == 0) done_.notify_all();
    }
  }
}

void WorkerPool::Run(int num_threads, const std::function<void()>& job) {
  const size_t helpers = num_threads > 1 ? static_cast<size_t>(num_threads) - 1 : 0;
  if (helpers == 0) {
    job();
    return;
  }
  std::unique_lock<std::mutex> run_lock(run_mu_, std::try_to_lock);
  if (!run_lock.owns_lock()) {
    std::vector<std::thread> temporary;
    for (size_t i = 0; i < helpers; ++i) temporary.emplace_back(job);
    job();
    for (std::thread& t : temporary) t.join();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (workers_.size() < helpers) {
      const size_t index = workers_.size();
      workers_.emplace_back([this, index] { WorkerLoop(index); });
    }
    job_ = &job;
    wanted_ = helpers;
    remaining_ = helpers;
    ++generation_;
  }
  wake_.notify_all();
  job();
  std::unique_lock<std::mutex> lock(mu_);
  done_.wait(lock, [&] { return remaining_ == 0; });
  job_ = nullptr;
}

}  // namespace reasonrl::tokenizer
