// Fused elementwise kernels of the RISTA step (paper Alg. 1), forward and gradient, each one pass over memory:
//   elastic residual  g = (beta + (1 - beta) w) r,  r = x - u,  w = 1 / (2 (|r| + eps))
//   shrink step       z' = T(z + t v)  with T(s) = max(s - thr, 0) (one-sided) or sign(s) max(|s| - thr, 0)
// Scalar gradients (beta, t, thr) are reduced in double per thread range. NaN and +-Inf propagate exactly as through
// the composite tfjs ops on the cpu backend (relu(NaN) = NaN, relu'(NaN) = step(NaN) = NaN): the threshold is
// written as relu(s - thr) - relu(-s - thr), the form of shrinkage.ts.
#include <cmath>
#include <cstddef>
#include <cstdlib>

#include "rista-kernels.h"

namespace {

struct Range {
  size_t n;
  int parts;
  size_t begin(int p) const { return n * p / parts; }
  size_t end(int p) const { return n * (p + 1) / parts; }
};

struct ResidualCtx {
  Range rg;
  const float *x, *u, *dg;
  float beta, eps;
  int detach;
  float *g, *dx, *du;
  double* dbeta;  // per part
};

void residual_fwd(void* v, int p0, int p1) {
  const ResidualCtx& c = *static_cast<ResidualCtx*>(v);
  const float one_minus = 1.f - c.beta;
  for (int p = p0; p < p1; p++)
    for (size_t i = c.rg.begin(p), e = c.rg.end(p); i < e; i++) {
      const float r = c.x[i] - c.u[i];
      const float w = 0.5f / (std::fabs(r) + c.eps);
      c.g[i] = (c.beta + one_minus * w) * r;
    }
}

void residual_bwd(void* v, int p0, int p1) {
  const ResidualCtx& c = *static_cast<ResidualCtx*>(v);
  const float one_minus = 1.f - c.beta;
  for (int p = p0; p < p1; p++) {
    double db = 0;
    float acc = 0.f;
    size_t k = 0;
    for (size_t i = c.rg.begin(p), e = c.rg.end(p); i < e; i++, k++) {
      const float r = c.x[i] - c.u[i];
      const float a = std::fabs(r) + c.eps;
      const float w = 0.5f / a;
      // d/dr [r / (2(|r| + eps))] = eps / (2 (|r| + eps)^2); with detach, w is a constant
      const float slope = c.detach ? w : c.eps * w / a;
      const float d = c.dg[i] * (c.beta + one_minus * slope);
      c.dx[i] = d;
      c.du[i] = -d;
      acc += c.dg[i] * r * (1.f - w);
      if ((k & 1023) == 1023) {
        db += acc;
        acc = 0.f;
      }
    }
    c.dbeta[p] = db + acc;
  }
}

struct ShrinkCtx {
  Range rg;
  const float *z, *v, *dy;
  float t, thr;
  int nonneg;
  float *out, *dz, *dv;
  double *dt, *dthr;
};

// tfjs' relu (Math.max(0, v)): NaN stays NaN.
inline float relu(float v) { return v < 0.f ? 0.f : v; }
// tfjs' step, the derivative of relu: 1 above 0, 0 at or below, NaN for NaN.
inline float step(float v) { return v > 0.f ? 1.f : v <= 0.f ? 0.f : v; }

// One element of the shrink step: out, and (BWD) the gradients g = d/ds and gthr = d/dthr for upstream dy. Each
// gradient term on its own, as the composite's: dy * 0 is NaN where dy is +-Inf.
template <bool NONNEG>
inline float shrink_value(float s, float thr) {
  return NONNEG ? relu(s - thr) : relu(s - thr) - relu(-s - thr);
}
template <bool NONNEG>
inline void shrink_grad(float s, float thr, float dy, float& g, float& gthr) {
  const float ga = dy * step(s - thr);
  if (NONNEG) {
    g = ga;
    gthr = -ga;
  } else {
    const float gb = dy * step(-s - thr);
    g = ga + gb;
    gthr = gb - ga;
  }
}

template <bool NONNEG, bool HAS_Z>
void shrink_fwd_range(const ShrinkCtx& c, size_t b, size_t e) {
  for (size_t i = b; i < e; i++) c.out[i] = shrink_value<NONNEG>((HAS_Z ? c.z[i] : 0.f) + c.t * c.v[i], c.thr);
}

void shrink_fwd(void* vp, int p0, int p1) {
  const ShrinkCtx& c = *static_cast<ShrinkCtx*>(vp);
  for (int p = p0; p < p1; p++) {
    const size_t b = c.rg.begin(p), e = c.rg.end(p);
    if (c.nonneg) c.z ? shrink_fwd_range<true, true>(c, b, e) : shrink_fwd_range<true, false>(c, b, e);
    else c.z ? shrink_fwd_range<false, true>(c, b, e) : shrink_fwd_range<false, false>(c, b, e);
  }
}

// The scalar gradients accumulate in LANES independent float sums (so the loop vectorises), flushed into doubles
// every 128 blocks.
template <bool NONNEG, bool HAS_Z>
void shrink_bwd_range(const ShrinkCtx& c, size_t b, size_t e, double* dt, double* dthr) {
  constexpr int LANES = 8;
  float at[LANES] = {0}, ath[LANES] = {0};
  double sdt = 0, sdthr = 0;
  size_t i = b;
  for (size_t blocks = 0; i + LANES <= e; i += LANES) {
    for (int l = 0; l < LANES; l++) {
      const size_t k = i + l;
      float g, gthr;
      shrink_grad<NONNEG>((HAS_Z ? c.z[k] : 0.f) + c.t * c.v[k], c.thr, c.dy[k], g, gthr);
      if (HAS_Z && c.dz) c.dz[k] = g;
      c.dv[k] = c.t * g;
      at[l] += g * c.v[k];
      ath[l] += gthr;
    }
    if (++blocks % 128 == 0)
      for (int l = 0; l < LANES; l++) {
        sdt += at[l];
        sdthr += ath[l];
        at[l] = ath[l] = 0.f;
      }
  }
  for (; i < e; i++) {
    float g, gthr;
    shrink_grad<NONNEG>((HAS_Z ? c.z[i] : 0.f) + c.t * c.v[i], c.thr, c.dy[i], g, gthr);
    if (HAS_Z && c.dz) c.dz[i] = g;
    c.dv[i] = c.t * g;
    sdt += g * c.v[i];
    sdthr += gthr;
  }
  for (int l = 0; l < LANES; l++) {
    sdt += at[l];
    sdthr += ath[l];
  }
  *dt = sdt;
  *dthr = sdthr;
}

void shrink_bwd(void* vp, int p0, int p1) {
  const ShrinkCtx& c = *static_cast<ShrinkCtx*>(vp);
  for (int p = p0; p < p1; p++) {
    const size_t b = c.rg.begin(p), e = c.rg.end(p);
    double* dt = c.dt + p;
    double* dthr = c.dthr + p;
    if (c.nonneg) c.z ? shrink_bwd_range<true, true>(c, b, e, dt, dthr) : shrink_bwd_range<true, false>(c, b, e, dt, dthr);
    else c.z ? shrink_bwd_range<false, true>(c, b, e, dt, dthr) : shrink_bwd_range<false, false>(c, b, e, dt, dthr);
  }
}

// Parts of n elements for the pool: at most EDL_MAX_THREADS (the size of the partial-sum buffers).
int parts_for(size_t n, const edl_parallel* par) {
  const size_t per = 1 << 14;  // below this many elements per thread the wake-up costs more than it saves
  const size_t want = n / per;
  size_t p = want < 1 ? 1 : want;
  const int threads = par->threads < EDL_MAX_THREADS ? par->threads : EDL_MAX_THREADS;
  return p < (size_t)threads ? (int)p : threads;
}

double sum(const double* a, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i];
  return s;
}

}  // namespace

extern "C" edl_status edl_elastic_residual(const float* x, const float* u, size_t n, float beta, float eps, float* g,
                                           const edl_parallel* par) {
  ResidualCtx c{{n, parts_for(n, par)}, x, u, nullptr, beta, eps, 0, g, nullptr, nullptr, nullptr};
  edl_pfor(par, c.rg.parts, &c, residual_fwd);
  return EDL_OK;
}

extern "C" edl_status edl_elastic_residual_grad(const float* x, const float* u, const float* dg, size_t n, float beta,
                                                float eps, int detach, float* dx, float* du, double* dbeta,
                                                const edl_parallel* par) {
  double parts[EDL_MAX_THREADS];
  ResidualCtx c{{n, parts_for(n, par)}, x, u, dg, beta, eps, detach, nullptr, dx, du, parts};
  edl_pfor(par, c.rg.parts, &c, residual_bwd);
  *dbeta = sum(parts, c.rg.parts);
  return EDL_OK;
}

extern "C" edl_status edl_shrink_step(const float* z, const float* v, size_t n, float t, float thr, int nonneg,
                                      float* out, const edl_parallel* par) {
  ShrinkCtx c{{n, parts_for(n, par)}, z, v, nullptr, t, thr, nonneg, out, nullptr, nullptr, nullptr, nullptr};
  edl_pfor(par, c.rg.parts, &c, shrink_fwd);
  return EDL_OK;
}

extern "C" edl_status edl_shrink_step_grad(const float* z, const float* v, const float* dy, size_t n, float t,
                                           float thr, int nonneg, float* dz, float* dv, double* dt, double* dthr,
                                           const edl_parallel* par) {
  double pt[EDL_MAX_THREADS], pthr[EDL_MAX_THREADS];
  ShrinkCtx c{{n, parts_for(n, par)}, z, v, dy, t, thr, nonneg, nullptr, dz, dv, pt, pthr};
  edl_pfor(par, c.rg.parts, &c, shrink_bwd);
  *dt = sum(pt, c.rg.parts);
  *dthr = sum(pthr, c.rg.parts);
  return EDL_OK;
}
