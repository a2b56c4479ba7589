// Shared declarations of the @edl/ops native convolution kernels (C linkage, no C++ library types).
#pragma once
#ifdef __cplusplus
extern "C" {
#endif

/** NHWC conv geometry, dilation 1: x [B,H,W,Cin], filter [KH,KW,Cin,Cout], y [B,OH,OW,Cout]. */
typedef struct {
  int B, H, W, Cin, OH, OW, Cout, KH, KW, SH, SW, PT, PL;
} edl_conv_geom;

/** Runs fn(ctx, begin, end) over [0, n) split across the worker threads; returns when all ranges are done. */
typedef void (*edl_parallel_for)(int n, void* ctx, void (*fn)(void* ctx, int begin, int end));

#define EDL_DECLARE(VW)                                                                                        \
  void edl_conv2d_forward_##VW(const edl_conv_geom* g, const float* x, const float* w, float* y,               \
                               const float* bias, int act, float alpha, int threads, edl_parallel_for pfor);                \
  void edl_conv2d_backprop_input_##VW(const edl_conv_geom* g, const float* dy, const float* w, float* dx,     \
                                      int threads, edl_parallel_for pfor);                                                  \
  void edl_conv2d_backprop_filter_##VW(const edl_conv_geom* g, const float* x, const float* dy, float* dw,    \
                                       int nparts, edl_parallel_for pfor);
EDL_DECLARE(16)
EDL_DECLARE(8)
EDL_DECLARE(4)
#undef EDL_DECLARE

#ifdef __cplusplus
}
#endif
