// Declarations of the @edl/ops native tensor kernels (Tile, reductions over leading axes, elementwise ops,
// BatchNorm). Each returns EDL_OK, EDL_ERR_OUT_OF_MEMORY or EDL_ERR_INVALID_ARGUMENT (its own sanity checks; the
// binding validates every argument before). NaN and +-Inf propagate as on tfjs' cpu backend.
#pragma once
#include <stddef.h>

#include "edl-abi.h"
#include "edl-parallel.h"

#ifdef __cplusplus
extern "C" {
#endif

/** out = tile(x, reps) for x of `shape` (rank <= EDL_TILE_MAX_RANK), elements of `elem` bytes, row-major. */
edl_status edl_tile(const void* x, const int* shape, const int* reps, int rank, size_t elem, void* out);

/** out[j] = scale * sum_{i < outer} x[i * inner + j]: a reduction over the leading axes, split across threads. */
edl_status edl_reduce_leading(const float* x, size_t outer, size_t inner, float scale, float* out,
                              const edl_parallel* par);

/**
 * out = a op b (an edl_binary_op) for n outputs, where each operand has n elements or repeats every m elements
 * (a scalar: m = 1; a trailing broadcast such as [C] against [B,H,W,C]: m = C); n is a multiple of m.
 */
edl_status edl_binary(int op, const float* a, size_t na, const float* b, size_t nb, float* out, size_t n,
                      const edl_parallel* par);

/**
 * out = (x - mean) scale / sqrt(var + eps) + offset over the last axis of x (`channels` wide); each parameter has 1
 * or `channels` elements; scale / offset may be null (1 / 0).
 */
edl_status edl_batch_norm(const float* x, size_t n, size_t channels, const float* mean, size_t nmean, const float* var,
                          size_t nvar, const float* scale, size_t nscale, const float* offset, size_t noffset,
                          float eps, float* out, const edl_parallel* par);

/**
 * BatchNorm in training mode over the last axis of x (`rows` x `channels`): the batch statistics mean and (biased)
 * variance per channel, written to `mean` / `var`, then y = (x - mean) scale / sqrt(var + eps) + offset (scale /
 * offset may be null: 1 / 0). Two passes over x; sums in double per thread range, shifted by the first row.
 */
edl_status edl_batch_norm_train(const float* x, size_t rows, size_t channels, const float* scale, const float* offset,
                                float eps, float* y, float* mean, float* var, const edl_parallel* par);

/**
 * Gradient of edl_batch_norm_train for upstream dy (and, when not null, per-channel upstream gradients dmean / dvar
 * of the statistics): dx, and per channel dscale = sum dy (x - mean) / sqrt(var + eps) and doffset = sum dy
 * (either may be null). `mean` / `var` are the forward's batch statistics. Two passes over dy and x.
 */
edl_status edl_batch_norm_train_grad(const float* dy, const float* x, size_t rows, size_t channels,
                                     const float* scale, const float* mean, const float* var, float eps,
                                     const float* dmean, const float* dvar, float* dx, float* dscale, float* doffset,
                                     const edl_parallel* par);

/** out = sign(x) (EDL_UNARY_SIGN; 0 for NaN and -0, as tfjs' cpu backend), clip(x, lo, hi) (EDL_UNARY_CLIP; NaN
 * passes through), relu(x) (EDL_UNARY_RELU; NaN passes through) or step(x) with alpha = lo (EDL_UNARY_STEP: 1 above
 * 0, alpha at or below, NaN for NaN), as tfjs' cpu backend. */
edl_status edl_unary(int op, const float* x, size_t n, float lo, float hi, float* out, const edl_parallel* par);

/**
 * out[o] = x[o + offsets] where that index lies inside x, else `value`, for x of `xshape` and out of `oshape` (rank
 * <= EDL_TILE_MAX_RANK, row-major, elements of `elem` = 4 or 8 bytes; `value` points to one element): Slice (offsets
 * >= 0, the window inside x) and PadV2 (offsets = -padding before, the rest `value`) in one kernel.
 */
edl_status edl_window(const void* x, const int* xshape, const int* oshape, const int* offsets, int rank, size_t elem,
                      const void* value, void* out, const edl_parallel* par);

/** dx = dy * step(x) (tfjs' Relu gradient: step 1 above 0, 0 at or below, NaN for NaN) in one pass. */
edl_status edl_relu_grad(const float* dy, const float* x, size_t n, float* dx, const edl_parallel* par);

/**
 * One step of SGD with momentum (PyTorch's `SGD`, dampening 0) over n values: g' = g + weight_decay p,
 * buf_out = momentum buf + g', d = nesterov ? g' + momentum buf_out : buf_out, p_out = p - lr d. Each operation is
 * rounded to float32 as the separate elementwise kernels round it.
 */
edl_status edl_sgd_step(const float* p, const float* g, const float* buf, size_t n, float lr, float momentum,
                        float weight_decay, int nesterov, float* p_out, float* buf_out, const edl_parallel* par);

#ifdef __cplusplus
}
#endif
