// Reads and validates the arguments of a Node-API call for the @edl/ops addon. The first problem found is kept in
// `error` (a message naming the argument and what was expected) and every later read is skipped, so a binding
// reads all it needs and checks once: `if (!a.ok()) return a.fail();`. Every Node-API status is checked; a number
// that must be a size or an index is checked to be finite, integral and in range before it is converted.
#pragma once
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "conv-kernels.h"
#include "edl-abi.h"

namespace {

/** Largest integer a double holds exactly (2^53 - 1): the bound of every size read from JavaScript. */
constexpr double kMaxSafeInteger = 9007199254740991.0;

inline std::string describe_number(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[48];
  if (d == std::floor(d) && std::fabs(d) < 1e20) {
    snprintf(buf, sizeof buf, "%.0f", d);  // integers in full: 9223372036854775808
    return buf;
  }
  for (int digits = 1; digits <= 17; digits++) {  // the shortest form that reads back as d: 0.2, 2.5, 1e+30
    snprintf(buf, sizeof buf, "%.*g", digits, d);
    if (strtod(buf, nullptr) == d) break;
  }
  return buf;
}

inline const char* type_name(napi_valuetype t) {
  switch (t) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "a number";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_object: return "an object";
    case napi_function: return "a function";
    case napi_external: return "an external";
    case napi_bigint: return "a bigint";
  }
  return "an unknown value";
}

class Args {
 public:
  /** Reads the call's arguments: at least `min`, at most `max`; `usage` names them for the error message. */
  Args(napi_env env, napi_callback_info info, size_t min, size_t max, const char* usage) : env_(env), usage_(usage) {
    size_t argc = 0;
    if (napi_get_cb_info(env, info, &argc, nullptr, nullptr, nullptr) != napi_ok) {
      error = std::string("edl-native: ") + usage + ": could not read the arguments";
      return;
    }
    v_.resize(argc);
    if (argc > 0 && napi_get_cb_info(env, info, &argc, v_.data(), nullptr, nullptr) != napi_ok) {
      error = std::string("edl-native: ") + usage + ": could not read the arguments";
      return;
    }
    if (argc < min || argc > max)
      error = std::string("edl-native: ") + usage + " takes " +
              (min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max)) +
              " arguments, got " + std::to_string(argc);
  }

  bool ok() const { return error.empty(); }

  /** Throws `error` as a JavaScript Error with code EDL_INVALID_ARGUMENT. */
  napi_value fail() {
    napi_throw_error(env_, "EDL_INVALID_ARGUMENT", error.c_str());
    return nullptr;
  }

  /** Sets the error for argument `name` unless one is set already. */
  void reject(const char* name, const std::string& what) {
    if (ok()) error = std::string("edl-native: ") + usage_ + ": argument '" + name + "' " + what;
  }

  /** Whether argument i is given and is not null / undefined. */
  bool present(size_t i) {
    if (i >= v_.size()) return false;
    napi_valuetype t;
    if (napi_typeof(env_, v_[i], &t) != napi_ok) return false;
    return t != napi_null && t != napi_undefined;
  }

  /** A typed array of one of the two types (the second may repeat the first); its length goes to *len. */
  void* typed(size_t i, const char* name, napi_typedarray_type t1, napi_typedarray_type t2, const char* what,
              size_t* len) {
    if (!ok()) return nullptr;
    bool is_ta = false;
    if (i < v_.size() && napi_is_typedarray(env_, v_[i], &is_ta) != napi_ok) is_ta = false;
    napi_typedarray_type type = napi_int8_array;
    void* ptr = nullptr;
    size_t n = 0;
    if (is_ta && napi_get_typedarray_info(env_, v_[i], &type, &n, &ptr, nullptr, nullptr) != napi_ok) is_ta = false;
    if (!is_ta || (type != t1 && type != t2)) {
      reject(name, std::string("must be ") + what + ", got " + value_type(i));
      return nullptr;
    }
    if (n > 0 && ptr == nullptr) {
      reject(name, "has no data (a detached buffer?)");
      return nullptr;
    }
    if (len) *len = n;
    last_type = type;
    return ptr;
  }

  float* f32(size_t i, const char* name, size_t* len) {
    return static_cast<float*>(typed(i, name, napi_float32_array, napi_float32_array, "a Float32Array", len));
  }

  /** A Float32Array of exactly n elements; null when `nullable` and the argument is null or missing. */
  float* f32_exactly(size_t i, const char* name, size_t n, bool nullable = false, const char* because = nullptr) {
    if (!ok() || (nullable && !present(i))) return nullptr;
    size_t len = 0;
    float* p = f32(i, name, &len);
    if (p && len != n) {
      reject(name, "has " + std::to_string(len) + " elements, expected " + std::to_string(n) +
                       (because ? std::string(" (") + because + ")" : std::string()));
      return nullptr;
    }
    return p;
  }

  int* i32(size_t i, const char* name, size_t* len) {
    return static_cast<int*>(typed(i, name, napi_int32_array, napi_int32_array, "an Int32Array", len));
  }

  /**
   * `[B,H,W,Cin,OH,OW,Cout,KH,KW,SH,SW,PT,PL]`: sizes and strides >= 1, paddings >= 0, and every element count and
   * every index the kernels form (int arithmetic) below 2^31.
   */
  edl_conv_geom geometry(size_t i) {
    edl_conv_geom g{};
    if (!ok()) return g;
    size_t n = 0;
    int* p = i32(i, "geometry", &n);
    if (!ok()) return g;
    if (n != EDL_GEOMETRY_LENGTH) {
      reject("geometry", "must be an Int32Array of 13 values [B,H,W,Cin,OH,OW,Cout,KH,KW,SH,SW,PT,PL], got " +
                             std::to_string(n) + " values");
      return g;
    }
    static const char* const names[EDL_GEOMETRY_LENGTH] = {"B",  "H",  "W",  "Cin", "OH", "OW", "Cout",
                                                           "KH", "KW", "SH", "SW",  "PT", "PL"};
    for (int k = 0; k < EDL_GEOMETRY_LENGTH; k++)
      if (p[k] < 0 || (k < 11 && p[k] == 0)) {
        reject("geometry", std::string("is invalid: ") + names[k] + " = " + std::to_string(p[k]) +
                               (k < 11 ? " (sizes and strides must be >= 1)" : " (paddings must be >= 0)"));
        return g;
      }
    memcpy(&g, p, sizeof g);
    const int64_t lim = INT32_MAX;
    const auto fits = [lim](std::initializer_list<int64_t> f) {
      int64_t prod = 1;
      for (int64_t v : f) {
        prod *= v;  // each factor < 2^31 and prod <= 2^31 before: no overflow
        if (prod > lim) return false;
      }
      return true;
    };
    const bool counts =
        fits({g.B, g.H, g.W, g.Cin}) && fits({g.B, g.OH, g.OW, g.Cout}) && fits({g.KH, g.KW, g.Cin, g.Cout});
    // the input row / column an output reaches, and the output a padded input position maps back to
    const bool indices = (int64_t)g.OH * g.SH + g.KH + g.PT <= lim && (int64_t)g.H + g.PT + g.KH + g.SH <= lim &&
                         (int64_t)g.OW * g.SW + g.KW + g.PL <= lim && (int64_t)g.W + g.PL + g.KW + g.SW <= lim;
    if (!counts || !indices) reject("geometry", "is too large (element counts and indices must stay below 2^31)");
    return g;
  }

  /** Any number (NaN and +-Inf included: they propagate through the kernel); `fallback` when absent. */
  double number(size_t i, const char* name, double fallback) {
    if (!ok()) return fallback;
    if (!present(i)) return fallback;
    double d = fallback;
    if (napi_get_value_double(env_, v_[i], &d) != napi_ok) {
      reject(name, std::string("must be a number, got ") + value_type(i));
      return fallback;
    }
    return d;
  }

  /** A required number; NaN and +-Inf are accepted (they propagate through the kernel as on the cpu backend). */
  double real(size_t i, const char* name) {
    if (ok() && !present(i)) reject(name, "is required (a number)");
    return number(i, name, 0);
  }

  /** A number that is not NaN and lies in [lo, hi]. */
  double number_in(size_t i, const char* name, double lo, double hi, const char* expected) {
    if (ok() && !present(i)) reject(name, std::string("is required (") + expected + ")");
    const double d = number(i, name, NAN);
    if (ok() && !(d >= lo && d <= hi)) reject(name, std::string("must be ") + expected + ", got " + describe_number(d));
    return ok() ? d : 0;
  }

  /** A finite number. */
  double finite(size_t i, const char* name, double fallback) {
    const double d = number(i, name, fallback);
    if (ok() && !std::isfinite(d)) reject(name, "must be a finite number, got " + describe_number(d));
    return ok() ? d : fallback;
  }

  /** An integer in [lo, hi] (|hi| <= 2^53); required. */
  int64_t integer(size_t i, const char* name, double lo, double hi) {
    if (!ok()) return 0;
    if (!present(i)) {
      reject(name, "is required (an integer in [" + describe_number(lo) + ", " + describe_number(hi) + "])");
      return 0;
    }
    const double d = number(i, name, 0);
    if (ok() && !(std::isfinite(d) && d == std::floor(d) && d >= lo && d <= hi))
      reject(name, "must be an integer in [" + describe_number(lo) + ", " + describe_number(hi) + "], got " +
                       describe_number(d));
    return ok() ? (int64_t)d : 0;
  }

  /** A required boolean. */
  bool boolean(size_t i, const char* name) {
    if (ok() && !present(i)) reject(name, "is required (a boolean)");
    return flag(i, name, false);
  }

  /** A boolean; `fallback` when absent. */
  bool flag(size_t i, const char* name, bool fallback) {
    if (!ok() || !present(i)) return fallback;
    bool b = fallback;
    if (napi_get_value_bool(env_, v_[i], &b) != napi_ok) reject(name, std::string("must be a boolean, got ") + value_type(i));
    return b;
  }

  std::string error;
  /** The element type of the typed array typed() read last. */
  napi_typedarray_type last_type = napi_int8_array;

 private:
  std::string value_type(size_t i) {
    if (i >= v_.size()) return "nothing";
    napi_valuetype t;
    if (napi_typeof(env_, v_[i], &t) != napi_ok) return "an unreadable value";
    if (t == napi_object) {
      bool ta = false;
      napi_typedarray_type type;
      if (napi_is_typedarray(env_, v_[i], &ta) == napi_ok && ta &&
          napi_get_typedarray_info(env_, v_[i], &type, nullptr, nullptr, nullptr, nullptr) == napi_ok) {
        static const char* const names[] = {"an Int8Array",    "a Uint8Array",   "a Uint8ClampedArray", "an Int16Array",
                                            "a Uint16Array",   "an Int32Array",  "a Uint32Array",       "a Float32Array",
                                            "a Float64Array",  "a BigInt64Array", "a BigUint64Array"};
        return (size_t)type < sizeof names / sizeof names[0] ? names[type] : "a typed array";
      }
    }
    return type_name(t);
  }

  napi_env env_;
  const char* usage_;
  std::vector<napi_value> v_;
};

}  // namespace
