// Declarations of the fused RISTA elementwise kernels of @edl/ops (see rista-kernels.cc). They allocate nothing
// (per-thread partial sums live on the stack, EDL_MAX_THREADS of them) and return EDL_OK.
#pragma once
#include <stddef.h>

#include "edl-abi.h"
#include "edl-parallel.h"

#ifdef __cplusplus
extern "C" {
#endif

/** g = (beta + (1 - beta) / (2 (|x - u| + eps))) (x - u). */
edl_status edl_elastic_residual(const float* x, const float* u, size_t n, float beta, float eps, float* g,
                                const edl_parallel* par);
/** Gradient of the above for upstream dg: writes dx, du = -dx and *dbeta. */
edl_status edl_elastic_residual_grad(const float* x, const float* u, const float* dg, size_t n, float beta, float eps,
                                     int detach, float* dx, float* du, double* dbeta, const edl_parallel* par);
/** out = T(z + t v) (z may be null: 0). */
edl_status edl_shrink_step(const float* z, const float* v, size_t n, float t, float thr, int nonneg, float* out,
                           const edl_parallel* par);
/** Gradient of the above for upstream dy: dz (skipped when null), dv, and the scalars d t, d thr. */
edl_status edl_shrink_step_grad(const float* z, const float* v, const float* dy, size_t n, float t, float thr,
                                int nonneg, float* dz, float* dv, double* dt, double* dthr, const edl_parallel* par);

#ifdef __cplusplus
}
#endif
