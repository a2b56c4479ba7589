// Reads the arguments of a Node-API call for the @edl/ops addon. The first problem found is kept in `error`
// (a message naming the argument) and every later read is skipped, so a binding reads all it needs and checks
// once: `if (!a.ok()) return a.fail();`.
#pragma once
#include <node_api.h>

#include <cstring>
#include <string>

#include "conv-kernels.h"

namespace {

class Args {
 public:
  Args(napi_env env, napi_callback_info info, size_t need, const char* usage) : env_(env) {
    napi_get_cb_info(env, info, &argc_, v_, nullptr, nullptr);
    if (argc_ < need) error = std::string("edl-native: ") + usage;
  }

  bool ok() const { return error.empty(); }

  napi_value fail() {
    napi_throw_error(env_, nullptr, error.c_str());
    return nullptr;
  }

  /** Whether argument i is given and is not null / undefined. */
  bool present(size_t i) {
    if (i >= argc_) return false;
    napi_valuetype t;
    napi_typeof(env_, v_[i], &t);
    return t != napi_null && t != napi_undefined;
  }

  /** A typed array of one of the two types (the second may repeat the first); its length goes to *len. */
  void* typed(size_t i, const char* name, napi_typedarray_type t1, napi_typedarray_type t2, const char* what,
              size_t* len) {
    if (!ok()) return nullptr;
    bool is_ta = false;
    if (i < argc_) napi_is_typedarray(env_, v_[i], &is_ta);
    napi_typedarray_type type = napi_int8_array;
    void* ptr = nullptr;
    size_t n = 0;
    if (is_ta) napi_get_typedarray_info(env_, v_[i], &type, &n, &ptr, nullptr, nullptr);
    if (!is_ta || (type != t1 && type != t2)) {
      error = std::string("edl-native: argument '") + name + "' must be " + what;
      return nullptr;
    }
    if (len) *len = n;
    return ptr;
  }

  float* f32(size_t i, const char* name, size_t* len) {
    return static_cast<float*>(typed(i, name, napi_float32_array, napi_float32_array, "a Float32Array", len));
  }

  /** A Float32Array with at least `want` elements (what a conv geometry needs). */
  float* f32_for_geometry(size_t i, const char* name, size_t want) {
    size_t n = 0;
    float* p = f32(i, name, &n);
    if (p && n < want) {
      error = std::string("edl-native: argument '") + name + "' has " + std::to_string(n) +
              " elements, the geometry needs " + std::to_string(want);
      return nullptr;
    }
    return p;
  }

  /** A Float32Array of exactly n elements; null when `nullable` and the argument is null or missing. */
  float* f32_exactly(size_t i, const char* name, size_t n, bool nullable = false) {
    if (!ok() || (nullable && !present(i))) return nullptr;
    size_t len = 0;
    float* p = f32(i, name, &len);
    if (p && len != n) {
      error = std::string("edl-native: argument '") + name + "' has " + std::to_string(len) + " elements, expected " +
              std::to_string(n);
      return nullptr;
    }
    return p;
  }

  int* i32(size_t i, const char* name, size_t* len) {
    return static_cast<int*>(typed(i, name, napi_int32_array, napi_int32_array, "an Int32Array", len));
  }

  /** `[B,H,W,Cin,OH,OW,Cout,KH,KW,SH,SW,PT,PL]`: sizes positive, paddings non-negative. */
  edl_conv_geom geometry(size_t i) {
    edl_conv_geom g{};
    if (!ok()) return g;
    size_t n = 0;
    int* p = i32(i, "geometry", &n);
    if (!p || n != 13) {
      error =
          "edl-native: argument 'geometry' must be an Int32Array of 13 values [B,H,W,Cin,OH,OW,Cout,KH,KW,SH,SW,PT,PL]";
      return g;
    }
    memcpy(&g, p, sizeof g);
    for (int k = 0; k < 13; k++)
      if (p[k] < 0 || (k < 11 && p[k] == 0))
        error = "edl-native: invalid conv geometry (sizes must be positive, paddings non-negative)";
    return g;
  }

  double number(size_t i, double fallback = 0) {
    double d = fallback;
    if (i < argc_) napi_get_value_double(env_, v_[i], &d);
    return d;
  }

  int int32(size_t i, int fallback) {
    int v = fallback;
    if (i < argc_) napi_get_value_int32(env_, v_[i], &v);
    return v;
  }

  bool flag(size_t i, bool fallback) {
    bool b = fallback;
    if (i < argc_) napi_get_value_bool(env_, v_[i], &b);
    return b;
  }

  std::string error;

 private:
  napi_env env_;
  size_t argc_ = 10;
  napi_value v_[10];
};

}  // namespace
