// The worker pool of the @edl/ops native addon: n - 1 threads plus the caller (n <= EDL_MAX_THREADS), woken per
// job by a generation counter; run() splits [0, n) into contiguous ranges and returns when all are done. One pool
// per Node-API instance (the main thread and each worker_threads Worker have their own), driven by that instance's
// JavaScript thread only: run() is not re-entrant and needs no lock against other callers.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "edl-parallel.h"

namespace {

class Pool {
 public:
  /** Clamps n to [1, EDL_MAX_THREADS]. */
  void resize(int n) {
    stop();
    threads_ = n < 1 ? 1 : n > EDL_MAX_THREADS ? EDL_MAX_THREADS : n;
    quit_ = false;
    // New workers start at the current generation: the last job (whose context is gone) is not theirs to run.
    const uint64_t start = generation_;
    for (int i = 1; i < threads_; i++) workers_.emplace_back([this, i, start] { loop(i, start); });
  }
  int size() const { return threads_; }
  ~Pool() { stop(); }

  /** This pool as the kernels see it. */
  edl_parallel parallel() { return edl_parallel{this, threads_, &Pool::run_on}; }
  static void run_on(void* pool, int n, void* ctx, edl_task fn) { static_cast<Pool*>(pool)->run(n, ctx, fn); }

  void run(int n, void* ctx, void (*fn)(void*, int, int)) {
    if (n <= 0) return;
    const int parts = n < threads_ ? n : threads_;
    if (parts == 1) {
      fn(ctx, 0, n);
      return;
    }
    {
      std::lock_guard<std::mutex> lk(m_);
      n_ = n;
      ctx_ = ctx;
      fn_ = fn;
      parts_ = parts;
      pending_ = parts - 1;
      generation_++;
    }
    cv_.notify_all();
    fn(ctx, 0, (int)((int64_t)n / parts));
    std::unique_lock<std::mutex> lk(m_);
    done_.wait(lk, [this] { return pending_ == 0; });
  }

 private:
  void loop(int id, uint64_t seen) {
    for (;;) {
      int n, parts;
      void* ctx;
      void (*fn)(void*, int, int);
      {
        std::unique_lock<std::mutex> lk(m_);
        cv_.wait(lk, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_;
        n = n_, parts = parts_, ctx = ctx_, fn = fn_;
      }
      if (id < parts) {
        fn(ctx, (int)((int64_t)n * id / parts), (int)((int64_t)n * (id + 1) / parts));
        std::lock_guard<std::mutex> lk(m_);
        if (--pending_ == 0) done_.notify_one();
      }
    }
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lk(m_);
      quit_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex m_;
  std::condition_variable cv_, done_;
  uint64_t generation_ = 0;
  bool quit_ = false;
  int threads_ = 1, n_ = 0, parts_ = 0, pending_ = 0;
  void* ctx_ = nullptr;
  void (*fn_)(void*, int, int) = nullptr;
};

}  // namespace
