// How the @edl/ops native kernels run work on threads: the binding passes the pool of its Node-API instance
// (worker-pool.h) as an edl_parallel; kernels call edl_pfor and never see the pool itself.
#pragma once
#include "edl-abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A job: runs items [begin, end) of the n items given to edl_pfor. */
typedef void (*edl_task)(void* ctx, int begin, int end);

typedef struct {
  void* pool;
  /** Threads of the pool, the caller included: 1 .. EDL_MAX_THREADS. */
  int threads;
  /** Runs fn(ctx, begin, end) over [0, n) split across the threads; returns when all ranges are done. */
  void (*run)(void* pool, int n, void* ctx, edl_task fn);
} edl_parallel;

static inline void edl_pfor(const edl_parallel* par, int n, void* ctx, edl_task fn) { par->run(par->pool, n, ctx, fn); }

#ifdef __cplusplus
}
#endif
