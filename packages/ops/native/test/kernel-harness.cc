// Standalone check of the @edl/ops native kernels, without Node: links the kernel sources and compares every kernel
// with a naive reference (direct convolution loops, scalar elementwise formulas of the tfjs cpu backend), NaN and
// Inf included, on pools of 1, 3 and 8 threads, then walks every out-of-memory path (edl_debug_fail_allocations).
// Built and run by .ci/steps/native-sanitize.sh under -fsanitize=address,undefined, and cross-built for aarch64
// (the baseline 4-wide path) and run under qemu. Exit status 0 only when every check passed.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "../conv-algorithm.h"
#include "../conv-kernels.h"
#include "../edl-abi.h"
#include "../edl-alloc.h"
#include "../rista-kernels.h"
#include "../tensor-kernels.h"
#include "../worker-pool.h"

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

namespace {

int g_failures = 0, g_checks = 0;

void fail(const std::string& what) {
  if (g_failures < 30) fprintf(stderr, "FAIL: %s\n", what.c_str());
  g_failures++;
}

uint32_t g_seed = 12345;
float rnd() {
  g_seed = g_seed * 1664525u + 1013904223u;
  return (float)((g_seed >> 8) & 0xffff) / 32768.f - 1.f;
}
std::vector<float> random_vec(size_t n) {
  std::vector<float> v(n);
  for (auto& e : v) e = rnd();
  return v;
}

// Same value, NaN matching NaN, infinities exact, finite values within tol * scale.
bool same(float got, float want, double tol, double scale) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  if (!std::isfinite(got)) return false;
  return std::fabs((double)got - want) <= tol * scale;
}

void compare(const std::string& name, const float* got, const std::vector<float>& want, double tol) {
  g_checks++;
  double scale = 1;
  for (float w : want)
    if (std::isfinite(w)) scale = std::fmax(scale, std::fabs(w));
  for (size_t i = 0; i < want.size(); i++)
    if (!same(got[i], want[i], tol, scale)) {
      fail(name + ": element " + std::to_string(i) + " is " + std::to_string(got[i]) + ", expected " +
           std::to_string(want[i]));
      return;
    }
}

void expect_ok(const std::string& name, edl_status st) {
  g_checks++;
  if (st != EDL_OK) fail(name + ": status " + std::to_string((int)st));
}

// ------------------------------------------------------------------ references
float activate(float v, int act, float alpha) {  // tfjs cpu: Math.max(0, v), min(max(0, v), 6), v < 0 ? a v : v
  if (act == EDL_ACT_RELU) return std::isnan(v) ? v : v < 0 ? 0.f : v;
  if (act == EDL_ACT_RELU6) return std::isnan(v) ? v : v < 0 ? 0.f : v > 6 ? 6.f : v;
  if (act == EDL_ACT_LEAKYRELU) return v < 0 ? alpha * v : v;
  return v;
}

size_t xi(const edl_conv_geom& g, int b, int h, int w, int c) { return (((size_t)b * g.H + h) * g.W + w) * g.Cin + c; }
size_t yi(const edl_conv_geom& g, int b, int h, int w, int c) {
  return (((size_t)b * g.OH + h) * g.OW + w) * g.Cout + c;
}
size_t wi(const edl_conv_geom& g, int kh, int kw, int ci, int co) {
  return (((size_t)kh * g.KW + kw) * g.Cin + ci) * g.Cout + co;
}

// Calls f(b, oh, ow, kh, kw, ih, iw) for every tap that lands inside the input (the cpu backend skips the others).
template <class F>
void each_tap(const edl_conv_geom& g, F f) {
  for (int b = 0; b < g.B; b++)
    for (int oh = 0; oh < g.OH; oh++)
      for (int ow = 0; ow < g.OW; ow++)
        for (int kh = 0; kh < g.KH; kh++)
          for (int kw = 0; kw < g.KW; kw++) {
            const int ih = oh * g.SH + kh - g.PT, iw = ow * g.SW + kw - g.PL;
            if (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) f(b, oh, ow, kh, kw, ih, iw);
          }
}

std::vector<float> ref_forward(const edl_conv_geom& g, const std::vector<float>& x, const std::vector<float>& w,
                               const float* bias, int act, float alpha) {
  std::vector<double> acc((size_t)g.B * g.OH * g.OW * g.Cout, 0.0);
  each_tap(g, [&](int b, int oh, int ow, int kh, int kw, int ih, int iw) {
    for (int ci = 0; ci < g.Cin; ci++)
      for (int co = 0; co < g.Cout; co++)
        acc[yi(g, b, oh, ow, co)] += (double)x[xi(g, b, ih, iw, ci)] * w[wi(g, kh, kw, ci, co)];
  });
  std::vector<float> y(acc.size());
  for (size_t i = 0; i < y.size(); i++) {
    const float v = (float)acc[i] + (bias ? bias[i % g.Cout] : 0.f);
    y[i] = activate(v, act, alpha);
  }
  return y;
}

std::vector<float> ref_backprop_input(const edl_conv_geom& g, const std::vector<float>& dy,
                                      const std::vector<float>& w) {
  std::vector<double> acc((size_t)g.B * g.H * g.W * g.Cin, 0.0);
  each_tap(g, [&](int b, int oh, int ow, int kh, int kw, int ih, int iw) {
    for (int ci = 0; ci < g.Cin; ci++)
      for (int co = 0; co < g.Cout; co++)
        acc[xi(g, b, ih, iw, ci)] += (double)dy[yi(g, b, oh, ow, co)] * w[wi(g, kh, kw, ci, co)];
  });
  return std::vector<float>(acc.begin(), acc.end());
}

std::vector<float> ref_backprop_filter(const edl_conv_geom& g, const std::vector<float>& x,
                                       const std::vector<float>& dy) {
  std::vector<double> acc((size_t)g.KH * g.KW * g.Cin * g.Cout, 0.0);
  each_tap(g, [&](int b, int oh, int ow, int kh, int kw, int ih, int iw) {
    for (int ci = 0; ci < g.Cin; ci++)
      for (int co = 0; co < g.Cout; co++)
        acc[wi(g, kh, kw, ci, co)] += (double)x[xi(g, b, ih, iw, ci)] * dy[yi(g, b, oh, ow, co)];
  });
  return std::vector<float>(acc.begin(), acc.end());
}

// ------------------------------------------------------------------ Winograd
// The rule of conv-winograd.h (README) under the algorithm chosen in conv-algorithm.h: 3x3, stride 1 and, for
// 'auto', >= 32 channels in and out, >= 128 2x2 output tiles and >= 5e8 multiply-adds run Winograd F(2x2, 3x3).
bool winograd(const edl_conv_geom& g) {
  if (g.KH != 3 || g.KW != 3 || g.SH != 1 || g.SW != 1) return false;
  const edl_conv_algorithm a = edl_get_conv_algorithm();
  if (a != EDL_CONV_ALGORITHM_AUTO) return a == EDL_CONV_ALGORITHM_WINOGRAD;
  return g.Cin >= 32 && g.Cout >= 32 && (int64_t)g.B * ((g.OH + 1) / 2) * ((g.OW + 1) / 2) >= 128 &&
         9.0 * g.B * g.OH * g.OW * g.Cin * g.Cout >= 5e8;
}
// Whether the input gradient runs Winograd: it is the forward conv of dy with the flipped filter, padding 2 - p.
bool winograd_input_gradient(const edl_conv_geom& g) {
  if (g.KH != 3 || g.KW != 3 || g.SH != 1 || g.SW != 1 || g.PT > 2 || g.PL > 2) return false;
  return winograd(edl_conv_geom{g.B, g.OH, g.OW, g.Cout, g.H, g.W, g.Cin, 3, 3, 1, 1, 2 - g.PT, 2 - g.PL});
}
// compare() for a Winograd output. F(2x2, 3x3)'s transforms only combine input rows / columns that lie in each
// output's 3x3 window, so non-finite values reach exactly the outputs they reach in the direct conv; but where the
// direct sum is +-Inf, Winograd may give NaN (Inf - Inf between transformed terms), also after an activation that
// clips the Inf (`linear`: the reference before the activation). Everything else as compare().
void compare_winograd(const std::string& name, const float* got, const std::vector<float>& want,
                      const std::vector<float>& linear, double tol) {
  g_checks++;
  double scale = 1;
  for (float w : want)
    if (std::isfinite(w)) scale = std::fmax(scale, std::fabs(w));
  for (size_t i = 0; i < want.size(); i++) {
    const bool ok = same(got[i], want[i], tol, scale) || (std::isinf(linear[i]) && std::isnan(got[i]));
    if (!ok) {
      fail(name + ": element " + std::to_string(i) + " is " + std::to_string(got[i]) + ", expected " +
           std::to_string(want[i]));
      return;
    }
  }
}

struct Width {
  int vw;
  decltype(&edl_conv2d_forward_4) forward;
  decltype(&edl_conv2d_backprop_input_4) backprop_input;
  decltype(&edl_conv2d_backprop_filter_4) backprop_filter;
};

edl_conv_geom make_geom(int B, int H, int W, int cin, int cout, int k, int s, int pt, int pb, int pl, int pr) {
  edl_conv_geom g{B, H, W, cin, (H + pt + pb - k) / s + 1, (W + pl + pr - k) / s + 1, cout, k, k, s, s, pt, pl};
  return g;
}

void check_conv(const Width& kw, const edl_parallel& par, const edl_conv_geom& g, const std::string& tag) {
  const std::string name = "vw" + std::to_string(kw.vw) + " threads " + std::to_string(par.threads) + " " + tag;
  auto x = random_vec((size_t)g.B * g.H * g.W * g.Cin);
  auto w = random_vec((size_t)g.KH * g.KW * g.Cin * g.Cout);
  auto dy = random_vec((size_t)g.B * g.OH * g.OW * g.Cout);
  auto bias = random_vec((size_t)g.Cout);
  for (int act = EDL_ACT_LINEAR; act <= EDL_ACT_LEAKYRELU; act++) {
    std::vector<float> y(dy.size(), -7.f);
    expect_ok(name + " forward", kw.forward(&g, x.data(), w.data(), y.data(), act ? bias.data() : nullptr, act, 0.2f, &par));
    compare(name + " forward act " + std::to_string(act), y.data(),
            ref_forward(g, x, w, act ? bias.data() : nullptr, act, 0.2f), 1e-4);
  }
  std::vector<float> dx(x.size(), -7.f), dw(w.size(), -7.f);
  expect_ok(name + " backprop input", kw.backprop_input(&g, dy.data(), w.data(), dx.data(), &par));
  compare(name + " backprop input", dx.data(), ref_backprop_input(g, dy, w), 1e-4);
  expect_ok(name + " backprop filter", kw.backprop_filter(&g, x.data(), dy.data(), dw.data(), &par));
  compare(name + " backprop filter", dw.data(), ref_backprop_filter(g, x, dy), 1e-4);

  // NaN and Inf in the input propagate to every output they reach, through every activation
  x[xi(g, 0, g.H / 2, g.W / 2, 0)] = NAN;
  x[xi(g, g.B - 1, g.H - 1, 0, g.Cin - 1)] = INFINITY;
  for (int act : {EDL_ACT_LINEAR, EDL_ACT_RELU, EDL_ACT_RELU6}) {
    std::vector<float> y(dy.size());
    expect_ok(name + " forward NaN", kw.forward(&g, x.data(), w.data(), y.data(), nullptr, act, 0.2f, &par));
    const std::string what = name + " forward NaN/Inf input act " + std::to_string(act);
    if (winograd(g))
      compare_winograd(what, y.data(), ref_forward(g, x, w, nullptr, act, 0.2f),
                       ref_forward(g, x, w, nullptr, EDL_ACT_LINEAR, 0.f), 1e-4);
    else
      compare(what, y.data(), ref_forward(g, x, w, nullptr, act, 0.2f), 1e-4);
  }
  expect_ok(name + " backprop filter NaN", kw.backprop_filter(&g, x.data(), dy.data(), dw.data(), &par));
  compare(name + " backprop filter NaN/Inf input", dw.data(), ref_backprop_filter(g, x, dy), 1e-4);
  dy[0] = NAN;
  expect_ok(name + " backprop input NaN", kw.backprop_input(&g, dy.data(), w.data(), dx.data(), &par));
  if (winograd_input_gradient(g)) {
    const auto want = ref_backprop_input(g, dy, w);
    compare_winograd(name + " backprop input NaN dy", dx.data(), want, want, 1e-4);
  } else
    compare(name + " backprop input NaN dy", dx.data(), ref_backprop_input(g, dy, w), 1e-4);
}

// ------------------------------------------------------------------ elementwise
float relu(float v) { return std::isnan(v) ? v : std::fmax(0.f, v); }
float step(float v) { return std::isnan(v) ? v : v > 0 ? 1.f : 0.f; }

void check_rista(const edl_parallel& par, size_t n) {
  const std::string name = "rista n " + std::to_string(n) + " threads " + std::to_string(par.threads);
  auto z = random_vec(n), v = random_vec(n), dy = random_vec(n), u = random_vec(n);
  if (n > 4) z[1] = NAN, v[2] = NAN, v[3] = INFINITY, z[4] = -INFINITY, dy[0] = NAN, u[1] = INFINITY;
  const float t = 0.7f, thr = 0.1f;
  for (int nonneg = 0; nonneg < 2; nonneg++) {
    std::vector<float> out(n), want(n), dz(n), dv(n), wdz(n), wdv(n);
    double wdt = 0, wdthr = 0;
    for (size_t i = 0; i < n; i++) {
      const float s = z[i] + t * v[i];
      want[i] = nonneg ? relu(s - thr) : relu(s - thr) - relu(-s - thr);
      const float ga = dy[i] * step(s - thr), gb = nonneg ? 0.f : dy[i] * step(-s - thr);
      wdz[i] = ga + gb;
      wdv[i] = t * wdz[i];
      wdt += (double)wdz[i] * v[i];
      wdthr += (double)gb - ga;
    }
    expect_ok(name + " shrink", edl_shrink_step(z.data(), v.data(), n, t, thr, nonneg, out.data(), &par));
    compare(name + " shrink nonneg " + std::to_string(nonneg), out.data(), want, 1e-6);
    double dt = 0, dthr = 0;
    expect_ok(name + " shrink grad", edl_shrink_step_grad(z.data(), v.data(), dy.data(), n, t, thr, nonneg, dz.data(),
                                                          dv.data(), &dt, &dthr, &par));
    compare(name + " shrink grad dz", dz.data(), wdz, 1e-6);
    compare(name + " shrink grad dv", dv.data(), wdv, 1e-6);
    compare(name + " shrink grad dt", std::vector<float>{(float)dt}.data(), {(float)wdt}, 1e-4);
    compare(name + " shrink grad dthr", std::vector<float>{(float)dthr}.data(), {(float)wdthr}, 1e-4);
  }
  // NaN threshold: every output NaN (the composite relu(s - NaN) is NaN)
  std::vector<float> out(n);
  expect_ok(name + " shrink NaN thr", edl_shrink_step(nullptr, v.data(), n, t, NAN, 1, out.data(), &par));
  compare(name + " shrink NaN thr", out.data(), std::vector<float>(n, NAN), 0);

  const float beta = 0.3f, eps = 1e-3f;
  std::vector<float> g(n), want(n), dx(n), du(n), wdx(n);
  double wdb = 0;
  for (size_t i = 0; i < n; i++) {
    const float r = z[i] - u[i], a = std::fabs(r) + eps, w = 0.5f / a;
    want[i] = (beta + (1 - beta) * w) * r;
    wdx[i] = dy[i] * (beta + (1 - beta) * (eps * w / a));
    wdb += (double)dy[i] * r * (1 - w);
  }
  expect_ok(name + " residual", edl_elastic_residual(z.data(), u.data(), n, beta, eps, g.data(), &par));
  compare(name + " residual", g.data(), want, 1e-6);
  double db = 0;
  expect_ok(name + " residual grad", edl_elastic_residual_grad(z.data(), u.data(), dy.data(), n, beta, eps, 0,
                                                               dx.data(), du.data(), &db, &par));
  compare(name + " residual grad dx", dx.data(), wdx, 1e-5);
  compare(name + " residual grad dbeta", std::vector<float>{(float)db}.data(), {(float)wdb}, 1e-4);
}

void check_tensor(const edl_parallel& par) {
  const std::string name = "tensor threads " + std::to_string(par.threads);
  // tile
  const int shape[3] = {2, 3, 4}, reps[3] = {3, 1, 2};
  auto x = random_vec(24);
  x[5] = NAN;
  std::vector<float> out(6 * 3 * 8), want(out.size());
  for (int a = 0; a < 6; a++)
    for (int b = 0; b < 3; b++)
      for (int c = 0; c < 8; c++) want[(a * 3 + b) * 8 + c] = x[((a % 2) * 3 + b) * 4 + c % 4];
  expect_ok(name + " tile", edl_tile(x.data(), shape, reps, 3, 4, out.data()));
  compare(name + " tile", out.data(), want, 0);
  g_checks++;
  if (edl_tile(x.data(), shape, reps, EDL_TILE_MAX_RANK + 1, 4, out.data()) != EDL_ERR_INVALID_ARGUMENT)
    fail("tile accepts rank > EDL_TILE_MAX_RANK");

  // reductions over leading axes (flat and per column), NaN / Inf included
  for (size_t inner : {(size_t)1, (size_t)7, (size_t)300}) {
    const size_t outer = 5000 / inner + 70;
    auto v = random_vec(outer * inner);
    v[3] = NAN;
    if (inner > 1) v[inner + 2] = INFINITY;
    std::vector<float> r(inner), w(inner);
    for (size_t j = 0; j < inner; j++) {
      double s = 0;
      for (size_t i = 0; i < outer; i++) s += v[i * inner + j];
      w[j] = (float)(s * 0.5);
    }
    expect_ok(name + " reduce", edl_reduce_leading(v.data(), outer, inner, 0.5f, r.data(), &par));
    compare(name + " reduce inner " + std::to_string(inner), r.data(), w, 1e-5);
  }

  // binary with full, scalar and trailing-period operands
  const size_t n = 70000 * 3;
  auto a = random_vec(n), c3 = random_vec(3);
  a[10] = NAN, a[11] = INFINITY, c3[1] = -INFINITY;
  for (int op = EDL_BINARY_ADD; op <= EDL_BINARY_MUL; op++) {
    std::vector<float> o(n), w(n);
    for (size_t i = 0; i < n; i++) {
      const float p = a[i], q = c3[i % 3];
      w[i] = op == EDL_BINARY_ADD ? p + q : op == EDL_BINARY_SUB ? p - q : p * q;
    }
    expect_ok(name + " binary", edl_binary(op, a.data(), n, c3.data(), 3, o.data(), n, &par));
    compare(name + " binary op " + std::to_string(op), o.data(), w, 0);
  }

  // batch norm over 5 channels with NaN / Inf in x and a zero variance
  const size_t ch = 5, rows = 9000;
  auto bx = random_vec(ch * rows), mean = random_vec(ch), var = random_vec(ch), scale = random_vec(ch);
  for (auto& e : var) e = std::fabs(e);
  var[2] = 0;
  bx[7] = NAN, bx[8] = INFINITY;
  std::vector<float> bo(bx.size()), bw(bx.size());
  for (size_t i = 0; i < bx.size(); i++) {
    const size_t j = i % ch;
    bw[i] = (bx[i] - mean[j]) * (scale[j] / std::sqrt(var[j] + 0.f)) + 0.25f;
  }
  const float off = 0.25f;
  expect_ok(name + " batch norm", edl_batch_norm(bx.data(), bx.size(), ch, mean.data(), ch, var.data(), ch,
                                                 scale.data(), ch, &off, 1, 0.f, bo.data(), &par));
  compare(name + " batch norm", bo.data(), bw, 1e-5);

  // sign (0 for NaN, as tfjs' cpu backend) and clip (NaN passes)
  std::vector<float> uo(n), sw(n), cw(n);
  for (size_t i = 0; i < n; i++) {
    sw[i] = a[i] > 0 ? 1.f : a[i] < 0 ? -1.f : 0.f;
    cw[i] = std::isnan(a[i]) ? a[i] : std::fmin(std::fmax(a[i], -0.5f), 0.25f);
  }
  expect_ok(name + " sign", edl_unary(EDL_UNARY_SIGN, a.data(), n, 0, 0, uo.data(), &par));
  compare(name + " sign", uo.data(), sw, 0);
  expect_ok(name + " clip", edl_unary(EDL_UNARY_CLIP, a.data(), n, -0.5f, 0.25f, uo.data(), &par));
  compare(name + " clip", uo.data(), cw, 0);

  // relu gradient: dy * step(x), NaN in x or dy propagating (0 * NaN)
  std::vector<float> rg(n), rw(n), dy = random_vec(n);
  dy[20] = NAN, dy[21] = INFINITY;
  for (size_t i = 0; i < n; i++) rw[i] = dy[i] * (a[i] > 0 ? 1.f : a[i] <= 0 ? 0.f : a[i]);
  expect_ok(name + " relu grad", edl_relu_grad(dy.data(), a.data(), n, rg.data(), &par));
  compare(name + " relu grad", rg.data(), rw, 0);

  // window: a pad by (1, 2) on the middle axis of [40, 50, 30] with value 7 (large enough to thread), then the
  // slice back out of it, which must give x again
  const int ws[3] = {40, 50, 30}, ps[3] = {40, 53, 30}, poff[3] = {0, -1, 0}, soff[3] = {0, 1, 0};
  const size_t wn = 40 * 50 * 30, pn = 40 * 53 * 30;
  auto wx = random_vec(wn);
  std::vector<float> padded(pn), back(wn), pw(pn);
  for (size_t i = 0; i < 40; i++)
    for (size_t j = 0; j < 53; j++)
      for (size_t k = 0; k < 30; k++)
        pw[(i * 53 + j) * 30 + k] = j >= 1 && j < 51 ? wx[(i * 50 + j - 1) * 30 + k] : 7.f;
  const float seven = 7.f;
  expect_ok(name + " window pad", edl_window(wx.data(), ws, ps, poff, 3, 4, &seven, padded.data(), &par));
  compare(name + " window pad", padded.data(), pw, 0);
  expect_ok(name + " window slice", edl_window(padded.data(), ps, ws, soff, 3, 4, &seven, back.data(), &par));
  compare(name + " window slice", back.data(), wx, 0);
  if (edl_window(wx.data(), ws, ps, poff, EDL_TILE_MAX_RANK + 1, 4, &seven, padded.data(), &par) != EDL_ERR_INVALID_ARGUMENT)
    fail("window accepts rank > EDL_TILE_MAX_RANK");

  // SGD step (Nesterov, weight decay), each operation rounded to float32 in order
  std::vector<float> sp(n), sb(n), swp(n), swb(n), sbuf = random_vec(n);
  for (size_t i = 0; i < n; i++) {
    const float gd = dy[i] + a[i] * 0.01f;
    const float b = sbuf[i] * 0.9f + gd;
    const float d = gd + b * 0.9f;
    swb[i] = b;
    swp[i] = a[i] - d * 0.1f;
  }
  expect_ok(name + " sgd", edl_sgd_step(a.data(), dy.data(), sbuf.data(), n, 0.1f, 0.9f, 0.01f, 1, sp.data(), sb.data(), &par));
  compare(name + " sgd p", sp.data(), swp, 0);
  compare(name + " sgd buf", sb.data(), swb, 0);
}

// Fails the k-th allocation for k = 0, 1, ... until `run` gets through: every failure must come back as
// EDL_ERR_OUT_OF_MEMORY (and, under the sanitizers, leak nothing and touch no freed memory).
void check_out_of_memory(const std::string& name, const std::function<edl_status()>& run) {
  for (int k = 0;; k++) {
    edl_debug_fail_allocations(k);
    const edl_status st = run();
    edl_debug_fail_allocations(-1);
    g_checks++;
    if (st == EDL_OK) {
      if (k == 0 && name.find("no alloc") == std::string::npos) fail(name + ": succeeded with every allocation failing");
      return;
    }
    if (st != EDL_ERR_OUT_OF_MEMORY) {
      fail(name + ": allocation " + std::to_string(k) + " failed, status " + std::to_string((int)st));
      return;
    }
    if (k > 10000) {
      fail(name + ": never succeeds");
      return;
    }
  }
}

}  // namespace

int main() {
  std::vector<Width> widths{{4, edl_conv2d_forward_4, edl_conv2d_backprop_input_4, edl_conv2d_backprop_filter_4}};
#if defined(__x86_64__)
  __builtin_cpu_init();
#ifdef EDL_HAVE_VW8
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    widths.push_back({8, edl_conv2d_forward_8, edl_conv2d_backprop_input_8, edl_conv2d_backprop_filter_8});
#endif
#ifdef EDL_HAVE_VW16
  if (__builtin_cpu_supports("avx512f"))
    widths.push_back({16, edl_conv2d_forward_16, edl_conv2d_backprop_input_16, edl_conv2d_backprop_filter_16});
#endif
#endif
  const std::vector<std::pair<edl_conv_geom, std::string>> geoms{
      {make_geom(2, 8, 8, 3, 4, 3, 1, 1, 1, 1, 1), "3x3 s1 same"},
      {make_geom(2, 7, 9, 5, 17, 3, 2, 1, 1, 1, 1), "3x3 s2 pad 1, Cout 17"},
      {make_geom(1, 9, 7, 16, 33, 5, 1, 0, 0, 0, 0), "5x5 s1 valid, Cout 33"},
      {make_geom(2, 6, 6, 6, 5, 1, 2, 3, 2, 3, 1), "1x1 s2 padding wider than the kernel"},
      {make_geom(1, 6, 7, 7, 3, 3, 3, 1, 2, 0, 1), "3x3 s3 asymmetric padding"},
      {make_geom(1, 6, 5, 70, 20, 3, 1, 1, 1, 1, 1), "3x3 Cin 70 (reduction blocks)"},
      {make_geom(1, 4, 4, 40, 150, 3, 1, 1, 1, 1, 1), "filter larger than activations (channel split)"},
      {make_geom(3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0), "1x1x1"},
      // 3x3 stride 1 (Winograd when forced, see main): odd output sizes, channel tails, every padding, batch 1,
      // one-pixel images, column panels
      {make_geom(2, 7, 9, 33, 36, 3, 1, 1, 1, 1, 1), "Winograd same, 7x9, Cin 33, Cout 36"},
      {make_geom(1, 9, 9, 32, 40, 3, 1, 0, 0, 0, 0), "Winograd valid 7x7 output, batch 1"},
      {make_geom(1, 11, 7, 35, 33, 3, 1, 2, 0, 0, 1), "Winograd asymmetric padding 2/0, 0/1"},
      {make_geom(16, 1, 1, 32, 40, 3, 1, 1, 1, 1, 1), "Winograd 1x1 images"},
      {make_geom(1, 8, 9, 40, 48, 3, 1, 3, 1, 2, 2), "Winograd padding 3 (its input gradient stays direct)"},
      {make_geom(2, 8, 8, 64, 70, 3, 1, 1, 1, 1, 1), "Winograd 8x8, Cin 64, Cout 70 (column panels)"},
      {make_geom(2, 6, 7, 3, 5, 3, 1, 1, 1, 1, 1), "3x3 s1, 3 -> 5 channels"},
  };
  for (int threads : {1, 3, 8}) {
    Pool pool;
    pool.resize(threads);
    const edl_parallel par = pool.parallel();
    // the rule ('auto': these small convs run direct), then every 3x3 stride-1 conv by Winograd
    for (edl_conv_algorithm algo : {EDL_CONV_ALGORITHM_AUTO, EDL_CONV_ALGORITHM_WINOGRAD}) {
      edl_set_conv_algorithm(algo);
      for (const Width& w : widths)
        for (const auto& [g, tag] : geoms)
          check_conv(w, par, g, tag + (algo == EDL_CONV_ALGORITHM_WINOGRAD ? " [winograd]" : ""));
    }
    edl_set_conv_algorithm(EDL_CONV_ALGORITHM_AUTO);
    for (size_t n : {(size_t)5, (size_t)1000, (size_t)70001}) check_rista(par, n);
    check_tensor(par);
  }
  {
    Pool pool;
    pool.resize(EDL_MAX_THREADS + 100);  // clamped
    g_checks++;
    if (pool.size() != EDL_MAX_THREADS) fail("the pool is not capped at EDL_MAX_THREADS");
    // a caller claiming more threads than the cap: the kernels still keep to EDL_MAX_THREADS partial sums
    edl_parallel par = pool.parallel();
    par.threads = 100000;
    const size_t n = (size_t)300 << 14;  // 300 parts' worth of elements
    std::vector<float> v(n, 0.5f), dy(n, 1.f), dv(n);
    double dt = 0, dthr = 0;
    expect_ok("shrink grad, 300 parts wanted", edl_shrink_step_grad(nullptr, v.data(), dy.data(), n, 1.f, 0.f, 1,
                                                                    nullptr, dv.data(), &dt, &dthr, &par));
    compare("shrink grad dt, 300 parts wanted", std::vector<float>{(float)dt}.data(), {(float)(0.5 * n)}, 1e-6);
  }
  {
    Pool pool;
    pool.resize(3);
    const edl_parallel par = pool.parallel();
    for (edl_conv_algorithm algo : {EDL_CONV_ALGORITHM_AUTO, EDL_CONV_ALGORITHM_WINOGRAD})
    for (const Width& w : widths)
      for (const auto& [g0, tag] : geoms) {
        edl_set_conv_algorithm(algo);
        const edl_conv_geom g = g0;
        std::vector<float> x((size_t)g.B * g.H * g.W * g.Cin, 1.f), wt((size_t)g.KH * g.KW * g.Cin * g.Cout, 1.f),
            y((size_t)g.B * g.OH * g.OW * g.Cout, 1.f);
        const std::string n = "vw" + std::to_string(w.vw) + " " + tag + (algo ? " [winograd]" : "");
        check_out_of_memory(n + " forward", [&] {
          return w.forward(&g, x.data(), wt.data(), y.data(), nullptr, EDL_ACT_RELU, 0.f, &par);
        });
        check_out_of_memory(n + " backprop input",
                            [&] { return w.backprop_input(&g, y.data(), wt.data(), x.data(), &par); });
        check_out_of_memory(n + " backprop filter",
                            [&] { return w.backprop_filter(&g, x.data(), y.data(), wt.data(), &par); });
      }
    edl_set_conv_algorithm(EDL_CONV_ALGORITHM_AUTO);
    std::vector<float> v(4096 * 9, 1.f), o(9), m(3, 1.f), big(3 * 40000, 1.f);
    check_out_of_memory("reduce",
                        [&] { return edl_reduce_leading(v.data(), 4096, 9, 1.f, o.data(), &par); });
    check_out_of_memory("batch norm", [&] {
      return edl_batch_norm(big.data(), big.size(), 3, m.data(), 3, m.data(), 3, nullptr, 0, nullptr, 0, 1e-3f,
                            big.data(), &par);
    });
  }
  printf("%d checks, %d failures\n", g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}
