// Node-API entry points of the @edl/ops native convolution kernels: argument checks, a small worker pool and the
// choice of the widest instruction set this CPU supports.
#include <node_api.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "conv-kernels.h"

namespace {

// ------------------------------------------------------------------ worker pool
class Pool {
 public:
  void resize(int n) {
    stop();
    threads_ = n < 1 ? 1 : n;
    quit_ = false;
    for (int i = 1; i < threads_; i++) workers_.emplace_back([this, i] { loop(i); });
  }
  int size() const { return threads_; }
  ~Pool() { stop(); }

  void run(int n, void* ctx, void (*fn)(void*, int, int)) {
    if (n <= 0) return;
    const int parts = n < threads_ ? n : threads_;
    if (parts == 1) {
      fn(ctx, 0, n);
      return;
    }
    {
      std::lock_guard<std::mutex> lk(m_);
      n_ = n;
      ctx_ = ctx;
      fn_ = fn;
      parts_ = parts;
      pending_ = parts - 1;
      generation_++;
    }
    cv_.notify_all();
    fn(ctx, 0, (int)((long)n / parts));
    std::unique_lock<std::mutex> lk(m_);
    done_.wait(lk, [this] { return pending_ == 0; });
  }

 private:
  void loop(int id) {
    unsigned long seen = 0;
    for (;;) {
      int n, parts;
      void* ctx;
      void (*fn)(void*, int, int);
      {
        std::unique_lock<std::mutex> lk(m_);
        cv_.wait(lk, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_;
        n = n_, parts = parts_, ctx = ctx_, fn = fn_;
      }
      if (id < parts) {
        fn(ctx, (int)((long)n * id / parts), (int)((long)n * (id + 1) / parts));
        std::lock_guard<std::mutex> lk(m_);
        if (--pending_ == 0) done_.notify_one();
      }
    }
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lk(m_);
      quit_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex m_;
  std::condition_variable cv_, done_;
  unsigned long generation_ = 0;
  bool quit_ = false;
  int threads_ = 1, n_ = 0, parts_ = 0, pending_ = 0;
  void* ctx_ = nullptr;
  void (*fn_)(void*, int, int) = nullptr;
};

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
int vector_width() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
#ifdef EDL_HAVE_VW16
  if (__builtin_cpu_supports("avx512f")) return 16;
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
  if (g_vw == 16) edl_conv2d_forward_16(&g, x, w, y, bias, act, (float)alpha, parallel_for);
  else if (g_vw == 8) edl_conv2d_forward_8(&g, x, w, y, bias, act, (float)alpha, parallel_for);
  else edl_conv2d_forward_4(&g, x, w, y, bias, act, (float)alpha, parallel_for);
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
  if (g_vw == 16) edl_conv2d_backprop_input_16(&g, dy, w, dx, parallel_for);
  else if (g_vw == 8) edl_conv2d_backprop_input_8(&g, dy, w, dx, parallel_for);
  else edl_conv2d_backprop_input_4(&g, dy, w, dx, parallel_for);
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

// setThreads(n): resizes the worker pool; returns the thread count now in use.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  int n = 0;
  if (argc < 1 || napi_get_value_int32(env, arg, &n) != napi_ok || n < 1 || n > 256)
    return throw_error(env, "edl-native: setThreads(n) needs an integer n in [1, 256]");
  pool()->resize(n);
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
                                      float, edl_parallel_for) {}
extern "C" void edl_conv2d_backprop_input_16(const edl_conv_geom*, const float*, const float*, float*,
                                             edl_parallel_for) {}
extern "C" void edl_conv2d_backprop_filter_16(const edl_conv_geom*, const float*, const float*, float*, int,
                                              edl_parallel_for) {}
#endif
#ifndef EDL_HAVE_VW8
extern "C" void edl_conv2d_forward_8(const edl_conv_geom*, const float*, const float*, float*, const float*, int,
                                     float, edl_parallel_for) {}
extern "C" void edl_conv2d_backprop_input_8(const edl_conv_geom*, const float*, const float*, float*,
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
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
