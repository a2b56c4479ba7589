// Shared declarations of the @edl/ops native convolution kernels (C linkage, no C++ library types).
#pragma once
#include "edl-abi.h"
#include "edl-parallel.h"

#ifdef __cplusplus
extern "C" {
#endif

/** NHWC conv geometry, dilation 1: x [B,H,W,Cin], filter [KH,KW,Cin,Cout], y [B,OH,OW,Cout]. */
typedef struct {
  int B, H, W, Cin, OH, OW, Cout, KH, KW, SH, SW, PT, PL;
} edl_conv_geom;

// The binding checks the geometry first (addon.cc: every size >= 1, paddings >= 0, every element count and index
// below 2^31); act is an edl_activation. Each returns EDL_OK or EDL_ERR_OUT_OF_MEMORY (outputs then undefined).
#define EDL_DECLARE(VW)                                                                                         \
  edl_status edl_conv2d_forward_##VW(const edl_conv_geom* g, const float* x, const float* w, float* y,         \
                                     const float* bias, int act, float alpha, const edl_parallel* par);        \
  edl_status edl_conv2d_backprop_input_##VW(const edl_conv_geom* g, const float* dy, const float* w, float* dx, \
                                            const edl_parallel* par);                                          \
  edl_status edl_conv2d_backprop_filter_##VW(const edl_conv_geom* g, const float* x, const float* dy, float* dw, \
                                             const edl_parallel* par);
EDL_DECLARE(16)
EDL_DECLARE(8)
EDL_DECLARE(4)
#undef EDL_DECLARE

#ifdef __cplusplus
}
#endif
