// Convolution kernels of @edl/ops (NHWC, dilation 1), compiled once per vector width:
//   EDL_VW=16 (AVX-512), 8 (AVX2+FMA), 4 (baseline / NEON). Everything here is file-local except the three
//   extern "C" entry points whose names carry the width, so that code built for one instruction set is never
//   shared with another translation unit by the linker.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "conv-algorithm.h"
#include "conv-kernels.h"
#include "edl-alloc.h"

#ifndef EDL_VW
#error "EDL_VW must be defined"
#endif
#define EDL_CAT2(a, b) a##b
#define EDL_CAT(a, b) EDL_CAT2(a, b)
#define EDL_FN(name) EDL_CAT(name, EDL_VW)

namespace {

constexpr int VW = EDL_VW;
constexpr int NVMAX = VW == 16 ? 4 : 2;  // accumulator vectors per row: 6 x NVMAX must fit the register file
constexpr int MR = 6;                    // rows (pixels or input channels) per register tile
typedef float vf __attribute__((vector_size(VW * 4)));
typedef float vfu __attribute__((vector_size(VW * 4), aligned(4), may_alias));

inline vf load(const float* p) { return *reinterpret_cast<const vfu*>(p); }
inline void store(float* p, vf v) { *reinterpret_cast<vfu*>(p) = v; }
// The first n (< VW) floats at p in the low lanes, zeros above; the first n lanes of v stored at p.
inline vf load_first(const float* p, int n) {
  float tmp[VW] = {};
  memcpy(tmp, p, sizeof(float) * n);
  return load(tmp);
}
inline void store_first(float* p, vf v, int n) {
  float tmp[VW];
  store(tmp, v);
  memcpy(p, tmp, sizeof(float) * n);
}

// The fused activation of the conv epilogues (direct and Winograd), on a float or a vector of floats. As tfjs' cpu
// backend: NaN passes through every activation (a NaN compares false).
template <class T>
inline T activate(T v, int act, float alpha) {
  if (act == EDL_ACT_RELU) return v < 0.f ? T{} : v;
  if (act == EDL_ACT_RELU6) {
    v = v < 0.f ? T{} : v;
    return v > 6.f ? T{} + 6.f : v;
  }
  if (act == EDL_ACT_LEAKYRELU) return v < 0.f ? v * alpha : v;
  return v;
}

// C[i][0..ncol) (+)= sum_t sum_k A[t][i][k] * Bt[t][k][0..NV*VW). B panels are packed and zero padded.
template <int R, int NV>
void gather_tile(int ntap, const float* const* A, int koff, const float* const* Bt, int kc, float* const* C, int ncol,
                 bool accumulate, const float* bias, int act, float alpha) {
  vf c[R][NV];
#pragma GCC unroll 8
  for (int i = 0; i < R; i++)
#pragma GCC unroll 4
    for (int j = 0; j < NV; j++) c[i][j] = vf{};
  for (int t = 0; t < ntap; t++) {
    const float* b = Bt[t];
    const float* a[R];
#pragma GCC unroll 8
    for (int i = 0; i < R; i++) a[i] = A[t * R + i] + koff;
    for (int k = 0; k < kc; k++) {
      vf bv[NV];
#pragma GCC unroll 4
      for (int j = 0; j < NV; j++) bv[j] = load(b + j * VW);
#pragma GCC unroll 8
      for (int i = 0; i < R; i++) {
        const float av = a[i][k];
#pragma GCC unroll 4
        for (int j = 0; j < NV; j++) c[i][j] += av * bv[j];
      }
      b += NV * VW;
    }
  }
  for (int i = 0; i < R; i++) {
    float* out = C[i];
    if (ncol == NV * VW && !bias && act == EDL_ACT_LINEAR) {
#pragma GCC unroll 4
      for (int j = 0; j < NV; j++) store(out + j * VW, accumulate ? c[i][j] + load(out + j * VW) : c[i][j]);
    } else {
      float tmp[NV * VW];
      for (int j = 0; j < NV; j++) store(tmp + j * VW, c[i][j]);
      for (int n = 0; n < ncol; n++) {
        float v = accumulate ? tmp[n] + out[n] : tmp[n];
        if (bias) v += bias[n];
        out[n] = activate(v, act, alpha);
      }
    }
  }
}

using GatherFn = void (*)(int, const float* const*, int, const float* const*, int, float* const*, int, bool,
                          const float*, int, float);

template <int NV>
GatherFn gather_for_rows(int r) {
  switch (r) {
    case 1: return gather_tile<1, NV>;
    case 2: return gather_tile<2, NV>;
    case 3: return gather_tile<3, NV>;
    case 4: return gather_tile<4, NV>;
    case 5: return gather_tile<5, NV>;
    default: return gather_tile<MR, NV>;
  }
}

GatherFn gather_fn(int rows, int nv) {
  if (nv == 1) return gather_for_rows<1>(rows);
  if (NVMAX >= 2 && nv == 2) return gather_for_rows<2>(rows);
  if (NVMAX >= 3 && nv == 3) return gather_for_rows<NVMAX >= 3 ? 3 : 1>(rows);
  return gather_for_rows<NVMAX>(rows);
}

// Splits the reduction dimension (taps x channels) into blocks whose packed B slice stays in L2.
void k_blocks(int ntaps, int kc_total, int nr, int* nblocks, int* kc_block) {
  const int64_t budget = 768 * 1024 / 4;  // floats of B per block (measured best on a 1 MB L2: 2.4 GFLOP convs)
  const int64_t per_channel = (int64_t)ntaps * nr;
  int kcmax = (int)(budget / per_channel);
  if (kcmax < 8) kcmax = 8;
  int nb = (kc_total + kcmax - 1) / kcmax;
  if (nb < 1) nb = 1;
  *nblocks = nb;
  *kc_block = (kc_total + nb - 1) / nb;
}

// ---------------------------------------------------------------- forward
// Output pixels are flattened over (b, oh, ow) and cut into tiles of MR, so small feature maps (4x4 at 512
// channels) still fill the register tile. Each worker takes chunks of tiles; within a chunk the reduction is
// split into blocks whose packed filter slice stays in L2.
constexpr int MAX_TILES_PER_CHUNK = 32;

struct FwdCtx {
  const edl_conv_geom* g;
  const float* x;
  const float* bpack;  // [panel][tap][ci][NR]
  float* y;
  const float* zeros;  // >= Cin zeros: a tap outside the input reads zeros + koff
  const float* bias;
  int act;
  float alpha;
  int nv, nr, npanels, nkb, kcb;
  int64_t npix;
  int tiles_per_chunk;
  std::atomic<int> status;  // EDL_OK, or EDL_ERR_OUT_OF_MEMORY from a worker
};

void fwd_chunks(void* vctx, int c0, int c1) {
  FwdCtx& c = *static_cast<FwdCtx*>(vctx);
  const edl_conv_geom& g = *c.g;
  const int ntaps = g.KH * g.KW;
  const int tpc = c.tiles_per_chunk;
  const float** A = static_cast<const float**>(edl_malloc(sizeof(float*) * (size_t)ntaps * MR * tpc));
  const float** Bt = static_cast<const float**>(edl_malloc(sizeof(float*) * (size_t)ntaps));
  // per tap: its row and column in the filter, and its element offset from the tap (0, 0) of the same pixel
  struct Tap {
    int dh, dw;
    int64_t off;
  };
  Tap* taps = static_cast<Tap*>(edl_malloc(sizeof(Tap) * (size_t)ntaps));
  if (!A || !Bt || !taps) {
    edl_free(A);
    edl_free(Bt);
    edl_free(taps);
    c.status.store(EDL_ERR_OUT_OF_MEMORY);
    return;
  }
  for (int t = 0; t < ntaps; t++) {
    taps[t].dh = t / g.KW, taps[t].dw = t % g.KW;
    taps[t].off = ((int64_t)taps[t].dh * g.W + taps[t].dw) * g.Cin;
  }
  for (int chunk = c0; chunk < c1; chunk++) {
    const int64_t p0 = (int64_t)chunk * tpc * MR;
    const int64_t pend = p0 + (int64_t)tpc * MR < c.npix ? p0 + (int64_t)tpc * MR : c.npix;
    const int ntiles = (int)((pend - p0 + MR - 1) / MR);
    // input row pointers of every pixel and tap of the chunk (channel offset 0). The pixel index is split into
    // (b, oh, ow) once per chunk and then stepped: divisions per pixel and tap cost more than a small conv's
    // multiplies (8 channels at 28x28: half the time went here).
    int ow = (int)(p0 % g.OW), oh = (int)((p0 / g.OW) % g.OH), b = (int)(p0 / ((int64_t)g.OW * g.OH));
    for (int tile = 0; tile < ntiles; tile++) {
      const int64_t q0 = p0 + (int64_t)tile * MR;
      const int rows = pend - q0 < MR ? (int)(pend - q0) : MR;
      const float** At = A + (size_t)tile * ntaps * MR;
      for (int i = 0; i < rows; i++) {
        const int ih0 = oh * g.SH - g.PT, iw0 = ow * g.SW - g.PL;
        const float* base = c.x + (size_t)b * g.H * g.W * g.Cin;
        if (ih0 >= 0 && iw0 >= 0 && ih0 + g.KH <= g.H && iw0 + g.KW <= g.W) {
          // every tap inside the image: one base pointer plus fixed offsets
          const float* corner = base + ((size_t)ih0 * g.W + iw0) * g.Cin;
          for (int t = 0; t < ntaps; t++) At[t * rows + i] = corner + taps[t].off;
        } else for (int t = 0; t < ntaps; t++) {
          const int ih = ih0 + taps[t].dh, iw = iw0 + taps[t].dw;
          At[t * rows + i] = ((unsigned)ih >= (unsigned)g.H || (unsigned)iw >= (unsigned)g.W)
                                 ? c.zeros
                                 : base + ((size_t)ih * g.W + iw) * g.Cin;
        }
        if (++ow == g.OW) {
          ow = 0;
          if (++oh == g.OH) oh = 0, b++;
        }
      }
    }
    for (int kb = 0; kb < c.nkb; kb++) {
      const int k0 = kb * c.kcb;
      const int kc = (k0 + c.kcb <= g.Cin ? c.kcb : g.Cin - k0);
      const bool last = kb == c.nkb - 1;
      for (int p = 0; p < c.npanels; p++) {
        const int n0 = p * c.nr;
        const int ncol = g.Cout - n0 < c.nr ? g.Cout - n0 : c.nr;
        for (int t = 0; t < ntaps; t++) Bt[t] = c.bpack + (((size_t)p * ntaps + t) * g.Cin + k0) * c.nr;
        for (int tile = 0; tile < ntiles; tile++) {
          const int64_t q0 = p0 + (int64_t)tile * MR;
          const int rows = pend - q0 < MR ? (int)(pend - q0) : MR;
          float* C[MR];
          for (int i = 0; i < rows; i++) C[i] = c.y + (size_t)(q0 + i) * g.Cout + n0;
          gather_fn(rows, c.nv)(ntaps, A + (size_t)tile * ntaps * MR, k0, Bt, kc, C, ncol, kb > 0,
                                last && c.bias ? c.bias + n0 : nullptr, last ? c.act : 0, c.alpha);
        }
      }
    }
  }
  edl_free(A);
  edl_free(Bt);
  edl_free(taps);
}

// Packs the filter w [taps][Cin][Cout] into column panels of nr: out[p][t][ci][nr] = w[t][ci][p nr + j] (forward),
// or, with `transpose`, out[p][t][co][nr] = w[src(t)][p nr + j][co] (input gradient; src flips the taps when
// `flip`). Zero padded; taps run in parallel; the transpose goes by 16 x 16 blocks.
struct PackCtx {
  const float* w;
  float* out;
  int ntaps, cin, cout, nr, npanels;
  bool transpose, flip;
};

void pack_taps(void* v, int t0, int t1) {
  const PackCtx& c = *static_cast<PackCtx*>(v);
  for (int t = t0; t < t1; t++) {
    if (!c.transpose) {
      for (int p = 0; p < c.npanels; p++) {
        const int n = c.cout - p * c.nr < c.nr ? c.cout - p * c.nr : c.nr;
        for (int ci = 0; ci < c.cin; ci++)
          memcpy(c.out + (((size_t)p * c.ntaps + t) * c.cin + ci) * c.nr,
                 c.w + ((size_t)t * c.cin + ci) * c.cout + p * c.nr, sizeof(float) * n);
      }
      continue;
    }
    const int src = c.flip ? c.ntaps - 1 - t : t;
    const float* ws = c.w + (size_t)src * c.cin * c.cout;
    for (int ci0 = 0; ci0 < c.cin; ci0 += 16)
      for (int co0 = 0; co0 < c.cout; co0 += 16) {
        const int ci1 = ci0 + 16 < c.cin ? ci0 + 16 : c.cin, co1 = co0 + 16 < c.cout ? co0 + 16 : c.cout;
        for (int ci = ci0; ci < ci1; ci++) {
          const int p = ci / c.nr, j = ci % c.nr;
          float* dst = c.out + (((size_t)p * c.ntaps + t) * c.cout) * c.nr + j;
          const float* row = ws + (size_t)ci * c.cout;
          for (int co = co0; co < co1; co++) dst[(size_t)co * c.nr] = row[co];
        }
      }
  }
}

// The packed filter (null when out of memory; free with edl_free).
float* pack_filter(const float* w, int ntaps, int cin, int cout, int nr, bool transpose, bool flip,
                   const edl_parallel* par) {
  const int cols = transpose ? cin : cout;
  const int rows = transpose ? cout : cin;
  const int npanels = (cols + nr - 1) / nr;
  float* out = static_cast<float*>(edl_calloc((size_t)npanels * ntaps * rows * nr, sizeof(float)));
  if (!out) return nullptr;
  PackCtx c{w, out, ntaps, cin, cout, nr, npanels, transpose, flip};
  edl_pfor(par, ntaps, &c, pack_taps);
  return out;
}

edl_status run_forward(const edl_conv_geom* g, const float* x, const float* bpack, float* y, const float* bias,
                       int act, float alpha, int nv, int nr, int npanels, const edl_parallel* par) {
  const int ntaps = g->KH * g->KW;
  float* zeros = static_cast<float*>(edl_calloc((size_t)g->Cin + 16, sizeof(float)));
  if (!zeros) return EDL_ERR_OUT_OF_MEMORY;
  FwdCtx c{g, x, bpack, y, zeros, bias, act, alpha, nv, nr, npanels, 0, 0, (int64_t)g->B * g->OH * g->OW, 0, {EDL_OK}};
  k_blocks(ntaps, g->Cin, nr, &c.nkb, &c.kcb);
  const int64_t tiles = (c.npix + MR - 1) / MR;
  // at least 4 chunks per thread (balance), at most MAX_TILES_PER_CHUNK tiles each (cache)
  const int64_t tpc = (tiles + 4 * (int64_t)par->threads - 1) / (4 * (int64_t)par->threads);
  c.tiles_per_chunk = (int)(tpc < 1 ? 1 : tpc > MAX_TILES_PER_CHUNK ? MAX_TILES_PER_CHUNK : tpc);
  edl_pfor(par, (int)((tiles + c.tiles_per_chunk - 1) / c.tiles_per_chunk), &c, fwd_chunks);
  edl_free(zeros);
  return (edl_status)c.status.load();
}

int choose_nv(int n) {
  int nv = (n + VW - 1) / VW;
  return nv > NVMAX ? NVMAX : nv;
}

#include "conv-winograd.h"

// ---------------------------------------------------------------- backprop input
struct BinCtx {
  const edl_conv_geom* g;
  const float* dy;
  const float* bpack;  // [panel over ci][tap][co][NR]
  float* dx;
  const float* zeros;
  int nv, nr, npanels, nkb, kcb;
  std::atomic<int> status;
};

void bin_rows(void* vctx, int r0, int r1) {
  BinCtx& c = *static_cast<BinCtx*>(vctx);
  const edl_conv_geom& g = *c.g;
  const int ntaps = g.KH * g.KW;
  const float** A = static_cast<const float**>(edl_malloc(sizeof(float*) * (size_t)ntaps * MR));
  const float** Bt = static_cast<const float**>(edl_malloc(sizeof(float*) * (size_t)ntaps));
  int* taps = static_cast<int*>(edl_malloc(sizeof(int) * (size_t)ntaps));
  int* tap_oh = static_cast<int*>(edl_malloc(sizeof(int) * (size_t)ntaps));
  if (!A || !Bt || !taps || !tap_oh) {
    r1 = r0;  // nothing to do but free what was allocated
    c.status.store(EDL_ERR_OUT_OF_MEMORY);
  }
  for (int r = r0; r < r1; r++) {
    const int b = r / g.H, ih = r % g.H;
    float* xrow = c.dx + ((size_t)r * g.W) * g.Cin;
    for (int q = 0; q < g.SW && q < g.W; q++) {
      // taps whose (kh, kw) reach pixels of this row with iw = q (mod SW)
      int nt = 0;
      for (int kh = 0; kh < g.KH; kh++) {
        const int num = ih + g.PT - kh;
        if (num < 0 || num % g.SH != 0 || num / g.SH >= g.OH) continue;
        for (int kw = 0; kw < g.KW; kw++) {
          int m = (q + g.PL - kw) % g.SW;
          if (m < 0) m += g.SW;
          if (m != 0) continue;
          taps[nt] = kh * g.KW + kw;
          tap_oh[nt] = num / g.SH;
          nt++;
        }
      }
      const int npix = (g.W - q + g.SW - 1) / g.SW;
      for (int kb = 0; kb < c.nkb; kb++) {
        const int c0 = kb * c.kcb;
        const int kc = (c0 + c.kcb <= g.Cout ? c.kcb : g.Cout - c0);
        for (int j0 = 0; j0 < npix; j0 += MR) {
          const int rows = npix - j0 < MR ? npix - j0 : MR;
          for (int t = 0; t < nt; t++) {
            // iw = q + j SW reaches ow = (q + PL - kw) / SW + j (exact: the tap was chosen so that SW divides it)
            const int ow0 = (q + g.PL - taps[t] % g.KW) / g.SW + j0;
            const float* row = c.dy + ((size_t)b * g.OH + tap_oh[t]) * g.OW * g.Cout + c0;
            for (int i = 0; i < rows; i++) {
              const int ow = ow0 + i;
              A[t * rows + i] = (unsigned)ow >= (unsigned)g.OW ? c.zeros : row + (size_t)ow * g.Cout;
            }
          }
          for (int p = 0; p < c.npanels; p++) {
            const int n0 = p * c.nr;
            const int ncol = g.Cin - n0 < c.nr ? g.Cin - n0 : c.nr;
            for (int t = 0; t < nt; t++) Bt[t] = c.bpack + (((size_t)p * ntaps + taps[t]) * g.Cout + c0) * c.nr;
            float* C[MR];
            for (int i = 0; i < rows; i++) C[i] = xrow + (size_t)(q + (j0 + i) * g.SW) * g.Cin + n0;
            gather_fn(rows, c.nv)(nt, A, 0, Bt, kc, C, ncol, kb > 0, nullptr, 0, 0.f);
          }
        }
      }
    }
  }
  edl_free(A);
  edl_free(Bt);
  edl_free(taps);
  edl_free(tap_oh);
}

// ---------------------------------------------------------------- backprop filter
// dW[t][ci][co] += sum_pixels x[pixel shifted by t][ci] * dy[pixel][co]: outer products, MR input channels
// broadcast from x against NV vectors of dy, accumulated in registers over a chunk of output rows.
template <int R, int NV>
void outer_tile(const edl_conv_geom& g, const float* x, const float* dy, int rlo, int rhi, int kh, int kw, int ci0,
                int co0, float* dw_row0) {
  vf c[R][NV];
#pragma GCC unroll 8
  for (int i = 0; i < R; i++)
#pragma GCC unroll 4
    for (int j = 0; j < NV; j++) c[i][j] = vf{};
  for (int r = rlo; r < rhi; r++) {
    const int b = r / g.OH, oh = r % g.OH;
    const int ih = oh * g.SH + kh - g.PT;
    if (ih < 0 || ih >= g.H) continue;
    // ow range with 0 <= ow*SW + kw - PL < W
    int lo = g.PL - kw > 0 ? (g.PL - kw + g.SW - 1) / g.SW : 0;
    int hi = (g.W - 1 + g.PL - kw);
    hi = hi < 0 ? -1 : hi / g.SW;
    if (hi > g.OW - 1) hi = g.OW - 1;
    const float* xp = x + (((size_t)b * g.H + ih) * g.W + (lo * g.SW + kw - g.PL)) * g.Cin + ci0;
    const float* dp = dy + (((size_t)b * g.OH + oh) * g.OW + lo) * g.Cout + co0;
    const size_t xstep = (size_t)g.SW * g.Cin;
    for (int ow = lo; ow <= hi; ow++) {
      vf bv[NV];
#pragma GCC unroll 4
      for (int j = 0; j < NV; j++) bv[j] = load(dp + j * VW);
#pragma GCC unroll 8
      for (int i = 0; i < R; i++) {
        const float av = xp[i];
#pragma GCC unroll 4
        for (int j = 0; j < NV; j++) c[i][j] += av * bv[j];
      }
      xp += xstep;
      dp += g.Cout;
    }
  }
  for (int i = 0; i < R; i++) {
    float* out = dw_row0 + (size_t)i * g.Cout;
#pragma GCC unroll 4
    for (int j = 0; j < NV; j++) store(out + j * VW, c[i][j] + load(out + j * VW));
  }
}

using OuterFn = void (*)(const edl_conv_geom&, const float*, const float*, int, int, int, int, int, int, float*);

template <int NV>
OuterFn outer_for_rows(int r) {
  switch (r) {
    case 1: return outer_tile<1, NV>;
    case 2: return outer_tile<2, NV>;
    case 3: return outer_tile<3, NV>;
    case 4: return outer_tile<4, NV>;
    case 5: return outer_tile<5, NV>;
    default: return outer_tile<MR, NV>;
  }
}

OuterFn outer_fn(int rows, int nv) {
  if (nv == 1) return outer_for_rows<1>(rows);
  if (NVMAX >= 2 && nv == 2) return outer_for_rows<2>(rows);
  if (NVMAX >= 3 && nv == 3) return outer_for_rows<NVMAX >= 3 ? 3 : 1>(rows);
  return outer_for_rows<NVMAX>(rows);
}

// Columns co >= Cout - Cout % VW: plain scalar loops.
void outer_tail(const edl_conv_geom& g, const float* x, const float* dy, int rlo, int rhi, int kh, int kw,
                int co0, int ci_lo, int ci_hi, float* dw_tap) {
  for (int r = rlo; r < rhi; r++) {
    const int b = r / g.OH, oh = r % g.OH;
    const int ih = oh * g.SH + kh - g.PT;
    if (ih < 0 || ih >= g.H) continue;
    for (int ow = 0; ow < g.OW; ow++) {
      const int iw = ow * g.SW + kw - g.PL;
      if (iw < 0 || iw >= g.W) continue;
      const float* xp = x + (((size_t)b * g.H + ih) * g.W + iw) * g.Cin;
      const float* dp = dy + (((size_t)b * g.OH + oh) * g.OW + ow) * g.Cout;
      for (int ci = ci_lo; ci < ci_hi; ci++) {
        float* out = dw_tap + (size_t)ci * g.Cout;
        for (int co = co0; co < g.Cout; co++) out[co] += xp[ci] * dp[co];
      }
    }
  }
}

struct BfCtx {
  const edl_conv_geom* g;
  const float* x;
  const float* dy;
  float** parts;  // rows split: one zeroed dW buffer per part; channel split: parts[0] = dW for all
  int nparts;
  int rows_per_chunk;
  bool channel_split;  // parts own input-channel ranges of dW (large filters) instead of ranges of rows
};

void bf_part(void* vctx, int p0, int p1) {
  const BfCtx& c = *static_cast<BfCtx*>(vctx);
  const edl_conv_geom& g = *c.g;
  const int nrows = g.B * g.OH;
  const int vec_cols = g.Cout - g.Cout % VW;
  const int cblocks = (g.Cin + MR - 1) / MR;
  for (int p = p0; p < p1; p++) {
    float* dw = c.channel_split ? c.parts[0] : c.parts[p];
    int r0 = 0, r1 = nrows, cb0 = 0, cb1 = cblocks;
    if (c.channel_split) {
      cb0 = (int)((int64_t)cblocks * p / c.nparts), cb1 = (int)((int64_t)cblocks * (p + 1) / c.nparts);
    } else {
      r0 = (int)((int64_t)nrows * p / c.nparts), r1 = (int)((int64_t)nrows * (p + 1) / c.nparts);
    }
    for (int rc = r0; rc < r1; rc += c.rows_per_chunk) {
      const int rce = rc + c.rows_per_chunk < r1 ? rc + c.rows_per_chunk : r1;
      for (int kh = 0; kh < g.KH; kh++)
        for (int kw = 0; kw < g.KW; kw++) {
          float* dw_tap = dw + ((size_t)(kh * g.KW + kw) * g.Cin) * g.Cout;
          for (int ci0 = cb0 * MR; ci0 < g.Cin && ci0 < cb1 * MR; ci0 += MR) {
            const int rows = g.Cin - ci0 < MR ? g.Cin - ci0 : MR;
            for (int co0 = 0; co0 < vec_cols; co0 += NVMAX * VW) {
              int nv = (vec_cols - co0) / VW;
              if (nv > NVMAX) nv = NVMAX;
              outer_fn(rows, nv)(g, c.x, c.dy, rc, rce, kh, kw, ci0, co0, dw_tap + (size_t)ci0 * g.Cout + co0);
            }
          }
          if (vec_cols < g.Cout) {
            const int hi = cb1 * MR < g.Cin ? cb1 * MR : g.Cin;
            if (cb0 * MR < hi) outer_tail(g, c.x, c.dy, rc, rce, kh, kw, vec_cols, cb0 * MR, hi, dw_tap);
          }
        }
    }
  }
}

struct SumCtx {
  float** parts;
  int nparts;
  float* out;
};

void sum_parts(void* vctx, int i0, int i1) {
  const SumCtx& c = *static_cast<SumCtx*>(vctx);
  for (int p = 1; p < c.nparts; p++)
    for (int i = i0; i < i1; i++) c.out[i] += c.parts[p][i];
}

}  // namespace

extern "C" edl_status EDL_FN(edl_conv2d_forward_)(const edl_conv_geom* g, const float* x, const float* w, float* y,
                                                    const float* bias, int act, float alpha, const edl_parallel* par) {
  // the algorithm rule (README, conv-winograd.h): Winograd F(2x2, 3x3) for large enough 3x3 stride-1 convs
  if (wino_applies(*g)) return run_winograd(g, x, w, false, y, bias, act, alpha, par);
  const int ntaps = g->KH * g->KW;
  const int nv = choose_nv(g->Cout), nr = nv * VW;
  const int npanels = (g->Cout + nr - 1) / nr;
  float* bpack = pack_filter(w, ntaps, g->Cin, g->Cout, nr, false, false, par);
  if (!bpack) return EDL_ERR_OUT_OF_MEMORY;
  const edl_status st = run_forward(g, x, bpack, y, bias, act, alpha, nv, nr, npanels, par);
  edl_free(bpack);
  return st;
}

extern "C" edl_status EDL_FN(edl_conv2d_backprop_input_)(const edl_conv_geom* g, const float* dy, const float* w,
                                                           float* dx, const edl_parallel* par) {
  const int ntaps = g->KH * g->KW;
  if (g->SH == 1 && g->SW == 1 && g->KH - 1 - g->PT >= 0 && g->KW - 1 - g->PL >= 0) {
    // dx = conv(dy, W flipped in space with in/out channels swapped), padding k - 1 - p: a plain forward conv.
    edl_conv_geom f{g->B, g->OH, g->OW, g->Cout, g->H, g->W, g->Cin, g->KH, g->KW, 1, 1, g->KH - 1 - g->PT,
                    g->KW - 1 - g->PL};
    // the same rule as the forward, for this conv of dy with the flipped filter, in / out channels swapped
    if (wino_applies(f)) return run_winograd(&f, dy, w, true, dx, nullptr, EDL_ACT_LINEAR, 0.f, par);
    const int nv = choose_nv(g->Cin), nr = nv * VW;
    const int npanels = (g->Cin + nr - 1) / nr;
    float* bpack = pack_filter(w, ntaps, g->Cin, g->Cout, nr, true, true, par);
    if (!bpack) return EDL_ERR_OUT_OF_MEMORY;
    const edl_status st = run_forward(&f, dy, bpack, dx, nullptr, EDL_ACT_LINEAR, 0.f, nv, nr, npanels, par);
    edl_free(bpack);
    return st;
  }
  const int nv = choose_nv(g->Cin), nr = nv * VW;
  const int npanels = (g->Cin + nr - 1) / nr;
  float* bpack = pack_filter(w, ntaps, g->Cin, g->Cout, nr, true, false, par);
  float* zeros = static_cast<float*>(edl_calloc((size_t)g->Cout + 16, sizeof(float)));
  if (!bpack || !zeros) {
    edl_free(bpack);
    edl_free(zeros);
    return EDL_ERR_OUT_OF_MEMORY;
  }
  BinCtx c{g, dy, bpack, dx, zeros, nv, nr, npanels, 0, 0, {EDL_OK}};
  k_blocks(ntaps, g->Cout, nr, &c.nkb, &c.kcb);
  edl_pfor(par, g->B * g->H, &c, bin_rows);
  edl_free(zeros);
  edl_free(bpack);
  return (edl_status)c.status.load();
}

extern "C" edl_status EDL_FN(edl_conv2d_backprop_filter_)(const edl_conv_geom* g, const float* x, const float* dy,
                                                            float* dw, const edl_parallel* par) {
  const size_t n = (size_t)g->KH * g->KW * g->Cin * g->Cout;
  const int nrows = g->B * g->OH;
  int nparts = par->threads;
  // A filter larger than the activations (deep layers on small maps): split dW by input channels, no partial sums.
  const size_t act = (size_t)g->B * g->H * g->W * g->Cin + (size_t)nrows * g->OW * g->Cout;
  const int cblocks = (g->Cin + MR - 1) / MR;
  const bool channel_split = n > act && cblocks >= nparts;
  if (!channel_split && nparts > nrows) nparts = nrows > 0 ? nrows : 1;
  float** parts = static_cast<float**>(edl_calloc((size_t)nparts, sizeof(float*)));
  if (!parts) return EDL_ERR_OUT_OF_MEMORY;
  memset(dw, 0, n * sizeof(float));
  parts[0] = dw;
  edl_status st = EDL_OK;
  if (!channel_split)
    for (int p = 1; p < nparts && st == EDL_OK; p++) {
      parts[p] = static_cast<float*>(edl_calloc(n, sizeof(float)));
      if (!parts[p]) st = EDL_ERR_OUT_OF_MEMORY;
    }
  if (st == EDL_OK) {
    const int64_t bytes_per_row = (int64_t)g->OW * ((int64_t)g->Cin * g->SW + g->Cout) * 4;
    int64_t rpc = (channel_split ? 512 : 192) * 1024 / (bytes_per_row > 0 ? bytes_per_row : 1);
    if (rpc < 1) rpc = 1;
    BfCtx c{g, x, dy, parts, nparts, (int)rpc, channel_split};
    edl_pfor(par, nparts, &c, bf_part);
    if (!channel_split && nparts > 1) {
      SumCtx s{parts, nparts, dw};
      edl_pfor(par, (int)n, &s, sum_parts);
    }
  }
  if (!channel_split)
    for (int p = 1; p < nparts; p++) edl_free(parts[p]);
  edl_free(parts);
  return st;
}
