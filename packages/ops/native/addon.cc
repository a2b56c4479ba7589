// Node-API entry points of the @edl/ops native kernels: argument checks (napi-args.h), one worker pool per Node-API
// instance (worker-pool.h; the main thread and every worker_threads Worker that loads the addon get their own,
// joined when that instance is torn down) and the kernel table of the widest instruction set this CPU supports,
// chosen once per process. A kernel's status (edl-abi.h) other than EDL_OK becomes a thrown Error.
#include <node_api.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "conv-algorithm.h"
#include "conv-kernels.h"
#include "edl-abi.h"
#include "edl-alloc.h"
#include "napi-args.h"
#include "rista-kernels.h"
#include "tensor-kernels.h"
#include "worker-pool.h"

namespace {

// ------------------------------------------------------------------ instruction set
struct KernelTable {
  int vector_width;
  const char* isa;
  edl_status (*forward)(const edl_conv_geom*, const float*, const float*, float*, const float*, int, float,
                        const edl_parallel*);
  edl_status (*backprop_input)(const edl_conv_geom*, const float*, const float*, float*, const edl_parallel*);
  edl_status (*backprop_filter)(const edl_conv_geom*, const float*, const float*, float*, const edl_parallel*);
};

#ifdef EDL_HAVE_VW8
/** The 8-wide kernels: the widest on an AVX2 machine, and the narrow ones on an AVX-512 machine (narrow_kernels). */
const KernelTable kAvx2Fma{8, "avx2-fma", edl_conv2d_forward_8, edl_conv2d_backprop_input_8,
                           edl_conv2d_backprop_filter_8};
#endif

// The widest vector width this CPU and this build support; EDL_NATIVE_ISA=avx2 | baseline caps it (to test the
// narrower code paths on a wider machine).
KernelTable choose_kernels() {
  const char* cap = getenv("EDL_NATIVE_ISA");
  const KernelTable baseline{4, "baseline-simd128", edl_conv2d_forward_4, edl_conv2d_backprop_input_4,
                             edl_conv2d_backprop_filter_4};
  if (cap && strcmp(cap, "baseline") == 0) return baseline;
#if defined(__x86_64__) || defined(__i386__)
  const bool allow16 = !(cap && strcmp(cap, "avx2") == 0);
  __builtin_cpu_init();
#ifdef EDL_HAVE_VW16
  if (allow16 && __builtin_cpu_supports("avx512f"))
    return KernelTable{16, "avx512", edl_conv2d_forward_16, edl_conv2d_backprop_input_16,
                       edl_conv2d_backprop_filter_16};
#else
  (void)allow16;
#endif
#ifdef EDL_HAVE_VW8
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return kAvx2Fma;
#endif
#endif
  return baseline;
}

/** Chosen once per process, at the first load (thread-safe static initialisation). */
const KernelTable& kernels() {
  static const KernelTable table = choose_kernels();
  return table;
}

// The 8-wide (AVX2+FMA) kernels, on a machine whose widest are the 16-wide ones: a convolution whose output
// channels (the vector dimension) number at most 8 fills one 8-wide vector and only half of a 16-wide one, so it
// runs on these (1.3-1.5x faster on Zen 4 for 8 channels at 28x28, the first stage of the MNIST ResNets; every
// AVX-512 CPU has AVX2 and FMA). Null elsewhere.
const KernelTable* narrow_kernels() {
#if defined(EDL_HAVE_VW16) && defined(EDL_HAVE_VW8)
  return kernels().vector_width == 16 ? &kAvx2Fma : nullptr;
#else
  return nullptr;
#endif
}

/** The kernels for a convolution whose vector dimension (output channels of the GEMM) is `columns`. */
const KernelTable& kernels_for(int columns) {
  const KernelTable* narrow = narrow_kernels();
  return narrow && columns <= 8 ? *narrow : kernels();
}

// ------------------------------------------------------------------ per-instance state
struct Instance {
  Pool pool;
  bool started = false;
};

void finalize_instance(napi_env, void* data, void*) { delete static_cast<Instance*>(data); }

/** The pool of the calling instance, started (min(hardware threads, EDL_MAX_THREADS)) on first use. */
Pool& pool(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  Instance* inst = static_cast<Instance*>(data);
  if (!inst->started) {
    const unsigned hc = std::thread::hardware_concurrency();
    inst->pool.resize(hc == 0 ? 1 : hc > EDL_MAX_THREADS ? EDL_MAX_THREADS : (int)hc);
    inst->started = true;
  }
  return inst->pool;
}

/** Throws the Error a kernel status stands for (`fn` names the binding); returns nullptr for the binding. */
napi_value status_result(napi_env env, edl_status st, const char* fn, napi_value value = nullptr) {
  if (st == EDL_OK) return value;
  const std::string prefix = std::string("edl-native: ") + fn + ": ";
  if (st == EDL_ERR_OUT_OF_MEMORY)
    napi_throw_error(env, "EDL_OUT_OF_MEMORY", (prefix + "out of memory (a scratch buffer could not be allocated)").c_str());
  else if (st == EDL_ERR_INVALID_ARGUMENT)
    napi_throw_error(env, "EDL_INVALID_ARGUMENT", (prefix + "the kernel rejected its arguments").c_str());
  else
    napi_throw_error(env, "EDL_INTERNAL", (prefix + "unknown kernel status " + std::to_string((int)st)).c_str());
  return nullptr;
}

napi_value make_double(napi_env env, double d) {
  napi_value v = nullptr;
  napi_create_double(env, d, &v);
  return v;
}

// ------------------------------------------------------------------ bindings
size_t input_size(const edl_conv_geom& g) { return (size_t)g.B * g.H * g.W * g.Cin; }
size_t output_size(const edl_conv_geom& g) { return (size_t)g.B * g.OH * g.OW * g.Cout; }
size_t filter_size(const edl_conv_geom& g) { return (size_t)g.KH * g.KW * g.Cin * g.Cout; }
const char* kGeometryNeeds = "what the geometry says";

// conv2dForward(geometry, x, filter, y, bias | null, activation, alpha)
napi_value Forward(napi_env env, napi_callback_info info) {
  const char* fn = "conv2dForward(geometry, x, filter, y, bias?, activation?, alpha?)";
  Args a(env, info, 4, 7, fn);
  const edl_conv_geom g = a.geometry(0);
  const float* x = a.f32_exactly(1, "x", input_size(g), false, kGeometryNeeds);
  const float* w = a.f32_exactly(2, "filter", filter_size(g), false, kGeometryNeeds);
  float* y = a.f32_exactly(3, "y", output_size(g), false, kGeometryNeeds);
  const float* bias = a.f32_exactly(4, "bias", (size_t)g.Cout, true, "Cout");
  const int act = a.present(5) ? (int)a.integer(5, "activation", EDL_ACT_LINEAR, EDL_ACT_LEAKYRELU) : EDL_ACT_LINEAR;
  const float alpha = (float)a.finite(6, "alpha", 0.2);
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  return status_result(env, kernels_for(g.Cout).forward(&g, x, w, y, bias, act, alpha, &par), "conv2dForward");
}

// conv2dBackpropInput(geometry, dy, filter, dx)
napi_value BackpropInput(napi_env env, napi_callback_info info) {
  Args a(env, info, 4, 4, "conv2dBackpropInput(geometry, dy, filter, dx)");
  const edl_conv_geom g = a.geometry(0);
  const float* dy = a.f32_exactly(1, "dy", output_size(g), false, kGeometryNeeds);
  const float* w = a.f32_exactly(2, "filter", filter_size(g), false, kGeometryNeeds);
  float* dx = a.f32_exactly(3, "dx", input_size(g), false, kGeometryNeeds);
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  return status_result(env, kernels_for(g.Cin).backprop_input(&g, dy, w, dx, &par), "conv2dBackpropInput");
}

// conv2dBackpropFilter(geometry, x, dy, dw)
napi_value BackpropFilter(napi_env env, napi_callback_info info) {
  Args a(env, info, 4, 4, "conv2dBackpropFilter(geometry, x, dy, dw)");
  const edl_conv_geom g = a.geometry(0);
  const float* x = a.f32_exactly(1, "x", input_size(g), false, kGeometryNeeds);
  const float* dy = a.f32_exactly(2, "dy", output_size(g), false, kGeometryNeeds);
  float* dw = a.f32_exactly(3, "dw", filter_size(g), false, kGeometryNeeds);
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  return status_result(env, kernels_for(g.Cout).backprop_filter(&g, x, dy, dw, &par), "conv2dBackpropFilter");
}

// tile(x, shape, reps, out): x and out both Float32Array or both Int32Array (4-byte elements).
napi_value Tile(napi_env env, napi_callback_info info) {
  Args a(env, info, 4, 4, "tile(x, shape, reps, out)");
  size_t rank = 0, nreps = 0, nx = 0, nout = 0;
  const char* what = "a Float32Array or Int32Array";
  const void* x = a.typed(0, "x", napi_float32_array, napi_int32_array, what, &nx);
  const napi_typedarray_type xtype = a.last_type;
  const int* shape = a.i32(1, "shape", &rank);
  const int* reps = a.i32(2, "reps", &nreps);
  void* out = a.typed(3, "out", napi_float32_array, napi_int32_array, what, &nout);
  if (a.ok() && a.last_type != xtype) a.reject("out", "must have the element type of 'x'");
  if (a.ok() && rank > EDL_TILE_MAX_RANK)
    a.reject("shape", "has rank " + std::to_string(rank) + ", at most " + std::to_string(EDL_TILE_MAX_RANK) + " is supported");
  if (a.ok() && nreps != rank)
    a.reject("reps", "has " + std::to_string(nreps) + " values, shape has rank " + std::to_string(rank));
  size_t in = 1, total = 1;
  for (size_t d = 0; a.ok() && d < rank; d++) {
    if (shape[d] < 0) a.reject("shape", "must hold sizes >= 0, got " + std::to_string(shape[d]));
    else if (reps[d] < 0) a.reject("reps", "must hold repetitions >= 0, got " + std::to_string(reps[d]));
    else if (__builtin_mul_overflow(in, (size_t)shape[d], &in) ||
             __builtin_mul_overflow(total, (size_t)shape[d], &total) ||
             __builtin_mul_overflow(total, (size_t)reps[d], &total) || total > (size_t)kMaxSafeInteger)
      a.reject("reps", "make an output too large to address");
  }
  if (a.ok() && nx != in) a.reject("x", "has " + std::to_string(nx) + " elements, shape says " + std::to_string(in));
  if (a.ok() && nout != total)
    a.reject("out", "has " + std::to_string(nout) + " elements, shape x reps says " + std::to_string(total));
  if (!a.ok()) return a.fail();
  if (total == 0) return nullptr;
  return status_result(env, edl_tile(x, shape, reps, (int)rank, 4, out), "tile");
}

// reduceLeading(x, outer, inner, scale, out): out[j] = scale * sum_i x[i * inner + j].
napi_value ReduceLeading(napi_env env, napi_callback_info info) {
  Args a(env, info, 5, 5, "reduceLeading(x, outer, inner, scale, out)");
  size_t nx = 0;
  const float* x = a.f32(0, "x", &nx);
  const int64_t outer = a.integer(1, "outer", 1, kMaxSafeInteger);
  const int64_t inner = a.integer(2, "inner", 1, kMaxSafeInteger);
  const float scale = (float)a.finite(3, "scale", 1);
  size_t size = 0;
  if (a.ok() && (__builtin_mul_overflow((size_t)outer, (size_t)inner, &size) || size != nx))
    a.reject("x", "has " + std::to_string(nx) + " elements, outer x inner = " + std::to_string(outer) + " x " +
                      std::to_string(inner));
  float* out = a.f32_exactly(4, "out", (size_t)inner, false, "inner");
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  return status_result(env, edl_reduce_leading(x, (size_t)outer, (size_t)inner, scale, out, &par), "reduceLeading");
}

constexpr double kMaxDouble = 1.7976931348623157e308;
constexpr double kMinPositive = 4.9406564584124654e-324;

// elasticResidual(x, u, beta, eps, g)
napi_value ElasticResidual(napi_env env, napi_callback_info info) {
  Args a(env, info, 5, 5, "elasticResidual(x, u, beta, eps, g)");
  size_t n = 0;
  const float* x = a.f32(0, "x", &n);
  const float* u = a.f32_exactly(1, "u", n, false, "as many as 'x'");
  const double beta = a.real(2, "beta");
  const double eps = a.number_in(3, "eps", kMinPositive, kMaxDouble, "a finite number > 0");
  float* g = a.f32_exactly(4, "g", n, false, "as many as 'x'");
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  return status_result(env, edl_elastic_residual(x, u, n, (float)beta, (float)eps, g, &par), "elasticResidual");
}

// elasticResidualGrad(x, u, dg, beta, eps, detach, dx, du) -> d beta
napi_value ElasticResidualGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, 8, 8, "elasticResidualGrad(x, u, dg, beta, eps, detach, dx, du)");
  size_t n = 0;
  const float* x = a.f32(0, "x", &n);
  const float* u = a.f32_exactly(1, "u", n, false, "as many as 'x'");
  const float* dg = a.f32_exactly(2, "dg", n, false, "as many as 'x'");
  const double beta = a.real(3, "beta");
  const double eps = a.number_in(4, "eps", kMinPositive, kMaxDouble, "a finite number > 0");
  const bool detach = a.boolean(5, "detach");
  float* dx = a.f32_exactly(6, "dx", n, false, "as many as 'x'");
  float* du = a.f32_exactly(7, "du", n, false, "as many as 'x'");
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  double db = 0;
  const edl_status st = edl_elastic_residual_grad(x, u, dg, n, (float)beta, (float)eps, detach, dx, du, &db, &par);
  return status_result(env, st, "elasticResidualGrad", make_double(env, db));
}

// shrinkStep(z | null, v, t, thr, nonNegative, out)
napi_value ShrinkStep(napi_env env, napi_callback_info info) {
  Args a(env, info, 6, 6, "shrinkStep(z, v, t, thr, nonNegative, out)");
  size_t n = 0;
  const float* v = a.f32(1, "v", &n);
  const float* z = a.f32_exactly(0, "z", n, true, "as many as 'v'");
  const double t = a.real(2, "t");
  const double thr = a.real(3, "thr");
  const bool nonneg = a.boolean(4, "nonNegative");
  float* out = a.f32_exactly(5, "out", n, false, "as many as 'v'");
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  return status_result(env, edl_shrink_step(z, v, n, (float)t, (float)thr, nonneg, out, &par), "shrinkStep");
}

// shrinkStepGrad(z | null, v, dy, t, thr, nonNegative, dz | null, dv) -> [d t, d thr]
napi_value ShrinkStepGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, 8, 8, "shrinkStepGrad(z, v, dy, t, thr, nonNegative, dz, dv)");
  size_t n = 0;
  const float* v = a.f32(1, "v", &n);
  const float* z = a.f32_exactly(0, "z", n, true, "as many as 'v'");
  const float* dy = a.f32_exactly(2, "dy", n, false, "as many as 'v'");
  const double t = a.real(3, "t");
  const double thr = a.real(4, "thr");
  const bool nonneg = a.boolean(5, "nonNegative");
  float* dz = a.f32_exactly(6, "dz", n, true, "as many as 'v'");
  float* dv = a.f32_exactly(7, "dv", n, false, "as many as 'v'");
  if (a.ok() && (z == nullptr) != (dz == nullptr)) a.reject("dz", "must be given exactly when 'z' is");
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  double dt = 0, dthr = 0;
  const edl_status st = edl_shrink_step_grad(z, v, dy, n, (float)t, (float)thr, nonneg, dz, dv, &dt, &dthr, &par);
  if (st != EDL_OK) return status_result(env, st, "shrinkStepGrad");
  napi_value arr;
  if (napi_create_array_with_length(env, 2, &arr) != napi_ok || napi_set_element(env, arr, 0, make_double(env, dt)) != napi_ok ||
      napi_set_element(env, arr, 1, make_double(env, dthr)) != napi_ok)
    return nullptr;  // an exception is pending
  return arr;
}

// binary(op, a, b, out): out = a op b (an edl_binary_op); a and b have out.length elements or repeat with a period
// that divides it (the caller checks that the broadcast is a trailing one).
napi_value Binary(napi_env env, napi_callback_info info) {
  Args a(env, info, 4, 4, "binary(op, a, b, out)");
  const int op = (int)a.integer(0, "op", EDL_BINARY_ADD, EDL_BINARY_MUL);
  size_t nx = 0, ny = 0, n = 0;
  const float* x = a.f32(1, "a", &nx);
  const float* y = a.f32(2, "b", &ny);
  float* out = a.f32(3, "out", &n);
  if (a.ok() && (nx == 0 || ny == 0 || n % nx != 0 || n % ny != 0 || (nx != n && ny != n)))
    a.reject("b", "has " + std::to_string(ny) + " elements and 'a' " + std::to_string(nx) + ": one must have out's " +
                      std::to_string(n) + " and the other a number dividing it");
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  return status_result(env, edl_binary(op, x, nx, y, ny, out, n, &par), "binary");
}

// batchNorm(x, channels, mean, variance, scale | null, offset | null, eps, out)
napi_value BatchNorm(napi_env env, napi_callback_info info) {
  Args a(env, info, 8, 8, "batchNorm(x, channels, mean, variance, scale, offset, eps, out)");
  size_t n = 0, nm = 0, nv = 0, ns = 0, no = 0;
  const float* x = a.f32(0, "x", &n);
  const int64_t c = a.integer(1, "channels", 1, n > 0 ? (double)n : 1);
  if (a.ok() && n % (size_t)c != 0)
    a.reject("channels", "must divide x's " + std::to_string(n) + " elements, got " + std::to_string(c));
  const float* mean = a.f32(2, "mean", &nm);
  const float* var = a.f32(3, "variance", &nv);
  const float* scale = a.ok() && a.present(4) ? a.f32(4, "scale", &ns) : nullptr;
  const float* offset = a.ok() && a.present(5) ? a.f32(5, "offset", &no) : nullptr;
  const double eps = a.number_in(6, "eps", 0, kMaxDouble, "a finite number >= 0");
  float* out = a.f32_exactly(7, "out", n, false, "as many as 'x'");
  const auto check = [&](const char* name, size_t k) {
    if (a.ok() && k != 1 && k != (size_t)c)
      a.reject(name, "has " + std::to_string(k) + " elements, expected 1 or channels = " + std::to_string(c));
  };
  check("mean", nm);
  check("variance", nv);
  if (scale) check("scale", ns);
  if (offset) check("offset", no);
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  return status_result(
      env, edl_batch_norm(x, n, (size_t)c, mean, nm, var, nv, scale, ns, offset, no, (float)eps, out, &par),
      "batchNorm");
}

// batchNormTrain(x, channels, scale | null, offset | null, eps, y, mean, variance)
napi_value BatchNormTrain(napi_env env, napi_callback_info info) {
  Args a(env, info, 8, 8, "batchNormTrain(x, channels, scale, offset, eps, y, mean, variance)");
  size_t n = 0;
  const float* x = a.f32(0, "x", &n);
  if (a.ok() && n == 0) a.reject("x", "must not be empty");
  const int64_t c = a.integer(1, "channels", 1, n > 0 ? (double)n : 1);
  if (a.ok() && n % (size_t)c != 0)
    a.reject("channels", "must divide x's " + std::to_string(n) + " elements, got " + std::to_string(c));
  const size_t C = a.ok() ? (size_t)c : 0;
  const float* scale = a.f32_exactly(2, "scale", C, true, "channels");
  const float* offset = a.f32_exactly(3, "offset", C, true, "channels");
  const double eps = a.number_in(4, "eps", 0, kMaxDouble, "a finite number >= 0");
  float* y = a.f32_exactly(5, "y", n, false, "as many as 'x'");
  float* mean = a.f32_exactly(6, "mean", C, false, "channels");
  float* var = a.f32_exactly(7, "variance", C, false, "channels");
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  return status_result(env, edl_batch_norm_train(x, n / C, C, scale, offset, (float)eps, y, mean, var, &par),
                       "batchNormTrain");
}

// batchNormTrainGrad(dy, x, channels, scale | null, mean, variance, eps, dmean | null, dvar | null, dx,
//                    dscale | null, doffset | null)
napi_value BatchNormTrainGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, 12, 12,
         "batchNormTrainGrad(dy, x, channels, scale, mean, variance, eps, dmean, dvar, dx, dscale, doffset)");
  size_t n = 0;
  const float* dy = a.f32(0, "dy", &n);
  if (a.ok() && n == 0) a.reject("dy", "must not be empty");
  const float* x = a.f32_exactly(1, "x", n, false, "as many as 'dy'");
  const int64_t c = a.integer(2, "channels", 1, n > 0 ? (double)n : 1);
  if (a.ok() && n % (size_t)c != 0)
    a.reject("channels", "must divide dy's " + std::to_string(n) + " elements, got " + std::to_string(c));
  const size_t C = a.ok() ? (size_t)c : 0;
  const float* scale = a.f32_exactly(3, "scale", C, true, "channels");
  const float* mean = a.f32_exactly(4, "mean", C, false, "channels");
  const float* var = a.f32_exactly(5, "variance", C, false, "channels");
  const double eps = a.number_in(6, "eps", 0, kMaxDouble, "a finite number >= 0");
  const float* dmean = a.f32_exactly(7, "dmean", C, true, "channels");
  const float* dvar = a.f32_exactly(8, "dvar", C, true, "channels");
  float* dx = a.f32_exactly(9, "dx", n, false, "as many as 'dy'");
  float* dscale = a.f32_exactly(10, "dscale", C, true, "channels");
  float* doffset = a.f32_exactly(11, "doffset", C, true, "channels");
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  return status_result(env,
                       edl_batch_norm_train_grad(dy, x, n / C, C, scale, mean, var, (float)eps, dmean, dvar, dx,
                                                 dscale, doffset, &par),
                       "batchNormTrainGrad");
}

// unary(op, x, lo, hi, out): an edl_unary_op, sign or clip to [lo, hi].
napi_value Unary(napi_env env, napi_callback_info info) {
  Args a(env, info, 5, 5, "unary(op, x, lo, hi, out)");
  const int op = (int)a.integer(0, "op", EDL_UNARY_SIGN, EDL_UNARY_STEP);
  size_t n = 0;
  const float* x = a.f32(1, "x", &n);
  const double lo = a.real(2, "lo");
  const double hi = a.real(3, "hi");
  if (a.ok() && (op == EDL_UNARY_CLIP || op == EDL_UNARY_STEP) && std::isnan(lo)) a.reject("lo", "must not be NaN");
  if (a.ok() && op == EDL_UNARY_CLIP && std::isnan(hi)) a.reject("hi", "must not be NaN");
  if (a.ok() && op == EDL_UNARY_CLIP && lo > hi)
    a.reject("hi", "must be >= lo, got lo = " + describe_number(lo) + ", hi = " + describe_number(hi));
  float* out = a.f32_exactly(4, "out", n, false, "as many as 'x'");
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  return status_result(env, edl_unary(op, x, n, (float)lo, (float)hi, out, &par), "unary");
}

// window(x, xShape, outShape, offsets, value, out): out[o] = x[o + offsets] inside x, else value (Slice and PadV2).
// x and out both Float32Array or both Int32Array.
napi_value Window(napi_env env, napi_callback_info info) {
  Args a(env, info, 6, 6, "window(x, xShape, outShape, offsets, value, out)");
  size_t nx = 0, rank = 0, orank = 0, noff = 0, nout = 0;
  const char* what = "a Float32Array or Int32Array";
  const void* x = a.typed(0, "x", napi_float32_array, napi_int32_array, what, &nx);
  const napi_typedarray_type xtype = a.last_type;
  const int* xshape = a.i32(1, "xShape", &rank);
  const int* oshape = a.i32(2, "outShape", &orank);
  const int* offsets = a.i32(3, "offsets", &noff);
  const double value = a.real(4, "value");
  void* out = a.typed(5, "out", napi_float32_array, napi_int32_array, what, &nout);
  if (a.ok() && a.last_type != xtype) a.reject("out", "must have the element type of 'x'");
  if (a.ok() && (rank < 1 || rank > EDL_TILE_MAX_RANK))
    a.reject("xShape", "has rank " + std::to_string(rank) + ", 1 to " + std::to_string(EDL_TILE_MAX_RANK) + " is supported");
  if (a.ok() && orank != rank) a.reject("outShape", "has rank " + std::to_string(orank) + ", xShape " + std::to_string(rank));
  if (a.ok() && noff != rank) a.reject("offsets", "has " + std::to_string(noff) + " values, xShape has rank " + std::to_string(rank));
  size_t in = 1, total = 1;
  for (size_t d = 0; a.ok() && d < rank; d++) {
    if (xshape[d] < 0) a.reject("xShape", "must hold sizes >= 0, got " + std::to_string(xshape[d]));
    else if (oshape[d] < 0) a.reject("outShape", "must hold sizes >= 0, got " + std::to_string(oshape[d]));
    else if (__builtin_mul_overflow(in, (size_t)xshape[d], &in) || __builtin_mul_overflow(total, (size_t)oshape[d], &total) ||
             total > (size_t)kMaxSafeInteger)
      a.reject("outShape", "makes an output too large to address");
  }
  if (a.ok() && nx != in) a.reject("x", "has " + std::to_string(nx) + " elements, xShape says " + std::to_string(in));
  if (a.ok() && nout != total) a.reject("out", "has " + std::to_string(nout) + " elements, outShape says " + std::to_string(total));
  if (a.ok() && xtype == napi_int32_array && (value != std::floor(value) || value < -2147483648.0 || value > 2147483647.0))
    a.reject("value", "must be an int32 for Int32Array data, got " + describe_number(value));
  if (!a.ok()) return a.fail();
  unsigned char bytes[8];
  if (xtype == napi_int32_array) {
    const int32_t v = (int32_t)value;
    memcpy(bytes, &v, 4);
  } else {
    const float v = (float)value;
    memcpy(bytes, &v, 4);
  }
  const edl_parallel par = pool(env).parallel();
  return status_result(env, edl_window(x, xshape, oshape, offsets, (int)rank, 4, bytes, out, &par), "window");
}

// reluGrad(dy, x, dx): dx = dy * step(x).
napi_value ReluGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, 3, 3, "reluGrad(dy, x, dx)");
  size_t n = 0;
  const float* dy = a.f32(0, "dy", &n);
  const float* x = a.f32_exactly(1, "x", n, false, "as many as 'dy'");
  float* dx = a.f32_exactly(2, "dx", n, false, "as many as 'dy'");
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  return status_result(env, edl_relu_grad(dy, x, n, dx, &par), "reluGrad");
}

// sgdStep(p, g, buf, lr, momentum, weightDecay, nesterov, pOut, bufOut)
napi_value SgdStep(napi_env env, napi_callback_info info) {
  Args a(env, info, 9, 9, "sgdStep(p, g, buf, lr, momentum, weightDecay, nesterov, pOut, bufOut)");
  size_t n = 0;
  const float* p = a.f32(0, "p", &n);
  const float* g = a.f32_exactly(1, "g", n, false, "as many as 'p'");
  const float* buf = a.f32_exactly(2, "buf", n, false, "as many as 'p'");
  const double lr = a.real(3, "lr");
  const double momentum = a.real(4, "momentum");
  const double wd = a.real(5, "weightDecay");
  const bool nesterov = a.boolean(6, "nesterov");
  float* p_out = a.f32_exactly(7, "pOut", n, false, "as many as 'p'");
  float* buf_out = a.f32_exactly(8, "bufOut", n, false, "as many as 'p'");
  if (!a.ok()) return a.fail();
  const edl_parallel par = pool(env).parallel();
  return status_result(env, edl_sgd_step(p, g, buf, n, (float)lr, (float)momentum, (float)wd, nesterov, p_out, buf_out, &par), "sgdStep");
}

// setThreads(n): resizes this instance's worker pool; returns the thread count now in use.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a(env, info, 1, 1, "setThreads(n)");
  const int n = (int)a.integer(0, "n", 1, EDL_MAX_THREADS);
  if (!a.ok()) return a.fail();
  Pool& p = pool(env);
  if (n != p.size()) p.resize(n);
  napi_value out;
  napi_create_int32(env, p.size(), &out);
  return out;
}

// debugFailAllocations(n): test hook, see edl-alloc.h (n < 0: off).
napi_value DebugFailAllocations(napi_env env, napi_callback_info info) {
  Args a(env, info, 1, 1, "debugFailAllocations(n)");
  const int64_t n = a.integer(0, "n", -1, kMaxSafeInteger);
  if (!a.ok()) return a.fail();
  edl_debug_fail_allocations(n);
  return nullptr;
}

void set(napi_env env, napi_value obj, const char* name, napi_value v) { napi_set_named_property(env, obj, name, v); }
napi_value int_value(napi_env env, int v) {
  napi_value out = nullptr;
  napi_create_int32(env, v, &out);
  return out;
}
napi_value object_of(napi_env env, std::initializer_list<std::pair<const char*, int>> fields) {
  napi_value obj;
  napi_create_object(env, &obj);
  for (const auto& f : fields) set(env, obj, f.first, int_value(env, f.second));
  return obj;
}

// EDL_NATIVE_CONV_ALGORITHM = auto (default) | direct | winograd: the conv algorithm rule (conv-algorithm.h).
const char* const kConvAlgorithms[] = {"auto", "direct", "winograd"};

// info(): { isa, vectorWidth, threads, convAlgorithm }
napi_value Info(napi_env env, napi_callback_info) {
  napi_value obj, isa, algo;
  napi_create_object(env, &obj);
  napi_create_string_utf8(env, kernels().isa, NAPI_AUTO_LENGTH, &isa);
  set(env, obj, "isa", isa);
  napi_create_string_utf8(env, kConvAlgorithms[edl_get_conv_algorithm()], NAPI_AUTO_LENGTH, &algo);
  set(env, obj, "convAlgorithm", algo);
  set(env, obj, "vectorWidth", int_value(env, kernels().vector_width));
  set(env, obj, "threads", int_value(env, pool(env).size()));
  return obj;
}

// abi(): the values of edl-abi.h (checked against src/kernels/native/native-abi.ts by the loader and the tests).
napi_value Abi(napi_env env, napi_callback_info) {
  napi_value obj;
  napi_create_object(env, &obj);
  set(env, obj, "version", int_value(env, EDL_ABI_VERSION));
  set(env, obj, "maxThreads", int_value(env, EDL_MAX_THREADS));
  set(env, obj, "tileMaxRank", int_value(env, EDL_TILE_MAX_RANK));
  set(env, obj, "geometryLength", int_value(env, EDL_GEOMETRY_LENGTH));
  set(env, obj, "status",
      object_of(env, {{"ok", EDL_OK}, {"outOfMemory", EDL_ERR_OUT_OF_MEMORY}, {"invalidArgument", EDL_ERR_INVALID_ARGUMENT}}));
  set(env, obj, "activation",
      object_of(env, {{"linear", EDL_ACT_LINEAR}, {"relu", EDL_ACT_RELU}, {"relu6", EDL_ACT_RELU6},
                      {"leakyrelu", EDL_ACT_LEAKYRELU}}));
  set(env, obj, "binary", object_of(env, {{"add", EDL_BINARY_ADD}, {"sub", EDL_BINARY_SUB}, {"mul", EDL_BINARY_MUL}}));
  set(env, obj, "unary", object_of(env, {{"sign", EDL_UNARY_SIGN}, {"clip", EDL_UNARY_CLIP}, {"relu", EDL_UNARY_RELU}, {"step", EDL_UNARY_STEP}}));
  return obj;
}

}  // namespace

// Builds without a given width still link: the kernel table never points at them.
#ifndef EDL_HAVE_VW16
extern "C" edl_status edl_conv2d_forward_16(const edl_conv_geom*, const float*, const float*, float*, const float*,
                                            int, float, const edl_parallel*) {
  return EDL_ERR_INVALID_ARGUMENT;
}
extern "C" edl_status edl_conv2d_backprop_input_16(const edl_conv_geom*, const float*, const float*, float*,
                                                   const edl_parallel*) {
  return EDL_ERR_INVALID_ARGUMENT;
}
extern "C" edl_status edl_conv2d_backprop_filter_16(const edl_conv_geom*, const float*, const float*, float*,
                                                    const edl_parallel*) {
  return EDL_ERR_INVALID_ARGUMENT;
}
#endif
#ifndef EDL_HAVE_VW8
extern "C" edl_status edl_conv2d_forward_8(const edl_conv_geom*, const float*, const float*, float*, const float*,
                                           int, float, const edl_parallel*) {
  return EDL_ERR_INVALID_ARGUMENT;
}
extern "C" edl_status edl_conv2d_backprop_input_8(const edl_conv_geom*, const float*, const float*, float*,
                                                  const edl_parallel*) {
  return EDL_ERR_INVALID_ARGUMENT;
}
extern "C" edl_status edl_conv2d_backprop_filter_8(const edl_conv_geom*, const float*, const float*, float*,
                                                   const edl_parallel*) {
  return EDL_ERR_INVALID_ARGUMENT;
}
#endif

NAPI_MODULE_INIT() {
  kernels();  // choose the instruction set now, once per process
  if (const char* algo = getenv("EDL_NATIVE_CONV_ALGORITHM")) {
    int found = -1;
    for (int i = 0; i < 3; i++)
      if (strcmp(algo, kConvAlgorithms[i]) == 0) found = i;
    if (found < 0) {
      napi_throw_error(env, "EDL_INVALID_ARGUMENT",
                       (std::string("edl-native: EDL_NATIVE_CONV_ALGORITHM must be auto, direct or winograd, got '") +
                        algo + "'")
                           .c_str());
      return nullptr;
    }
    edl_set_conv_algorithm((edl_conv_algorithm)found);
  }
  Instance* inst = new Instance();
  if (napi_set_instance_data(env, inst, finalize_instance, nullptr) != napi_ok) {
    delete inst;
    napi_throw_error(env, "EDL_INTERNAL", "edl-native: could not attach the addon's per-instance state");
    return nullptr;
  }
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
      {"batchNormTrain", nullptr, BatchNormTrain, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormTrainGrad", nullptr, BatchNormTrainGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unary", nullptr, Unary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, Binary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"window", nullptr, Window, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reluGrad", nullptr, ReluGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sgdStep", nullptr, SgdStep, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"debugFailAllocations", nullptr, DebugFailAllocations, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"abi", nullptr, Abi, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return nullptr;
  return exports;
}
