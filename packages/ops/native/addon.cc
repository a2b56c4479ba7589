// Node-API entry points of the @edl/ops native convolution kernels: argument checks, a small worker pool and the
// choice of the widest instruction set this CPU supports.
#include <node_api.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "conv-kernels.h"
#include "worker-pool.h"
#include "tensor-kernels.h"
#include "rista-kernels.h"

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

// ------------------------------------------------------------------ N-API helpers
napi_value throw_error(napi_env env, const std::string& msg) {
  napi_throw_error(env, nullptr, msg.c_str());
  return nullptr;
}

bool get_f32(napi_env env, napi_value v, float** data, size_t* len, const char* name, std::string* err) {
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  if (!is_ta) {
    *err = std::string("edl-native: argument '") + name + "' must be a Float32Array";
    return false;
  }
  napi_typedarray_type type;
  void* ptr;
  napi_get_typedarray_info(env, v, &type, len, &ptr, nullptr, nullptr);
  if (type != napi_float32_array) {
    *err = std::string("edl-native: argument '") + name + "' must be a Float32Array";
    return false;
  }
  *data = static_cast<float*>(ptr);
  return true;
}

bool get_geom(napi_env env, napi_value v, edl_conv_geom* g, std::string* err) {
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  napi_typedarray_type type;
  size_t len = 0;
  void* ptr = nullptr;
  if (is_ta) napi_get_typedarray_info(env, v, &type, &len, &ptr, nullptr, nullptr);
  if (!is_ta || type != napi_int32_array || len != 13) {
    *err = "edl-native: argument 'geometry' must be an Int32Array of 13 values [B,H,W,Cin,OH,OW,Cout,KH,KW,SH,SW,PT,PL]";
    return false;
  }
  memcpy(g, ptr, sizeof(edl_conv_geom));
  const int* a = reinterpret_cast<const int*>(g);
  for (int i = 0; i < 13; i++) {
    if (a[i] < 0 || (i < 11 && a[i] == 0)) {
      *err = "edl-native: invalid conv geometry (sizes must be positive, paddings non-negative)";
      return false;
    }
  }
  return true;
}

bool check_len(size_t have, size_t want, const char* name, std::string* err) {
  if (have < want) {
    *err = std::string("edl-native: argument '") + name + "' has " + std::to_string(have) +
           " elements, the geometry needs " + std::to_string(want);
    return false;
  }
  return true;
}

int g_vw = 4;

// conv2dForward(geometry, x, filter, y, bias | null, activation, alpha)
napi_value Forward(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value args[7];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc < 4) return throw_error(env, "edl-native: conv2dForward(geometry, x, filter, y, bias?, act?, alpha?)");
  edl_conv_geom g;
  std::string err;
  float *x, *w, *y, *bias = nullptr;
  size_t nx, nw, ny, nb = 0;
  if (!get_geom(env, args[0], &g, &err) || !get_f32(env, args[1], &x, &nx, "x", &err) ||
      !get_f32(env, args[2], &w, &nw, "filter", &err) || !get_f32(env, args[3], &y, &ny, "y", &err))
    return throw_error(env, err);
  napi_valuetype bt = napi_undefined;
  if (argc > 4) napi_typeof(env, args[4], &bt);
  if (bt == napi_object) {
    if (!get_f32(env, args[4], &bias, &nb, "bias", &err)) return throw_error(env, err);
    if (!check_len(nb, (size_t)g.Cout, "bias", &err)) return throw_error(env, err);
  }
  int act = 0;
  double alpha = 0;
  if (argc > 5) napi_get_value_int32(env, args[5], &act);
  if (argc > 6) napi_get_value_double(env, args[6], &alpha);
  if (!check_len(nx, (size_t)g.B * g.H * g.W * g.Cin, "x", &err) ||
      !check_len(nw, (size_t)g.KH * g.KW * g.Cin * g.Cout, "filter", &err) ||
      !check_len(ny, (size_t)g.B * g.OH * g.OW * g.Cout, "y", &err))
    return throw_error(env, err);
  if (g_vw == 16) edl_conv2d_forward_16(&g, x, w, y, bias, act, (float)alpha, pool()->size(), parallel_for);
  else if (g_vw == 8) edl_conv2d_forward_8(&g, x, w, y, bias, act, (float)alpha, pool()->size(), parallel_for);
  else edl_conv2d_forward_4(&g, x, w, y, bias, act, (float)alpha, pool()->size(), parallel_for);
  return nullptr;
}

// conv2dBackpropInput(geometry, dy, filter, dx)
napi_value BackpropInput(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc < 4) return throw_error(env, "edl-native: conv2dBackpropInput(geometry, dy, filter, dx)");
  edl_conv_geom g;
  std::string err;
  float *dy, *w, *dx;
  size_t ndy, nw, ndx;
  if (!get_geom(env, args[0], &g, &err) || !get_f32(env, args[1], &dy, &ndy, "dy", &err) ||
      !get_f32(env, args[2], &w, &nw, "filter", &err) || !get_f32(env, args[3], &dx, &ndx, "dx", &err) ||
      !check_len(ndy, (size_t)g.B * g.OH * g.OW * g.Cout, "dy", &err) ||
      !check_len(nw, (size_t)g.KH * g.KW * g.Cin * g.Cout, "filter", &err) ||
      !check_len(ndx, (size_t)g.B * g.H * g.W * g.Cin, "dx", &err))
    return throw_error(env, err);
  if (g_vw == 16) edl_conv2d_backprop_input_16(&g, dy, w, dx, pool()->size(), parallel_for);
  else if (g_vw == 8) edl_conv2d_backprop_input_8(&g, dy, w, dx, pool()->size(), parallel_for);
  else edl_conv2d_backprop_input_4(&g, dy, w, dx, pool()->size(), parallel_for);
  return nullptr;
}

// conv2dBackpropFilter(geometry, x, dy, dw)
napi_value BackpropFilter(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc < 4) return throw_error(env, "edl-native: conv2dBackpropFilter(geometry, x, dy, dw)");
  edl_conv_geom g;
  std::string err;
  float *x, *dy, *dw;
  size_t nx, ndy, ndw;
  if (!get_geom(env, args[0], &g, &err) || !get_f32(env, args[1], &x, &nx, "x", &err) ||
      !get_f32(env, args[2], &dy, &ndy, "dy", &err) || !get_f32(env, args[3], &dw, &ndw, "dw", &err) ||
      !check_len(nx, (size_t)g.B * g.H * g.W * g.Cin, "x", &err) ||
      !check_len(ndy, (size_t)g.B * g.OH * g.OW * g.Cout, "dy", &err) ||
      !check_len(ndw, (size_t)g.KH * g.KW * g.Cin * g.Cout, "dw", &err))
    return throw_error(env, err);
  const int parts = pool()->size();
  if (g_vw == 16) edl_conv2d_backprop_filter_16(&g, x, dy, dw, parts, parallel_for);
  else if (g_vw == 8) edl_conv2d_backprop_filter_8(&g, x, dy, dw, parts, parallel_for);
  else edl_conv2d_backprop_filter_4(&g, x, dy, dw, parts, parallel_for);
  return nullptr;
}

bool get_i32(napi_env env, napi_value v, int** data, size_t* len, const char* name, std::string* err) {
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  napi_typedarray_type type;
  void* ptr = nullptr;
  if (is_ta) napi_get_typedarray_info(env, v, &type, len, &ptr, nullptr, nullptr);
  if (!is_ta || type != napi_int32_array) {
    *err = std::string("edl-native: argument '") + name + "' must be an Int32Array";
    return false;
  }
  *data = static_cast<int*>(ptr);
  return true;
}

// tile(x, shape, reps, out): x and out are Float32Array or Int32Array (4-byte elements).
napi_value Tile(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  std::string err;
  int *shape, *reps;
  size_t rank, nreps;
  if (argc < 4) return throw_error(env, "edl-native: tile(x, shape, reps, out)");
  if (!get_i32(env, args[1], &shape, &rank, "shape", &err) || !get_i32(env, args[2], &reps, &nreps, "reps", &err))
    return throw_error(env, err);
  if (rank != nreps || rank > 16) return throw_error(env, "edl-native: tile needs shape and reps of one rank <= 16");
  size_t in = 1, out = 1;
  for (size_t d = 0; d < rank; d++) {
    if (shape[d] < 0 || reps[d] < 0) return throw_error(env, "edl-native: tile shape and reps must be >= 0");
    in *= shape[d];
    out *= (size_t)shape[d] * reps[d];
  }
  void* ptrs[2];
  size_t lens[2];
  for (int i = 0; i < 2; i++) {
    bool is_ta = false;
    napi_typedarray_type type;
    napi_is_typedarray(env, args[i == 0 ? 0 : 3], &is_ta);
    if (is_ta) napi_get_typedarray_info(env, args[i == 0 ? 0 : 3], &type, &lens[i], &ptrs[i], nullptr, nullptr);
    if (!is_ta || (type != napi_float32_array && type != napi_int32_array))
      return throw_error(env, std::string("edl-native: argument '") + (i == 0 ? "x" : "out") +
                                  "' must be a Float32Array or Int32Array");
  }
  if (!check_len(lens[0], in, "x", &err) || !check_len(lens[1], out, "out", &err)) return throw_error(env, err);
  if (out > 0) edl_tile(ptrs[0], shape, reps, (int)rank, 4, ptrs[1]);
  return nullptr;
}

// reduceLeading(x, outer, inner, scale, out): out[j] = scale * sum_i x[i * inner + j].
napi_value ReduceLeading(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value args[5];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc < 5) return throw_error(env, "edl-native: reduceLeading(x, outer, inner, scale, out)");
  std::string err;
  float *x, *out;
  size_t nx, nout;
  double outer = 0, inner = 0, scale = 1;
  if (!get_f32(env, args[0], &x, &nx, "x", &err) || !get_f32(env, args[4], &out, &nout, "out", &err))
    return throw_error(env, err);
  napi_get_value_double(env, args[1], &outer);
  napi_get_value_double(env, args[2], &inner);
  napi_get_value_double(env, args[3], &scale);
  if (outer < 1 || inner < 1) return throw_error(env, "edl-native: reduceLeading needs outer >= 1 and inner >= 1");
  if (!check_len(nx, (size_t)outer * (size_t)inner, "x", &err) || !check_len(nout, (size_t)inner, "out", &err))
    return throw_error(env, err);
  edl_reduce_leading(x, (size_t)outer, (size_t)inner, (float)scale, out, pool()->size(), parallel_for);
  return nullptr;
}

// A Float32Array argument of exactly n elements, or null when `nullable`.
bool get_f32_n(napi_env env, napi_value v, size_t n, const char* name, bool nullable, float** out, std::string* err) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (nullable && (t == napi_null || t == napi_undefined)) {
    *out = nullptr;
    return true;
  }
  size_t len = 0;
  if (!get_f32(env, v, out, &len, name, err)) return false;
  if (len != n) {
    *err = std::string("edl-native: argument '") + name + "' has " + std::to_string(len) + " elements, expected " +
           std::to_string(n);
    return false;
  }
  return true;
}

double num(napi_env env, napi_value v) {
  double d = 0;
  napi_get_value_double(env, v, &d);
  return d;
}

// elasticResidual(x, u, beta, eps, g)
napi_value ElasticResidual(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value a[5];
  napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
  if (argc < 5) return throw_error(env, "edl-native: elasticResidual(x, u, beta, eps, g)");
  std::string err;
  float *x, *u, *g;
  size_t n;
  if (!get_f32(env, a[0], &x, &n, "x", &err) || !get_f32_n(env, a[1], n, "u", false, &u, &err) ||
      !get_f32_n(env, a[4], n, "g", false, &g, &err))
    return throw_error(env, err);
  edl_elastic_residual(x, u, n, (float)num(env, a[2]), (float)num(env, a[3]), g, pool()->size(), parallel_for);
  return nullptr;
}

// elasticResidualGrad(x, u, dg, beta, eps, detach, dx, du) -> d beta
napi_value ElasticResidualGrad(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value a[8];
  napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
  if (argc < 8) return throw_error(env, "edl-native: elasticResidualGrad(x, u, dg, beta, eps, detach, dx, du)");
  std::string err;
  float *x, *u, *dg, *dx, *du;
  size_t n;
  if (!get_f32(env, a[0], &x, &n, "x", &err) || !get_f32_n(env, a[1], n, "u", false, &u, &err) ||
      !get_f32_n(env, a[2], n, "dg", false, &dg, &err) || !get_f32_n(env, a[6], n, "dx", false, &dx, &err) ||
      !get_f32_n(env, a[7], n, "du", false, &du, &err))
    return throw_error(env, err);
  bool detach = false;
  napi_get_value_bool(env, a[5], &detach);
  const double db = edl_elastic_residual_grad(x, u, dg, n, (float)num(env, a[3]), (float)num(env, a[4]), detach, dx,
                                              du, pool()->size(), parallel_for);
  napi_value out;
  napi_create_double(env, db, &out);
  return out;
}

// shrinkStep(z | null, v, t, thr, nonNegative, out)
napi_value ShrinkStep(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value a[6];
  napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
  if (argc < 6) return throw_error(env, "edl-native: shrinkStep(z, v, t, thr, nonNegative, out)");
  std::string err;
  float *z, *v, *out;
  size_t n;
  if (!get_f32(env, a[1], &v, &n, "v", &err) || !get_f32_n(env, a[0], n, "z", true, &z, &err) ||
      !get_f32_n(env, a[5], n, "out", false, &out, &err))
    return throw_error(env, err);
  bool nonneg = true;
  napi_get_value_bool(env, a[4], &nonneg);
  edl_shrink_step(z, v, n, (float)num(env, a[2]), (float)num(env, a[3]), nonneg, out, pool()->size(), parallel_for);
  return nullptr;
}

// shrinkStepGrad(z | null, v, dy, t, thr, nonNegative, dz | null, dv) -> [d t, d thr]
napi_value ShrinkStepGrad(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value a[8];
  napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
  if (argc < 8) return throw_error(env, "edl-native: shrinkStepGrad(z, v, dy, t, thr, nonNegative, dz, dv)");
  std::string err;
  float *z, *v, *dy, *dz, *dv;
  size_t n;
  if (!get_f32(env, a[1], &v, &n, "v", &err) || !get_f32_n(env, a[0], n, "z", true, &z, &err) ||
      !get_f32_n(env, a[2], n, "dy", false, &dy, &err) || !get_f32_n(env, a[6], n, "dz", true, &dz, &err) ||
      !get_f32_n(env, a[7], n, "dv", false, &dv, &err))
    return throw_error(env, err);
  bool nonneg = true;
  napi_get_value_bool(env, a[5], &nonneg);
  double dt = 0, dthr = 0;
  edl_shrink_step_grad(z, v, dy, n, (float)num(env, a[3]), (float)num(env, a[4]), nonneg, dz, dv, &dt, &dthr,
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
  size_t argc = 4;
  napi_value a[4];
  napi_get_cb_info(env, info, &argc, a, nullptr, nullptr);
  if (argc < 4) return throw_error(env, "edl-native: binary(op, a, b, out)");
  int op = -1;
  napi_get_value_int32(env, a[0], &op);
  if (op < 0 || op > 2) return throw_error(env, "edl-native: binary op must be 0 (add), 1 (sub) or 2 (mul)");
  std::string err;
  float *x, *y, *out;
  size_t nx, ny, n;
  if (!get_f32(env, a[1], &x, &nx, "a", &err) || !get_f32(env, a[2], &y, &ny, "b", &err) ||
      !get_f32(env, a[3], &out, &n, "out", &err))
    return throw_error(env, err);
  if (nx == 0 || ny == 0 || n % nx != 0 || n % ny != 0 || (nx != n && ny != n))
    return throw_error(env, "edl-native: binary needs one operand of out's size and the other dividing it");
  edl_binary(op, x, nx, y, ny, out, n, parallel_for);
  return nullptr;
}

// setThreads(n): resizes the worker pool; returns the thread count now in use.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  int n = 0;
  if (argc < 1 || napi_get_value_int32(env, arg, &n) != napi_ok || n < 1 || n > 256)
    return throw_error(env, "edl-native: setThreads(n) needs an integer n in [1, 256]");
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
      {"binary", nullptr, Binary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
