// The worker pool of the @edl/ops native addon: n - 1 threads plus the caller (n <= EDL_MAX_THREADS), woken per
// job by a generation counter; run() hands out [0, n) in chunks claimed from an atomic counter and returns when
// all are done. One pool per Node-API instance (the main thread and each worker_threads Worker have their own),
// driven by that instance's JavaScript thread only: run() is not re-entrant and needs no lock against other callers.
#pragma once
#include <atomic>
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

  /**
   * Runs fn over [0, n) in chunks that the caller and the woken workers claim from a shared counter, and returns
   * once every chunk is done. The caller never waits for a worker that has not started: on a machine where the
   * workers are descheduled (other jobs on the cores), it claims their chunks itself instead of idling until the
   * scheduler wakes them, and it waits only for chunks a worker is running.
   */
  void run(int n, void* ctx, void (*fn)(void*, int, int)) {
    if (n <= 0) return;
    if (threads_ == 1 || n == 1) {
      fn(ctx, 0, n);
      return;
    }
    // about 4 chunks per thread: balance without many claims
    const int grain = n / (4 * threads_) > 1 ? n / (4 * threads_) : 1;
    {
      std::lock_guard<std::mutex> lk(m_);
      n_ = n;
      grain_ = grain;
      ctx_ = ctx;
      fn_ = fn;
      next_.store(0, std::memory_order_relaxed);
      open_ = true;
      generation_++;
    }
    cv_.notify_all();
    claim_loop(n, grain, ctx, fn);
    std::unique_lock<std::mutex> lk(m_);
    done_.wait(lk, [this] { return active_ == 0; });
    open_ = false;  // workers that wake from now on skip this job
  }

 private:
  void claim_loop(int n, int grain, void* ctx, void (*fn)(void*, int, int)) {
    for (;;) {
      const int i = next_.fetch_add(grain, std::memory_order_relaxed);
      if (i >= n) return;
      fn(ctx, i, i + grain < n ? i + grain : n);
    }
  }

  void loop(int, uint64_t seen) {
    for (;;) {
      int n, grain;
      void* ctx;
      void (*fn)(void*, int, int);
      {
        std::unique_lock<std::mutex> lk(m_);
        cv_.wait(lk, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_;
        if (!open_) continue;  // the caller already finished that job
        active_++;
        n = n_, grain = grain_, ctx = ctx_, fn = fn_;
      }
      claim_loop(n, grain, ctx, fn);
      std::lock_guard<std::mutex> lk(m_);
      if (--active_ == 0) done_.notify_one();
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
  bool open_ = false;  // the current job still takes workers
  int threads_ = 1, n_ = 0, grain_ = 1, active_ = 0;
  std::atomic<int> next_{0};
  void* ctx_ = nullptr;
  void (*fn_)(void*, int, int) = nullptr;
};

}  // namespace
