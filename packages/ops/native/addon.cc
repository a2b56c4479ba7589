// Node-API entry points of the @edl/ops native kernels: argument checks (napi-args.h), the worker pool
// (worker-pool.h) and the choice of the widest instruction set this CPU supports.
#include <node_api.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "conv-kernels.h"
#include "napi-args.h"
#include "rista-kernels.h"
#include "tensor-kernels.h"
#include "worker-pool.h"

namespace {

Pool* pool() {
  static Pool* p = [] {
    auto* q = new Pool();
    unsigned hc = std::thread::hardware_concurrency();
    q->resize(hc == 0 ? 1 : (int)hc);
    return q;
  }();
  return p;
}

void parallel_for(int n, void* ctx, void (*fn)(void*, int, int)) { pool()->run(n, ctx, fn); }

// ------------------------------------------------------------------ instruction set
// The widest vector width this CPU and this build support; EDL_NATIVE_ISA=avx2 | baseline caps it (to test the
// narrower code paths on a wider machine).
int vector_width() {
  const char* cap = getenv("EDL_NATIVE_ISA");
  if (cap && strcmp(cap, "baseline") == 0) return 4;
  const bool allow16 = !(cap && strcmp(cap, "avx2") == 0);
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
#ifdef EDL_HAVE_VW16
  if (allow16 && __builtin_cpu_supports("avx512f")) return 16;
#endif
#ifdef EDL_HAVE_VW8
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 8;
#endif
#endif
  return 4;
}

const char* isa_name(int vw) { return vw == 16 ? "avx512" : vw == 8 ? "avx2-fma" : "baseline-simd128"; }

// ------------------------------------------------------------------ bindings
int g_vw = 4;

size_t input_size(const edl_conv_geom& g) { return (size_t)g.B * g.H * g.W * g.Cin; }
size_t output_size(const edl_conv_geom& g) { return (size_t)g.B * g.OH * g.OW * g.Cout; }
size_t filter_size(const edl_conv_geom& g) { return (size_t)g.KH * g.KW * g.Cin * g.Cout; }

// conv2dForward(geometry, x, filter, y, bias | null, activation, alpha)
napi_value Forward(napi_env env, napi_callback_info info) {
  Args a(env, info, 4, "conv2dForward(geometry, x, filter, y, bias?, act?, alpha?)");
  const edl_conv_geom g = a.geometry(0);
  const float* x = a.f32_for_geometry(1, "x", input_size(g));
  const float* w = a.f32_for_geometry(2, "filter", filter_size(g));
  float* y = a.f32_for_geometry(3, "y", output_size(g));
  const float* bias = a.ok() && a.present(4) ? a.f32_for_geometry(4, "bias", (size_t)g.Cout) : nullptr;
  if (!a.ok()) return a.fail();
  const int act = a.int32(5, 0);
  const float alpha = (float)a.number(6, 0);
  const int threads = pool()->size();
  if (g_vw == 16) edl_conv2d_forward_16(&g, x, w, y, bias, act, alpha, threads, parallel_for);
  else if (g_vw == 8) edl_conv2d_forward_8(&g, x, w, y, bias, act, alpha, threads, parallel_for);
  else edl_conv2d_forward_4(&g, x, w, y, bias, act, alpha, threads, parallel_for);
  return nullptr;
}

// conv2dBackpropInput(geometry, dy, filter, dx)
napi_value BackpropInput(napi_env env, napi_callback_info info) {
  Args a(env, info, 4, "conv2dBackpropInput(geometry, dy, filter, dx)");
  const edl_conv_geom g = a.geometry(0);
  const float* dy = a.f32_for_geometry(1, "dy", output_size(g));
  const float* w = a.f32_for_geometry(2, "filter", filter_size(g));
  float* dx = a.f32_for_geometry(3, "dx", input_size(g));
  if (!a.ok()) return a.fail();
  const int threads = pool()->size();
  if (g_vw == 16) edl_conv2d_backprop_input_16(&g, dy, w, dx, threads, parallel_for);
  else if (g_vw == 8) edl_conv2d_backprop_input_8(&g, dy, w, dx, threads, parallel_for);
  else edl_conv2d_backprop_input_4(&g, dy, w, dx, threads, parallel_for);
  return nullptr;
}

// conv2dBackpropFilter(geometry, x, dy, dw)
napi_value BackpropFilter(napi_env env, napi_callback_info info) {
  Args a(env, info, 4, "conv2dBackpropFilter(geometry, x, dy, dw)");
  const edl_conv_geom g = a.geometry(0);
  const float* x = a.f32_for_geometry(1, "x", input_size(g));
  const float* dy = a.f32_for_geometry(2, "dy", output_size(g));
  float* dw = a.f32_for_geometry(3, "dw", filter_size(g));
  if (!a.ok()) return a.fail();
  const int parts = pool()->size();
  if (g_vw == 16) edl_conv2d_backprop_filter_16(&g, x, dy, dw, parts, parallel_for);
  else if (g_vw == 8) edl_conv2d_backprop_filter_8(&g, x, dy, dw, parts, parallel_for);
  else edl_conv2d_backprop_filter_4(&g, x, dy, dw, parts, parallel_for);
  return nullptr;
}

// tile(x, shape, reps, out): x and out are Float32Array or Int32Array (4-byte elements).
napi_value Tile(napi_env env, napi_callback_info info) {
  Args a(env, info, 4, "tile(x, shape, reps, out)");
  size_t rank = 0, nreps = 0, nx = 0, nout = 0;
  const int* shape = a.i32(1, "shape", &rank);
  const int* reps = a.i32(2, "reps", &nreps);
  const char* what = "a Float32Array or Int32Array";
  const void* x = a.typed(0, "x", napi_float32_array, napi_int32_array, what, &nx);
  void* out = a.typed(3, "out", napi_float32_array, napi_int32_array, what, &nout);
  if (a.ok() && (rank != nreps || rank > 16)) a.error = "edl-native: tile needs shape and reps of one rank <= 16";
  size_t in = 1, total = 1;
  for (size_t d = 0; a.ok() && d < rank; d++) {
    if (shape[d] < 0 || reps[d] < 0) a.error = "edl-native: tile shape and reps must be >= 0";
    in *= shape[d];
    total *= (size_t)shape[d] * reps[d];
  }
  if (a.ok() && (nx < in || nout < total)) a.error = "edl-native: tile: x or out is smaller than shape and reps say";
  if (!a.ok()) return a.fail();
  if (total > 0) edl_tile(x, shape, reps, (int)rank, 4, out);
  return nullptr;
}

// reduceLeading(x, outer, inner, scale, out): out[j] = scale * sum_i x[i * inner + j].
napi_value ReduceLeading(napi_env env, napi_callback_info info) {
  Args a(env, info, 5, "reduceLeading(x, outer, inner, scale, out)");
  const double outer = a.number(1), inner = a.number(2);
  if (outer < 1 || inner < 1) a.error = "edl-native: reduceLeading needs outer >= 1 and inner >= 1";
  size_t nx = 0;
  const float* x = a.f32(0, "x", &nx);
  float* out = a.f32_exactly(4, "out", (size_t)inner);
  if (a.ok() && nx < (size_t)outer * (size_t)inner) a.error = "edl-native: reduceLeading: x has fewer than outer x inner elements";
  if (!a.ok()) return a.fail();
  edl_reduce_leading(x, (size_t)outer, (size_t)inner, (float)a.number(3, 1), out, pool()->size(), parallel_for);
  return nullptr;
}

// elasticResidual(x, u, beta, eps, g)
napi_value ElasticResidual(napi_env env, napi_callback_info info) {
  Args a(env, info, 5, "elasticResidual(x, u, beta, eps, g)");
  size_t n = 0;
  const float* x = a.f32(0, "x", &n);
  const float* u = a.f32_exactly(1, "u", n);
  float* g = a.f32_exactly(4, "g", n);
  if (!a.ok()) return a.fail();
  edl_elastic_residual(x, u, n, (float)a.number(2), (float)a.number(3), g, pool()->size(), parallel_for);
  return nullptr;
}

// elasticResidualGrad(x, u, dg, beta, eps, detach, dx, du) -> d beta
napi_value ElasticResidualGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, 8, "elasticResidualGrad(x, u, dg, beta, eps, detach, dx, du)");
  size_t n = 0;
  const float* x = a.f32(0, "x", &n);
  const float* u = a.f32_exactly(1, "u", n);
  const float* dg = a.f32_exactly(2, "dg", n);
  float* dx = a.f32_exactly(6, "dx", n);
  float* du = a.f32_exactly(7, "du", n);
  if (!a.ok()) return a.fail();
  const double db = edl_elastic_residual_grad(x, u, dg, n, (float)a.number(3), (float)a.number(4), a.flag(5, false),
                                              dx, du, pool()->size(), parallel_for);
  napi_value out;
  napi_create_double(env, db, &out);
  return out;
}

// shrinkStep(z | null, v, t, thr, nonNegative, out)
napi_value ShrinkStep(napi_env env, napi_callback_info info) {
  Args a(env, info, 6, "shrinkStep(z, v, t, thr, nonNegative, out)");
  size_t n = 0;
  const float* v = a.f32(1, "v", &n);
  const float* z = a.f32_exactly(0, "z", n, true);
  float* out = a.f32_exactly(5, "out", n);
  if (!a.ok()) return a.fail();
  edl_shrink_step(z, v, n, (float)a.number(2), (float)a.number(3), a.flag(4, true), out, pool()->size(),
                  parallel_for);
  return nullptr;
}

// shrinkStepGrad(z | null, v, dy, t, thr, nonNegative, dz | null, dv) -> [d t, d thr]
napi_value ShrinkStepGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, 8, "shrinkStepGrad(z, v, dy, t, thr, nonNegative, dz, dv)");
  size_t n = 0;
  const float* v = a.f32(1, "v", &n);
  const float* z = a.f32_exactly(0, "z", n, true);
  const float* dy = a.f32_exactly(2, "dy", n);
  float* dz = a.f32_exactly(6, "dz", n, true);
  float* dv = a.f32_exactly(7, "dv", n);
  if (!a.ok()) return a.fail();
  double dt = 0, dthr = 0;
  edl_shrink_step_grad(z, v, dy, n, (float)a.number(3), (float)a.number(4), a.flag(5, true), dz, dv, &dt, &dthr,
                       pool()->size(), parallel_for);
  napi_value arr, e0, e1;
  napi_create_array_with_length(env, 2, &arr);
  napi_create_double(env, dt, &e0);
  napi_create_double(env, dthr, &e1);
  napi_set_element(env, arr, 0, e0);
  napi_set_element(env, arr, 1, e1);
  return arr;
}

// binary(op, a, b, out): out = a op b (0 add, 1 sub, 2 mul); a and b have out.length elements or repeat with a
// period that divides it (the caller checks that the broadcast is a trailing one).
napi_value Binary(napi_env env, napi_callback_info info) {
  Args a(env, info, 4, "binary(op, a, b, out)");
  const int op = a.int32(0, -1);
  if (op < 0 || op > 2) a.error = "edl-native: binary op must be 0 (add), 1 (sub) or 2 (mul)";
  size_t nx = 0, ny = 0, n = 0;
  const float* x = a.f32(1, "a", &nx);
  const float* y = a.f32(2, "b", &ny);
  float* out = a.f32(3, "out", &n);
  if (a.ok() && (nx == 0 || ny == 0 || n % nx != 0 || n % ny != 0 || (nx != n && ny != n)))
    a.error = "edl-native: binary needs one operand of out's size and the other dividing it";
  if (!a.ok()) return a.fail();
  edl_binary(op, x, nx, y, ny, out, n, parallel_for);
  return nullptr;
}

// batchNorm(x, channels, mean, variance, scale | null, offset | null, eps, out)
napi_value BatchNorm(napi_env env, napi_callback_info info) {
  Args a(env, info, 8, "batchNorm(x, channels, mean, variance, scale, offset, eps, out)");
  const double channels = a.number(1);
  size_t n = 0, nm = 0, nv = 0, ns = 0, no = 0;
  const float* x = a.f32(0, "x", &n);
  const float* mean = a.f32(2, "mean", &nm);
  const float* var = a.f32(3, "variance", &nv);
  const float* scale = a.ok() && a.present(4) ? a.f32(4, "scale", &ns) : nullptr;
  const float* offset = a.ok() && a.present(5) ? a.f32(5, "offset", &no) : nullptr;
  float* out = a.f32_exactly(7, "out", n);
  const size_t c = (size_t)channels;
  const auto fits = [c](size_t k) { return k == 1 || k == c; };
  if (a.ok() && (channels < 1 || n % c != 0 || !fits(nm) || !fits(nv) || (scale && !fits(ns)) || (offset && !fits(no))))
    a.error = "edl-native: batchNorm needs x of whole rows of `channels` and parameters of 1 or `channels` elements";
  if (!a.ok()) return a.fail();
  edl_batch_norm(x, n, c, mean, nm, var, nv, scale, ns, offset, no, (float)a.number(6), out, parallel_for);
  return nullptr;
}

// unary(op, x, lo, hi, out): op 0 sign, op 1 clip to [lo, hi].
napi_value Unary(napi_env env, napi_callback_info info) {
  Args a(env, info, 5, "unary(op, x, lo, hi, out)");
  const int op = a.int32(0, -1);
  if (op < 0 || op > 1) a.error = "edl-native: unary op must be 0 (sign) or 1 (clip)";
  size_t n = 0;
  const float* x = a.f32(1, "x", &n);
  float* out = a.f32_exactly(4, "out", n);
  if (!a.ok()) return a.fail();
  edl_unary(op, x, n, (float)a.number(2), (float)a.number(3), out, parallel_for);
  return nullptr;
}

// setThreads(n): resizes the worker pool; returns the thread count now in use.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a(env, info, 1, "setThreads(n) needs an integer n in [1, 256]");
  const int n = a.int32(0, 0);
  if (n < 1 || n > 256) a.error = "edl-native: setThreads(n) needs an integer n in [1, 256]";
  if (!a.ok()) return a.fail();
  if (n != pool()->size()) pool()->resize(n);
  napi_value out;
  napi_create_int32(env, pool()->size(), &out);
  return out;
}

// info(): { isa, vectorWidth, threads }
napi_value Info(napi_env env, napi_callback_info) {
  napi_value obj, isa, vw, th;
  napi_create_object(env, &obj);
  napi_create_string_utf8(env, isa_name(g_vw), NAPI_AUTO_LENGTH, &isa);
  napi_create_int32(env, g_vw, &vw);
  napi_create_int32(env, pool()->size(), &th);
  napi_set_named_property(env, obj, "isa", isa);
  napi_set_named_property(env, obj, "vectorWidth", vw);
  napi_set_named_property(env, obj, "threads", th);
  return obj;
}

}  // namespace

// Builds without a given width still link: the dispatcher never calls them.
#ifndef EDL_HAVE_VW16
extern "C" void edl_conv2d_forward_16(const edl_conv_geom*, const float*, const float*, float*, const float*, int,
                                      float, int, edl_parallel_for) {}
extern "C" void edl_conv2d_backprop_input_16(const edl_conv_geom*, const float*, const float*, float*, int,
                                             edl_parallel_for) {}
extern "C" void edl_conv2d_backprop_filter_16(const edl_conv_geom*, const float*, const float*, float*, int,
                                              edl_parallel_for) {}
#endif
#ifndef EDL_HAVE_VW8
extern "C" void edl_conv2d_forward_8(const edl_conv_geom*, const float*, const float*, float*, const float*, int,
                                     float, int, edl_parallel_for) {}
extern "C" void edl_conv2d_backprop_input_8(const edl_conv_geom*, const float*, const float*, float*, int,
                                            edl_parallel_for) {}
extern "C" void edl_conv2d_backprop_filter_8(const edl_conv_geom*, const float*, const float*, float*, int,
                                             edl_parallel_for) {}
#endif

NAPI_MODULE_INIT() {
  g_vw = vector_width();
  napi_property_descriptor props[] = {
      {"conv2dForward", nullptr, Forward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, BackpropInput, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, BackpropFilter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tile", nullptr, Tile, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reduceLeading", nullptr, ReduceLeading, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"elasticResidual", nullptr, ElasticResidual, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"elasticResidualGrad", nullptr, ElasticResidualGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"shrinkStep", nullptr, ShrinkStep, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"shrinkStepGrad", nullptr, ShrinkStepGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNorm", nullptr, BatchNorm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unary", nullptr, Unary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, Binary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
