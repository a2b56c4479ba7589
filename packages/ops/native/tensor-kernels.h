// Declarations of the @edl/ops native tensor kernels (Tile, reductions over leading axes).
#pragma once
#include <stddef.h>

#include "conv-kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/** out = tile(x, reps) for x of `shape` (rank <= 16), elements of `elem` bytes, row-major. */
void edl_tile(const void* x, const int* shape, const int* reps, int rank, size_t elem, void* out);

/** out[j] = scale * sum_{i < outer} x[i * inner + j]: a reduction over the leading axes, split across threads. */
void edl_reduce_leading(const float* x, size_t outer, size_t inner, float scale, float* out, int nparts,
                        edl_parallel_for pfor);

/**
 * out = a op b (op 0 add, 1 sub, 2 mul) for n outputs, where each operand has n elements or repeats every m
 * elements (a scalar: m = 1; a trailing broadcast such as [C] against [B,H,W,C]: m = C); n is a multiple of m.
 */
void edl_binary(int op, const float* a, size_t na, const float* b, size_t nb, float* out, size_t n,
                edl_parallel_for pfor);

/**
 * out = (x - mean) scale / sqrt(var + eps) + offset over the last axis of x (`channels` wide); each parameter has 1
 * or `channels` elements; scale / offset may be null (1 / 0).
 */
void edl_batch_norm(const float* x, size_t n, size_t channels, const float* mean, size_t nmean, const float* var,
                    size_t nvar, const float* scale, size_t nscale, const float* offset, size_t noffset, float eps,
                    float* out, edl_parallel_for pfor);

/** out = sign(x) (op 0; 0 for NaN and -0, as tfjs' cpu backend) or clip(x, lo, hi) (op 1; NaN passes through). */
void edl_unary(int op, const float* x, size_t n, float lo, float hi, float* out, edl_parallel_for pfor);

#ifdef __cplusplus
}
#endif
