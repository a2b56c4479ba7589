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

#ifdef __cplusplus
}
#endif
