// Every integer that crosses the boundary between the @edl/ops native addon and its TypeScript bindings, in one
// place: kernel status codes, fused activations, elementwise op codes and size limits. The TypeScript mirror is
// src/kernels/native/native-abi.ts; native-abi.test.ts checks that the two agree (it parses this file) and that the
// built addon reports the same values (addon.abi()). Bump EDL_ABI_VERSION when a value or a binding signature
// changes: the loader refuses an addon built from other sources.
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

#define EDL_ABI_VERSION 5

/** What a kernel returns; the binding turns anything but EDL_OK into a thrown JavaScript Error. */
typedef enum {
  EDL_OK = 0,
  EDL_ERR_OUT_OF_MEMORY = 1,     /* a scratch buffer could not be allocated */
  EDL_ERR_INVALID_ARGUMENT = 2,  /* a kernel's own check failed (the binding validates first) */
} edl_status;

/** The activation a fused conv applies (tfjs `activation` names: linear, relu, relu6, leakyrelu). */
typedef enum {
  EDL_ACT_LINEAR = 0,
  EDL_ACT_RELU = 1,
  EDL_ACT_RELU6 = 2,
  EDL_ACT_LEAKYRELU = 3,
} edl_activation;

/** Elementwise binary ops of the addon's `binary`. */
typedef enum {
  EDL_BINARY_ADD = 0,
  EDL_BINARY_SUB = 1,
  EDL_BINARY_MUL = 2,
} edl_binary_op;

/** Elementwise unary ops of the addon's `unary`. */
typedef enum {
  EDL_UNARY_SIGN = 0,
  EDL_UNARY_CLIP = 1,
  EDL_UNARY_RELU = 2,
  EDL_UNARY_STEP = 3,
} edl_unary_op;

/** Most worker threads a pool may have (also the size of the per-thread partial-sum buffers). */
#define EDL_MAX_THREADS 256
/** Highest rank `tile` takes. */
#define EDL_TILE_MAX_RANK 16
/** Values in a conv geometry: [B,H,W,Cin,OH,OW,Cout,KH,KW,SH,SW,PT,PL]. */
#define EDL_GEOMETRY_LENGTH 13

#ifdef __cplusplus
}
#endif
