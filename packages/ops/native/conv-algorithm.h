// Which algorithm the @edl/ops native conv kernels use for a conv they could compute by Winograd (3x3, stride 1):
// process-wide, set once by the addon when it loads (the environment variable EDL_NATIVE_CONV_ALGORITHM = auto |
// direct | winograd) or by the kernel harness. 'auto' is the documented rule of conv-winograd.h (wino_applies);
// 'direct' and 'winograd' force one algorithm, so that tests reach the Winograd code on small shapes and benchmarks
// can compare the two in one build.
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  EDL_CONV_ALGORITHM_AUTO = 0,
  EDL_CONV_ALGORITHM_DIRECT = 1,
  EDL_CONV_ALGORITHM_WINOGRAD = 2,
} edl_conv_algorithm;

void edl_set_conv_algorithm(edl_conv_algorithm a);
edl_conv_algorithm edl_get_conv_algorithm(void);

#ifdef __cplusplus
}
#endif
