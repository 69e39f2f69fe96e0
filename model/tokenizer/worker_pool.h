// A small pool of persistent worker threads for Tokenizer::EncodeBatch. Keeping the threads alive keeps their
// per-thread state warm between batches (the BPE word caches, PCRE2 match data).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace reasonrl::tokenizer {

class WorkerPool {
 public:
  WorkerPool() = default;
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `job` on `num_threads` threads at once (the caller plus num_threads - 1 pool workers, started on first
  // need) and returns when every one has returned. One batch at a time: when another caller holds the pool,
  // the work runs on temporary threads instead, so callers never wait for each other.
  void Run(int num_threads, const std::function<void()>& job);

 private:
  void WorkerLoop(size_t index);

  std::mutex run_mu_;  // held for the whole of one Run on the pool
  std::mutex mu_;      // guards the fields below
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  const std::function<void()>* job_ = nullptr;
  uint64_t generation_ = 0;
  size_t wanted_ = 0;     // workers taking part in the current generation
  size_t remaining_ = 0;  // of those, still running
  bool stop_ = false;
};

}  // namespace reasonrl::tokenizer
