// Declarations of the fused RISTA elementwise kernels of @edl/ops (see rista-kernels.cc). threads <= 256.
#pragma once
#include <stddef.h>

#include "conv-kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/** g = (beta + (1 - beta) / (2 (|x - u| + eps))) (x - u). */
void edl_elastic_residual(const float* x, const float* u, size_t n, float beta, float eps, float* g, int threads,
                          edl_parallel_for pfor);
/** Gradient of the above for upstream dg: writes dx and du = -dx, returns d beta. */
double edl_elastic_residual_grad(const float* x, const float* u, const float* dg, size_t n, float beta, float eps,
                                 int detach, float* dx, float* du, int threads, edl_parallel_for pfor);
/** out = T(z + t v) (z may be null: 0). */
void edl_shrink_step(const float* z, const float* v, size_t n, float t, float thr, int nonneg, float* out,
                     int threads, edl_parallel_for pfor);
/** Gradient of the above for upstream dy: dz (skipped when null), dv, and the scalars d t, d thr. */
void edl_shrink_step_grad(const float* z, const float* v, const float* dy, size_t n, float t, float thr, int nonneg,
                          float* dz, float* dv, double* dt, double* dthr, int threads, edl_parallel_for pfor);

#ifdef __cplusplus
}
#endif
